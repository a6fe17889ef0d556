//! The wire of every operation, as `spec/currents.json` had it when this was written.
//!
//! The client and the fake both derive their requests and routes from the spec, so after any
//! change to it they agree with each other again, and every other test passes: they would now
//! call, and serve, the API the new spec describes. These tests are what notice that the API
//! itself changed (a path, a method, a parameter's name), so that whoever regenerated the
//! bindings reviews it. When one fails: read the spec diff `cargo xtask gen` printed, check
//! that callers of the changed operation still do what they mean, then update the table here.

use currents::{
    Client, MachineId, Operation, ProjectId, ResetOptions, RunId, api::operations::Method,
};
use currents_fake::{FakeServer, RunFixture};

fn client(fake: &FakeServer) -> Client {
    Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .build()
        .expect("a client for the fake")
}

fn run_id(id: &str) -> RunId {
    id.parse().expect("a valid run id")
}

/// Every operation's method and path template.
const OPERATIONS: [(Operation, Method, &str); 22] = [
    (Operation::ListActions, Method::Get, "/actions"),
    (Operation::CreateAction, Method::Post, "/actions"),
    (Operation::GetAction, Method::Get, "/actions/{actionId}"),
    (Operation::UpdateAction, Method::Put, "/actions/{actionId}"),
    (
        Operation::DeleteAction,
        Method::Delete,
        "/actions/{actionId}",
    ),
    (
        Operation::DisableAction,
        Method::Put,
        "/actions/{actionId}/disable",
    ),
    (
        Operation::EnableAction,
        Method::Put,
        "/actions/{actionId}/enable",
    ),
    (
        Operation::GetInstance,
        Method::Get,
        "/instances/{instanceId}",
    ),
    (Operation::ListProjects, Method::Get, "/projects"),
    (Operation::GetProject, Method::Get, "/projects/{projectId}"),
    (
        Operation::GetProjectInsights,
        Method::Get,
        "/projects/{projectId}/insights",
    ),
    (
        Operation::ListProjectRuns,
        Method::Get,
        "/projects/{projectId}/runs",
    ),
    (
        Operation::CancelRunByGithubCi,
        Method::Put,
        "/runs/cancel-ci/github",
    ),
    (Operation::FindRun, Method::Get, "/runs/find"),
    (Operation::GetRun, Method::Get, "/runs/{runId}"),
    (Operation::DeleteRun, Method::Delete, "/runs/{runId}"),
    (Operation::CancelRun, Method::Put, "/runs/{runId}/cancel"),
    (Operation::ResetRun, Method::Put, "/runs/{runId}/reset"),
    (Operation::GetTestSignature, Method::Post, "/signature/test"),
    (
        Operation::GetSpecFiles,
        Method::Get,
        "/spec-files/{projectId}",
    ),
    (
        Operation::GetTestResults,
        Method::Get,
        "/test-results/{signature}",
    ),
    (
        Operation::GetTestsExplorer,
        Method::Get,
        "/tests/{projectId}",
    ),
];

#[test]
fn every_operation_keeps_its_method_and_path() {
    let now = Operation::ALL
        .map(|operation| (operation, operation.method(), operation.path()))
        .to_vec();
    assert_eq!(
        now, OPERATIONS,
        "the spec's operations changed; review the spec diff, then update OPERATIONS"
    );
}

/// What the client sent for one call: method, path, query names, and body field names.
type Sent = (String, String, Vec<String>, Vec<String>);

fn last_sent(fake: &FakeServer) -> Sent {
    let request = fake.requests().pop().expect("a request was sent");
    let query = request
        .query_pairs()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let body = request
        .json()
        .and_then(|body| {
            body.as_object()
                .map(|fields| fields.keys().cloned().collect())
        })
        .unwrap_or_default();
    (request.method, request.path, query, body)
}

fn sent(method: &str, path: &str, query: &[&str], body: &[&str]) -> Sent {
    let strings = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect();
    (
        method.to_owned(),
        path.to_owned(),
        strings(query),
        strings(body),
    )
}

