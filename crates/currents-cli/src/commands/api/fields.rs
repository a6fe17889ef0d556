//! `-f` and `-F` fields, read as `gh api` reads them: `key=value`, `key[]=value` for a list,
//! `key[sub]=value` for an object; `-F` types `true`, `false`, `null` and integers and reads
//! `@file` (or `@-`, stdin).

use std::path::Path;

use serde_json::{Map, Value};

use crate::{
    exit::{Failure, Stop},
    files::read_text,
};

/// How a field's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `-f`: always a string.
    Raw,
    /// `-F`: a JSON literal, an integer, `@file`, or else a string.
    Typed,
}

impl Kind {
    fn flag(self) -> &'static str {
        match self {
            Kind::Raw => "-f",
            Kind::Typed => "-F",
        }
    }
}

/// One field: its key as written, and its value (none for `key[]` alone, an empty list).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    key: String,
    value: Option<Value>,
}

impl Field {
    pub(crate) fn parse(kind: Kind, text: &str) -> Result<Field, Stop> {
        let flag = kind.flag();
        let Some((key, value)) = text.split_once('=') else {
            if text.ends_with("[]") && text.len() > 2 {
                return Ok(Field {
                    key: text.to_owned(),
                    value: None,
                });
            }
            return Err(
                Failure::invalid(format!("{flag} {text}: give a field as KEY=VALUE")).into(),
            );
        };
        if key.is_empty() {
            return Err(Failure::invalid(format!("{flag} {text}: the key is empty")).into());
        }
        let value = match (kind, value) {
            (Kind::Raw, _) => Value::String(value.to_owned()),
            (Kind::Typed, "true") => Value::Bool(true),
            (Kind::Typed, "false") => Value::Bool(false),
            (Kind::Typed, "null") => Value::Null,
            (Kind::Typed, _) if value.parse::<i64>().is_ok() => {
                serde_json::from_str(value).unwrap_or(Value::String(value.to_owned()))
            }
            (Kind::Typed, _) => match value.strip_prefix('@') {
                Some(path) => Value::String(read_text(&format!("{flag} {key}"), Path::new(path))?),
                None => Value::String(value.to_owned()),
            },
        };
        Ok(Field {
            key: key.to_owned(),
            value: Some(value),
        })
    }
}

/// The fields as query pairs, keys as written (`branches[]=main`); an empty list sends nothing.
pub(crate) fn query(fields: &[Field]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter_map(|field| {
            let value = match field.value.as_ref()? {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            Some((field.key.clone(), value))
        })
        .collect()
}

/// One step of a key's path: `[name]`, or `[]` (append).
enum Step<'a> {
    Key(&'a str),
    Append,
}

/// The fields as a JSON body. A key given twice, or as both a value and an object or list, is
/// refused, so that nothing given is dropped.
pub(crate) fn body(fields: &[Field]) -> Result<Value, Stop> {
    let mut body = Value::Object(Map::new());
    for field in fields {
        let steps = steps(&field.key).ok_or_else(|| {
            Failure::invalid(format!(
                "field {}: write a nested key as key[sub] or key[] for a list",
                field.key
            ))
        })?;
        place(&mut body, &steps, field.value.clone())
            .map_err(|why| Failure::invalid(format!("field {}: {why}", field.key)))?;
    }
    Ok(body)
}

/// `a[b][]` as `a`, `b`, append; `None` if its brackets do not pair.
fn steps(key: &str) -> Option<Vec<Step<'_>>> {
    let (first, mut rest) = key
        .split_once('[')
        .map_or((key, ""), |(first, _)| (first, &key[first.len()..]));
    if first.is_empty() || first.contains(']') {
        return None;
    }
    let mut steps = vec![Step::Key(first)];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let (name, after) = inner.split_once(']')?;
        if name.contains('[') {
            return None;
        }
        steps.push(if name.is_empty() {
            Step::Append
        } else {
            Step::Key(name)
        });
        rest = after;
    }
    Some(steps)
}

