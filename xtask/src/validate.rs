//! Checks on the merged document that progenitor would otherwise fail on, or panic on.

use std::collections::BTreeMap;

use serde_json::Value;

use currents_spec::{Operation, Spec};

use crate::fragments::operations;

/// Everything wrong with a merged document, one problem per line.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("the merged spec is invalid:\n  - {}", .0.join("\n  - "))]
pub(crate) struct Invalid(pub(crate) Vec<String>);

/// Validates the merged document, reporting every problem rather than the first.
pub(crate) fn validate(document: &Value) -> Result<(), Invalid> {
    let mut problems = Vec::new();
    if let Err(error) = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(document) {
        problems.push(format!(
            "it does not parse as OpenAPI 3.0 at {}: {}",
            error.path(),
            error.inner()
        ));
    }
    for (pointer, reference) in currents_spec::unresolved(document, document) {
        problems.push(format!(
            "{pointer}/$ref: '{reference}' does not resolve within the document"
        ));
    }
    let mut named = true;
    for (path, method, operation) in operations(document) {
        if operation
            .get("operationId")
            .and_then(Value::as_str)
            .is_none()
        {
            problems.push(format!(
                "{} {path} has no operationId",
                method.to_uppercase()
            ));
            named = false;
        }
    }
    // The model reads operations that have their ids; it reports what else it cannot read.
    if named {
        match Spec::read(document) {
            Ok(spec) => {
                for operation in spec.operations() {
                    problems.extend(mixed_responses(operation));
                }
            }
            Err(error) => problems.push(error.to_string()),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Invalid(problems))
    }
}

/// progenitor 0.15 gives each operation one success type and one error type, and asserts
/// (panicking in the build script) when the responses of either group disagree. This names
/// the operation and the statuses instead.
fn mixed_responses(operation: &Operation<'_>) -> Vec<String> {
    let id = &operation.id;
    let mut successes: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut errors: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for answer in &operation.answers {
        let status = answer.status.as_str();
        let body = response_body(answer.at.value);
        let first_digit = status.chars().next();
        if status == "default" || matches!(first_digit, Some('2')) || status == "101" {
            successes.entry(body.clone()).or_default().push(status);
        }
        if status == "default" || matches!(first_digit, Some('4' | '5')) {
            errors.entry(body).or_default().push(status);
        }
    }
    [("success", successes), ("error", errors)]
        .into_iter()
        .filter(|(_, bodies)| bodies.len() > 1)
        .map(|(group, bodies)| {
            let described = bodies
                .iter()
                .map(|(body, statuses)| format!("{} {body}", statuses.join(", ")))
                .collect::<Vec<_>>()
                .join("; ");
            format!(
                "operation {id}: its {group} responses must share one schema and all have content, \
                 but they differ ({described}); progenitor would panic on this in build.rs"
            )
        })
        .collect()
}

/// What a response decodes to, as progenitor sees it: its JSON schema, no content, or a body
/// that is not JSON.
fn response_body(response: &Value) -> String {
    let Some(content) = response
        .get("content")
        .and_then(Value::as_object)
        .filter(|c| !c.is_empty())
    else {
        return "have no content".to_owned();
    };
    match content
        .get("application/json")
        .and_then(|media| media.get("schema"))
    {
        Some(schema) => match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => format!("use {reference}"),
            None => format!("use the inline schema {schema}"),
        },
        None => "have non-JSON content".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document(responses: Value) -> Value {
        json!({
            "openapi": "3.0.2",
            "info": { "title": "t", "version": "1" },
            "paths": { "/runs/{runId}": { "get": { "operationId": "getRun", "responses": responses } } },
            "components": { "schemas": { "ErrorResponse": { "type": "object" }, "Other": { "type": "object" } } }
        })
    }

    fn json_body(schema: &str) -> Value {
        json!({ "description": "d", "content": { "application/json": { "schema": { "$ref": schema } } } })
    }

    #[test]
    fn error_responses_with_different_schemas_name_the_operation_and_statuses() {
        let invalid = validate(&document(json!({
            "200": json_body("#/components/schemas/Other"),
            "404": json_body("#/components/schemas/ErrorResponse"),
            "413": json_body("#/components/schemas/Other"),
        })))
        .expect_err("mixed error schemas");
        assert_eq!(invalid.0.len(), 1);
        assert_eq!(
            invalid.0[0],
            "operation getRun: its error responses must share one schema and all have content, but they differ \
             (404 use #/components/schemas/ErrorResponse; 413 use #/components/schemas/Other); \
             progenitor would panic on this in build.rs"
        );
    }

    #[test]
    fn an_error_response_without_content_is_refused() {
        let invalid = validate(&document(json!({
            "404": json_body("#/components/schemas/ErrorResponse"),
            "500": { "description": "oops" },
        })))
        .expect_err("one error response has no content");
        assert!(invalid.0[0].contains("500 have no content"), "{invalid}");
    }

    #[test]
    fn unresolved_refs_and_missing_operation_ids_are_reported_together() {
        let mut doc = document(json!({ "200": json_body("#/components/schemas/Missing") }));
        doc["paths"]["/other"] = json!({ "put": { "responses": {} } });
        let invalid = validate(&doc).expect_err("two problems");
        assert!(
            invalid
                .0
                .contains(&"PUT /other has no operationId".to_owned()),
            "{invalid}"
        );
        assert!(
            invalid.0.contains(
                &"/paths/~1runs~1{runId}/get/responses/200/content/application~1json/schema/$ref: \
                '#/components/schemas/Missing' does not resolve within the document"
                    .to_owned()
            ),
            "{invalid}"
        );
    }
}
