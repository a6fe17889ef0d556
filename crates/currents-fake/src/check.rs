//! Every request checked against its operation in the spec, before any handler sees it.
//!
//! Parameters arrive as text; each is read as the type its schema names (an integer, a
//! boolean, a list of repeated keys) and then validated against that schema, and a JSON body
//! against its request body schema. Whatever fails is a 400 that names the parameter, the
//! value and the rule. Nothing else is refused, so that a request the spec allows is accepted.

use std::{collections::HashMap, sync::LazyLock};

use currents_api::operations::Operation;
use currents_spec::{Location as SpecLocation, Spec};
use jsonschema::Validator;
use serde_json::Value;

use crate::{
    ApiError,
    schema::{spec_as_json_schema, validator},
};

/// Checks one request of `operation` against the spec.
pub(crate) fn request(
    operation: Operation,
    path_params: &[(String, String)],
    query: Option<&str>,
    body: &[u8],
) -> Result<(), ApiError> {
    let Some(rules) = RULES.get(operation.id()) else {
        return Ok(());
    };
    let query = form_urlencoded::parse(query.unwrap_or_default().as_bytes()).collect::<Vec<_>>();
    for parameter in &rules.parameters {
        let values = match parameter.location {
            Location::Path => path_params
                .iter()
                .filter(|(name, _)| *name == parameter.name)
                .map(|(_, value)| value.as_str())
                .collect::<Vec<_>>(),
            Location::Query => query
                .iter()
                .filter(|(name, _)| *name == parameter.name)
                .map(|(_, value)| value.as_ref())
                .collect(),
        };
        parameter.check(&values)?;
    }
    if let Some(body_rule) = &rules.body {
        body_rule.check(body)?;
    }
    Ok(())
}

/// The query as the spec names its parameters. The server reads a list filter in either
/// spelling (`status[]` for `status`, `tags` for `tags[]`) and by its old names (the spec's
/// `x-aliases`: `branch` for `branches[]`), as Express's `qs` does, and Currents' clients send
/// each; so each becomes the spec's name here. Anything else is kept as it is.
pub(crate) fn spelled(operation: Operation, query: Option<&str>) -> Option<String> {
    let query = query?;
    let Some(rules) = RULES.get(operation.id()) else {
        return Some(query.to_owned());
    };
    let pairs = form_urlencoded::parse(query.as_bytes()).map(|(key, value)| {
        let name = rules
            .parameters
            .iter()
            .find(|parameter| parameter.aliases.iter().any(|alias| *alias == key))
            .map_or(key, |parameter| parameter.name.as_str().into());
        (name, value)
    });
    Some(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish(),
    )
}

/// What one operation accepts.
struct Rules {
    parameters: Vec<Parameter>,
    body: Option<Body>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Path,
    Query,
}

impl Location {
    fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
        }
    }
}

struct Parameter {
    name: String,
    location: Location,
    required: bool,
    /// The JSON type each value is read as; for an array, the type of its items.
    kind: String,
    array: bool,
    /// Other names the server reads as this one: a list's other bracket spelling, and the
    /// spec's `x-aliases`.
    aliases: Vec<String>,
    validator: Validator,
}

impl Parameter {
    fn check(&self, values: &[&str]) -> Result<(), ApiError> {
        let refuse = |rule: String| {
            ApiError::bad_request(format!(
                "{} parameter `{}`: {rule}",
                self.location.as_str(),
                self.name
            ))
        };
        let instance = match (values, self.array) {
            ([], _) if self.required => return Err(refuse("is required".into())),
            ([], _) => return Ok(()),
            (values, true) => Value::Array(
                values
                    .iter()
                    .map(|value| read(value, &self.kind))
                    .collect::<Result<_, _>>()
                    .map_err(refuse)?,
            ),
            ([value], false) => read(value, &self.kind).map_err(refuse)?,
            (values, false) => {
                return Err(refuse(format!(
                    "takes one value, but {} were given",
                    values.len()
                )));
            }
        };
        first_error(&self.validator, &instance).map_or(Ok(()), |error| Err(refuse(error)))
    }
}

struct Body {
    required: bool,
    validator: Validator,
}

impl Body {
    fn check(&self, body: &[u8]) -> Result<(), ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return if self.required {
                Err(ApiError::bad_request("the request body is required"))
            } else {
                Ok(())
            };
        }
        let instance: Value = serde_json::from_slice(body).map_err(|error| {
            ApiError::bad_request(format!("the request body is not valid JSON: {error}"))
        })?;
        first_error(&self.validator, &instance).map_or(Ok(()), |error| {
            Err(ApiError::bad_request(format!("the request body {error}")))
        })
    }
}

