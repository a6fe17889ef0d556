//! Reading the spec and its fragments as a git revision has them.

use std::{path::Path, process::Command};

use anyhow::Context as _;

use crate::fragments::{self, Fragment};

/// A file's text at `revision`, or `None` if the revision has no such file.
pub(crate) fn show(root: &Path, revision: &str, path: &str) -> anyhow::Result<Option<String>> {
    let output = git(root, &["show", &format!("{revision}:{path}")])?;
    Ok(output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
}

/// The fragments at `revision` that went into its spec, as [`fragments::read_all`] picks them.
pub(crate) fn fragments_at(root: &Path, revision: &str) -> anyhow::Result<Vec<Fragment>> {
    let published = folder_at(root, revision, fragments::FOLDER)?;
    let written = if show(root, revision, fragments::WRITTEN_FOLDER)?.is_some() {
        folder_at(root, revision, fragments::WRITTEN_FOLDER)?
    } else {
        Vec::new()
    };
    Ok(fragments::combine(published, written))
}

/// The fragments of one folder at `revision`, by file name.
fn folder_at(root: &Path, revision: &str, folder: &str) -> anyhow::Result<Vec<Fragment>> {
    let listed = git(
        root,
        &["ls-tree", "--name-only", revision, &format!("{folder}/")],
    )?;
    anyhow::ensure!(
        listed.status.success(),
        "git cannot list {folder} at {revision}: {}",
        String::from_utf8_lossy(&listed.stderr).trim()
    );
    let mut found = Vec::new();
    for path in String::from_utf8_lossy(&listed.stdout).lines() {
        if !path.ends_with(".json") {
            continue;
        }
        let text = show(root, revision, path)?
            .with_context(|| format!("{path} is listed at {revision} but cannot be read"))?;
        let document = serde_json::from_str(&text)
            .with_context(|| format!("{path} at {revision} is not valid JSON"))?;
        let file = path.rsplit('/').next().unwrap_or(path).to_owned();
        found.push(Fragment { file, document });
    }
    found.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(found)
}

fn git(root: &Path, args: &[&str]) -> anyhow::Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .context("cannot run git")
}

/// What `git args` prints, or an error with what it said when it fails.
pub(crate) fn output(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = git(root, args)?;
    anyhow::ensure!(
        output.status.success(),
        "git {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
