//! Applying `spec/overlay.json`, the committed local adjustments to the published fragments.
//!
//! The file is an OpenAPI Overlay 1.0 document: each action selects nodes with an RFC 9535
//! JSONPath `target` and either merges `update` into them or removes them. An `update` of an
//! array appends to it: an array `update` appends each of its items, anything else appends
//! itself. Every action must say why in its `description` and where the fact comes from in
//! `x-source`, and must select something: an action that silently stops matching after
//! Currents changes its spec is exactly what a reviewer would miss.
//!
//! An action with `x-fragments` runs on the named fragments before they are merged. That is
//! how a conflict between two sources (an older document and a newer docs page) is settled:
//! explicitly, with a reason, rather than by the merge picking a winner.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::fragments::Fragment;

/// Why the overlay could not be applied.
#[derive(Debug, thiserror::Error, PartialEq)]
pub(crate) enum OverlayError {
    #[error("the overlay is not an Overlay 1.0 document: {0}")]
    NotAnOverlay(&'static str),
    #[error("overlay action {index} has no description saying why it exists")]
    NoReason { index: usize },
    #[error("overlay action {index} ({reason}) has no x-source saying where the fact comes from")]
    NoSource { index: usize, reason: String },
    #[error("overlay action {index} has an invalid target '{target}': {message}")]
    BadTarget {
        index: usize,
        target: String,
        message: String,
    },
    #[error(
        "overlay action {index} ({reason}) selects nothing with '{target}'; the published spec may have changed"
    )]
    NoMatch {
        index: usize,
        target: String,
        reason: String,
    },
    #[error("overlay action {index} has an x-fragments that is neither a list of files nor \"*\"")]
    BadScope { index: usize },
    #[error("overlay action {index} ({reason}) needs `update` or `remove: true`")]
    NoChange { index: usize, reason: String },
    #[error(
        "overlay action {index} ({reason}) cannot update {pointer}: only objects and arrays can be updated"
    )]
    NotUpdatable {
        index: usize,
        reason: String,
        pointer: String,
    },
}

/// The key that scopes an action to fragments: a list of fragment files, or `"*"` for all.
/// Such an action runs on those fragments before the merge; it is how a conflict between
/// sources is resolved on purpose.
pub(crate) const FRAGMENTS: &str = "x-fragments";

/// Applies every action of the overlay that is not scoped to fragments to the merged
/// document, in order.
pub(crate) fn apply(document: &mut Value, overlay: &Value) -> Result<(), OverlayError> {
    for (index, action) in actions(overlay)? {
        if action.get(FRAGMENTS).is_none() {
            let matched = apply_action(index, action, document)?;
            if !matched {
                return Err(no_match(index, action, None));
            }
        }
    }
    Ok(())
}

/// Applies the actions scoped with `x-fragments` to those fragments, in order. Each named
/// fragment must be selected; with `"*"`, at least one must be.
pub(crate) fn apply_to_fragments(
    fragments: &mut [Fragment],
    overlay: &Value,
) -> Result<(), OverlayError> {
    for (index, action) in actions(overlay)? {
        let Some(scope) = action.get(FRAGMENTS) else {
            continue;
        };
        let files = match scope {
            Value::String(all) if all == "*" => None,
            Value::Array(files) => Some(
                files
                    .iter()
                    .map(|file| file.as_str().unwrap_or_default())
                    .collect::<Vec<_>>(),
            ),
            _ => return Err(OverlayError::BadScope { index }),
        };
        let mut any = false;
        for fragment in fragments.iter_mut() {
            let named = files
                .as_ref()
                .is_none_or(|files| files.contains(&fragment.file.as_str()));
            if named {
                let matched = apply_action(index, action, &mut fragment.document)?;
                if !matched && files.is_some() {
                    return Err(no_match(index, action, Some(&fragment.file)));
                }
                any |= matched;
            }
        }
        for file in files.iter().flatten() {
            if !fragments.iter().any(|fragment| fragment.file == *file) {
                return Err(no_match(index, action, Some(file)));
            }
        }
        if !any {
            return Err(no_match(index, action, None));
        }
    }
    Ok(())
}

fn actions(overlay: &Value) -> Result<impl Iterator<Item = (usize, &Value)>, OverlayError> {
    if !overlay
        .get("overlay")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("1."))
    {
        return Err(OverlayError::NotAnOverlay(
            "`overlay` must be a 1.x version",
        ));
    }
    let actions = overlay
        .get("actions")
        .and_then(Value::as_array)
        .ok_or(OverlayError::NotAnOverlay("`actions` must be an array"))?;
    Ok(actions.iter().enumerate())
}

