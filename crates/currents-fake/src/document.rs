//! How a stored value is answered: its typed value, the fields the spec does not list (kept
//! from the value as it was given), and enum values in the chosen spelling.

use std::str::FromStr;

use serde_json::{Map, Value};

use crate::schema::resolve;

/// The spelling of the enum values the fake answers with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Spelling {
    /// As production answers (`FAILED`, `COMPLETE`): the default.
    #[default]
    Production,
    /// As the docs spell them (`failed`, `complete`).
    Documented,
}

impl FromStr for Spelling {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "production" => Ok(Spelling::Production),
            "documented" => Ok(Spelling::Documented),
            other => Err(format!(
                "unknown spelling '{other}'; use production or documented"
            )),
        }
    }
}

/// Renders `typed` (a value serialised from its generated type, which spells enums as
/// production does) for an answer, walking `schema`: the fields of `given` that the schema does
/// not list are added back, and in [`Spelling::Documented`] every aliased enum value takes the
/// docs' spelling.
pub(crate) fn render(
    schema: &Value,
    typed: Value,
    given: Option<&Value>,
    spelling: Spelling,
) -> Value {
    let schema = resolve(schema);
    match typed {
        Value::Object(mut map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            if let Some(properties) = properties {
                for (key, value) in &mut map {
                    if let Some(property) = properties.get(key) {
                        let given = given.and_then(|given| given.get(key));
                        *value = render(property, value.take(), given, spelling);
                    }
                }
                if let Some(Value::Object(given)) = given {
                    add_unlisted(&mut map, given, properties);
                }
            }
            Value::Object(map)
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    let given = given.and_then(|given| given.get(index));
                    render(&schema["items"], item, given, spelling)
                })
                .collect(),
        ),
        Value::String(value) if spelling == Spelling::Documented => {
            // The spec's alias table maps production's spelling to the docs'.
            let listed = currents_spec::listed_for(schema, &value);
            Value::String(listed.map_or(value, str::to_owned))
        }
        other => other,
    }
}

fn add_unlisted(
    map: &mut Map<String, Value>,
    given: &Map<String, Value>,
    listed: &Map<String, Value>,
) {
    for (key, value) in given {
        if !listed.contains_key(key) && !map.contains_key(key) {
            map.insert(key.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn unlisted_fields_come_back_and_aliases_take_the_chosen_spelling() {
        let run_schema = json!({ "$ref": "#/components/schemas/Run" });
        let typed = json!({ "runId": "r", "status": "FAILED", "completionState": "COMPLETE",
                            "groups": [{ "groupId": "g" }] });
        let given = json!({ "runId": "r", "status": "failed", "mystery": { "a": [1, 2] },
                            "groups": [{ "groupId": "g", "coverageEnabled": true, "unlisted": 1 }] });
        assert_eq!(
            render(
                &run_schema,
                typed.clone(),
                Some(&given),
                Spelling::Production
            ),
            json!({ "runId": "r", "status": "FAILED", "completionState": "COMPLETE",
                    "mystery": { "a": [1, 2] }, "groups": [{ "groupId": "g", "unlisted": 1 }] })
        );
        assert_eq!(
            render(&run_schema, typed, None, Spelling::Documented),
            json!({ "runId": "r", "status": "failed", "completionState": "complete",
                    "groups": [{ "groupId": "g" }] })
        );
    }
}
