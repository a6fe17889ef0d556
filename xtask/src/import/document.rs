//! A whole OpenAPI document, split into one fragment per operation.
//!
//! Each fragment has the shape of a docs-page fragment: `openapi`, `info` (title and version),
//! the document's servers and security, the tags its operation uses, the one operation, and
//! every component that operation reaches. `x-imported-from` records the document and the
//! operation's pointer in it; the merge ignores it.

use std::collections::BTreeMap;

use anyhow::Context as _;
use serde_json::{Map, Value, json};

use currents_spec::pointer::escape;

use crate::{
    canonical::to_canonical_string,
    fragments::{self, is_method},
    refs,
};

/// The top-level key that records where an imported fragment came from.
pub(crate) const PROVENANCE: &str = "x-imported-from";

/// The fragments of `document` by file name, in the canonical layout. `name` is the document's
/// file name, recorded in each fragment.
pub(super) fn fragments_of(
    document: &Value,
    name: &str,
) -> anyhow::Result<BTreeMap<String, String>> {
    if let Err(error) = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(document) {
        anyhow::bail!(
            "{name} is not a valid OpenAPI 3.0 document at {}: {}",
            error.path(),
            error.inner()
        );
    }
    let mut fragments = BTreeMap::new();
    for (path, method, operation) in fragments::operations(document) {
        let pointer = format!("/paths/{}/{method}", escape(path));
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .with_context(|| format!("{} {path} has no operationId", method.to_uppercase()))?;
        let fragment = fragment(
            document,
            path,
            method,
            operation,
            json!({
                "document": name,
                "operation": pointer,
            }),
        );
        if fragments
            .insert(format!("{id}.json"), to_canonical_string(&fragment))
            .is_some()
        {
            anyhow::bail!("operationId {id} is used twice in {name}");
        }
    }
    anyhow::ensure!(!fragments.is_empty(), "{name} defines no operations");
    Ok(fragments)
}

fn fragment(
    document: &Value,
    path: &str,
    method: &str,
    operation: &Value,
    provenance: Value,
) -> Value {
    // Path-level fields (shared parameters) belong to every operation of the path.
    let mut item: Map<String, Value> = document["paths"][path]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| !is_method(key))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    item.insert(method.to_owned(), operation.clone());
    let item = Value::Object(item);

    let mut components = Map::new();
    let security = operation
        .get("security")
        .or_else(|| document.get("security"));
    let schemes = security
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.keys())
        .map(|scheme| format!("#/components/securitySchemes/{}", escape(scheme)));
    let mut reached = refs::reached(document, &item);
    for scheme in schemes {
        reached.extend(refs::reached(document, &json!({ "$ref": scheme })));
    }
    for reference in reached {
        let Some((section, name)) = currents_spec::component(&json!({ "$ref": reference })) else {
            continue;
        };
        let component = currents_spec::pointer::from_tokens(&["components", &section, &name]);
        if let Some(value) = document.pointer(&component) {
            components
                .entry(section)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("sections are objects")
                .insert(name, value.clone());
        }
    }

    let used_tags = operation["tags"].as_array().cloned().unwrap_or_default();
    let tags = document["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|tag| used_tags.contains(&tag["name"]))
        .cloned()
        .collect::<Vec<_>>();

    let mut fragment = Map::new();
    fragment.insert("openapi".into(), document["openapi"].clone());
    fragment.insert(
        "info".into(),
        json!({ "title": document["info"]["title"], "version": document["info"]["version"] }),
    );
    for key in ["servers", "security"] {
        if let Some(value) = document.get(key) {
            fragment.insert(key.into(), value.clone());
        }
    }
    if !tags.is_empty() {
        fragment.insert("tags".into(), Value::Array(tags));
    }
    fragment.insert("paths".into(), json!({ path: item }));
    if !components.is_empty() {
        fragment.insert("components".into(), Value::Object(components));
    }
    fragment.insert(PROVENANCE.into(), provenance);
    Value::Object(fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        json!({
            "openapi": "3.0.2",
            "info": { "title": "API", "version": "1.0.0", "description": "long text" },
            "servers": [{ "url": "https://api.example/v1" }],
            "security": [{ "BearerAuth": [] }],
            "tags": [{ "name": "Projects" }, { "name": "Runs" }, { "name": "Unused" }],
            "paths": {
                "/projects": { "get": {
                    "operationId": "listProjects", "tags": ["Projects"],
                    "parameters": [{ "$ref": "#/components/parameters/Limit" }],
                    "responses": { "200": { "description": "ok", "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Projects" } } } } }
                } },
                "/runs/{id}": {
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "get": { "operationId": "getRun", "tags": ["Runs"], "responses": { "200": { "description": "ok" } } }
                }
            },
            "components": {
                "parameters": { "Limit": { "name": "limit", "in": "query", "schema": { "type": "integer" } } },
                "schemas": {
                    "Projects": { "type": "array", "items": { "$ref": "#/components/schemas/Project" } },
                    "Project": { "type": "object" },
                    "Unrelated": { "type": "string" }
                },
                "securitySchemes": { "BearerAuth": { "type": "http", "scheme": "bearer" } }
            }
        })
    }

    #[test]
    fn each_operation_gets_the_components_and_tags_it_reaches() {
        let fragments = fragments_of(&document(), "api.json").expect("splits");
        assert_eq!(
            fragments.keys().collect::<Vec<_>>(),
            ["getRun.json", "listProjects.json"]
        );
        let projects: Value = serde_json::from_str(&fragments["listProjects.json"]).expect("json");
        assert_eq!(
            projects["info"],
            json!({ "title": "API", "version": "1.0.0" })
        );
        assert_eq!(projects["tags"], json!([{ "name": "Projects" }]));
        let mut schemas = projects["components"]["schemas"]
            .as_object()
            .expect("schemas")
            .keys()
            .collect::<Vec<_>>();
        schemas.sort();
        assert_eq!(schemas, ["Project", "Projects"]);
        assert!(projects["components"]["parameters"]["Limit"].is_object());
        assert!(projects["components"]["securitySchemes"]["BearerAuth"].is_object());
        assert_eq!(
            projects[PROVENANCE],
            json!({ "document": "api.json", "operation": "/paths/~1projects/get" })
        );
        serde_json::from_value::<openapiv3::OpenAPI>(projects).expect("a fragment is OpenAPI");
    }

    #[test]
    fn path_level_parameters_travel_with_the_operation() {
        let fragments = fragments_of(&document(), "api.json").expect("splits");
        let run: Value = serde_json::from_str(&fragments["getRun.json"]).expect("json");
        assert_eq!(run["paths"]["/runs/{id}"]["parameters"][0]["name"], "id");
        assert!(run["components"].get("schemas").is_none());
    }

    #[test]
    fn an_operation_without_an_id_is_refused() {
        let mut broken = document();
        broken["paths"]["/projects"]["get"]
            .as_object_mut()
            .expect("operation")
            .remove("operationId");
        let error = fragments_of(&broken, "api.json").expect_err("no id");
        assert_eq!(error.to_string(), "GET /projects has no operationId");
    }
}
