//! The facade against currents-fake over loopback: every operation and helper.

use currents::prelude::*;
use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use currents::{
    AttemptInfo, AttemptOutcome, CancelOutcome, Client, Endpoint, Error, Hook, Operation,
    ProjectId, ResetOptions, RetryPolicy, RunStatus, RunSummary, WaitOptions,
    reqwest::header::HeaderMap,
};
use currents_fake::{FakeServer, Fault, RunFixture, demo::demo_run};
use integration_tests::{client, machines, requests_to, run_id};
use serde_json::Value;

fn project(id: &str) -> ProjectId {
    id.parse().expect("a valid project id")
}

#[tokio::test]
async fn get_returns_the_run_and_a_missing_run_is_not_found() {
    let large = demo_run(5, 2_200);
    let large_id = large.run.run_id.clone();
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").spec("m1", 1).build(), large])
        .start();
    let client = client(&fake);

    let run = client
        .runs()
        .get(&run_id("r1"))
        .await
        .expect("the run exists");
    assert_eq!((run.run_id.as_str(), run.specs.len()), ("r1", 1));
    // Over 1 MB uncompressed: only gzip gets it through the API's 413.
    let large = client
        .runs()
        .get(&run_id(&large_id))
        .await
        .expect("gzip is negotiated");
    assert_eq!(large.specs.len(), 2_200);

    let missing = client
        .runs()
        .get(&run_id("nope"))
        .await
        .expect_err("no such run");
    assert!(
        matches!(
            missing,
            Error::NotFound {
                operation: Endpoint::Operation(Operation::GetRun),
                ..
            }
        ),
        "{missing:?}"
    );
    assert_eq!(missing.status(), Some(404));
    assert_eq!(
        missing.to_string(),
        "getRun: not found: run not found: 'nope'"
    );

    for request in fake.requests() {
        assert!(
            request
                .header("accept-encoding")
                .is_some_and(|v| v.contains("gzip")),
            "{request:?}"
        );
        assert_eq!(request.header("authorization"), Some("Bearer <redacted>"));
        assert_eq!(request.header("api-version"), Some("1.0.0"));
    }
}

#[tokio::test]
async fn find_sends_every_filter_and_returns_the_latest_completed_match() {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("old")
                .project("p")
                .branch("release/1.x")
                .tags(["nightly", "a&b"])
                .created_hour(8),
            RunFixture::new("new")
                .project("p")
                .branch("release/2.x")
                .tags(["nightly", "a&b"])
                .created_hour(10),
            RunFixture::new("main")
                .project("p")
                .branch("main")
                .tags(["nightly", "a&b"])
                .created_hour(11),
            RunFixture::new("live")
                .project("p")
                .branch("release/3.x")
                .status("running")
                .created_hour(12),
        ])
        .start();
    let client = client(&fake);

    let run = client
        .runs()
        .find(&project("p"))
        .branch("release/*")
        .tags(["nightly", "a&b"])
        .pw_last_run(true)
        .send()
        .await
        .expect("a match");
    assert_eq!(run.run_id, "new");
    let sent = requests_to(&fake, "/runs/find").pop().expect("one request");
    assert_eq!(
        sent.query_pairs(),
        [
            ("projectId".to_owned(), "p".to_owned()),
            ("branch".to_owned(), "release/*".to_owned()),
            ("tags[]".to_owned(), "nightly".to_owned()),
            ("tags[]".to_owned(), "a&b".to_owned()),
            ("pwLastRun".to_owned(), "true".to_owned()),
        ]
    );
    assert!(
        sent.query
            .as_deref()
            .is_some_and(|q| q.contains("tags%5B%5D=a%26b")),
        "{:?}",
        sent.query
    );

    let by_build = client
        .runs()
        .find(&project("p"))
        .ci_build_id("build-live")
        .send()
        .await
        .expect("by build id");
    assert_eq!(by_build.run_id, "live");
    let none = client
        .runs()
        .find(&project("p"))
        .branch("feature/*")
        .send()
        .await;
    assert!(
        matches!(
            none,
            Err(Error::NotFound {
                operation: Endpoint::Operation(Operation::FindRun),
                ..
            })
        ),
        "{none:?}"
    );
}

#[tokio::test]
async fn cancel_reports_cancelled_then_already_cancelled() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").status("running")])
        .start();
    let client = client(&fake);

    let first = client
        .runs()
        .cancel(&run_id("r1"))
        .await
        .expect("cancelled");
    let CancelOutcome::Cancelled {
        run_id: cancelled,
        at,
    } = first
    else {
        panic!("expected Cancelled, got {first:?}")
    };
    assert_eq!(cancelled.as_ref().map(|id| id.as_str()), Some("r1"));
    let stored = fake.run("r1").expect("still stored");
    assert_eq!(stored.status, RunStatus::Cancelled);
    assert_eq!(stored.cancellation.and_then(|c| c.cancelled_at), at);

    let second = client
        .runs()
        .cancel(&run_id("r1"))
        .await
        .expect("not an error");
    assert!(
        matches!(&second, CancelOutcome::AlreadyCancelled { message } if message.contains("cancelled")),
        "{second:?}"
    );
    assert_eq!(
        requests_to(&fake, "/cancel").len(),
        2,
        "a 422 is not retried"
    );
}

