//! Merging per-operation fragments into one OpenAPI document.
//!
//! The union of paths and components is taken; anything defined twice must be identical. A
//! conflict names both fragment files and the JSON pointer of the first difference, because
//! a silently chosen winner would give bindings that are wrong without anyone noticing.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use currents_spec::pointer::escape;

use crate::{
    fragments::{Fragment, WRITTEN_FROM, is_method},
    import::PROVENANCE,
};

/// Why two fragments cannot be merged.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{second} conflicts with {first} at {pointer}: {rule}")]
pub(crate) struct Conflict {
    /// The fragment that defined the value first.
    pub(crate) first: String,
    /// The fragment that disagrees with it.
    pub(crate) second: String,
    /// JSON pointer of the first difference.
    pub(crate) pointer: String,
    pub(crate) rule: &'static str,
}

/// Merges fragments in the order given (callers sort them by file name).
pub(crate) fn merge(fragments: &[Fragment]) -> Result<Value, Conflict> {
    let mut merged = Map::new();
    // Where each merged value came from, by JSON pointer, to name the first file in a conflict.
    let mut origin: BTreeMap<String, &str> = BTreeMap::new();
    let mut operation_ids: BTreeMap<&str, (&str, String)> = BTreeMap::new();

    for fragment in fragments {
        let Some(document) = fragment.document.as_object() else {
            continue;
        };
        for (key, value) in document {
            match key.as_str() {
                "paths" => merge_paths(
                    &mut merged,
                    &mut origin,
                    &mut operation_ids,
                    fragment,
                    value,
                )?,
                "components" => merge_components(&mut merged, &mut origin, fragment, value)?,
                "tags" => merge_tags(&mut merged, &mut origin, fragment, value)?,
                // Where a fragment came from says nothing about the API.
                PROVENANCE | WRITTEN_FROM => {}
                _ => {
                    let rule = "top-level fields such as info, servers and security must be identical in every fragment";
                    insert_same(
                        &mut merged,
                        &mut origin,
                        fragment,
                        &format!("/{}", escape(key)),
                        key,
                        value,
                        rule,
                    )?;
                }
            }
        }
    }
    Ok(Value::Object(merged))
}

fn merge_paths<'a>(
    merged: &mut Map<String, Value>,
    origin: &mut BTreeMap<String, &'a str>,
    operation_ids: &mut BTreeMap<&'a str, (&'a str, String)>,
    fragment: &'a Fragment,
    paths: &'a Value,
) -> Result<(), Conflict> {
    for (path, item) in paths.as_object().into_iter().flatten() {
        let path_pointer = format!("/paths/{}", escape(path));
        let merged_item = object_at(merged, "paths")
            .entry(path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let merged_item = merged_item
            .as_object_mut()
            .expect("path items are inserted as objects");
        for (key, value) in item.as_object().into_iter().flatten() {
            let pointer = format!("{path_pointer}/{}", escape(key));
            if is_method(key) {
                if let Some(first) = origin.get(&pointer) {
                    return Err(Conflict {
                        first: (*first).to_owned(),
                        second: fragment.file.clone(),
                        pointer,
                        rule: "the same path and method are defined twice",
                    });
                }
                if let Some(id) = value.get("operationId").and_then(Value::as_str) {
                    let id_pointer = format!("{pointer}/operationId");
                    if let Some((first, first_pointer)) = operation_ids.get(id) {
                        return Err(Conflict {
                            first: format!("{first} (at {first_pointer})"),
                            second: fragment.file.clone(),
                            pointer: id_pointer,
                            rule: "operationIds must be unique",
                        });
                    }
                    operation_ids.insert(id, (&fragment.file, id_pointer));
                }
                origin.insert(pointer, &fragment.file);
                merged_item.insert(key.clone(), value.clone());
            } else {
                let rule = "path-level fields must be identical in every fragment";
                insert_same(merged_item, origin, fragment, &pointer, key, value, rule)?;
            }
        }
    }
    Ok(())
}

fn merge_components<'a>(
    merged: &mut Map<String, Value>,
    origin: &mut BTreeMap<String, &'a str>,
    fragment: &'a Fragment,
    components: &Value,
) -> Result<(), Conflict> {
    for (section, entries) in components.as_object().into_iter().flatten() {
        let merged_section = object_at(object_at(merged, "components"), section);
        for (name, value) in entries.as_object().into_iter().flatten() {
            let pointer = format!("/components/{}/{}", escape(section), escape(name));
            let rule = "a component with the same name must have the same content";
            insert_same(
                merged_section,
                origin,
                fragment,
                &pointer,
                name,
                value,
                rule,
            )?;
        }
    }
    Ok(())
}