/// Reads a parameter's text as the JSON type its schema names.
fn read(text: &str, kind: &str) -> Result<Value, String> {
    match kind {
        "integer" => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("{text:?} is not an integer")),
        "number" => text
            .parse::<f64>()
            .ok()
            .and_then(|number| serde_json::Number::from_f64(number).map(Value::Number))
            .ok_or_else(|| format!("{text:?} is not a number")),
        "boolean" => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{text:?} is not true or false")),
        },
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// The first rule `instance` breaks, with where it breaks it.
fn first_error(validator: &Validator, instance: &Value) -> Option<String> {
    validator.iter_errors(instance).next().map(|error| {
        let at = error.instance_path().to_string();
        if at.is_empty() {
            error.to_string()
        } else {
            format!("at {at}: {error}")
        }
    })
}

/// The rules of every operation, read from the spec once.
static RULES: LazyLock<HashMap<String, Rules>> = LazyLock::new(|| {
    let spec = Spec::read(spec_as_json_schema()).expect("xtask gen validated the spec");
    spec.operations()
        .iter()
        .map(|operation| {
            let parameters = operation
                .parameters
                .iter()
                .filter_map(self::parameter)
                .collect();
            let body = operation.body.as_ref().and_then(|body| {
                Some(Body {
                    required: body.required,
                    validator: validator(body.schema?),
                })
            });
            (operation.id.clone(), Rules { parameters, body })
        })
        .collect()
});

fn parameter(parameter: &currents_spec::Parameter<'_>) -> Option<Parameter> {
    let location = match parameter.location {
        SpecLocation::Path => Location::Path,
        SpecLocation::Query => Location::Query,
        _ => return None,
    };
    let (_, value) = parameter.value_schema();
    let array = parameter.items.is_some();
    let mut aliases = parameter.at.value["x-aliases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect::<Vec<_>>();
    if array && location == Location::Query {
        aliases.push(match parameter.name.strip_suffix("[]") {
            Some(bare) => bare.to_owned(),
            None => format!("{}[]", parameter.name),
        });
    }
    Some(Parameter {
        name: parameter.name.clone(),
        location,
        required: parameter.required,
        kind: json_type(value.value).to_owned(),
        array,
        aliases,
        validator: validator(parameter.schema_ref),
    })
}

/// The JSON type a schema names, `null` aside; `string` for one that names none (a `oneOf` of
/// strings, say).
fn json_type(schema: &Value) -> &str {
    match &schema["type"] {
        Value::String(kind) => kind,
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .unwrap_or("string"),
        _ => "string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_read_as_their_type_and_checked_against_the_spec() {
        let refused = |result: Result<(), ApiError>| result.expect_err("refused").message;
        let find = |query| request(Operation::FindRun, &[], Some(query), b"");
        assert_eq!(
            refused(find("branch=main")),
            "query parameter `projectId`: is required"
        );
        assert!(
            refused(find("projectId="))
                .starts_with("query parameter `projectId`: \"\" does not match"),
        );
        assert_eq!(
            refused(find("projectId=p&pwLastRun=yes")),
            "query parameter `pwLastRun`: \"yes\" is not true or false"
        );
        assert!(find("projectId=p&tags[]=a&tags[]=b").is_ok());
        let run_id = [("runId".to_owned(), "a\u{7}b".to_owned())];
        assert!(
            refused(request(Operation::GetRun, &run_id, None, b""))
                .starts_with("path parameter `runId`: \"a\\u0007b\" does not match")
        );
    }

    #[test]
    fn a_body_is_checked_against_its_schema() {
        let run_id = [("runId".to_owned(), "r".to_owned())];
        let reset = |body: &str| request(Operation::ResetRun, &run_id, None, body.as_bytes());
        let refused = |body: &str| reset(body).expect_err("refused").message;
        assert_eq!(refused(""), "the request body is required");
        assert!(refused("{").starts_with("the request body is not valid JSON"));
        assert!(refused(r#"{"machineId": []}"#).starts_with("the request body at /machineId: []"));
        assert!(reset(r#"{"machineId": ["m"]}"#).is_ok());
        // The attempt is an integer or a string of digits, as Currents' own tools send it.
        for attempt in ["2", "\"2\""] {
            let body = format!(r#"{{"githubRunId": "7", "githubRunAttempt": {attempt}}}"#);
            assert!(request(Operation::CancelRunByGithubCi, &[], None, body.as_bytes()).is_ok());
        }
    }
}
