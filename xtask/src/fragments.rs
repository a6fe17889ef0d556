//! Reading and writing `spec/fragments/<operationId>.json`.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use anyhow::Context as _;
use serde_json::Value;

/// One published OpenAPI document that defines a single operation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fragment {
    /// The file name, such as `getRun.json`; merge errors name fragments by it.
    pub(crate) file: String,
    pub(crate) document: Value,
}

/// Where the fragments are, relative to the workspace root.
pub(crate) const FOLDER: &str = "spec/fragments";

pub(crate) fn directory(root: &Path) -> PathBuf {
    root.join(FOLDER)
}

/// Reads every fragment, sorted by file name so that merging is deterministic.
pub(crate) fn read_all(dir: &Path) -> anyhow::Result<Vec<Fragment>> {
    let mut fragments = Vec::new();
    for (file, path) in json_files(dir)? {
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let document = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON", path.display()))?;
        fragments.push(Fragment { file, document });
    }
    anyhow::ensure!(
        !fragments.is_empty(),
        "{} holds no fragments",
        dir.display()
    );
    Ok(fragments)
}

/// The `*.json` files in a directory, by file name.
pub(crate) fn json_files(dir: &Path) -> anyhow::Result<BTreeMap<String, PathBuf>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let name = path
                .file_name()
                .expect("a listed file has a name")
                .to_string_lossy()
                .into_owned();
            files.insert(name, path);
        }
    }
    Ok(files)
}

/// The operations a document defines, as (path, method, operation).
pub(crate) fn operations(document: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter(|(method, _)| is_method(method))
                .map(move |(method, operation)| (path.as_str(), method.as_str(), operation))
        })
}

pub(crate) fn is_method(key: &str) -> bool {
    matches!(
        key,
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
    )
}