/// Tags are a list, merged by name: the same tag must be described the same way everywhere.
fn merge_tags<'a>(
    merged: &mut Map<String, Value>,
    origin: &mut BTreeMap<String, &'a str>,
    fragment: &'a Fragment,
    tags: &Value,
) -> Result<(), Conflict> {
    let merged_tags = merged
        .entry("tags")
        .or_insert_with(|| Value::Array(Vec::new()));
    let merged_tags = merged_tags
        .as_array_mut()
        .expect("tags are inserted as an array");
    for tag in tags.as_array().into_iter().flatten() {
        let name = tag.get("name").and_then(Value::as_str).unwrap_or_default();
        match merged_tags
            .iter()
            .position(|known| known.get("name").and_then(Value::as_str) == Some(name))
        {
            Some(index) => {
                if let Some(pointer) =
                    first_difference(&merged_tags[index], tag, format!("/tags/{index}"))
                {
                    return Err(Conflict {
                        first: origin[&format!("/tags/{index}")].to_owned(),
                        second: fragment.file.clone(),
                        pointer,
                        rule: "a tag with the same name must have the same description",
                    });
                }
            }
            None => {
                origin.insert(format!("/tags/{}", merged_tags.len()), &fragment.file);
                merged_tags.push(tag.clone());
            }
        }
    }
    Ok(())
}

/// Inserts `key: value` into `target` unless it is there already, in which case the two must
/// be identical.
fn insert_same<'a>(
    target: &mut Map<String, Value>,
    origin: &mut BTreeMap<String, &'a str>,
    fragment: &'a Fragment,
    pointer: &str,
    key: &str,
    value: &Value,
    rule: &'static str,
) -> Result<(), Conflict> {
    match target.get(key) {
        Some(existing) => match first_difference(existing, value, pointer.to_owned()) {
            Some(difference) => Err(Conflict {
                first: origin[pointer].to_owned(),
                second: fragment.file.clone(),
                pointer: difference,
                rule,
            }),
            None => Ok(()),
        },
        None => {
            origin.insert(pointer.to_owned(), &fragment.file);
            target.insert(key.to_owned(), value.clone());
            Ok(())
        }
    }
}

fn object_at<'m>(map: &'m mut Map<String, Value>, key: &str) -> &'m mut Map<String, Value> {
    let entry = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("just made an object")
}