#[tokio::test]
async fn cancel_github_scopes_by_project_and_build() {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("a")
                .project("p")
                .status("running")
                .github("12345", 2),
            RunFixture::new("b")
                .project("q")
                .status("running")
                .github("12345", 2),
        ])
        .start();
    let client = client(&fake);

    let outcome = client
        .runs()
        .cancel_github("12345", 2)
        .project(&project("q"))
        .ci_build_id("build-b")
        .send()
        .await;
    assert!(
        matches!(&outcome, Ok(CancelOutcome::Cancelled { run_id: Some(run_id), .. }) if run_id.as_str() == "b"),
        "{outcome:?}"
    );
    let body = requests_to(&fake, "/cancel-ci/github")
        .pop()
        .and_then(|r| r.json())
        .expect("a JSON body");
    assert_eq!(
        body,
        serde_json::json!({ "githubRunId": "12345", "githubRunAttempt": 2, "projectId": "q", "ciBuildId": "build-b" })
    );
    // Currents answers 422 for a run that is no longer running, as when parallel jobs race.
    let again = client
        .runs()
        .cancel_github("12345", 2)
        .project(&project("q"))
        .send()
        .await;
    assert!(
        matches!(again, Ok(CancelOutcome::AlreadyCancelled { .. })),
        "{again:?}"
    );
    let nothing = client
        .runs()
        .cancel_github("12345", 2)
        .project(&project("elsewhere"))
        .send()
        .await;
    assert!(
        matches!(nothing, Err(Error::NotFound { .. })),
        "{nothing:?}"
    );
    assert_eq!(
        fake.run("a").map(|run| run.status),
        Some(RunStatus::Running)
    );
}

#[tokio::test]
async fn delete_removes_the_run_for_every_operation() {
    let fake = FakeServer::builder().runs([RunFixture::new("r1")]).start();
    let client = client(&fake);
    client.runs().delete(&run_id("r1")).await.expect("deleted");
    assert!(fake.run("r1").is_none());
    let gone = client.runs().get(&run_id("r1")).await.expect_err("deleted");
    assert!(matches!(gone, Error::NotFound { .. }));
    let again = client
        .runs()
        .delete(&run_id("r1"))
        .await
        .expect_err("a first-attempt 404 is an error");
    assert!(
        matches!(
            again,
            Error::NotFound {
                operation: Endpoint::Operation(Operation::DeleteRun),
                ..
            }
        ),
        "{again:?}"
    );
}