#[tokio::test]
async fn every_call_sends_the_method_path_and_names_the_spec_had() {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("r1").status("failed").spec("m0", 1),
            RunFixture::new("r2").status("running").github("42", 1),
        ])
        .start();
    let client = client(&fake);
    let runs = client.runs();
    let project: ProjectId = "project-1".parse().expect("valid");

    runs.get(&run_id("r1")).await.expect("getRun");
    assert_eq!(last_sent(&fake), sent("GET", "/v1/runs/r1", &[], &[]));

    let _ = runs
        .find(&project)
        .branch("main")
        .tags(["a"])
        .ci_build_id("build-r1")
        .pw_last_run(true)
        .send()
        .await;
    assert_eq!(
        last_sent(&fake),
        sent(
            "GET",
            "/v1/runs/find",
            &["projectId", "ciBuildId", "branch", "tags[]", "pwLastRun"],
            &[]
        )
    );

    let options = ResetOptions {
        batched_orchestration: Some(false),
        ..ResetOptions::default()
    };
    let machine: MachineId = "m0".parse().expect("valid");
    runs.reset(&run_id("r1"), [machine], options)
        .await
        .into_result()
        .expect("resetRun");
    assert_eq!(
        last_sent(&fake),
        sent(
            "PUT",
            "/v1/runs/r1/reset",
            &[],
            &["isBatchedOr8n", "machineId"]
        )
    );

    runs.cancel_github("42", 1)
        .project(&project)
        .ci_build_id("build-r2")
        .send()
        .await
        .expect("cancelRunByGithubCI");
    assert_eq!(
        last_sent(&fake),
        sent(
            "PUT",
            "/v1/runs/cancel-ci/github",
            &[],
            &["ciBuildId", "githubRunAttempt", "githubRunId", "projectId"]
        )
    );

    runs.cancel(&run_id("r1")).await.expect("cancelRun");
    assert_eq!(
        last_sent(&fake),
        sent("PUT", "/v1/runs/r1/cancel", &[], &[])
    );

    runs.delete(&run_id("r1")).await.expect("deleteRun");
    assert_eq!(last_sent(&fake), sent("DELETE", "/v1/runs/r1", &[], &[]));
}

