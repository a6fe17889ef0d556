//! The review CI posts on a pull request that changes the spec (`cargo xtask review`), on a
//! copy of the workspace under git: a new optional parameter is an additive change of its
//! operation and moves exactly that operation's snapshot; a removed one is breaking.

mod workspace_copy;

use std::{path::Path, process::Command};

use workspace_copy::{
    SNAPSHOTS, cargo, cargo_with, copy_workspace, mutate, project_runs_parameters, text, workspace,
};

fn git(copy: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=review",
            "-c",
            "user.email=review@localhost",
        ])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(copy)
        .output()
        .expect("run git");
    assert!(output.status.success(), "git {args:?}: {}", text(&output));
}

/// The review of the copy's working tree against its commit.
fn review(copy: &Path) -> String {
    let root = copy.to_str().expect("a UTF-8 temp path");
    let args = ["xtask", "--root", root, "review", "--base", "HEAD"];
    let output = cargo(workspace(), &args);
    assert!(output.status.success(), "xtask review: {}", text(&output));
    String::from_utf8(output.stdout).expect("a UTF-8 review")
}

/// The API diff's section of one operation.
fn section<'a>(review: &'a str, operation: &str) -> &'a str {
    let heading = format!("Operation `{operation}`");
    review
        .split("\n### ")
        .find(|section| section.starts_with(&heading))
        .unwrap_or_else(|| panic!("no section for {operation}:\n{review}"))
}

/// The areas the review's snapshot table names, with how each moved.
fn areas(review: &str) -> Vec<(String, String)> {
    review
        .lines()
        .filter_map(|line| {
            let cells = line.strip_prefix("| `")?.split(" | ").collect::<Vec<_>>();
            let [area, how, _file] = cells[..] else {
                return None;
            };
            Some((area.trim_end_matches('`').to_owned(), how.to_owned()))
        })
        .collect()
}

#[test]
fn the_review_names_the_change_its_class_and_the_snapshot_areas_that_moved() {
    let (_dir, copy) = copy_workspace();
    git(&copy, &["init", "-q"]);
    git(&copy, &["add", "-A"]);
    git(&copy, &["commit", "-qm", "the base"]);

    // An optional filter, and the snapshots written as a contributor would accept them.
    mutate(&copy, "listProjectRuns.json", |doc| {
        project_runs_parameters(doc).push(serde_json::json!({
            "name": "machine", "in": "query", "required": false,
            "description": "Only runs that used this machine.",
            "schema": { "type": "string" }
        }));
    });
    let accepted = cargo_with(&copy, SNAPSHOTS, &[("INSTA_UPDATE", "always")]);
    assert!(accepted.status.success(), "{}", text(&accepted));
    let additive = review(&copy);
    eprintln!("{additive}");
    assert!(
        additive.starts_with("<!-- currents-spec-review -->\n"),
        "{additive}"
    );
    assert!(
        additive.contains("**Breaking for Rust callers: no.**"),
        "{additive}"
    );
    assert!(
        additive.contains("## API changes: 0 breaking, 1 additive, 0 documentation"),
        "{additive}"
    );
    let operation = section(&additive, "listProjectRuns");
    assert!(
        operation.contains("| additive |") && operation.contains("`machine`"),
        "{operation}"
    );
    assert_eq!(
        areas(&additive),
        [(
            "operations-list_project_runs".to_owned(),
            "changed".to_owned()
        )],
        "{additive}"
    );

    // Back to the base, then a filter removed.
    git(&copy, &["checkout", "-q", "--", "."]);
    mutate(&copy, "listProjectRuns.json", |doc| {
        project_runs_parameters(doc)
            .retain(|parameter| parameter["$ref"] != "#/components/parameters/RunFeedAuthorQuery");
    });
    let breaking = review(&copy);
    assert!(
        breaking.contains("**Breaking for Rust callers: yes.** 1 breaking change(s)"),
        "{breaking}"
    );
    let operation = section(&breaking, "listProjectRuns");
    assert!(
        operation.contains("| breaking |") && operation.contains("`authors[]`"),
        "{operation}"
    );
}
