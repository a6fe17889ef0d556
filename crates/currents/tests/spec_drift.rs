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
const OPERATIONS: [(Operation, Method, &str); 6] = [
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
