//! The fake is stateful: what one operation does, the next one sees.

mod support;

use currents_api::types::RunStatus;
use currents_fake::{FakeServer, Spelling, load_runs};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Api, run};

#[tokio::test]
async fn cancel_then_get_shows_the_cancellation() {
    let api = Api::new(vec![run(
        "r1",
        "p",
        "running",
        "main",
        &[],
        9,
        &[("m1", 0)],
    )]);
    let cancelled = api.call(Method::PUT, "/v1/runs/r1/cancel", None).await;
    assert_eq!(cancelled.status, StatusCode::OK);
    assert_eq!(cancelled.body["data"]["cancelled"], true);

    let got = api.call(Method::GET, "/v1/runs/r1", None).await;
    let run = &got.body["data"];
    assert_eq!(
        (run["status"].as_str(), run["completionState"].as_str()),
        // Production's spellings: `cancelled` has no other, the completion state is `CANCELED`.
        (Some("cancelled"), Some("CANCELED"))
    );
    assert_eq!(
        run["cancellation"]["cancelledAt"],
        cancelled.body["data"]["cancelledAt"]
    );

    let again = api.call(Method::PUT, "/v1/runs/r1/cancel", None).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.body["status"], "FAILED");
    assert!(
        again.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("is cancelled")),
        "{}",
        again.body
    );
}

#[tokio::test]
async fn reset_then_get_shows_the_failed_specs_cleared() {
    let api = Api::new(vec![run(
        "r1",
        "p",
        "failed",
        "main",
        &[],
        9,
        &[("m1", 2), ("m2", 1), ("m1", 0), ("m3", 4)],
    )]);
    let reset = api
        .call(
            Method::PUT,
            "/v1/runs/r1/reset",
            Some(json!({ "machineId": ["m1", "m2"] })),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(reset.body["data"]["resetSpecs"], 2);

    let run = api.call(Method::GET, "/v1/runs/r1", None).await.body["data"].clone();
    assert_eq!(
        (run["status"].as_str(), run["completionState"].as_str()),
        (Some("RUNNING"), Some("IN_PROGRESS"))
    );
    let specs = run["specs"].as_array().expect("specs");
    // The two failed specs on m1 and m2 are cleared; the passing one and m3's are untouched.
    assert!(specs[0]["results"].is_null() && specs[0]["completedAt"].is_null());
    assert!(specs[1]["results"].is_null());
    assert_eq!(specs[2]["results"]["stats"]["failures"], 0);
    assert_eq!(specs[3]["results"]["stats"]["failures"], 4);

    let twice = api
        .call(
            Method::PUT,
            "/v1/runs/r1/reset",
            Some(json!({ "machineId": ["m1", "m2"] })),
        )
        .await;
    assert_eq!(
        twice.body["data"]["resetSpecs"], 0,
        "cleared specs are not reset again"
    );
}

#[tokio::test]
async fn a_deleted_run_is_gone_for_every_operation() {
    let api = Api::new(vec![
        run("r1", "p", "running", "main", &[], 9, &[("m1", 1)]).with_github("55", 1),
    ]);
    assert_eq!(
        api.call(Method::DELETE, "/v1/runs/r1", None).await.body["data"]["runId"],
        "r1"
    );
    assert!(api.fake.run("r1").is_none());

    let reset = Some(json!({ "machineId": ["m1"] }));
    let github = Some(json!({ "githubRunId": "55", "githubRunAttempt": 1 }));
    for (method, path, body) in [
        (Method::GET, "/v1/runs/r1", None),
        (
            Method::GET,
            "/v1/runs/find?projectId=p&ciBuildId=build-r1",
            None,
        ),
        (Method::DELETE, "/v1/runs/r1", None),
        (Method::PUT, "/v1/runs/r1/cancel", None),
        (Method::PUT, "/v1/runs/r1/reset", reset),
        (Method::PUT, "/v1/runs/cancel-ci/github", github),
    ] {
        let answer = api.call(method.clone(), path, body).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            answer.body
        );
    }
    let answer = api.call(Method::GET, "/v1/runs/r1", None).await;
    assert_eq!(answer.body["error"], "run was deleted: 'r1'");
}

