//! Applying `spec/overlay.json`, the committed local adjustments to the published fragments.
//!
//! The file is an OpenAPI Overlay 1.0 document: each action selects nodes with an RFC 9535
//! JSONPath `target` and either merges `update` into them or removes them. An `update` of an
//! array appends to it: an array `update` appends each of its items, anything else appends
//! itself. Every action must say why in its `description` and where the fact comes from in
//! `x-source`, and must select something: an action that silently stops matching after
//! Currents changes its spec is exactly what a reviewer would miss.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

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

/// Applies every action of the overlay to the document, in order.
pub(crate) fn apply(document: &mut Value, overlay: &Value) -> Result<(), OverlayError> {
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

    for (index, action) in actions.iter().enumerate() {
        let text = |key: &str| {
            action
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (target, reason) = (text("target"), text("description"));
        if reason.trim().is_empty() {
            return Err(OverlayError::NoReason { index });
        }
        if text("x-source").trim().is_empty() {
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
            return Err(OverlayError::NoMatch {
                index,
                target,
                reason,
            });
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
    }
    Ok(())
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
    let key = last.replace("~1", "/").replace("~0", "~");
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
}
