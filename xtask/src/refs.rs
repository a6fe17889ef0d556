//! `$ref`s: which components a part of a spec reaches.

use std::collections::BTreeSet;

use serde_json::Value;

/// Every `$ref` under `node`, in document order.
pub(crate) fn collect(node: &Value, refs: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                refs.push(reference.to_owned());
            }
            map.values().for_each(|child| collect(child, refs));
        }
        Value::Array(items) => items.iter().for_each(|child| collect(child, refs)),
        _ => {}
    }
}

/// Every local `$ref` that `node` reaches, directly or through the components it names.
pub(crate) fn reached(document: &Value, node: &Value) -> BTreeSet<String> {
    let mut pending = Vec::new();
    collect(node, &mut pending);
    let mut seen = BTreeSet::new();
    while let Some(reference) = pending.pop() {
        if !seen.insert(reference.clone()) {
            continue;
        }
        if let Some(target) = reference
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
        {
            collect(target, &mut pending);
        }
    }
    seen
}

/// The names of the component schemas `node` reaches.
pub(crate) fn schemas(document: &Value, node: &Value) -> BTreeSet<String> {
    reached(document, node)
        .into_iter()
        .filter_map(|reference| {
            reference
                .strip_prefix("#/components/schemas/")
                .map(str::to_owned)
        })
        .collect()
}