fn place(node: &mut Value, steps: &[Step<'_>], value: Option<Value>) -> Result<(), String> {
    let Some((step, rest)) = steps.split_first() else {
        return match (node.is_null(), value) {
            (true, Some(value)) => {
                *node = value;
                Ok(())
            }
            (true, None) => Ok(()),
            (false, _) => Err("given twice; use key[]=value for a list".to_owned()),
        };
    };
    match step {
        Step::Key(name) => {
            if node.is_null() {
                *node = Value::Object(Map::new());
            }
            let Value::Object(object) = node else {
                return Err(format!("{name} is inside a value that is not an object"));
            };
            place(
                object.entry(name.to_string()).or_insert(Value::Null),
                rest,
                value,
            )
        }
        Step::Append => {
            if node.is_null() {
                *node = Value::Array(Vec::new());
            }
            let Value::Array(items) = node else {
                return Err("[] appends to a value that is not a list".to_owned());
            };
            if !rest.is_empty() {
                return Err("[] must come last in a key".to_owned());
            }
            items.extend(value);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(given: &[(Kind, &str)]) -> Vec<Field> {
        given
            .iter()
            .map(|(kind, text)| Field::parse(*kind, text).expect("a field"))
            .collect()
    }

    #[test]
    fn fields_make_a_body_as_gh_makes_one() {
        use Kind::{Raw, Typed};
        let cases: [(&[(Kind, &str)], Value); 8] = [
            (
                &[(Raw, "url=http://127.0.0.1/x")],
                json!({ "url": "http://127.0.0.1/x" }),
            ),
            (
                &[(Raw, "limit=5"), (Raw, "on=true")],
                json!({ "limit": "5", "on": "true" }),
            ),
            (
                &[
                    (Typed, "limit=5"),
                    (Typed, "on=true"),
                    (Typed, "label=null"),
                    (Typed, "x=1.5"),
                ],
                json!({ "limit": 5, "on": true, "label": null, "x": "1.5" }),
            ),
            (
                &[
                    (Raw, "hookEvents[]=RUN_START"),
                    (Raw, "hookEvents[]=RUN_FINISH"),
                ],
                json!({ "hookEvents": ["RUN_START", "RUN_FINISH"] }),
            ),
            (
                &[(Raw, "headers[x-team]=warden"), (Typed, "headers[n]=2")],
                json!({ "headers": { "x-team": "warden", "n": 2 } }),
            ),
            (&[(Typed, "tags[]")], json!({ "tags": [] })),
            (
                &[(Raw, "a[b][c][]=1")],
                json!({ "a": { "b": { "c": ["1"] } } }),
            ),
            (&[(Raw, "a==b")], json!({ "a": "=b" })),
        ];
        for (given, expected) in cases {
            let built = body(&fields(given)).ok();
            assert_eq!(built, Some(expected), "{given:?}");
        }
    }

    #[test]
    fn fields_that_would_lose_a_value_are_refused() {
        use Kind::Raw;
        let cases: [&[(Kind, &str)]; 5] = [
            &[(Raw, "a=1"), (Raw, "a=2")],
            &[(Raw, "a=1"), (Raw, "a[b]=2")],
            &[(Raw, "a[]=1"), (Raw, "a[b]=2")],
            &[(Raw, "a[][b]=1")],
            &[(Raw, "a[b=1")],
        ];
        for given in cases {
            assert!(body(&fields(given)).is_err(), "{given:?}");
        }
        for text in ["noequals", "=value", "[]"] {
            assert!(Field::parse(Raw, text).is_err(), "{text}");
        }
    }

    #[test]
    fn fields_make_a_query_with_their_keys_as_written() {
        let given = fields(&[
            (Kind::Raw, "branches[]=main"),
            (Kind::Typed, "limit=5"),
            (Kind::Typed, "tags[]"),
        ]);
        assert_eq!(
            query(&given),
            [
                ("branches[]".to_owned(), "main".to_owned()),
                ("limit".to_owned(), "5".to_owned())
            ]
        );
    }
}
