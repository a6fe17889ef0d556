//! Loading runs from a `--data` file: a JSON array of `Run` objects, checked before serving.

use std::collections::BTreeSet;

use currents_api::types::Run;
use serde_json::Value;

use crate::FakeRun;

/// Why a data file cannot be served.
#[derive(Debug, PartialEq, Eq)]
pub struct DataError(String);

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DataError {}

/// Parses a data file's text into runs, naming the run and the field of the first problem.
pub fn load_runs(text: &str) -> Result<Vec<FakeRun>, DataError> {
    let values: Vec<Value> = serde_json::from_str(text).map_err(|error| {
        DataError(format!(
            "the data file must be a JSON array of Run objects: {error}"
        ))
    })?;
    let mut seen = BTreeSet::new();
    values
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let name = match value.get("runId").and_then(Value::as_str) {
                Some(id) => format!("run {index} ({id})"),
                None => format!("run {index}"),
            };
            let run: Run = serde_path_to_error::deserialize(&value).map_err(|error| {
                DataError(format!(
                    "{name}: field {} is invalid: {}",
                    error.path(),
                    error.inner()
                ))
            })?;
            if !seen.insert(run.run_id.clone()) {
                return Err(DataError(format!(
                    "{name}: runId is used by an earlier run"
                )));
            }
            // Kept as given, so that the fields the spec does not list are answered too.
            Ok(FakeRun {
                given: Some(value),
                ..FakeRun::from(run)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_field_names_the_run_and_the_field() {
        let text = r#"[
            {"runId":"a","projectId":"p","createdAt":"2026-11-01T00:00:00Z","completionState":"complete","status":"passed"},
            {"runId":"b","projectId":"p","createdAt":"2026-11-01T00:00:00Z","completionState":"complete","status":"passed",
             "specs":[{"results":{"stats":{"failures":"two"}}}]}
        ]"#;
        let error = load_runs(text).expect_err("failures must be an integer");
        assert_eq!(
            error.to_string(),
            "run 1 (b): field specs[0].results.stats.failures is invalid: invalid type: string \"two\", expected i64"
        );
    }

    #[test]
    fn a_missing_required_field_and_a_duplicate_id_are_refused() {
        let error = load_runs(r#"[{"runId":"a"}]"#).expect_err("projectId is required");
        assert!(
            error
                .to_string()
                .starts_with("run 0 (a): field . is invalid: missing field"),
            "{error}"
        );
        let run = r#"{"runId":"a","projectId":"p","createdAt":"2026-11-01T00:00:00Z","completionState":"complete","status":"passed"}"#;
        let error = load_runs(&format!("[{run},{run}]")).expect_err("duplicate");
        assert_eq!(
            error.to_string(),
            "run 1 (a): runId is used by an earlier run"
        );
    }
}
