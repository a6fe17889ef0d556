//! The short report `xtask gen` prints: sizes, and which operations changed.

use std::{collections::BTreeMap, fmt};

use serde_json::Value;

use crate::{fragments::operations, refs};

/// Counts of the merged document, and its operations compared with the previous one.
#[derive(Debug, PartialEq)]
pub(crate) struct Summary {
    pub(crate) fragments: usize,
    pub(crate) paths: usize,
    pub(crate) operations: usize,
    pub(crate) schemas: usize,
    pub(crate) added: Vec<String>,
    pub(crate) removed: Vec<String>,
    /// Operations whose definition, or any schema they reach through `$ref`, changed.
    pub(crate) changed: Vec<String>,
}

impl Summary {
    pub(crate) fn new(fragments: usize, previous: Option<&Value>, current: &Value) -> Self {
        let before = previous.map(fingerprints).unwrap_or_default();
        let after = fingerprints(current);
        let count = |pointer: &str| {
            current
                .pointer(pointer)
                .and_then(Value::as_object)
                .map_or(0, |m| m.len())
        };
        Summary {
            fragments,
            paths: count("/paths"),
            operations: after.len(),
            schemas: count("/components/schemas"),
            added: after
                .keys()
                .filter(|id| !before.contains_key(*id))
                .cloned()
                .collect(),
            removed: before
                .keys()
                .filter(|id| !after.contains_key(*id))
                .cloned()
                .collect(),
            changed: after
                .iter()
                .filter(|(id, print)| before.get(*id).is_some_and(|old| old != *print))
                .map(|(id, _)| id.clone())
                .collect(),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} fragments -> {} paths, {} operations, {} schemas",
            self.fragments, self.paths, self.operations, self.schemas
        )?;
        let list = |ids: &[String]| {
            if ids.is_empty() {
                "none".to_owned()
            } else {
                ids.join(", ")
            }
        };
        writeln!(
            f,
            "operations added: {}; removed: {}; changed: {}",
            list(&self.added),
            list(&self.removed),
            list(&self.changed)
        )
    }
}

/// Each operation with everything it depends on: its own JSON and every component it reaches.
fn fingerprints(document: &Value) -> BTreeMap<String, (Value, BTreeMap<String, Value>)> {
    operations(document)
        .filter_map(|(_, _, operation)| {
            let id = operation.get("operationId")?.as_str()?.to_owned();
            let reached = refs::reached(document, operation)
                .into_iter()
                .map(|reference| {
                    let target = currents_spec::target(&serde_json::json!({ "$ref": reference }))
                        .and_then(|pointer| document.pointer(pointer))
                        .cloned()
                        .unwrap_or(Value::Null);
                    (reference, target)
                })
                .collect();
            Some((id, (operation.clone(), reached)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document(run_description: &str, with_delete: bool) -> Value {
        let mut doc = json!({
            "paths": {
                "/runs/{id}": { "get": { "operationId": "getRun", "responses": { "200": {
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RunResponse" } } } } } } },
                "/runs/{id}/cancel": { "put": { "operationId": "cancelRun", "responses": {} } }
            },
            "components": { "schemas": {
                "RunResponse": { "properties": { "data": { "$ref": "#/components/schemas/Run" } } },
                "Run": { "description": run_description }
            } }
        });
        if with_delete {
            doc["paths"]["/runs/{id}"]["delete"] =
                json!({ "operationId": "deleteRun", "responses": {} });
        }
        doc
    }

    #[test]
    fn a_change_in_a_referenced_schema_marks_the_operation_changed() {
        let summary = Summary::new(3, Some(&document("old", true)), &document("new", false));
        assert_eq!(summary.removed, ["deleteRun"]);
        assert_eq!(summary.changed, ["getRun"]);
        assert!(summary.added.is_empty());
        assert_eq!(
            summary.to_string(),
            "3 fragments -> 2 paths, 2 operations, 2 schemas\noperations added: none; removed: deleteRun; changed: getRun\n"
        );
    }
}