#[tokio::test]
async fn find_with_a_prefix_never_returns_main_or_a_running_run() {
    let api = Api::new(vec![
        run("main-new", "p", "passed", "main", &["nightly"], 20, &[]),
        run(
            "rel-running",
            "p",
            "running",
            "release/2.x",
            &["nightly"],
            19,
            &[],
        ),
        run(
            "rel-old",
            "p",
            "failed",
            "release/1.x",
            &["nightly"],
            10,
            &[],
        ),
        run("rel-new", "p", "passed", "release/1.x", &[], 12, &[]),
        run(
            "other-project",
            "q",
            "passed",
            "release/9.x",
            &["nightly"],
            23,
            &[],
        ),
    ]);
    let find = |query: &'static str| {
        let api = &api;
        async move {
            api.call(Method::GET, &format!("/v1/runs/find?{query}"), None)
                .await
        }
    };
    assert_eq!(
        find("projectId=p&branch=release/*").await.body["data"]["runId"],
        "rel-new"
    );
    assert_eq!(
        find("projectId=p&branch=release/*&tags[]=nightly")
            .await
            .body["data"]["runId"],
        "rel-old"
    );
    assert_eq!(
        find("projectId=p&branch=release/*&tag[]=nightly")
            .await
            .body["data"]["runId"],
        "rel-old"
    );
    assert_eq!(
        find("projectId=p&branch=main").await.body["data"]["runId"],
        "main-new"
    );
    assert_eq!(find("projectId=p").await.body["data"]["runId"], "main-new");
    assert_eq!(
        find("projectId=p&branch=release/1.x&tags[]=nightly&tags[]=smoke")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A ciBuildId names one run, even a running one.
    assert_eq!(
        find("projectId=p&ciBuildId=build-rel-running").await.body["data"]["runId"],
        "rel-running"
    );
}

#[tokio::test]
async fn cancel_by_github_matches_the_workflow_run_and_its_scope() {
    let api = Api::new(vec![
        run("r1", "p", "running", "main", &[], 9, &[]).with_github("9001", 1),
        run("r2", "q", "running", "main", &[], 9, &[]).with_github("9001", 2),
    ]);
    let cancel = |body: serde_json::Value| {
        let api = &api;
        async move {
            api.call(Method::PUT, "/v1/runs/cancel-ci/github", Some(body))
                .await
        }
    };
    let wrong_project =
        cancel(json!({ "githubRunId": "9001", "githubRunAttempt": 2, "projectId": "p" })).await;
    assert_eq!(wrong_project.status, StatusCode::NOT_FOUND);
    let ok =
        cancel(json!({ "githubRunId": "9001", "githubRunAttempt": 2, "ciBuildId": "build-r2" }))
            .await;
    assert_eq!(ok.body["data"]["runId"], "r2");
    assert_eq!(
        api.fake.run("r2").map(|run| run.status),
        Some(RunStatus::Cancelled)
    );
    assert_eq!(
        api.fake.run("r1").map(|run| run.status),
        Some(RunStatus::Running)
    );
}

#[tokio::test]
async fn the_request_log_shows_what_the_client_sent_without_the_key() {
    let api = Api::new(vec![run(
        "r1",
        "p",
        "failed",
        "main",
        &[],
        9,
        &[("m 1", 1)],
    )]);
    api.call(
        Method::PUT,
        "/v1/runs/r1/reset",
        Some(json!({ "machineId": ["m 1"] })),
    )
    .await;
    api.call(
        Method::GET,
        "/v1/runs/find?projectId=p&tags%5B%5D=a%26b&tags%5B%5D=c",
        None,
    )
    .await;
    let log = api.fake.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].method.as_str(), log[0].path.as_str()),
        ("PUT", "/v1/runs/r1/reset")
    );
    assert_eq!(log[0].json(), Some(json!({ "machineId": ["m 1"] })));
    assert_eq!(log[0].header("authorization"), Some("Bearer <redacted>"));
    let key = api.fake.api_key();
    assert!(
        log.iter()
            .all(|request| !format!("{request:?}").contains(key))
    );
    assert_eq!(
        log[1].query_pairs(),
        [
            ("projectId".into(), "p".into()),
            ("tags[]".into(), "a&b".into()),
            ("tags[]".into(), "c".into())
        ]
    );
}

/// Runs as production answers them: upper-case values, and fields the docs do not list.
fn production_runs() -> String {
    json!([
        { "runId": "done", "projectId": "p", "createdAt": "2026-11-01T09:00:00Z",
          "completionState": "COMPLETE", "status": "FAILED",
          "meta": { "ciBuildId": "b-done", "commit": { "branch": "main",
                    "ghaEventData": { "event": "push", "z": [1, 2] }, "mystery": "kept" } },
          "groups": [{ "groupId": "chromium", "specCount": 2, "coverageEnabled": false,
                       "instances": { "overall": 2, "complete": 2 }, "unlisted": { "a": 1 } }],
          "specs": [{ "spec": "a.spec.ts", "machineId": "m1",
                      "results": { "stats": { "tests": 3, "failures": 2 } } }] },
        { "runId": "live", "projectId": "p", "createdAt": "2026-11-01T10:00:00Z",
          "completionState": "IN_PROGRESS", "status": "RUNNING" },
        { "runId": "bad", "projectId": "p", "createdAt": "2026-11-01T11:00:00Z",
          "completionState": "IN_PROGRESS", "status": "FAILING" },
    ])
    .to_string()
}

