//! The alias table: other spellings of an enum's values, declared with `x-enum-aliases`.
//!
//! `spec/overlay.json` gives a schema `{"x-enum-aliases": {"FAILED": "failed"}}`: production
//! sends `FAILED` where the docs list `failed`. The generator decodes both to one variant, the
//! fake answers in either spelling, and the API diff reports an alias added or removed; all
//! three read the table here.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The extension that declares other spellings of an enum's values.
pub const ALIASES: &str = "x-enum-aliases";

/// A schema's aliases: each other spelling and the listed value it stands for, in the order
/// the schema gives them. A value that is not a string stands for nothing and is left out.
pub fn aliases(schema: &Value) -> Vec<(&str, &str)> {
    schema.as_object().map(aliases_in).unwrap_or_default()
}

/// The aliases among a schema's keys (or its `x-` extensions alone).
pub fn aliases_in(schema: &Map<String, Value>) -> Vec<(&str, &str)> {
    schema
        .get(ALIASES)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(alias, listed)| Some((alias.as_str(), listed.as_str()?)))
        .collect()
}

/// A schema's aliases as a map, for comparing two versions of a schema.
pub fn alias_map(schema: &Value) -> BTreeMap<String, String> {
    aliases(schema)
        .into_iter()
        .map(|(alias, listed)| (alias.to_owned(), listed.to_owned()))
        .collect()
}

/// The listed value that `spelling` stands for, if the schema declares it as an alias.
pub fn listed_for<'a>(schema: &'a Value, spelling: &str) -> Option<&'a str> {
    schema.get(ALIASES)?.get(spelling)?.as_str()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_table_reads_each_spelling_once() {
        let schema =
            json!({ "enum": ["FAILED", "failed"], ALIASES: { "FAILED": "failed", "bad": 1 } });
        assert_eq!(aliases(&schema), [("FAILED", "failed")]);
        assert_eq!(listed_for(&schema, "FAILED"), Some("failed"));
        assert_eq!(listed_for(&schema, "failed"), None);
        assert!(alias_map(&json!({ "enum": ["a"] })).is_empty());
    }
}