#[tokio::test]
async fn reset_sends_unique_machines_in_batches_of_at_most_63() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").status("failed").spec("m0", 1)])
        .start();
    let client = client(&fake);

    for count in [1usize, 63, 64, 1_000] {
        fake.clear_requests();
        // Every id is given twice: duplicates must be sent once.
        let input = machines(count)
            .into_iter()
            .chain(machines(count))
            .collect::<Vec<_>>();
        let report = client
            .runs()
            .reset(&run_id("r1"), input, ResetOptions::default())
            .await;
        assert!(report.is_success(), "{count}: {:?}", report.failed().next());

        let requests = requests_to(&fake, "/runs/r1/reset");
        assert_eq!(requests.len(), count.div_ceil(63), "{count} machines");
        assert_eq!(report.batches.len(), requests.len());
        let mut sent = Vec::new();
        for request in &requests {
            let body = request.json().expect("JSON body");
            let ids = body["machineId"].as_array().expect("machineId array");
            assert!((1..=63).contains(&ids.len()), "a batch of {}", ids.len());
            sent.extend(ids.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        let unique = sent.iter().cloned().collect::<BTreeSet<_>>();
        assert_eq!(unique.len(), sent.len(), "no machine is sent twice");
        let expected = machines(count)
            .iter()
            .map(|m| m.to_string())
            .collect::<BTreeSet<_>>();
        assert_eq!(unique, expected);
        assert_eq!(report.machines_reset().count(), count);
    }

    fake.clear_requests();
    let empty = client
        .runs()
        .reset(&run_id("r1"), Vec::new(), ResetOptions::default())
        .await;
    assert!(empty.batches.is_empty() && empty.is_success());
    assert!(fake.requests().is_empty(), "an empty list sends nothing");
}

/// A failed run whose machines m1 and m3 ran failed specs, and m2 none.
fn failed_specs() -> FakeServer {
    FakeServer::builder()
        .runs([RunFixture::new("r1")
            .status("failed")
            .spec("m1", 2)
            .spec("m2", 0)
            .spec("m3", 1)
            .spec("m1", 1)])
        .start()
}

#[tokio::test]
async fn reset_failed_of_one_batch_is_that_batch_s_error() {
    let fake = failed_specs();
    let client = client(&fake);
    // The batch fails for good: a 400 is not retried.
    fake.push_fault(
        Operation::ResetRun,
        Fault::Status {
            status: 400,
            retry_after: None,
        },
    );
    let failed = client
        .runs()
        .reset_failed(&run_id("r1"), ResetOptions::default())
        .await
        .expect_err("the only batch failed");
    assert!(failed.is_server_refusal(), "{failed:?}");
    assert!(failed.to_string().contains("HTTP 400"), "{failed}");
}

/// What a service can tell from an error, by the status the API answered with, for a call
/// and for a reset of one batch.
#[tokio::test]
async fn errors_say_what_kind_they_are() {
    // (status, answered to every attempt, throttled, not found, refused, retryable)
    let cases = [
        (429, true, true, false, false, true),
        (503, true, false, false, false, true),
        (404, false, false, true, false, false),
        (400, false, false, false, true, false),
        (422, false, false, false, true, false),
    ];
    for (status, every_attempt, throttled, not_found, refused, retryable) in cases {
        for operation in [Operation::GetRun, Operation::ResetRun] {
            let fake = failed_specs();
            let client = client(&fake);
            let attempts = if every_attempt { 3 } else { 1 };
            for _ in 0..attempts {
                let retry_after = None;
                fake.push_fault(
                    operation,
                    Fault::Status {
                        status,
                        retry_after,
                    },
                );
            }
            let error = match operation {
                Operation::GetRun => client.runs().get(&run_id("r1")).await.map(|_| ()),
                _ => client
                    .runs()
                    .reset_failed(&run_id("r1"), ResetOptions::default())
                    .await
                    .map(|_| ()),
            }
            .expect_err("the fault's status");
            let kind = (
                error.is_throttled(),
                error.is_not_found(),
                error.is_server_refusal(),
                error.is_retryable(),
            );
            assert_eq!(
                kind,
                (throttled, not_found, refused, retryable),
                "{status} {operation:?}: {error:?}"
            );
            assert_eq!(error.status(), Some(status), "{operation:?}");
        }
    }
}

#[tokio::test]
async fn reset_failed_resets_exactly_the_machines_of_failed_specs() {
    let fake = failed_specs();
    let client = client(&fake);
    let report = client
        .runs()
        .reset_failed(&run_id("r1"), ResetOptions::default())
        .await
        .expect("reset");
    assert!(report.is_success());
    let reset = report
        .machines_reset()
        .map(|m| m.to_string())
        .collect::<Vec<_>>();
    assert_eq!(reset, ["m1", "m3"]);

    let run = fake.run("r1").expect("stored");
    assert_eq!(run.status, RunStatus::Running);
    let summary = RunSummary::from(&run);
    assert_eq!(
        (
            summary.specs.failed,
            summary.specs.passed,
            summary.specs.running
        ),
        (0, 1, 3)
    );

    // Nothing failed any more: only the get is sent.
    fake.clear_requests();
    let nothing = client
        .runs()
        .reset_failed(&run_id("r1"), ResetOptions::default())
        .await
        .expect("no-op");
    assert!(nothing.batches.is_empty());
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn wait_for_returns_the_run_once_the_fake_completes_it() {
    let fake = Arc::new(
        FakeServer::builder()
            .runs([RunFixture::new("w1").status("running")])
            .start(),
    );
    let client = client(&fake);
    let completer = {
        let fake = fake.clone();
        tokio::spawn(async move {
            while requests_to(&fake, "/runs/w1").len() < 3 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            fake.update_run("w1", |run| {
                run.status = RunStatus::Passed;
                run.completion_state = currents::RunCompletionState::Complete;
            })
        })
    };
    let options = WaitOptions {
        poll: Duration::from_millis(20),
        timeout: Duration::from_secs(10),
    };
    let run = client
        .runs()
        .wait_for(&run_id("w1"), options)
        .await
        .expect("completes");
    assert_eq!(run.status, RunStatus::Passed);
    assert!(completer.await.expect("completer ran"));
    assert!(
        requests_to(&fake, "/runs/w1").len() >= 4,
        "it polled until the run completed"
    );
}

#[tokio::test]
async fn wait_for_stops_at_its_deadline_on_a_run_that_never_completes() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("w2").status("running")])
        .start();
    let client = client(&fake);
    let options = WaitOptions {
        poll: Duration::from_millis(40),
        timeout: Duration::from_millis(300),
    };
    let started = std::time::Instant::now();
    let error = client
        .runs()
        .wait_for(&run_id("w2"), options)
        .await
        .expect_err("never completes");
    let elapsed = started.elapsed();
    assert!(
        matches!(&error, Error::WaitTimeout { last_status, .. } if *last_status == Some(RunStatus::Running)),
        "{error:?}"
    );
    assert!(error.is_timeout());
    assert!(elapsed >= options.timeout, "stopped early: {elapsed:?}");
    assert!(
        elapsed <= options.timeout + options.poll,
        "overshot: {elapsed:?}"
    );
    println!(
        "wait_for: deadline {:?}, returned after {elapsed:?}",
        options.timeout
    );
}

