//! Reading and writing the fragments: `spec/fragments/<operationId>.json`, as Currents published
//! them, and `spec/written/<operationId>.json`, written by us from Currents' docs and clients
//! for operations it has not yet published a fragment of.

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

/// Where the published fragments are, relative to the workspace root.
pub(crate) const FOLDER: &str = "spec/fragments";
/// Where the written fragments are: ours, each fact with its `x-source`.
pub(crate) const WRITTEN_FOLDER: &str = "spec/written";
/// The top-level field of a written fragment that says what it was written from.
pub(crate) const WRITTEN_FROM: &str = "x-written-from";

pub(crate) fn directory(root: &Path) -> PathBuf {
    root.join(FOLDER)
}

/// Every fragment that goes into the spec: the published ones, then each written one whose
/// operation no published fragment defines. A published fragment of the same operation (the
/// same operationId, or the same method and path) replaces the written one, so importing it is
/// all it takes, and `cargo xtask gen` shows in its API diff what the published one changed.
pub(crate) fn read_all(root: &Path) -> anyhow::Result<Vec<Fragment>> {
    let published = read_folder(&root.join(FOLDER))?;
    anyhow::ensure!(!published.is_empty(), "{FOLDER} holds no fragments");
    let written = read_folder(&root.join(WRITTEN_FOLDER))?;
    Ok(combine(published, written))
}

/// The published fragments, then the written ones no published fragment replaces.
pub(crate) fn combine(published: Vec<Fragment>, written: Vec<Fragment>) -> Vec<Fragment> {
    let keys: Vec<_> = published.iter().flat_map(operation_keys).collect();
    let mut fragments = published;
    fragments.extend(
        written
            .into_iter()
            .filter(|fragment| !operation_keys(fragment).any(|key| keys.contains(&key))),
    );
    fragments
}

/// What names an operation: its operationId, and its method with its path.
fn operation_keys(fragment: &Fragment) -> impl Iterator<Item = String> + '_ {
    operations(&fragment.document).flat_map(|(path, method, operation)| {
        let id = operation["operationId"]
            .as_str()
            .map(|id| format!("id {id}"));
        id.into_iter()
            .chain([format!("{} {path}", method.to_uppercase())])
    })
}

/// The fragments of one folder, sorted by file name so that merging is deterministic.
pub(crate) fn read_folder(dir: &Path) -> anyhow::Result<Vec<Fragment>> {
    let mut fragments = Vec::new();
    for (file, path) in json_files(dir)? {
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let document = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON", path.display()))?;
        fragments.push(Fragment { file, document });
    }
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

/// Copies both fragment folders of `from` into the workspace at `to` (for tests that break a copy).
#[cfg(test)]
pub(crate) fn copy_folders(from: &Path, to: &Path) {
    for folder in [FOLDER, WRITTEN_FOLDER] {
        let target = to.join(folder);
        fs::create_dir_all(&target).expect("create a fragments folder");
        for (name, path) in json_files(&from.join(folder)).expect("list fragments") {
            fs::copy(path, target.join(name)).expect("copy fragment");
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fragment(file: &str, path: &str, method: &str, id: &str) -> Fragment {
        Fragment {
            file: file.to_owned(),
            document: json!({ "paths": { path: { method: { "operationId": id } } } }),
        }
    }

    /// A published fragment replaces the written one of its operation, whether it keeps the
    /// operationId we chose or names the operation otherwise.
    #[test]
    fn a_published_fragment_replaces_the_written_one() {
        let cases = [
            (
                "same id and route",
                fragment("getWebhook.json", "/webhooks/{hookId}", "get", "getWebhook"),
                false,
            ),
            (
                "same route, their id",
                fragment("readHook.json", "/webhooks/{hookId}", "get", "readHook"),
                false,
            ),
            (
                "same id, moved route",
                fragment("getWebhook.json", "/hooks/{id}", "get", "getWebhook"),
                false,
            ),
            (
                "another operation",
                fragment("getRun.json", "/runs/{runId}", "get", "getRun"),
                true,
            ),
        ];
        for (case, published, written_kept) in cases {
            let written = vec![fragment(
                "getWebhook.json",
                "/webhooks/{hookId}",
                "get",
                "getWebhook",
            )];
            let combined = combine(vec![published], written);
            assert_eq!(combined.len(), if written_kept { 2 } else { 1 }, "{case}");
        }
    }
}
