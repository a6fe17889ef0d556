//! Contract test: every operation through success and every documented error status, with each
//! response body validated against its schema in `spec/currents.json`.

mod support;

use std::collections::BTreeSet;

use currents_fake::{
    FakeServer, Spelling,
    demo::demo_run,
    load_runs,
    schema::{spec_as_json_schema, validator},
};
use jsonschema::Validator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Api, run};

/// The validator for one documented response, or `None` if the spec does not document it.
fn response_validator(spec: &Value, operation_id: &str, status: StatusCode) -> Option<Validator> {
    let operation = spec["paths"]
        .as_object()?
        .values()
        .flat_map(|item| item.as_object().into_iter().flatten())
        .map(|(_, operation)| operation)
        .find(|operation| operation["operationId"] == operation_id)?;
    let mut response = &operation["responses"][status.as_str()];
    if let Some(reference) = response["$ref"].as_str() {
        response = spec.pointer(&reference[1..])?;
    }
    Some(validator(
        &response["content"]["application/json"]["schema"],
    ))
}

/// One request of the contract test and the status it must get.
struct Case {
    operation: &'static str,
    expected: StatusCode,
    method: Method,
    path: &'static str,
    body: Option<Value>,
    authorized: bool,
}

const NO_KEY: bool = false;

fn case(
    operation: &'static str,
    expected: StatusCode,
    method: Method,
    path: &'static str,
    body: Option<Value>,
    authorized: bool,
) -> Case {
    Case {
        operation,
        expected,
        method,
        path,
        body,
        authorized,
    }
}

#[tokio::test]
async fn every_operation_and_documented_status_answers_with_a_valid_body_in_production_spelling() {
    contract(Spelling::Production).await;
}

#[tokio::test]
async fn every_operation_and_documented_status_answers_with_a_valid_body_in_documented_spelling() {
    contract(Spelling::Documented).await;
}