fn text(action: &Value, key: &str) -> String {
    action
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn no_match(index: usize, action: &Value, fragment: Option<&str>) -> OverlayError {
    let target = text(action, "target");
    OverlayError::NoMatch {
        index,
        target: match fragment {
            Some(file) => format!("{target}' in '{file}"),
            None => target,
        },
        reason: text(action, "description"),
    }
}

/// Applies one action to one document; false if its target selects nothing there.
fn apply_action(index: usize, action: &Value, document: &mut Value) -> Result<bool, OverlayError> {
    let (target, reason) = (text(action, "target"), text(action, "description"));
    if reason.trim().is_empty() {
        return Err(OverlayError::NoReason { index });
    }
    if text(action, "x-source").trim().is_empty() {
        return Err(OverlayError::NoSource { index, reason });
    }
    let path = JsonPath::parse(&target).map_err(|error| OverlayError::BadTarget {
        index,
        target: target.clone(),
        message: error.to_string(),
    })?;
    let pointers = path
        .query_located(document)
        .locations()
        .map(|location| location.to_json_pointer())
        .collect::<Vec<_>>();
    if pointers.is_empty() {
        return Ok(false);
    }

    if action.get("remove").and_then(Value::as_bool) == Some(true) {
        // Removing from the back keeps the earlier array indices valid.
        for pointer in pointers.iter().rev() {
            remove(document, pointer);
        }
    } else if let Some(update) = action.get("update") {
        for pointer in &pointers {
            let node = document
                .pointer_mut(pointer)
                .expect("the query just located this node");
            match node {
                Value::Object(target) => merge_into(target, update),
                Value::Array(items) => match update {
                    Value::Array(more) => items.extend(more.iter().cloned()),
                    one => items.push(one.clone()),
                },
                _ => {
                    return Err(OverlayError::NotUpdatable {
                        index,
                        reason,
                        pointer: pointer.clone(),
                    });
                }
            }
        }
    } else {
        return Err(OverlayError::NoChange { index, reason });
    }
    Ok(true)
}

/// Merges `update` into `target` recursively: objects merge, anything else replaces.
fn merge_into(target: &mut Map<String, Value>, update: &Value) {
    for (key, value) in update.as_object().into_iter().flatten() {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(_)) => merge_into(existing, value),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn remove(document: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = currents_spec::pointer::unescape(last);
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>() {
                items.remove(index);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(actions: Value) -> Value {
        json!({ "overlay": "1.0.0", "info": { "title": "t", "version": "1" }, "actions": actions })
    }

    #[test]
    fn update_merges_and_remove_deletes() {
        let mut document = json!({ "a": { "oneOf": [ { "type": "string" }, { "type": "string" } ] }, "b": [1, 2, 3] });
        apply(
            &mut document,
            &overlay(json!([
                { "target": "$.a.oneOf[1]", "description": "name it", "x-source": "local", "update": { "title": "Prefix" } },
                { "target": "$.b[?@ > 1]", "description": "drop big ones", "x-source": "local", "remove": true },
                { "target": "$.b", "description": "append two", "x-source": "local", "update": [5, 6] },
                { "target": "$.b", "description": "append one", "x-source": "local", "update": { "c": 7 } },
            ])),
        )
        .expect("actions apply");
        assert_eq!(
            document,
            json!({ "a": { "oneOf": [ { "type": "string" }, { "type": "string", "title": "Prefix" } ] }, "b": [1, 5, 6, { "c": 7 }] })
        );
    }

    #[test]
    fn an_action_without_a_reason_is_refused() {
        let error = apply(
            &mut json!({}),
            &overlay(json!([{ "target": "$", "update": {} }])),
        )
        .expect_err("no description");
        assert_eq!(error, OverlayError::NoReason { index: 0 });
        let error = apply(
            &mut json!({}),
            &overlay(json!([{ "target": "$", "description": "why", "update": {} }])),
        )
        .expect_err("no source");
        assert_eq!(
            error.to_string(),
            "overlay action 0 (why) has no x-source saying where the fact comes from"
        );
    }

    #[test]
    fn an_action_that_selects_nothing_is_refused() {
        let error = apply(
            &mut json!({ "a": 1 }),
            &overlay(json!([{ "target": "$.missing", "description": "why", "x-source": "local", "update": {} }])),
        )
        .expect_err("stale target");
        assert_eq!(
            error.to_string(),
            "overlay action 0 (why) selects nothing with '$.missing'; the published spec may have changed"
        );
    }

    #[test]
    fn fragment_actions_run_on_the_named_fragments_only() {
        let fragment = |file: &str| Fragment {
            file: file.to_owned(),
            document: json!({ "components": { "schemas": { "Run": { "example": 1 } } } }),
        };
        let mut fragments = [fragment("a.json"), fragment("b.json")];
        let action = json!({ "target": "$.components.schemas.Run.example", "description": "older",
            "x-source": "local", "remove": true, "x-fragments": ["b.json"] });
        apply_to_fragments(&mut fragments, &overlay(json!([action.clone()]))).expect("applies");
        assert_eq!(
            fragments[0].document["components"]["schemas"]["Run"]["example"],
            1
        );
        assert!(
            fragments[1].document["components"]["schemas"]["Run"]
                .get("example")
                .is_none()
        );

        // Run again, b.json no longer has the example: a stale action is an error naming it.
        let error = apply_to_fragments(&mut fragments, &overlay(json!([action.clone()])))
            .expect_err("nothing left to remove");
        assert_eq!(
            error.to_string(),
            "overlay action 0 (older) selects nothing with '$.components.schemas.Run.example' in 'b.json'; the published spec may have changed"
        );
        // The merged document's pass leaves fragment actions alone.
        let mut merged = json!({});
        apply(&mut merged, &overlay(json!([action]))).expect("not for the merged document");
    }

    #[test]
    fn a_fragment_action_for_all_must_select_something_somewhere() {
        let mut fragments = [Fragment {
            file: "a.json".into(),
            document: json!({ "a": 1 }),
        }];
        let all = |target: &str| {
            overlay(json!([{ "target": target, "description": "why",
            "x-source": "local", "remove": true, "x-fragments": "*" }]))
        };
        apply_to_fragments(&mut fragments, &all("$.a")).expect("a has it");
        assert!(apply_to_fragments(&mut fragments, &all("$.a")).is_err());
    }
}