/// The JSON pointer of the first place where two values differ, or `None` if they are equal.
pub(crate) fn first_difference(a: &Value, b: &Value, pointer: String) -> Option<String> {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys = a.keys().chain(b.keys()).collect::<Vec<_>>();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .find_map(|key| match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => {
                        first_difference(x, y, format!("{pointer}/{}", escape(key)))
                    }
                    _ => Some(format!("{pointer}/{}", escape(key))),
                })
        }
        (Value::Array(a), Value::Array(b)) => {
            let common =
                a.iter().zip(b).enumerate().find_map(|(index, (x, y))| {
                    first_difference(x, y, format!("{pointer}/{index}"))
                });
            common.or_else(|| {
                (a.len() != b.len()).then(|| format!("{pointer}/{}", a.len().min(b.len())))
            })
        }
        _ => (a != b).then_some(pointer),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fragment(file: &str, document: Value) -> Fragment {
        Fragment {
            file: file.to_owned(),
            document,
        }
    }

    fn operation(id: &str) -> Value {
        json!({ "operationId": id, "responses": {} })
    }

    #[test]
    fn methods_of_one_path_from_two_fragments_sit_side_by_side() {
        let merged = merge(&[
            fragment(
                "a.json",
                json!({ "paths": { "/runs/{id}": { "get": operation("getRun") } } }),
            ),
            fragment(
                "b.json",
                json!({ "paths": { "/runs/{id}": { "delete": operation("deleteRun") } } }),
            ),
        ])
        .expect("no conflict");
        assert_eq!(
            merged["paths"]["/runs/{id}"]["get"]["operationId"],
            "getRun"
        );
        assert_eq!(
            merged["paths"]["/runs/{id}"]["delete"]["operationId"],
            "deleteRun"
        );
    }

    #[test]
    fn identical_components_are_kept_once() {
        let schema = json!({ "type": "object", "properties": { "a": { "type": "string" } } });
        let merged = merge(&[
            fragment(
                "a.json",
                json!({ "components": { "schemas": { "Run": schema } } }),
            ),
            fragment(
                "b.json",
                json!({ "components": { "schemas": { "Run": schema, "Other": {} } } }),
            ),
        ])
        .expect("no conflict");
        assert_eq!(merged["components"]["schemas"]["Run"], schema);
        assert_eq!(
            merged["components"]["schemas"].as_object().map(Map::len),
            Some(2)
        );
    }

    #[test]
    fn a_changed_component_names_both_files_and_the_first_difference() {
        let run = |values: Value| {
            json!({ "components": { "schemas": { "Run": {
            "properties": { "status": { "type": "string", "enum": values } } } } } })
        };
        let conflict = merge(&[
            fragment("findRun.json", run(json!(["passed", "failed"]))),
            fragment("getRun.json", run(json!(["passed", "errored"]))),
        ])
        .expect_err("the enums differ");
        assert_eq!(
            conflict,
            Conflict {
                first: "findRun.json".into(),
                second: "getRun.json".into(),
                pointer: "/components/schemas/Run/properties/status/enum/1".into(),
                rule: "a component with the same name must have the same content",
            }
        );
    }

    #[test]
    fn the_same_path_and_method_twice_is_refused() {
        let conflict = merge(&[
            fragment(
                "a.json",
                json!({ "paths": { "/runs/{id}": { "get": operation("getRun") } } }),
            ),
            fragment(
                "b.json",
                json!({ "paths": { "/runs/{id}": { "get": operation("getRunAgain") } } }),
            ),
        ])
        .expect_err("duplicate method");
        assert_eq!(conflict.pointer, "/paths/~1runs~1{id}/get");
        assert_eq!(
            (conflict.first.as_str(), conflict.second.as_str()),
            ("a.json", "b.json")
        );
    }

    #[test]
    fn a_duplicate_operation_id_is_refused() {
        let conflict = merge(&[
            fragment(
                "a.json",
                json!({ "paths": { "/a": { "get": operation("getRun") } } }),
            ),
            fragment(
                "b.json",
                json!({ "paths": { "/b": { "get": operation("getRun") } } }),
            ),
        ])
        .expect_err("duplicate operationId");
        assert_eq!(
            conflict.to_string(),
            "b.json conflicts with a.json (at /paths/~1a/get/operationId) at /paths/~1b/get/operationId: operationIds must be unique"
        );
    }

    #[test]
    fn different_info_servers_or_security_are_refused() {
        for (key, a, b) in [
            (
                "info",
                json!({ "version": "1.0.0" }),
                json!({ "version": "1.1.0" }),
            ),
            (
                "servers",
                json!([{ "url": "https://a" }]),
                json!([{ "url": "https://b" }]),
            ),
            ("security", json!([{ "BearerAuth": [] }]), json!([])),
        ] {
            let conflict = merge(&[
                fragment("a.json", json!({ key: a })),
                fragment("b.json", json!({ key: b })),
            ])
            .expect_err("top-level fields differ");
            assert!(
                conflict.pointer.starts_with(&format!("/{key}")),
                "{conflict}"
            );
            assert_eq!(
                (conflict.first.as_str(), conflict.second.as_str()),
                ("a.json", "b.json")
            );
        }
    }

    #[test]
    fn tags_are_merged_by_name() {
        let tag = json!({ "name": "Runs", "description": "Runs" });
        let merged = merge(&[
            fragment("a.json", json!({ "tags": [tag] })),
            fragment("b.json", json!({ "tags": [tag, { "name": "Projects" }] })),
        ])
        .expect("same tag");
        assert_eq!(merged["tags"].as_array().map(Vec::len), Some(2));
        let conflict = merge(&[
            fragment("a.json", json!({ "tags": [tag] })),
            fragment(
                "b.json",
                json!({ "tags": [{ "name": "Runs", "description": "Other" }] }),
            ),
        ])
        .expect_err("different description");
        assert_eq!(conflict.pointer, "/tags/0/description");
    }
}
