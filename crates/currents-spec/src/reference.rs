//! Local `$ref`s: the one resolver, and the names of the components they point at.

use serde_json::Value;

use crate::pointer;

/// A node of the document and the JSON pointer it is at.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<'a> {
    /// Where the node is: the target's pointer when a `$ref` was followed.
    pub pointer: String,
    /// The node.
    pub value: &'a Value,
}

/// Follows `node`'s local `$ref` (`#/...`), and the target's, until a node that is not a
/// reference; `node` itself, at `at`, when it is not one. A reference that does not resolve
/// is returned as it is: `cargo xtask gen`'s validation reports it, with [`unresolved`].
pub fn resolve<'a>(document: &'a Value, at: &str, node: &'a Value) -> Located<'a> {
    let mut found = Located {
        pointer: at.to_owned(),
        value: node,
    };
    // A cycle of bare references has no end; the document's size bounds a chain that has one.
    for _ in 0..64 {
        let Some(target) = target(found.value) else {
            break;
        };
        let Some(value) = document.pointer(target) else {
            break;
        };
        found = Located {
            pointer: target.to_owned(),
            value,
        };
    }
    found
}

/// The pointer a local `$ref` names (`/components/schemas/Run` for
/// `#/components/schemas/Run`), if `node` is one.
pub fn target(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()?.strip_prefix('#')
}

/// The component a local `$ref` names, or points into: `("schemas", "Run")` for
/// `#/components/schemas/Run` and for `#/components/schemas/Run/properties/status`.
pub fn component(node: &Value) -> Option<(String, String)> {
    match pointer::tokens(target(node)?).as_slice() {
        [components, section, name, ..] if components == "components" => {
            Some((section.clone(), name.clone()))
        }
        _ => None,
    }
}

/// The component schema a `$ref` names: `Run` for `#/components/schemas/Run`.
pub fn schema_name(node: &Value) -> Option<String> {
    component(node).and_then(|(section, name)| (section == "schemas").then_some(name))
}

/// Every `$ref` under `node`, with the pointer of the object that holds it, in document order.
pub fn all<'a>(node: &'a Value, at: &str) -> Vec<(String, &'a str)> {
    fn walk<'a>(node: &'a Value, at: &mut String, found: &mut Vec<(String, &'a str)>) {
        let len = at.len();
        match node {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    found.push((at.clone(), reference));
                }
                for (key, child) in map {
                    at.push('/');
                    at.push_str(&pointer::escape(key));
                    walk(child, at, found);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    at.push_str(&format!("/{index}"));
                    walk(child, at, found);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(node, &mut at.to_owned(), &mut found);
    found
}

/// Every `$ref` that `node` reaches, directly or through the components it names.
pub fn reached(document: &Value, node: &Value) -> std::collections::BTreeSet<String> {
    let mut pending = all(node, "")
        .into_iter()
        .map(|(_, reference)| reference)
        .collect::<Vec<_>>();
    let mut seen = std::collections::BTreeSet::new();
    while let Some(reference) = pending.pop() {
        if !seen.insert(reference.to_owned()) {
            continue;
        }
        if let Some(target) = reference
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
        {
            pending.extend(all(target, "").into_iter().map(|(_, reference)| reference));
        }
    }
    seen
}

/// The `$ref`s under `node` that do not resolve within `document`, as `(pointer, $ref)`.
pub fn unresolved<'a>(document: &Value, node: &'a Value) -> Vec<(String, &'a str)> {
    all(node, "")
        .into_iter()
        .filter(|(_, reference)| {
            reference
                .strip_prefix('#')
                .is_none_or(|target| document.pointer(target).is_none())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_resolve_through_chains_and_name_their_components() {
        let document = json!({ "components": {
            "parameters": { "Limit": { "$ref": "#/components/parameters/Inner" },
                            "Inner": { "name": "limit" } },
            "schemas": { "Run": { "type": "object" }, "a/b": { "type": "string" } } } });
        let found = resolve(
            &document,
            "/x",
            &document["components"]["parameters"]["Limit"],
        );
        assert_eq!(found.pointer, "/components/parameters/Inner");
        assert_eq!(found.value, &json!({ "name": "limit" }));
        let plain = json!({ "type": "string" });
        assert_eq!(resolve(&document, "/here", &plain).pointer, "/here");
        let broken = json!({ "$ref": "#/components/schemas/Nope" });
        assert_eq!(resolve(&document, "/here", &broken).value, &broken);
        assert_eq!(
            schema_name(&json!({ "$ref": "#/components/schemas/a~1b" })).as_deref(),
            Some("a/b")
        );
        assert_eq!(
            schema_name(&json!({ "$ref": "#/components/parameters/Limit" })),
            None
        );
        assert_eq!(
            unresolved(&document, &json!({ "p": [{ "$ref": "#/nope" }] })),
            [("/p/0".to_owned(), "#/nope")]
        );
    }
}
