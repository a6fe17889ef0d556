//! `cargo xtask review --base REF`: the one Markdown review of a spec change that CI posts on
//! its pull request: whether it breaks Rust callers, the snapshot areas of the generated code
//! that moved, and the API diff by operation. Run it locally before pushing to read what
//! reviewers will read.

use std::{fmt::Write as _, path::Path};

use crate::{diff::Since, git};

/// The first line of every review: the comment CI updates is the one that starts with it.
pub(crate) const MARKER: &str = "<!-- currents-spec-review -->";

/// Where the generated code's snapshots are, one file per area.
const SNAPSHOTS: &str = "crates/currents-api/tests/snapshots";

/// The file name of an area's snapshot is this, the area, and `.snap`.
const SNAPSHOT_PREFIX: &str = "generated_code__";

/// Where snapshot files are linked: a repository on GitHub at the pull request's head.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    /// `owner/name`.
    pub(crate) repository: String,
    /// The head commit, whose files the links show.
    pub(crate) revision: String,
}

/// How a snapshot area moved since the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Moved {
    Added,
    Changed,
    Removed,
    /// A `.snap.new` that `cargo insta review` has not accepted yet.
    Pending,
}

impl Moved {
    fn as_str(self) -> &'static str {
        match self {
            Moved::Added => "added",
            Moved::Changed => "changed",
            Moved::Removed => "removed",
            Moved::Pending => "pending review (`.snap.new`)",
        }
    }
}

/// The review of the working tree against `base`.
pub(crate) fn run(root: &Path, base: &str, links: Option<&Links>) -> anyhow::Result<String> {
    let since = Since::read(root, base)?;
    let areas = moved_areas(root, base)?;
    let mut out = format!("{MARKER}\n# Spec review\n\n");
    let breaking = since.breaking();
    let verdict = if breaking > 0 {
        format!(
            "**Breaking for Rust callers: yes.** {breaking} breaking change(s): code that uses \
             what changed may stop compiling or be refused by the API."
        )
    } else {
        "**Breaking for Rust callers: no.** Generated structs are `#[non_exhaustive]` and new \
         parameters are new setters, so no caller stops compiling."
            .to_owned()
    };
    let _ = writeln!(out, "{verdict}\n");
    let _ = writeln!(
        out,
        "## Snapshot areas of the generated code: {} moved\n",
        areas.len()
    );
    if !areas.is_empty() && since.changes.is_empty() {
        // The API is the same: the generator or its settings changed the code.
        let _ = writeln!(
            out,
            "The API is the same: the generator or its settings changed this code. Read each \
             diff; a renamed or removed item breaks callers.\n"
        );
    }
    if !areas.is_empty() {
        let _ = writeln!(out, "| area | how | snapshot |\n| --- | --- | --- |");
    }
    for (area, moved, file) in &areas {
        let path = format!("{SNAPSHOTS}/{file}");
        let shown = match links {
            Some(links) if *moved != Moved::Removed => format!(
                "[`{file}`](https://github.com/{}/blob/{}/{path})",
                links.repository, links.revision
            ),
            _ => format!("`{file}`"),
        };
        let _ = writeln!(out, "| `{area}` | {} | {shown} |", moved.as_str());
    }
    let _ = writeln!(out, "\n{}", since.markdown());
    let _ = writeln!(
        out,
        "Run locally: `cargo xtask review --base {base}`; review each snapshot with \
         `cargo insta review`."
    );
    Ok(out)
}

/// The snapshot areas that differ between `base` and the working tree, by name, with how they
/// moved and their file.
fn moved_areas(root: &Path, base: &str) -> anyhow::Result<Vec<(String, Moved, String)>> {
    let mut found = Vec::new();
    let changed = git::output(root, &["diff", "--name-status", base, "--", SNAPSHOTS])?;
    for line in changed.lines() {
        let (status, path) = line.split_once('\t').unwrap_or((line, ""));
        let moved = match status.chars().next() {
            Some('A') => Moved::Added,
            Some('D') => Moved::Removed,
            _ => Moved::Changed,
        };
        found.push((path.to_owned(), moved));
    }
    let untracked = git::output(
        root,
        &[
            "ls-files",
            "--others",
            "--exclude-standard",
            "--",
            SNAPSHOTS,
        ],
    )?;
    for path in untracked.lines() {
        let moved = if path.ends_with(".snap.new") {
            Moved::Pending
        } else {
            Moved::Added
        };
        found.push((path.to_owned(), moved));
    }
    let mut areas = found
        .into_iter()
        .filter_map(|(path, moved)| {
            let file = path.rsplit('/').next()?.to_owned();
            let area = file
                .strip_prefix(SNAPSHOT_PREFIX)?
                .trim_end_matches(".new")
                .strip_suffix(".snap")?
                .to_owned();
            Some((area, moved, file))
        })
        .collect::<Vec<_>>();
    areas.sort();
    Ok(areas)
}
