//! `cargo xtask import <source>`: a Currents docs page or a whole OpenAPI document ->
//! `spec/fragments/<operationId>.json`, one fragment per operation.
//!
//! Both sources give fragments of one shape: a complete OpenAPI document with one operation and
//! the components it reaches. A fragment that is already there is left alone unless the import
//! is told to replace it, because the fragments come from several sources and a newer page
//! must not be overwritten by an older document.

mod document;
mod page;

pub(crate) use document::PROVENANCE;

use std::{collections::BTreeMap, fmt, fs, path::Path};

use anyhow::Context as _;
use serde_json::Value;

use crate::fragments;

/// What an import may do to a fragment that is already in `spec/fragments/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Existing {
    /// Leave it as it is, and say so.
    Keep,
    /// Overwrite it with the imported one.
    Replace,
}

/// What an import changed in `spec/fragments/`.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Report {
    pub(crate) added: Vec<String>,
    pub(crate) replaced: Vec<String>,
    /// Already there and different from the source, and left alone.
    pub(crate) kept: Vec<String>,
    pub(crate) unchanged: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (label, files) in [
            ("added", &self.added),
            ("replaced", &self.replaced),
            (
                "kept (already there and different; --replace overwrites)",
                &self.kept,
            ),
            ("unchanged", &self.unchanged),
        ] {
            let list = if files.is_empty() {
                "none".to_owned()
            } else {
                files.join(", ")
            };
            writeln!(f, "{label}: {list}")?;
        }
        if self.added.len() + self.replaced.len() > 0 {
            writeln!(
                f,
                "next: run `cargo xtask gen`, then review the snapshot diff with `cargo insta review`"
            )?;
        }
        Ok(())
    }
}

/// Imports every operation of `source`, a Markdown docs page or an OpenAPI JSON document.
pub(crate) fn run(root: &Path, source: &Path, existing: Existing) -> anyhow::Result<Report> {
    let text =
        fs::read_to_string(source).with_context(|| format!("cannot read {}", source.display()))?;
    let imported = match serde_json::from_str::<Value>(&text) {
        Ok(whole) if whole.get("paths").is_some() => {
            let name = source
                .file_name()
                .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
            document::fragments_of(&whole, &name)
        }
        _ => page::fragments_of(&text),
    }
    .with_context(|| format!("cannot import {}", source.display()))?;
    write(&fragments::directory(root), &imported, existing)
}

/// Writes the imported fragments into `dir`, leaving fragments that are already there alone
/// unless told to replace them.
fn write(
    dir: &Path,
    imported: &BTreeMap<String, String>,
    existing: Existing,
) -> anyhow::Result<Report> {
    let present = fragments::json_files(dir)?;
    let mut report = Report::default();
    for (file, text) in imported {
        match present.get(file).map(fs::read_to_string).transpose()? {
            None => report.added.push(file.clone()),
            Some(old) if old == *text => report.unchanged.push(file.clone()),
            Some(_) if existing == Existing::Replace => report.replaced.push(file.clone()),
            Some(_) => report.kept.push(file.clone()),
        }
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for file in report.added.iter().chain(&report.replaced) {
        fs::write(dir.join(file), &imported[file])
            .with_context(|| format!("cannot write {file}"))?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fragment(id: &str, path: &str) -> String {
        format!(
            r#"{{"openapi":"3.0.2","info":{{"title":"T","version":"1"}},"paths":{{"{path}":{{"get":{{"operationId":"{id}","responses":{{"200":{{"description":"ok"}}}}}}}}}}}}"#
        )
    }

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(file, text)| ((*file).to_owned(), (*text).to_owned()))
            .collect()
    }

    #[test]
    fn existing_fragments_are_kept_unless_replace_is_asked_for() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = files(&[
            ("a.json", &fragment("a", "/a")),
            ("b.json", &fragment("b", "/b")),
        ]);
        write(dir.path(), &first, Existing::Keep).expect("first import");
        let second = files(&[
            ("a.json", &fragment("a", "/a")),
            ("b.json", &fragment("b", "/b2")),
            ("d.json", &fragment("d", "/d")),
        ]);
        let kept = write(dir.path(), &second, Existing::Keep).expect("second import");
        assert_eq!(
            kept,
            Report {
                added: vec!["d.json".into()],
                replaced: vec![],
                kept: vec!["b.json".into()],
                unchanged: vec!["a.json".into()],
            }
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("b.json")).expect("b"),
            fragment("b", "/b")
        );
        assert!(
            kept.to_string()
                .contains("kept (already there and different; --replace overwrites): b.json")
        );

        let replaced = write(dir.path(), &second, Existing::Replace).expect("third import");
        assert_eq!(replaced.replaced, ["b.json"]);
        assert_eq!(
            fs::read_to_string(dir.path().join("b.json")).expect("b"),
            fragment("b", "/b2")
        );
    }

    #[test]
    fn fragments_from_another_source_are_never_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(
            dir.path(),
            &files(&[("a.json", &fragment("a", "/a"))]),
            Existing::Replace,
        )
        .expect("first");
        write(
            dir.path(),
            &files(&[("b.json", &fragment("b", "/b"))]),
            Existing::Replace,
        )
        .expect("second");
        assert_eq!(fragments::json_files(dir.path()).expect("list").len(), 2);
    }
}
