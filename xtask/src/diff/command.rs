//! `cargo xtask diff --base REF`: the API diff between `spec/currents.json` at a git revision
//! and in the working tree, for pull requests whose regenerated spec is already committed.

use std::{fs, path::Path};

use anyhow::Context as _;
use serde_json::Value;

use super::{Change, Class, counts, diff, markdown, text};
use crate::{
    generate::{SPEC, fragments_merge_at},
    git,
};

/// Which changes make the command fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FailOn {
    /// Any breaking change.
    Breaking,
}

/// Prints the diff, writes the Markdown report if asked, and fails on what `fail_on` names.
pub(crate) fn run(
    root: &Path,
    base: &str,
    report: Option<&Path>,
    fail_on: Option<FailOn>,
) -> anyhow::Result<String> {
    let since = Since::read(root, base)?;
    if let Some(report) = report {
        fs::write(report, since.markdown())
            .with_context(|| format!("cannot write {}", report.display()))?;
    }
    let printed = match text(&since.changes) {
        empty if empty.is_empty() => format!("no API changes since {base}\n"),
        lines => lines,
    };
    let breaking = since.breaking();
    match fail_on {
        Some(FailOn::Breaking) if breaking > 0 => {
            anyhow::bail!("{printed}{breaking} breaking change(s) since {base}")
        }
        _ => Ok(printed),
    }
}

/// The API changes between `spec/currents.json` at a revision and in the working tree.
pub(crate) struct Since {
    pub(crate) base: String,
    pub(crate) changes: Vec<Change>,
    old: Value,
    new: Value,
}

impl Since {
    pub(crate) fn read(root: &Path, base: &str) -> anyhow::Result<Since> {
        let old_text = git::show(root, base, SPEC)?
            .with_context(|| format!("{SPEC} does not exist at {base}"))?;
        let old: Value = serde_json::from_str(&old_text)
            .with_context(|| format!("{SPEC} at {base} is not valid JSON"))?;
        let spec_path = root.join(SPEC);
        let new: Value = serde_json::from_str(
            &fs::read_to_string(&spec_path)
                .with_context(|| format!("cannot read {}", spec_path.display()))?,
        )
        .with_context(|| format!("{SPEC} is not valid JSON"))?;
        let inputs = match (
            fragments_merge_at(root, Some(base)),
            fragments_merge_at(root, None),
        ) {
            (Ok(before), Ok(after)) => Some((before, after)),
            _ => None,
        };
        let changes = diff(&old, &new, inputs.as_ref().map(|(a, b)| (a, b)))
            .context("the spec model cannot read one side of the diff")?;
        Ok(Since {
            base: base.to_owned(),
            changes,
            old,
            new,
        })
    }

    /// How many of the changes are breaking.
    pub(crate) fn breaking(&self) -> usize {
        counts(&self.changes)
            .iter()
            .find(|(class, _)| *class == Class::Breaking)
            .map_or(0, |(_, count)| *count)
    }

    /// The report for a pull request.
    pub(crate) fn markdown(&self) -> String {
        markdown(
            &self.changes,
            &format!("`{SPEC}` at `{}`", self.base),
            "in the working tree",
            &self.new,
            &self.old,
        )
    }
}
