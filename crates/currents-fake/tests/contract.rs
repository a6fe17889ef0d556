//! Contract test: every operation through success and every documented error status, with each
//! response body validated against its schema in `spec/currents.json`.

mod support;

use std::collections::BTreeSet;

use currents_fake::{
    FakeServer, Operation, Spelling,
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
    let response = currents_spec::resolve(spec, "", &operation["responses"][status.as_str()]);
    Some(validator(
        &response.value["content"]["application/json"]["schema"],
    ))
}

/// One request of the contract test and the status it must get.
struct Case {
    operation: &'static str,
    expected: StatusCode,
    method: Method,
    path: String,
    body: Option<Value>,
    authorized: bool,
}

const NO_KEY: bool = false;

fn case(
    operation: &'static str,
    expected: StatusCode,
    method: Method,
    path: &str,
    body: Option<Value>,
    authorized: bool,
) -> Case {
    Case {
        operation,
        expected,
        method,
        path: path.to_owned(),
        body,
        authorized,
    }
}

/// An operation probed for each documented status: a request that succeeds (also sent
/// without a key, for 401), one the spec refuses (400), and one for something that does not
/// exist (404), where the operation documents it.
struct Probe {
    operation: &'static str,
    method: Method,
    ok: (String, Option<Value>),
    bad: (String, Option<Value>),
    missing: Option<(String, Option<Value>)>,
}

impl Probe {
    fn cases(self) -> Vec<Case> {
        let success = StatusCode::from_u16(
            Operation::from_id(self.operation)
                .expect("a known operation")
                .success_status(),
        )
        .expect("a valid status");
        let mut cases = vec![
            case(
                self.operation,
                StatusCode::UNAUTHORIZED,
                self.method.clone(),
                &self.ok.0,
                self.ok.1.clone(),
                NO_KEY,
            ),
            case(
                self.operation,
                StatusCode::BAD_REQUEST,
                self.method.clone(),
                &self.bad.0,
                self.bad.1,
                true,
            ),
            case(
                self.operation,
                success,
                self.method.clone(),
                &self.ok.0,
                self.ok.1,
                true,
            ),
        ];
        if let Some((path, body)) = self.missing {
            cases.push(case(
                self.operation,
                StatusCode::NOT_FOUND,
                self.method,
                &path,
                body,
                true,
            ));
        }
        cases
    }
}

fn probe(
    operation: &'static str,
    method: Method,
    ok: (&str, Option<Value>),
    bad: (&str, Option<Value>),
    missing: Option<(&str, Option<Value>)>,
) -> Probe {
    let own = |(path, body): (&str, Option<Value>)| (path.to_owned(), body);
    Probe {
        operation,
        method,
        ok: own(ok),
        bad: own(bad),
        missing: missing.map(own),
    }
}

/// The date range every metrics probe asks for.
const RANGE: &str = "date_start=2026-10-01T00:00:00Z&date_end=2026-12-01T00:00:00Z";

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
    let mut cases = vec![
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
    cases.extend(other_operations(&api).await);

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
            api.call(method, &path, body).await
        } else {
            api.raw(method, &path, body.map(|b| b.to_string()), None)
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
    assert!(checked >= 90, "only {checked} responses were checked");
}

