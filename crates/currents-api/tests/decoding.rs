//! How the generated types decode what Currents sends: the docs' spellings, production's
//! spellings, and values neither lists.

use currents_api::types::{
    BranchFilterQueryValue, ErrorResponse, ErrorResponseStatus, Exact, Prefix, Run,
    RunCompletionState, RunStatus,
};
use proptest::prelude::*;
use serde_json::json;

/// Every spelling the API is known to send, the variant it means, and whether it is the one
/// production sends (and so the one serialised).
const STATUS_SPELLINGS: [(&str, RunStatus, bool); 9] = [
    ("passed", RunStatus::Passed, false),
    ("PASSED", RunStatus::Passed, true),
    ("failed", RunStatus::Failed, false),
    ("FAILED", RunStatus::Failed, true),
    ("running", RunStatus::Running, false),
    ("RUNNING", RunStatus::Running, true),
    ("cancelled", RunStatus::Cancelled, true),
    ("timedOut", RunStatus::TimedOut, true),
    ("FAILING", RunStatus::Failing, true),
];

const STATE_SPELLINGS: [(&str, RunCompletionState, bool); 8] = [
    ("complete", RunCompletionState::Complete, false),
    ("COMPLETE", RunCompletionState::Complete, true),
    ("incomplete", RunCompletionState::Incomplete, false),
    ("IN_PROGRESS", RunCompletionState::Incomplete, true),
    ("cancelled", RunCompletionState::Cancelled, false),
    ("CANCELED", RunCompletionState::Cancelled, true),
    ("timedOut", RunCompletionState::TimedOut, false),
    ("TIMEOUT", RunCompletionState::TimedOut, true),
];

#[test]
fn every_spelling_decodes_to_its_variant_and_each_variant_serialises_as_production_does() {
    for (spelling, variant, production) in STATUS_SPELLINGS {
        let decoded: RunStatus = serde_json::from_value(json!(spelling)).expect("decodes");
        assert_eq!(decoded, variant, "{spelling}");
        if production {
            assert_eq!(
                serde_json::to_value(&variant).expect("serialises"),
                spelling
            );
            assert_eq!(variant.to_string(), spelling);
        }
    }
    for (spelling, variant, production) in STATE_SPELLINGS {
        let decoded: RunCompletionState = serde_json::from_value(json!(spelling)).expect("decodes");
        assert_eq!(decoded, variant, "{spelling}");
        if production {
            assert_eq!(
                serde_json::to_value(&variant).expect("serialises"),
                spelling
            );
        }
    }
    // Each variant has exactly one production spelling.
    for spellings in [
        STATUS_SPELLINGS
            .map(|(s, v, p)| (s, v.to_string(), p))
            .to_vec(),
        STATE_SPELLINGS
            .map(|(s, v, p)| (s, v.to_string(), p))
            .to_vec(),
    ] {
        let serialised = spellings.iter().filter(|(_, _, p)| *p).count();
        let variants = spellings
            .iter()
            .map(|(_, v, _)| v)
            .collect::<std::collections::BTreeSet<_>>();
        assert_eq!(serialised, variants.len());
    }
}

#[test]
fn semantics_hold_for_every_spelling() {
    for (spelling, variant, _) in STATUS_SPELLINGS {
        let running = matches!(variant, RunStatus::Running | RunStatus::Failing);
        assert_eq!(
            RunStatus::from(spelling).is_running(),
            running,
            "{spelling}"
        );
    }
    for (spelling, variant, _) in STATE_SPELLINGS {
        let finished = variant != RunCompletionState::Incomplete;
        assert_eq!(
            RunCompletionState::from(spelling).is_finished(),
            finished,
            "{spelling}"
        );
    }
    assert!(!RunCompletionState::from("PAUSED").is_finished());
    assert!(!RunStatus::from("QUEUED").is_running());
}

proptest! {
    #[test]
    fn no_string_decodes_to_the_wrong_variant_and_unknown_ones_round_trip(
        value in prop_oneof![
            "[a-zA-Z_]{0,12}",
            any::<String>(),
            prop::sample::select(STATUS_SPELLINGS.map(|(s, _, _)| s).to_vec()).prop_map(str::to_owned),
            prop::sample::select(STATE_SPELLINGS.map(|(s, _, _)| s).to_vec()).prop_map(|s| s.to_lowercase()),
        ]
    ) {
        let status: RunStatus = serde_json::from_value(json!(value)).expect("any string decodes");
        match STATUS_SPELLINGS.iter().find(|(s, _, _)| *s == value) {
            Some((_, variant, _)) => prop_assert_eq!(&status, variant),
            None => {
                prop_assert!(matches!(&status, RunStatus::Unknown(kept) if kept.as_str() == value));
                prop_assert_eq!(serde_json::to_value(&status).expect("serialises"), json!(value));
            }
        }
        let state: RunCompletionState = serde_json::from_value(json!(value)).expect("any string decodes");
        match STATE_SPELLINGS.iter().find(|(s, _, _)| *s == value) {
            Some((_, variant, _)) => prop_assert_eq!(&state, variant),
            None => {
                prop_assert!(
                    matches!(&state, RunCompletionState::Unknown(kept) if kept.as_str() == value)
                );
                prop_assert_eq!(serde_json::to_value(&state).expect("serialises"), json!(value));
            }
        }
    }
}

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
    assert!(matches!(&run.status, RunStatus::Unknown(kept) if kept.as_str() == "errored"));
    assert_eq!(
        run.status,
        RunStatus::from("errored"),
        "made the way callers make it"
    );
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
    // Spellings are exact: a lower-case `failing` is not production's `FAILING`.
    let failing = "failing".parse::<RunStatus>().expect("infallible");
    assert!(matches!(failing, RunStatus::Unknown(_)), "{failing:?}");
    assert_ne!(failing, RunStatus::Failing);
}

#[test]
fn an_error_response_decodes_whatever_its_status() {
    let error: ErrorResponse =
        serde_json::from_value(json!({ "status": "ERROR", "error": "Run not found" }))
            .expect("decodes");
    assert_eq!(error.status, ErrorResponseStatus::from("ERROR"));
    assert!(matches!(error.status, ErrorResponseStatus::Unknown(_)));
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
