//! The one JSON layout the spec files use: sorted keys, two-space indent, trailing newline.

use serde_json::{Map, Value};

/// Renders a document in the canonical layout, so that equal documents are equal files.
pub(crate) fn to_canonical_string(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(&sorted(value)).expect("a Value always serialises");
    text.push('\n');
    text
}

// Sorting here, rather than relying on serde_json's default BTreeMap, keeps the layout stable
// even if another crate in the build turns on serde_json's `preserve_order` feature.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries = map.iter().collect::<Vec<_>>();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, child)| (key.clone(), sorted(child)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_at_every_depth() {
        let value = serde_json::json!({ "b": { "z": 1, "a": [ { "y": 2, "x": 3 } ] }, "a": null });
        assert_eq!(
            to_canonical_string(&value),
            "{\n  \"a\": null,\n  \"b\": {\n    \"a\": [\n      {\n        \"x\": 3,\n        \"y\": 2\n      }\n    ],\n    \"z\": 1\n  }\n}\n"
        );
    }
}