/// The cases of the operations beyond the Runs page, over the same runs. Actions are created
/// first, so that the cases can name one.
async fn other_operations(api: &Api) -> Vec<Case> {
    let post = Method::POST;
    let (get, put, delete) = (Method::GET, Method::PUT, Method::DELETE);
    let action = json!({ "name": "skip flaky login", "action": [{ "op": "skip" }],
        "matcher": { "op": "AND", "cond": [{ "type": "titlePath", "op": "inc", "value": "login" }] } });
    let created = api
        .call(
            post.clone(),
            "/v1/actions?projectId=p1",
            Some(action.clone()),
        )
        .await;
    let id = created.body["data"]["actionId"]
        .as_str()
        .expect("an action id")
        .to_owned();
    let signature = api
        .call(
            post.clone(),
            "/v1/signature/test",
            Some(json!({ "projectId": "p1",
            "specFilePath": "spec-0.cy.ts", "testTitle": ["spec-0.cy.ts", "test 1"] })),
        )
        .await;
    let signature = signature.body["data"]["signature"]
        .as_str()
        .expect("a signature")
        .to_owned();
    let at = |path: String| path;
    let title = || Some(json!({ "projectId": "p1", "specFilePath": "a.ts", "testTitle": "a > b" }));
    let hook = json!({ "url": "http://127.0.0.1:9/hook", "hookEvents": ["RUN_FINISH"] });
    let created = api
        .call(
            post.clone(),
            "/v1/webhooks?projectId=p1",
            Some(hook.clone()),
        )
        .await;
    let hook_id = created.body["data"]["hookId"]
        .as_str()
        .expect("a webhook id")
        .to_owned();
    let no_hook = "00000000-0000-4000-8000-000000000000";
    // A test of a run that the cases before do not reset: r-failed's spec on m2 passed.
    let instance = api
        .call(get.clone(), "/v1/instances/r-failed-i1", None)
        .await;
    let test_id = instance.body["data"]["results"]["tests"][0]["testId"]
        .as_str()
        .unwrap_or_else(|| panic!("a test: {}", instance.body))
        .to_owned();
    let jira = json!({ "runId": "r-failed", "testId": test_id,
        "jiraInstallationId": currents_fake::JIRA_INSTALLATION_ID, "jiraProjectId": "10000",
        "jiraIssueType": "10001" });
    let issue = api
        .call(
            post.clone(),
            "/v1/projects/p1/jira/issues",
            Some(jira.clone()),
        )
        .await;
    let issue_key = issue.body["data"]["issueKey"]
        .as_str()
        .expect("an issue key")
        .to_owned();
    let dates = "date_start=2026-10-01&date_end=2026-12-01";
    let installation = format!(
        "jira_installation_id={}",
        currents_fake::JIRA_INSTALLATION_ID
    );
    [
        probe(
            "getErrorsExplorer",
            get.clone(),
            (
                &at(format!("/v1/errors/p1?{RANGE}&group_by[]=message")),
                None,
            ),
            ("/v1/errors/p1", None),
            Some((&at(format!("/v1/errors/nope?{RANGE}")), None)),
        ),
        probe(
            "listWebhooks",
            get.clone(),
            ("/v1/webhooks?projectId=p1", None),
            ("/v1/webhooks", None),
            Some(("/v1/webhooks?projectId=nope", None)),
        ),
        probe(
            "createWebhook",
            post.clone(),
            ("/v1/webhooks?projectId=p1", Some(hook.clone())),
            ("/v1/webhooks?projectId=p1", Some(json!({ "url": "" }))),
            Some(("/v1/webhooks?projectId=nope", Some(hook))),
        ),
        probe(
            "getWebhook",
            get.clone(),
            (&at(format!("/v1/webhooks/{hook_id}")), None),
            ("/v1/webhooks/not-a-uuid", None),
            Some((&at(format!("/v1/webhooks/{no_hook}")), None)),
        ),
        probe(
            "updateWebhook",
            put.clone(),
            (
                &at(format!("/v1/webhooks/{hook_id}")),
                Some(json!({ "label": "renamed" })),
            ),
            (&at(format!("/v1/webhooks/{hook_id}")), Some(json!({}))),
            Some((
                &at(format!("/v1/webhooks/{no_hook}")),
                Some(json!({ "label": "x" })),
            )),
        ),
        probe(
            "deleteWebhook",
            delete.clone(),
            (&at(format!("/v1/webhooks/{hook_id}")), None),
            ("/v1/webhooks/not-a-uuid", None),
            Some((&at(format!("/v1/webhooks/{no_hook}")), None)),
        ),
        probe(
            "listAffectedTests",
            get.clone(),
            (
                &at(format!(
                    "/v1/actions/tests?projectId=p1&{dates}&action_type=skip"
                )),
                None,
            ),
            ("/v1/actions/tests?projectId=p1", None),
            Some((
                &at(format!("/v1/actions/tests?projectId=nope&{dates}")),
                None,
            )),
        ),
        probe(
            "listAffectedTestExecutions",
            get.clone(),
            (
                &at(format!(
                    "/v1/actions/tests/{signature}?projectId=p1&{dates}"
                )),
                None,
            ),
            (
                &at(format!("/v1/actions/tests/{signature}?projectId=p1")),
                None,
            ),
            Some((
                &at(format!(
                    "/v1/actions/tests/{signature}?projectId=nope&{dates}"
                )),
                None,
            )),
        ),
        probe(
            "listActionTestExecutions",
            get.clone(),
            (&at(format!("/v1/actions/{id}/tests?{dates}")), None),
            (&at(format!("/v1/actions/{id}/tests")), None),
            Some((&at(format!("/v1/actions/nope/tests?{dates}")), None)),
        ),
        probe(
            "getContext",
            get.clone(),
            ("/v1/context?run_id=r-failed&limit=1", None),
            ("/v1/context?run_id=r-failed&limit=0", None),
            Some(("/v1/context?run_id=nope", None)),
        ),
        probe(
            "listProjectPullRequests",
            get.clone(),
            ("/v1/projects/p1/pull-requests?limit=2", None),
            ("/v1/projects/p1/pull-requests?limit=0", None),
            Some(("/v1/projects/nope/pull-requests", None)),
        ),
        probe(
            "listProjectTerms",
            get.clone(),
            ("/v1/projects/p1/terms/branch", None),
            ("/v1/projects/p1/terms/nonsense", None),
            Some(("/v1/projects/nope/terms/tag", None)),
        ),
        probe(
            "createJiraIssueFromRunTest",
            post.clone(),
            ("/v1/projects/p1/jira/issues", Some(jira.clone())),
            ("/v1/projects/p1/jira/issues", Some(json!({}))),
            Some(("/v1/projects/nope/jira/issues", Some(jira.clone()))),
        ),
        probe(
            "linkJiraIssueFromRunTest",
            post.clone(),
            (
                &at(format!("/v1/projects/p1/jira/issues/{issue_key}/link")),
                Some(jira.clone()),
            ),
            (
                &at(format!("/v1/projects/p1/jira/issues/{issue_key}/link")),
                Some(json!({})),
            ),
            Some(("/v1/projects/p1/jira/issues/NOPE-1/link", Some(jira))),
        ),
        probe(
            "listJiraProjects",
            get.clone(),
            (
                &at(format!("/v1/integrations/jira/projects?{installation}")),
                None,
            ),
            ("/v1/integrations/jira/projects", None),
            Some((
                "/v1/integrations/jira/projects?jira_installation_id=nope",
                None,
            )),
        ),
        probe(
            "listJiraIssueTypes",
            get.clone(),
            (
                &at(format!(
                    "/v1/integrations/jira/projects/10000/issue-types?{installation}"
                )),
                None,
            ),
            ("/v1/integrations/jira/projects/10000/issue-types", None),
            Some((
                &at(format!(
                    "/v1/integrations/jira/projects/999/issue-types?{installation}"
                )),
                None,
            )),
        ),
        probe(
            "listProjects",
            get.clone(),
            ("/v1/projects?limit=2", None),
            ("/v1/projects?limit=0", None),
            None,
        ),
        probe(
            "getProject",
            get.clone(),
            ("/v1/projects/p1", None),
            ("/v1/projects/a%20b", None),
            Some(("/v1/projects/nope", None)),
        ),
        probe(
            "listProjectRuns",
            get.clone(),
            ("/v1/projects/p1/runs?limit=2&status=FAILED", None),
            ("/v1/projects/p1/runs?limit=51", None),
            Some(("/v1/projects/nope/runs", None)),
        ),
        probe(
            "getProjectInsights",
            get.clone(),
            (
                &at(format!("/v1/projects/p1/insights?{RANGE}&resolution=1h")),
                None,
            ),
            ("/v1/projects/p1/insights", None),
            Some((&at(format!("/v1/projects/nope/insights?{RANGE}")), None)),
        ),
        probe(
            "getInstance",
            get.clone(),
            ("/v1/instances/r-failed-i0", None),
            ("/v1/instances/%20", None),
            Some(("/v1/instances/nope", None)),
        ),
        probe(
            "getSpecFiles",
            get.clone(),
            (&at(format!("/v1/spec-files/p1?{RANGE}&limit=1")), None),
            ("/v1/spec-files/p1?limit=1", None),
            Some((&at(format!("/v1/spec-files/nope?{RANGE}")), None)),
        ),
        probe(
            "getTestsExplorer",
            get.clone(),
            (&at(format!("/v1/tests/p1?{RANGE}&order=failures")), None),
            (&at(format!("/v1/tests/p1?{RANGE}&min_executions=0")), None),
            Some((&at(format!("/v1/tests/nope?{RANGE}")), None)),
        ),
        probe(
            "getTestResults",
            get.clone(),
            (&at(format!("/v1/test-results/{signature}?{RANGE}")), None),
            (&at(format!("/v1/test-results/{signature}")), None),
            Some((&at(format!("/v1/test-results/nope?{RANGE}")), None)),
        ),
        probe(
            "getTestSignature",
            post.clone(),
            ("/v1/signature/test", title()),
            ("/v1/signature/test", Some(json!({ "projectId": "p1" }))),
            Some((
                "/v1/signature/test",
                Some(json!({ "projectId": "nope", "specFilePath": "a", "testTitle": "b" })),
            )),
        ),
        probe(
            "listActions",
            get.clone(),
            ("/v1/actions?projectId=p1&status=active", None),
            ("/v1/actions", None),
            Some(("/v1/actions?projectId=nope", None)),
        ),
        probe(
            "createAction",
            post,
            ("/v1/actions?projectId=p1", Some(action.clone())),
            ("/v1/actions?projectId=p1", Some(json!({ "name": "" }))),
            Some(("/v1/actions?projectId=nope", Some(action))),
        ),
        probe(
            "getAction",
            get,
            (&at(format!("/v1/actions/{id}")), None),
            ("/v1/actions/%20", None),
            Some(("/v1/actions/nope", None)),
        ),
        probe(
            "updateAction",
            put.clone(),
            (
                &at(format!("/v1/actions/{id}")),
                Some(json!({ "name": "renamed" })),
            ),
            (
                &at(format!("/v1/actions/{id}")),
                Some(json!({ "name": "" })),
            ),
            Some(("/v1/actions/nope", Some(json!({ "name": "x" })))),
        ),
        probe(
            "disableAction",
            put.clone(),
            (&at(format!("/v1/actions/{id}/disable")), None),
            ("/v1/actions/%20/disable", None),
            Some(("/v1/actions/nope/disable", None)),
        ),
        probe(
            "enableAction",
            put,
            (&at(format!("/v1/actions/{id}/enable")), None),
            ("/v1/actions/%20/enable", None),
            Some(("/v1/actions/nope/enable", None)),
        ),
        probe(
            "deleteAction",
            delete,
            (&at(format!("/v1/actions/{id}")), None),
            ("/v1/actions/%20", None),
            Some(("/v1/actions/nope", None)),
        ),
    ]
    .into_iter()
    .flat_map(Probe::cases)
    .collect()
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