#[tokio::test]
async fn a_summary_separates_failures_from_pending_and_skipped() {
    let fake = FakeServer::builder().runs([demo_run(9, 40)]).start();
    let client = client(&fake);
    let id = fake.runs()[0].run_id.clone();
    let run = client.runs().get(&run_id(&id)).await.expect("the demo run");
    let summary = RunSummary::from(&run);
    let stats = run
        .specs
        .iter()
        .filter_map(|spec| spec.results.as_ref()?.stats.clone())
        .collect::<Vec<_>>();
    let sum = |pick: fn(&currents::api::types::RunSpecResultsStats) -> Option<i64>| {
        stats.iter().filter_map(pick).sum::<i64>()
    };
    assert_eq!(summary.tests.failed, sum(|s| s.failures));
    assert_eq!(summary.tests.pending, sum(|s| s.pending));
    assert_eq!(summary.tests.skipped, sum(|s| s.skipped));
    assert_eq!(summary.tests.passed, sum(|s| s.passes));
    assert!(summary.tests.failed > 0 && summary.tests.pending > 0);
    assert_eq!(summary.failed_specs.len(), summary.specs.failed);
    assert!(
        summary
            .failed_specs
            .iter()
            .all(|spec| spec.machine_id.is_some())
    );
    assert_eq!(summary.specs.total, 40);
    assert!(!summary.passed());
}

/// Records each attempt's id as `on_request` and `on_outcome` see it.
#[derive(Debug, Default)]
struct AttemptIds(Mutex<Vec<(&'static str, String)>>);

impl AttemptIds {
    fn seen(&self, when: &str) -> Vec<String> {
        let seen = self.0.lock().expect("ids");
        let mut ids = seen
            .iter()
            .filter(|(at, _)| *at == when)
            .map(|(_, id)| id.clone())
            .collect::<Vec<_>>();
        ids.sort();
        ids
    }
}

impl Hook for AttemptIds {
    fn on_request(&self, attempt: &AttemptInfo<'_>, _: &mut HeaderMap) {
        let id = attempt.id.to_owned();
        self.0.lock().expect("ids").push(("request", id));
    }

    fn on_outcome(&self, attempt: &AttemptInfo<'_>, _: &AttemptOutcome<'_>) {
        let id = attempt.id.to_owned();
        self.0.lock().expect("ids").push(("outcome", id));
    }
}

#[tokio::test]
async fn each_attempt_has_its_own_id_in_the_hooks_on_the_wire_and_on_a_transport_error() {
    let fake = FakeServer::builder().runs([RunFixture::new("r1")]).start();
    let ids = Arc::new(AttemptIds::default());
    let client = Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .hook(ids.clone())
        .build()
        .expect("client");
    // Two identical calls in flight at once are told apart.
    let run = run_id("r1");
    let (first, second) = tokio::join!(client.runs().get(&run), client.runs().get(&run));
    first.expect("getRun");
    second.expect("getRun");
    let requested = ids.seen("request");
    assert_eq!(requested.len(), 2);
    assert_ne!(requested[0], requested[1]);
    assert_eq!(ids.seen("outcome"), requested);
    let mut sent = fake
        .requests()
        .iter()
        .filter_map(|request| request.header("x-request-id").map(str::to_owned))
        .collect::<Vec<_>>();
    sent.sort();
    assert_eq!(sent, requested, "the ids on the wire");

    // A connection refused: the error names the id its attempt was sent with.
    let ids = Arc::new(AttemptIds::default());
    let refused = Client::builder()
        .api_key("a-key")
        .base_url("http://127.0.0.1:9/v1")
        .retry(RetryPolicy::none())
        .hook(ids.clone())
        .build()
        .expect("client");
    let error = refused
        .runs()
        .get(&run_id("r1"))
        .await
        .expect_err("nothing listens there");
    let Error::Transport { source, .. } = &error else {
        panic!("not a transport error: {error:?}");
    };
    assert_eq!([source.request_id().to_owned()], ids.seen("request")[..]);
}
