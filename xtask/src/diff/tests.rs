//! The diff on temporary git copies of the real `spec/`: each mutation a maintainer might
//! meet gives its line and class in the report.

use std::{fs, path::Path, process::Command};

use serde_json::{Value, json};

use super::{FailOn, run as diff_run};
use crate::{
    Mode, canonical::to_canonical_string, fragments, generate, generate::OVERLAY, project_root,
};

/// A git repository holding a copy of the real `spec/`, committed.
struct Copy {
    dir: tempfile::TempDir,
}

impl Copy {
    fn new() -> Copy {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = project_root();
        fragments::copy_folders(&real, dir.path());
        fs::create_dir_all(dir.path().join("crates/currents-api")).expect("create the package");
        for file in [generate::SPEC, OVERLAY, generate::PACKAGED_SPEC] {
            fs::copy(real.join(file), dir.path().join(file)).expect("copy spec file");
        }
        let copy = Copy { dir };
        copy.git(&["init", "-q"]);
        copy.commit("the real spec");
        copy
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(self.root())
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
            .args(args)
            .status()
            .expect("run git");
        assert!(status.success(), "git {args:?}");
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn edit(&self, file: &str, edit: impl FnOnce(&mut Value)) {
        let path = fragments::directory(self.root()).join(file);
        let mut document: Value =
            serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("JSON");
        edit(&mut document);
        fs::write(&path, to_canonical_string(&document)).expect("write");
    }

    fn edit_overlay(&self, edit: impl FnOnce(&mut Value)) {
        let path = self.root().join(OVERLAY);
        let mut overlay: Value =
            serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("JSON");
        edit(&mut overlay);
        fs::write(&path, to_canonical_string(&overlay)).expect("write");
    }

    /// `cargo xtask gen --check --report`: the report, without writing the spec.
    fn report(&self) -> String {
        let path = self.root().join("report.md");
        // A stale spec is what the mutation makes; the report is written either way.
        let _ = generate::run(self.root(), Mode::Check, Some(&path));
        fs::read_to_string(path).expect("a report")
    }
}

fn assert_row(report: &str, class: &str, change: &str, source: &str) {
    let row = report
        .lines()
        .find(|line| line.starts_with(&format!("| {class} | {change} |")));
    match row {
        Some(row) => assert!(row.ends_with(&format!("| {source} |")), "{row}\n{report}"),
        None => panic!("no `{class} | {change}` row in:\n{report}"),
    }
}

/// Both fragments that define `Run` must change together, or the merge refuses them.
fn edit_run_status(copy: &Copy, edit: impl Fn(&mut Vec<Value>)) {
    for file in ["getRun.json", "findRun.json"] {
        copy.edit(file, |doc| {
            let values = doc["components"]["schemas"]["Run"]["properties"]["status"]["enum"]
                .as_array_mut()
                .expect("an enum");
            edit(values);
        });
    }
}

#[test]
fn an_optional_query_parameter_is_additive() {
    let copy = Copy::new();
    copy.edit("findRun.json", |doc| {
        doc["paths"]["/runs/find"]["get"]["parameters"]
            .as_array_mut()
            .expect("parameters")
            .push(json!({ "name": "environment", "in": "query", "schema": { "type": "string" } }));
    });
    let report = copy.report();
    assert_row(
        &report,
        "additive",
        "query parameter `environment` added, optional",
        "fragment",
    );
    assert!(
        report.starts_with("## API changes: 0 breaking, 1 additive, 0 documentation"),
        "{report}"
    );
}

#[test]
fn a_parameter_made_required_is_breaking() {
    let copy = Copy::new();
    copy.edit("findRun.json", |doc| {
        doc["paths"]["/runs/find"]["get"]["parameters"][1]["required"] = true.into();
    });
    assert_row(
        &copy.report(),
        "breaking",
        "query parameter `ciBuildId` is now required",
        "fragment",
    );
}

#[test]
fn a_removed_enum_value_is_breaking_and_an_added_one_additive() {
    let copy = Copy::new();
    edit_run_status(&copy, |values| values.retain(|value| value != "timedOut"));
    assert_row(
        &copy.report(),
        "breaking",
        "enum value `timedOut` removed from `status`",
        "fragment",
    );
    let copy = Copy::new();
    edit_run_status(&copy, |values| values.push("errored".into()));
    assert_row(
        &copy.report(),
        "additive",
        "enum value `errored` added to `status`",
        "fragment",
    );
}

#[test]
fn a_lower_max_items_is_breaking() {
    let copy = Copy::new();
    copy.edit("resetRun.json", |doc| {
        doc["components"]["schemas"]["ResetRunRequest"]["properties"]["machineId"]["maxItems"] =
            50.into();
    });
    assert_row(
        &copy.report(),
        "breaking",
        "`maxItems` of `machineId` changed from `63` to `50`",
        "fragment",
    );
}

#[test]
fn a_changed_description_is_documentation_on_one_line() {
    let copy = Copy::new();
    copy.edit("cancelRun.json", |doc| {
        doc["paths"]["/runs/{runId}/cancel"]["put"]["description"] = "Stop a run".into();
        doc["paths"]["/runs/{runId}/cancel"]["put"]["summary"] = "Stop run".into();
    });
    let report = copy.report();
    assert_row(
        &report,
        "documentation",
        "2 descriptions changed",
        "fragment",
    );
    assert_eq!(report.matches("| documentation |").count(), 1, "{report}");
}

#[test]
fn a_new_operation_is_additive_and_a_removed_one_breaking() {
    let copy = Copy::new();
    let mut archive: Value = serde_json::from_str(
        &fs::read_to_string(fragments::directory(copy.root()).join("deleteRun.json"))
            .expect("read"),
    )
    .expect("JSON");
    let operation = archive["paths"]["/runs/{runId}"]["delete"].take();
    archive["paths"] = json!({ "/runs/{runId}/archive": { "put": operation } });
    archive["paths"]["/runs/{runId}/archive"]["put"]["operationId"] = "archiveRun".into();
    fs::write(
        fragments::directory(copy.root()).join("archiveRun.json"),
        to_canonical_string(&archive),
    )
    .expect("write");
    fs::remove_file(fragments::directory(copy.root()).join("deleteRun.json")).expect("remove");
    let report = copy.report();
    assert_row(
        &report,
        "additive",
        "operation added: `PUT /runs/{runId}/archive`",
        "fragment",
    );
    assert_row(
        &report,
        "breaking",
        "operation removed: `DELETE /runs/{runId}`",
        "fragment",
    );
}

#[test]
fn a_change_made_only_by_the_overlay_says_so() {
    let copy = Copy::new();
    copy.edit_overlay(|overlay| {
        overlay["actions"]
            .as_array_mut()
            .expect("actions")
            .push(json!({
                "target": "$.components.parameters.RunIdPath.schema",
                "description": "Run ids are at most 64 characters.",
                "x-source": "test",
                "update": { "maxLength": 64 }
            }));
    });
    assert_row(
        &copy.report(),
        "breaking",
        "`maxLength` of `runId` set to `64`",
        "overlay",
    );
}

#[test]
fn an_unchanged_spec_has_no_changes_and_reports_are_the_same_every_time() {
    let copy = Copy::new();
    let unchanged = copy.report();
    assert!(unchanged.starts_with("## API changes: none"), "{unchanged}");
    let out = generate::run(copy.root(), Mode::Check, None).expect("current");
    assert!(!out.contains("API changes"), "{out}");

    edit_run_status(&copy, |values| values.push("errored".into()));
    let (first, second) = (copy.report(), copy.report());
    assert_eq!(first, second);
}

#[test]
fn diff_compares_a_revision_with_the_working_tree_and_fails_on_breaking_changes() {
    let copy = Copy::new();
    edit_run_status(&copy, |values| values.retain(|value| value != "timedOut"));
    generate::run(copy.root(), Mode::Write, None).expect("gen");
    copy.commit("drop timedOut");

    let report = copy.root().join("pr.md");
    let out = diff_run(copy.root(), "HEAD~1", Some(&report), None).expect("a diff");
    assert!(
        out.contains("schema Run: breaking: enum value `timedOut` removed from `status`"),
        "{out}"
    );
    assert_row(
        &fs::read_to_string(&report).expect("report"),
        "breaking",
        "enum value `timedOut` removed from `status`",
        "fragment",
    );
    let failed = diff_run(copy.root(), "HEAD~1", None, Some(FailOn::Breaking))
        .expect_err("a breaking change");
    assert!(
        failed
            .to_string()
            .ends_with("1 breaking change(s) since HEAD~1"),
        "{failed}"
    );
    let same = diff_run(copy.root(), "HEAD", None, Some(FailOn::Breaking)).expect("no change");
    assert_eq!(same, "no API changes since HEAD\n");
}
