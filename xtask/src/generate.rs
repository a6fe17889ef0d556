//! `cargo xtask gen`: fragments + overlay -> validated `spec/currents.json`, and what that
//! changes in the API.

use std::{fs, path::Path};

use anyhow::Context as _;
use serde_json::Value;

use crate::{
    Mode, canonical::to_canonical_string, diff, fragments, git, merge::merge, overlay,
    summary::Summary, validate::validate,
};

/// The merged spec, relative to the workspace root.
pub(crate) const SPEC: &str = "spec/currents.json";
/// Its copy inside currents-api's package, which the build script reads, so that the package
/// builds on its own (from a registry, vendored); always identical to [`SPEC`].
pub(crate) const PACKAGED_SPEC: &str = "crates/currents-api/currents.json";
/// The local adjustments applied after the merge.
pub(crate) const OVERLAY: &str = "spec/overlay.json";

/// Merges, adjusts and validates the fragments, then writes or checks the spec. Nothing is
/// written unless every step succeeds. With `report`, the API diff between the spec on disk
/// before the run and the new one is written there as Markdown.
pub(crate) fn run(root: &Path, mode: Mode, report: Option<&Path>) -> anyhow::Result<String> {
    let fragments = fragments::read_all(root)?;
    let overlay = read_json(&root.join(OVERLAY))?;
    let merged = build(&fragments, overlay.as_ref())?;
    let text = to_canonical_string(&merged);

    let spec_path = root.join(SPEC);
    let previous_text = fs::read_to_string(&spec_path).ok();
    let previous = previous_text
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok());
    let summary = Summary::new(fragments.len(), previous.as_ref(), &merged);
    let fresh = previous_text.as_deref() == Some(text.as_str());

    let old = previous.unwrap_or(Value::Null);
    let inputs = fragment_merges(root, previous_text.as_deref(), &fragments);
    let changes = diff::diff(&old, &merged, inputs.as_ref().map(|(a, b)| (a, b)))
        .context("the spec model cannot read one side of the diff")?;
    if let Some(report) = report {
        let markdown = diff::markdown(
            &changes,
            &format!("`{SPEC}` as it was"),
            "as generated from `spec/fragments/` and `spec/overlay.json`",
            &merged,
            &old,
        );
        fs::write(report, markdown)
            .with_context(|| format!("cannot write {}", report.display()))?;
    }
    let summary = format!("{summary}{}", diff::text(&changes));

    let packaged_path = root.join(PACKAGED_SPEC);
    let packaged_fresh = fs::read_to_string(&packaged_path).ok().as_deref() == Some(text.as_str());
    match (mode, fresh) {
        (_, true) if packaged_fresh => Ok(format!("{summary}{SPEC} is up to date\n")),
        (Mode::Check, true) => {
            anyhow::bail!("{PACKAGED_SPEC} differs from {SPEC}; run `cargo xtask gen` to copy it")
        }
        (Mode::Write, _) => {
            for path in [&spec_path, &packaged_path] {
                fs::write(path, &text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            Ok(format!("{summary}wrote {SPEC} and {PACKAGED_SPEC}\n"))
        }
        (Mode::Check, false) => {
            let previous_text = previous_text.unwrap_or_default();
            let diff = similar::TextDiff::from_lines(&previous_text, &text)
                .unified_diff()
                .context_radius(3)
                .header(
                    &format!("{SPEC} (committed)"),
                    &format!("{SPEC} (from spec/fragments)"),
                )
                .to_string();
            anyhow::bail!("{SPEC} is stale:\n{summary}{diff}\nrun `cargo xtask gen` to update it")
        }
    }
}

/// The fragments-only merges before and after, which tell the overlay's changes from the
/// fragments': before is the last commit's fragments, if its spec is the one on disk.
fn fragment_merges(
    root: &Path,
    previous_text: Option<&str>,
    fragments: &[fragments::Fragment],
) -> Option<(Value, Value)> {
    let committed = git::show(root, "HEAD", SPEC).ok()??;
    if Some(committed.as_str()) != previous_text {
        return None;
    }
    let before = fragments_merge_at(root, Some("HEAD")).ok()?;
    let overlay = read_json(&root.join(OVERLAY)).ok()?;
    let after = merge_fragments(fragments, overlay.as_ref()).ok()?;
    Some((before, after))
}

/// The merged, adjusted and validated document for these fragments.
pub(crate) fn build(
    fragments: &[fragments::Fragment],
    overlay: Option<&Value>,
) -> anyhow::Result<Value> {
    let mut merged = merge_fragments(fragments, overlay)?;
    if let Some(overlay) = overlay {
        overlay::apply(&mut merged, overlay).with_context(|| format!("cannot apply {OVERLAY}"))?;
    }
    validate(&merged)?;
    // Running the generator here means a document it cannot handle is reported now, plainly,
    // and never first as a panic in currents-api's build script.
    currents_codegen::generate(&merged)
        .context("the merged spec is valid OpenAPI, but the client cannot be generated from it")?;
    Ok(merged)
}

/// The fragments, after the overlay's fragment-scoped actions, merged into one document.
pub(crate) fn merge_fragments(
    fragments: &[fragments::Fragment],
    overlay: Option<&Value>,
) -> anyhow::Result<Value> {
    let mut fragments = fragments.to_vec();
    if let Some(overlay) = overlay {
        overlay::apply_to_fragments(&mut fragments, overlay)
            .with_context(|| format!("cannot apply {OVERLAY} to spec/fragments"))?;
    }
    merge(&fragments).context("cannot merge spec/fragments")
}

/// The fragments merge (fragment-scoped overlay actions included) at a git revision, or in
/// the working tree for `None`.
pub(crate) fn fragments_merge_at(root: &Path, revision: Option<&str>) -> anyhow::Result<Value> {
    let (fragments, overlay) = match revision {
        Some(revision) => (
            git::fragments_at(root, revision)?,
            git::show(root, revision, OVERLAY)?
                .map(|text| serde_json::from_str(&text))
                .transpose()?,
        ),
        None => (fragments::read_all(root)?, read_json(&root.join(OVERLAY))?),
    };
    merge_fragments(&fragments, overlay.as_ref())
}

fn read_json(path: &Path) -> anyhow::Result<Option<Value>> {
    if !path.exists() {
        return Ok(None);
    }
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not valid JSON", path.display()))?;
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::project_root;

    /// The check `cargo xtask gen --check` runs, so that plain `cargo test` catches a stale spec.
    #[test]
    fn committed_spec_is_current() {
        if let Err(error) = run(&project_root(), Mode::Check, None) {
            panic!("{error:#}");
        }
    }

    /// A copy of the real `spec/` directory to break on purpose.
    fn spec_copy() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let real = project_root();
        fragments::copy_folders(&real, dir.path());
        fs::create_dir_all(dir.path().join("crates/currents-api")).expect("create the package");
        for file in [SPEC, OVERLAY, PACKAGED_SPEC] {
            fs::copy(real.join(file), dir.path().join(file)).expect("copy spec file");
        }
        let root = dir.path().to_owned();
        (dir, root)
    }

    fn edit_fragment(root: &Path, file: &str, edit: impl FnOnce(&mut Value)) {
        let path = fragments::directory(root).join(file);
        let mut document: Value =
            serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("json");
        edit(&mut document);
        fs::write(&path, to_canonical_string(&document)).expect("write");
    }

    #[test]
    fn a_conflicting_component_names_both_fragments_and_leaves_the_spec_untouched() {
        let (_dir, root) = spec_copy();
        let before = fs::read(root.join(SPEC)).expect("read spec");
        edit_fragment(&root, "findRun.json", |doc| {
            doc["components"]["schemas"]["Run"]["properties"]["status"]["enum"][1] =
                "errored".into();
        });
        let error = format!(
            "{:#}",
            run(&root, Mode::Write, None).expect_err("Run differs between fragments")
        );
        assert!(
            error.contains("getRun.json conflicts with findRun.json"),
            "{error}"
        );
        assert!(
            error.contains("/components/schemas/Run/properties/status/enum/1"),
            "{error}"
        );
        assert_eq!(fs::read(root.join(SPEC)).expect("read spec"), before);
    }

    #[test]
    fn mixed_error_schemas_are_refused_before_the_generator_sees_them() {
        let (_dir, root) = spec_copy();
        edit_fragment(&root, "getRun.json", |doc| {
            doc["paths"]["/runs/{runId}"]["get"]["responses"]["413"]["content"]["application/json"]
                ["schema"] = serde_json::json!({ "type": "object", "properties": { "message": { "type": "string" } } });
        });
        let error = format!(
            "{:#}",
            run(&root, Mode::Write, None).expect_err("413 has its own schema")
        );
        assert!(
            error.contains("operation getRun: its error responses must share one schema"),
            "{error}"
        );
        assert!(
            error.contains("400, 401, 404 use #/components/schemas/ErrorResponse"),
            "{error}"
        );
        assert!(error.contains("413 use the inline schema"), "{error}");
    }

    #[test]
    fn a_description_change_makes_check_fail_with_a_diff_and_write_fix_it() {
        let (_dir, root) = spec_copy();
        edit_fragment(&root, "cancelRun.json", |doc| {
            doc["paths"]["/runs/{runId}/cancel"]["put"]["description"] =
                "Cancel a run that is still running".into();
        });
        let error = format!(
            "{:#}",
            run(&root, Mode::Check, None).expect_err("spec is stale")
        );
        assert!(error.contains("changed: cancelRun"), "{error}");
        assert!(
            error.contains("+        \"description\": \"Cancel a run that is still running\","),
            "{error}"
        );
        assert!(
            error.contains("run `cargo xtask gen` to update it"),
            "{error}"
        );

        let report = run(&root, Mode::Write, None).expect("gen rewrites the spec");
        assert!(report.contains("wrote spec/currents.json"), "{report}");
        assert_eq!(
            fs::read(root.join(PACKAGED_SPEC)).expect("read the copy"),
            fs::read(root.join(SPEC)).expect("read the spec"),
            "gen copies the spec into currents-api's package"
        );
        let again = run(&root, Mode::Check, None).expect("fresh after gen");
        assert!(again.contains("is up to date"), "{again}");
    }

    #[test]
    fn a_packaged_copy_that_differs_fails_check_and_write_restores_it() {
        let (_dir, root) = spec_copy();
        fs::write(root.join(PACKAGED_SPEC), "{}").expect("spoil the copy");
        let error = format!(
            "{:#}",
            run(&root, Mode::Check, None).expect_err("the copy differs")
        );
        assert!(
            error.contains("crates/currents-api/currents.json differs from spec/currents.json"),
            "{error}"
        );
        run(&root, Mode::Write, None).expect("gen restores the copy");
        assert_eq!(
            fs::read(root.join(PACKAGED_SPEC)).expect("read the copy"),
            fs::read(root.join(SPEC)).expect("read the spec"),
        );
    }
}
