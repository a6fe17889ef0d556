//! The spec as JSON Schema: what the fake checks every request against, and what tests check
//! its answers against.
//!
//! The fake refuses exactly what `spec/currents.json` forbids, and nothing else: its 400s come
//! from the spec's own schemas (types, `pattern`, `minItems`, `required`, ...), checked by a
//! standard JSON Schema validator. A rule it enforces is therefore a rule every client and
//! tester can read in the spec.

use std::sync::LazyLock;

use jsonschema::{Draft, Validator};
use serde_json::{Value, json};

/// The merged spec with every schema in JSON Schema terms: OpenAPI 3.0's `nullable: true`
/// becomes a `null` type (and a `null` enum value), which is what OpenAPI means by it.
pub fn spec_as_json_schema() -> &'static Value {
    static SPEC: LazyLock<Value> = LazyLock::new(|| {
        let mut spec = serde_json::from_str(currents_api::SPEC).expect("the embedded spec is JSON");
        nullable_to_null_type(&mut spec);
        spec
    });
    &SPEC
}

/// A validator for `schema`, a schema of [`spec_as_json_schema`]; its `$ref`s resolve in the
/// spec's components.
///
/// # Panics
/// If the schema does not compile, which `cargo xtask gen`'s validation rules out.
pub fn validator(schema: &Value) -> Validator {
    let mut root = schema.clone();
    if let Value::Object(map) = &mut root {
        map.insert(
            "components".into(),
            spec_as_json_schema()["components"].clone(),
        );
    } else {
        root = json!({ "allOf": [schema], "components": spec_as_json_schema()["components"] });
    }
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|error| panic!("a schema of the spec does not compile: {error}"))
}

/// Follows a local `$ref` (`#/components/...`) to what it names; anything else is returned as is.
pub fn resolve(node: &Value) -> &Value {
    currents_spec::resolve(spec_as_json_schema(), "", node).value
}

fn nullable_to_null_type(node: &mut Value) {
    match node {
        Value::Object(map) => {
            map.values_mut().for_each(nullable_to_null_type);
            if map.remove("nullable") == Some(Value::Bool(true)) {
                match map.get("type").cloned() {
                    Some(Value::String(kind)) => {
                        map.insert("type".into(), json!([kind, "null"]));
                        if let Some(Value::Array(values)) = map.get_mut("enum") {
                            values.push(Value::Null);
                        }
                    }
                    // A nullable `oneOf` or `$ref` has no type to widen: allow null beside it.
                    _ => {
                        let schema = Value::Object(std::mem::take(map));
                        map.insert("anyOf".into(), json!([schema, { "type": "null" }]));
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_to_null_type),
        _ => {}
    }
}
