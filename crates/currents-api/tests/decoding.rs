//! How the generated types decode what Currents sends, including what the spec does not list.

use currents_api::types::{
    BranchFilterQueryValue, ErrorResponse, ErrorResponseStatus, Exact, Prefix, Run,
    RunCompletionState, RunStatus,
};
use serde_json::json;

fn run_with(status: &str, completion_state: &str) -> serde_json::Value {
    json!({
        "runId": "r1",
        "projectId": "p1",
        "createdAt": "2026-11-28T10:00:00Z",
        "completionState": completion_state,
        "status": status,
    })
}

#[test]
fn an_unlisted_run_status_decodes_as_unknown_and_serialises_back() {
    let json = run_with("errored", "complete");
    let run: Run = serde_json::from_value(json.clone()).expect("an unknown status still decodes");
    assert_eq!(run.status, RunStatus::Unknown("errored".to_owned()));
    assert_eq!(
        serde_json::to_value(&run).expect("serialises")["status"],
        "errored"
    );
}

#[test]
fn listed_values_decode_to_their_variants() {
    let run: Run = serde_json::from_value(run_with("timedOut", "cancelled")).expect("decodes");
    assert_eq!(run.status, RunStatus::TimedOut);
    assert_eq!(run.completion_state, RunCompletionState::Cancelled);
    assert_eq!(run.status.to_string(), "timedOut");
    assert_eq!(
        "failing".parse::<RunStatus>(),
        Ok(RunStatus::Unknown("failing".to_owned()))
    );
}

#[test]
fn an_error_response_decodes_whatever_its_status() {
    let error: ErrorResponse =
        serde_json::from_value(json!({ "status": "ERROR", "error": "Run not found" }))
            .expect("decodes");
    assert_eq!(
        error.status,
        ErrorResponseStatus::Unknown("ERROR".to_owned())
    );
    assert_eq!(error.error, "Run not found");
}

#[test]
fn branch_filters_are_exact_or_prefix() {
    let exact: BranchFilterQueryValue = "release/1.x".parse().expect("an exact branch");
    assert_eq!(
        exact,
        BranchFilterQueryValue::Exact(Exact::try_from("release/1.x").expect("valid"))
    );
    let prefix: BranchFilterQueryValue = "release/*".parse().expect("a prefix");
    assert_eq!(
        prefix,
        BranchFilterQueryValue::Prefix(Prefix::try_from("release/*").expect("valid"))
    );
    assert!("bad branch".parse::<BranchFilterQueryValue>().is_err());
}