#[tokio::test]
async fn every_call_beyond_the_runs_page_sends_the_names_the_spec_had() {
    use currents::{
        ActionId, InstanceId, RunCompletionState, RunStatus, TestSignature,
        api::types::{
            ConditionOperator, ConditionType, CreateActionRequest, InsightsResolution, RuleAction,
            RuleMatcher, RuleMatcherCondition, RuleMatcherConditionValue, SortDirection,
            SpecFileOrder, TestOrder, TestState, UpdateActionRequest,
        },
    };
    use futures_util::TryStreamExt as _;

    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").status("failed").spec("m0", 1)])
        .start();
    let client = client(&fake);
    let project: ProjectId = "project-1".parse().expect("valid");
    let start = chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z")
        .expect("date")
        .to_utc();
    let range = start..chrono::Utc::now();

    let _ = client
        .projects()
        .list()
        .stream()
        .try_collect::<Vec<_>>()
        .await;
    assert_eq!(
        last_sent(&fake),
        sent("GET", "/v1/projects", &["limit"], &[])
    );
    let _ = client.projects().get(&project).await;
    assert_eq!(
        last_sent(&fake),
        sent("GET", "/v1/projects/project-1", &[], &[])
    );
    let _ = client
        .projects()
        .runs(&project)
        .branch("main")
        .tags(["a"])
        .any_tag()
        .search("fix")
        .authors(["Dana"])
        .status([RunStatus::Failed])
        .completion_state([RunCompletionState::Complete])
        .since(range.start)
        .until(range.end)
        .stream()
        .try_collect::<Vec<_>>()
        .await;
    assert_eq!(
        last_sent(&fake),
        sent(
            "GET",
            "/v1/projects/project-1/runs",
            &[
                "limit",
                "branches[]",
                "tags[]",
                "tag_operator",
                "search",
                "authors[]",
                "status",
                "completion_state",
                "date_start",
                "date_end"
            ],
            &[]
        )
    );
    let _ = client
        .projects()
        .insights(&project, range.clone())
        .resolution(InsightsResolution::Hour)
        .tags(["a"])
        .branches(["main"])
        .groups(["chrome"])
        .authors(["Dana"])
        .send()
        .await;
    assert_eq!(
        last_sent(&fake),
        sent(
            "GET",
            "/v1/projects/project-1/insights",
            &[
                "date_start",
                "date_end",
                "resolution",
                "tags[]",
                "branches[]",
                "groups[]",
                "authors[]"
            ],
            &[]
        )
    );
    let _ = client
        .projects()
        .spec_files(&project, range.clone())
        .tags(["a"])
        .branches(["main"])
        .groups(["chrome"])
        .authors(["Dana"])
        .order(SpecFileOrder::FailureRate, SortDirection::Asc)
        .spec_name("login")
        .include_failed_in_duration(true)
        .stream()
        .try_collect::<Vec<_>>()
        .await;
    assert_eq!(
        last_sent(&fake),
        sent(
            "GET",
            "/v1/spec-files/project-1",
            &[
                "date_start",
                "date_end",
                "limit",
                "tags[]",
                "branches[]",
                "groups[]",
                "authors[]",
                "order",
                "dir",
                "specNameFilter",
                "includeFailedInDuration"
            ],
            &[]
        )
    );
    let _ = client
        .projects()
        .tests(&project, range.clone())
        .tags(["a"])
        .branches(["main"])
        .groups(["chrome"])
        .authors(["Dana"])
        .order(TestOrder::Failures, SortDirection::Desc)
        .spec("login")
        .title("works")
        .min_executions(2)
        .states([TestState::Failed])
        .stream()
        .try_collect::<Vec<_>>()
        .await;
    assert_eq!(
        last_sent(&fake),
        sent(
            "GET",
            "/v1/tests/project-1",
            &[
                "date_start",
                "date_end",
                "limit",
                "tags[]",
                "branches[]",
                "groups[]",
                "authors[]",
                "order",
                "dir",
                "spec",
                "title",
                "min_executions",
                "test_state[]"
            ],
            &[]
        )
    );
    let _ = client
        .instances()
        .get(&InstanceId::new("r1-i0").expect("valid"))
        .await;
    assert_eq!(
        last_sent(&fake),
        sent("GET", "/v1/instances/r1-i0", &[], &[])
    );
    let signature = client
        .tests()
        .signature(&project, "spec-0.cy.ts", ["spec-0.cy.ts", "test 1"])
        .await
        .expect("getTestSignature");
    assert_eq!(
        last_sent(&fake),
        sent(
            "POST",
            "/v1/signature/test",
            &[],
            &["projectId", "specFilePath", "testTitle"]
        )
    );
    let _ = client
        .tests()
        .results(&signature, range.clone())
        .tags(["a"])
        .branches(["main"])
        .groups(["chrome"])
        .authors(["Dana"])
        .states([TestState::Failed])
        .stream()
        .try_collect::<Vec<_>>()
        .await;
    assert_eq!(
        last_sent(&fake),
        sent(
            "GET",
            &format!("/v1/test-results/{signature}"),
            &[
                "date_start",
                "date_end",
                "limit",
                "branches[]",
                "tags[]",
                "authors[]",
                "status[]",
                "groups[]"
            ],
            &[]
        )
    );
    let _ = TestSignature::new("unused").expect("valid");

    let actions = client.actions();
    let _ = actions
        .list(&project)
        .status([])
        .search("flaky")
        .send()
        .await;
    assert_eq!(
        last_sent(&fake),
        sent("GET", "/v1/actions", &["projectId", "search"], &[])
    );
    let created = actions
        .create(
            &project,
            CreateActionRequest {
                name: "skip".parse().expect("a valid name"),
                description: Some("why".parse().expect("a valid description")),
                action: vec![RuleAction::skip()],
                matcher: RuleMatcher::all([RuleMatcherCondition::new(
                    ConditionType::Title,
                    ConditionOperator::Inc,
                    RuleMatcherConditionValue::String("login".into()),
                )]),
                expires_after: Some(range.end + chrono::Duration::days(1)),
            },
        )
        .await
        .expect("createAction");
    assert_eq!(
        last_sent(&fake),
        sent(
            "POST",
            "/v1/actions",
            &["projectId"],
            &["action", "description", "expiresAfter", "matcher", "name"]
        )
    );
    let id = ActionId::new(created.action_id.clone()).expect("valid");
    let path = format!("/v1/actions/{id}");
    let _ = actions.get(&id).await;
    assert_eq!(last_sent(&fake), sent("GET", &path, &[], &[]));
    let update = UpdateActionRequest {
        name: Some("renamed".parse().expect("a valid name")),
        ..UpdateActionRequest::default()
    };
    let _ = actions.update(&id, update).await;
    assert_eq!(last_sent(&fake), sent("PUT", &path, &[], &["name"]));
    let _ = actions.disable(&id).await;
    assert_eq!(
        last_sent(&fake),
        sent("PUT", &format!("{path}/disable"), &[], &[])
    );
    let _ = actions.enable(&id).await;
    assert_eq!(
        last_sent(&fake),
        sent("PUT", &format!("{path}/enable"), &[], &[])
    );
    let _ = actions.delete(&id).await;
    assert_eq!(last_sent(&fake), sent("DELETE", &path, &[], &[]));
}