fn production_fake(spelling: Spelling) -> Api {
    let runs = load_runs(&production_runs()).expect("production-shaped runs load");
    Api::with(FakeServer::builder().spelling(spelling).runs(runs).start())
}

#[tokio::test]
async fn production_spellings_mean_what_the_documented_ones_mean() {
    let api = production_fake(Spelling::Production);
    // findRun: COMPLETE is completed; IN_PROGRESS runs are not.
    let found = api
        .call(Method::GET, "/v1/runs/find?projectId=p", None)
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(found.body["data"]["runId"], "done");
    // cancelRun: RUNNING and FAILING are running; COMPLETE is not.
    for id in ["live", "bad"] {
        let cancelled = api
            .call(Method::PUT, &format!("/v1/runs/{id}/cancel"), None)
            .await;
        assert_eq!(cancelled.status, StatusCode::OK, "{id}: {}", cancelled.body);
        assert_eq!(
            api.fake.run(id).map(|r| r.status),
            Some(RunStatus::Cancelled)
        );
    }
    let refused = api.call(Method::PUT, "/v1/runs/done/cancel", None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn answers_keep_the_fields_the_spec_does_not_list_in_the_chosen_spelling() {
    let production = production_fake(Spelling::Production);
    let documented = production_fake(Spelling::Documented);
    let production = production
        .call(Method::GET, "/v1/runs/done", None)
        .await
        .body;
    let documented = documented
        .call(Method::GET, "/v1/runs/done", None)
        .await
        .body;
    for (body, status, state) in [
        (&production, "FAILED", "COMPLETE"),
        (&documented, "failed", "complete"),
    ] {
        let run = &body["data"];
        assert_eq!(
            (run["status"].as_str(), run["completionState"].as_str()),
            (Some(status), Some(state))
        );
        assert_eq!(
            run["meta"]["commit"]["ghaEventData"],
            json!({ "event": "push", "z": [1, 2] })
        );
        assert_eq!(run["meta"]["commit"]["mystery"], "kept");
        assert_eq!(run["groups"][0]["unlisted"], json!({ "a": 1 }));
        assert_eq!(run["groups"][0]["specCount"], 2);
    }
}

#[tokio::test]
async fn find_answers_pw_last_run_only_when_asked() {
    let given = json!({ "status": "failed", "failedTests": ["f1-t1"] });
    let mut runs = load_runs(&production_runs()).expect("runs");
    let mut with_own = runs[0].clone();
    with_own.run.run_id = "own".into();
    with_own.run.project_id = "q".into();
    with_own.run.pw_last_run = serde_json::from_value(given.clone()).expect("a last run");
    runs.push(with_own);
    let api = Api::with(FakeServer::builder().runs(runs).start());
    let find = |query: &'static str| api.call(Method::GET, query, None);

    let without = find("/v1/runs/find?projectId=q").await;
    assert_eq!(without.body["data"].get("pwLastRun"), None);
    let own = find("/v1/runs/find?projectId=q&pwLastRun=true").await;
    assert_eq!(own.body["data"]["pwLastRun"], given);
    // Derived from the failed specs: one id per failed test.
    let derived = find("/v1/runs/find?projectId=p&pwLastRun=true").await;
    let last_run = &derived.body["data"]["pwLastRun"];
    assert_eq!(last_run["status"], "failed");
    let ids = last_run["failedTests"].as_array().expect("a list");
    assert_eq!(ids.len(), 2);
    assert!(
        ids.iter()
            .all(|id| id.as_str().is_some_and(|id| id.len() == 33)),
        "{ids:?}"
    );
    // getRun never carries it.
    let got = api.call(Method::GET, "/v1/runs/own", None).await;
    assert_eq!(got.body["data"].get("pwLastRun"), None::<&Value>);
}

#[tokio::test]
async fn a_github_attempt_may_be_a_number_or_a_string_of_digits() {
    let api = Api::new(vec![
        run("n", "p", "running", "main", &[], 9, &[]).with_github("77", 1),
        run("s", "p", "running", "main", &[], 9, &[]).with_github("77", 2),
    ]);
    for (attempt, id) in [(json!(1), "n"), (json!("2"), "s")] {
        let answer = api
            .call(
                Method::PUT,
                "/v1/runs/cancel-ci/github",
                Some(json!({ "githubRunId": "77", "githubRunAttempt": attempt })),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{attempt}: {}", answer.body);
        assert_eq!(answer.body["data"]["runId"], id);
    }
    let refused = api
        .call(
            Method::PUT,
            "/v1/runs/cancel-ci/github",
            Some(json!({ "githubRunId": "77", "githubRunAttempt": "two" })),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}
