//! The fake is stateful: what one operation does, the next one sees.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::json;
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
        (Some("cancelled"), Some("cancelled"))
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
        (Some("running"), Some("incomplete"))
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
        api.fake
            .run("r2")
            .map(|run| run.status.to_string())
            .as_deref(),
        Some("cancelled")
    );
    assert_eq!(
        api.fake
            .run("r1")
            .map(|run| run.status.to_string())
            .as_deref(),
        Some("running")
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