async fn contract(spelling: Spelling) {
    let spec = spec_as_json_schema();
    let large = demo_run(3, 2_200);
    let large_id = large.run.run_id.clone();
    let runs = vec![
        run("r-passed", "p1", "passed", "main", &[], 9, &[("m1", 0)]),
        run(
            "r-failed",
            "p1",
            "failed",
            "main",
            &[],
            10,
            &[("m1", 2), ("m2", 0)],
        ),
        run("r-running", "p1", "running", "main", &[], 11, &[("m1", 1)]),
        run("r-gh", "p1", "running", "main", &[], 12, &[]).with_github("777", 2),
        large,
    ];
    // A run as production answers it: upper-case values and fields the docs do not list.
    let production = load_runs(
        &json!([{ "runId": "r-prod", "projectId": "p1", "createdAt": "2026-11-01T08:00:00Z",
            "completionState": "COMPLETE", "status": "FAILED",
            "groups": [{ "groupId": "chromium", "specCount": 3, "coverageEnabled": true,
                         "instances": { "overall": 3, "claimed": 3, "complete": 3 },
                         "tests": { "tests": 9, "retries": 1 }, "undocumented": [1] }],
            "meta": { "commit": { "ghaEventData": { "event": "push" }, "replacedCommitData": null } } }])
        .to_string(),
    )
    .expect("a production-shaped run loads");
    let api = Api::with(
        FakeServer::builder()
            .spelling(spelling)
            .runs(runs.into_iter().chain(production))
            .start(),
    );
    // `NO_KEY` sends the request without an API key.
    let key = NO_KEY;
    let reset = || Some(json!({ "machineId": ["m1"] }));
    let github = |attempt: i64| {
        Some(json!({ "githubRunId": "777", "githubRunAttempt": attempt, "projectId": "p1" }))
    };
    let (get, put, delete) = (Method::GET, Method::PUT, Method::DELETE);
    let cases = vec![
        case(
            "getRun",
            StatusCode::OK,
            get.clone(),
            "/v1/runs/r-passed",
            None,
            true,
        ),
        case(
            "getRun",
            StatusCode::OK,
            get.clone(),
            "/v1/runs/r-prod",
            None,
            true,
        ),
        case(
            "getRun",
            StatusCode::BAD_REQUEST,
            get.clone(),
            "/v1/runs/r%20x",
            None,
            true,
        ),
        case(
            "getRun",
            StatusCode::UNAUTHORIZED,
            get.clone(),
            "/v1/runs/r-passed",
            None,
            key,
        ),
        case(
            "getRun",
            StatusCode::NOT_FOUND,
            get.clone(),
            "/v1/runs/missing",
            None,
            true,
        ),
        case(
            "findRun",
            StatusCode::OK,
            get.clone(),
            "/v1/runs/find?projectId=p1&branch=main",
            None,
            true,
        ),
        case(
            "findRun",
            StatusCode::BAD_REQUEST,
            get.clone(),
            "/v1/runs/find?branch=main",
            None,
            true,
        ),
        case(
            "findRun",
            StatusCode::UNAUTHORIZED,
            get.clone(),
            "/v1/runs/find?projectId=p1",
            None,
            key,
        ),
        case(
            "findRun",
            StatusCode::NOT_FOUND,
            get.clone(),
            "/v1/runs/find?projectId=nope",
            None,
            true,
        ),
        case(
            "cancelRun",
            StatusCode::OK,
            put.clone(),
            "/v1/runs/r-running/cancel",
            None,
            true,
        ),
        case(
            "cancelRun",
            StatusCode::UNPROCESSABLE_ENTITY,
            put.clone(),
            "/v1/runs/r-running/cancel",
            None,
            true,
        ),
        case(
            "cancelRun",
            StatusCode::BAD_REQUEST,
            put.clone(),
            "/v1/runs/a%09b/cancel",
            None,
            true,
        ),
        case(
            "cancelRun",
            StatusCode::UNAUTHORIZED,
            put.clone(),
            "/v1/runs/r-running/cancel",
            None,
            key,
        ),
        case(
            "cancelRun",
            StatusCode::NOT_FOUND,
            put.clone(),
            "/v1/runs/missing/cancel",
            None,
            true,
        ),
        case(
            "resetRun",
            StatusCode::OK,
            put.clone(),
            "/v1/runs/r-failed/reset",
            reset(),
            true,
        ),
        case(
            "resetRun",
            StatusCode::BAD_REQUEST,
            put.clone(),
            "/v1/runs/r-failed/reset",
            Some(json!({ "machineId": [] })),
            true,
        ),
        case(
            "resetRun",
            StatusCode::UNAUTHORIZED,
            put.clone(),
            "/v1/runs/r-failed/reset",
            reset(),
            key,
        ),
        case(
            "resetRun",
            StatusCode::NOT_FOUND,
            put.clone(),
            "/v1/runs/missing/reset",
            reset(),
            true,
        ),
        case(
            "cancelRunByGithubCI",
            StatusCode::OK,
            put.clone(),
            "/v1/runs/cancel-ci/github",
            github(2),
            true,
        ),
        case(
            "cancelRunByGithubCI",
            StatusCode::UNPROCESSABLE_ENTITY,
            put.clone(),
            "/v1/runs/cancel-ci/github",
            github(2),
            true,
        ),
        case(
            "cancelRunByGithubCI",
            StatusCode::BAD_REQUEST,
            put.clone(),
            "/v1/runs/cancel-ci/github",
            Some(json!({ "githubRunAttempt": 2 })),
            true,
        ),
        case(
            "cancelRunByGithubCI",
            StatusCode::UNAUTHORIZED,
            put.clone(),
            "/v1/runs/cancel-ci/github",
            github(2),
            key,
        ),
        case(
            "cancelRunByGithubCI",
            StatusCode::NOT_FOUND,
            put.clone(),
            "/v1/runs/cancel-ci/github",
            github(3),
            true,
        ),
        case(
            "deleteRun",
            StatusCode::OK,
            delete.clone(),
            "/v1/runs/r-passed",
            None,
            true,
        ),
        case(
            "deleteRun",
            StatusCode::BAD_REQUEST,
            delete.clone(),
            "/v1/runs/%20",
            None,
            true,
        ),
        case(
            "deleteRun",
            StatusCode::UNAUTHORIZED,
            delete.clone(),
            "/v1/runs/r-failed",
            None,
            key,
        ),
        case(
            "deleteRun",
            StatusCode::NOT_FOUND,
            delete,
            "/v1/runs/r-passed",
            None,
            true,
        ),
    ];

    let mut checked = 0;
    let mut covered = BTreeSet::new();
    let mut check = |operation: &str, status: StatusCode, body: &Value| {
        let validator = response_validator(spec, operation, status)
            .unwrap_or_else(|| panic!("{operation} does not document {status}"));
        let errors = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect::<Vec<_>>();
        assert!(
            errors.is_empty(),
            "{operation} {status}: body violates its schema: {errors:?}\n{body}"
        );
        checked += 1;
        covered.insert((operation.to_owned(), status.as_u16()));
    };

    for Case {
        operation,
        expected,
        method,
        path,
        body,
        authorized,
    } in cases
    {
        let answer = if authorized {
            api.call(method, path, body).await
        } else {
            api.raw(method, path, body.map(|b| b.to_string()), None)
                .await
        };
        assert_eq!(
            answer.status, expected,
            "{operation} {path}: {}",
            answer.body
        );
        check(operation, answer.status, &answer.body);
    }

    // The 1 MB limit: 413 without gzip, a valid 200 with it.
    let large_get = format!("/v1/runs/{large_id}");
    let large_find = "/v1/runs/find?projectId=web-app".to_owned();
    for (operation, path) in [("getRun", &large_get), ("findRun", &large_find)] {
        let refused = api.call_identity(Method::GET, path).await;
        assert_eq!(
            refused.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{operation}: {}",
            refused.body
        );
        check(operation, refused.status, &refused.body);
        let compressed = api.call(Method::GET, path, None).await;
        assert_eq!(compressed.status, StatusCode::OK, "{operation}");
        assert_eq!(compressed.body["data"]["runId"], large_id.as_str());
        check(operation, compressed.status, &compressed.body);
    }

    // Every status each operation documents has been seen and validated.
    for (_, item) in spec["paths"].as_object().expect("paths") {
        for (_, operation) in item.as_object().expect("path item") {
            let id = operation["operationId"].as_str().expect("operationId");
            for status in operation["responses"]
                .as_object()
                .expect("responses")
                .keys()
            {
                let status = status.parse::<u16>().expect("numeric status");
                assert!(
                    covered.contains(&(id.to_owned(), status)),
                    "{id} {status} was never exercised"
                );
            }
        }
    }
    println!(
        "contract ({spelling:?} spelling): {checked} responses checked against spec/currents.json, 0 violations"
    );
    assert!(checked >= 31, "only {checked} responses were checked");
}

#[test]
fn the_schema_check_rejects_bodies_that_break_the_spec() {
    let get_run =
        response_validator(spec_as_json_schema(), "getRun", StatusCode::OK).expect("documented");
    let valid = json!({ "status": "OK", "data": { "runId": "r", "projectId": "p",
        "createdAt": "2026-11-01T00:00:00Z", "completionState": "complete", "status": "passed",
        "durationMs": null, "cancellation": null } });
    assert!(get_run.is_valid(&valid), "nullable fields accept null");
    for broken in [
        json!({ "status": "OK" }),
        json!({ "status": "OK", "data": { "runId": 1 } }),
        json!({ "status": "OK", "data": { "runId": "r", "projectId": "p", "createdAt": "yesterday",
            "completionState": "complete", "status": "passed" } }),
    ] {
        assert!(!get_run.is_valid(&broken), "{broken} must be rejected");
    }
}
