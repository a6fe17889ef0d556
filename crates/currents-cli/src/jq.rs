//! `--jq`: a jq filter over an answer, run by jaq (jq in Rust), printed as `gh api --jq`
//! prints gojq's results: a string as its text, anything else as JSON.

use jaq_core::{
    Ctx, Vars, compile, data,
    load::{self, Arena, File, Loader},
    unwrap_valr,
};
use jaq_json::Val;

use crate::exit::{Failure, Stop};

/// A compiled filter.
pub(crate) struct Jq {
    filter: jaq_core::Filter<data::JustLut<Val>>,
}

impl Jq {
    /// The filter, or a usage error that says where it does not parse or what it names that
    /// does not exist.
    pub(crate) fn new(code: &str) -> Result<Jq, Stop> {
        let refuse = |why: String| Failure::invalid(format!("--jq {code:?}: {why}"));
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let modules = Loader::new(defs)
            .load(&arena, File { code, path: () })
            .map_err(|errors| refuse(load_errors(&errors)))?;
        let filter = compile::Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let undefined = errors
                    .iter()
                    .flat_map(|(_, undefined)| undefined)
                    .map(|(name, kind)| format!("{} {name} is not defined", kind.as_str()))
                    .collect::<Vec<_>>();
                refuse(undefined.join("; "))
            })?;
        Ok(Jq { filter })
    }

    /// The filter's results for a JSON text, each as one line: a string as its text, anything
    /// else as JSON (indented when `pretty`).
    pub(crate) fn run(&self, json: &[u8], pretty: bool) -> Result<Vec<String>, Stop> {
        let input = jaq_json::read::parse_single(json)
            .map_err(|error| Failure::invalid(format!("--jq: the answer is not JSON: {error}")))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        self.filter
            .id
            .run((ctx, input))
            .map(unwrap_valr)
            .map(|result| match result {
                Ok(Val::TStr(text)) => Ok(String::from_utf8_lossy(&text).into_owned()),
                Ok(value) if pretty => Ok(pretty_json(&value)),
                Ok(value) => Ok(value.to_string()),
                Err(error) => Err(Failure::invalid(format!("--jq: {error}")).into()),
            })
            .collect()
    }
}

/// A value as indented JSON, as jq prints it on a terminal.
fn pretty_json(value: &Val) -> String {
    serde_json::from_str::<serde_json::Value>(&value.to_string())
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| value.to_string())
}

/// What the loader could not read, token by token.
fn load_errors(errors: &load::Errors<&str, ()>) -> String {
    let mut parts = Vec::new();
    for (_, error) in errors {
        match error {
            load::Error::Io(io) => {
                parts.extend(io.iter().map(|(path, why)| format!("{path}: {why}")))
            }
            load::Error::Lex(lex) => {
                parts.extend(lex.iter().map(|(expected, at)| {
                    format!("expected {} at {:?}", expected.as_str(), clip(at))
                }))
            }
            load::Error::Parse(parse) => {
                parts.extend(parse.iter().map(|(expected, at)| {
                    format!("expected {} at {:?}", expected.as_str(), clip(at))
                }))
            }
        }
    }
    parts.join("; ")
}

/// The first few characters of the filter's rest, where an error is.
fn clip(rest: &str) -> String {
    match rest.char_indices().nth(20) {
        Some((end, _)) => format!("{}…", &rest[..end]),
        None if rest.is_empty() => "the end".to_owned(),
        None => rest.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_print_strings_as_text_and_the_rest_as_json() {
        let answer = br#"{"data":[{"runId":"r1","tags":["a"]},{"runId":"r2","tags":[]}]}"#;
        let cases = [
            (".data[].runId", vec!["r1", "r2"]),
            (".data | length", vec!["2"]),
            (".data[0].tags", vec![r#"["a"]"#]),
            (
                "[.data[] | select(.tags == [])] | map(.runId)",
                vec![r#"["r2"]"#],
            ),
            (".missing", vec!["null"]),
        ];
        for (code, expected) in cases {
            let lines = Jq::new(code).and_then(|jq| jq.run(answer, false));
            assert_eq!(
                lines.ok(),
                Some(expected.into_iter().map(str::to_owned).collect()),
                "{code}"
            );
        }
    }

    #[test]
    fn a_filter_that_does_not_parse_or_names_nothing_is_a_usage_error() {
        for code in [".data[", "nosuchfilter", "$undefined", ".a |"] {
            let Err(Stop::Failed(failure)) = Jq::new(code) else {
                panic!("{code} compiled");
            };
            assert!(
                failure.message.contains("--jq"),
                "{code}: {}",
                failure.message
            );
        }
        let Err(Stop::Failed(failure)) = Jq::new(".a").and_then(|jq| jq.run(b"[1]", false)) else {
            panic!("indexing an array by a name ran");
        };
        assert!(failure.message.contains("--jq"), "{}", failure.message);
    }
}
