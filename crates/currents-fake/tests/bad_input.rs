//! Malformed requests: every one answers a 4xx `ErrorResponse` and changes nothing.

mod support;

use reqwest::Method;
use serde_json::Value;
use support::{Api, run};

#[tokio::test]
async fn malformed_requests_get_a_4xx_error_response_and_leave_state_unchanged() {
    let api = Api::new(vec![
        run("r1", "p", "failed", "main", &[], 9, &[("m1", 1)]),
        run("r2", "p", "running", "main", &[], 10, &[("m1", 1)]).with_github("42", 1),
        run("r3", "p", "passed", "main", &[], 11, &[("m1", 0)]),
    ]);
    let before = api.fake.runs();
    let key = api.fake.api_key().to_owned();
    let ids = |n: usize| {
        format!(
            "{{\"machineId\":[{}]}}",
            (0..n)
                .map(|i| format!("\"m{i}\""))
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    let long_branch = "b".repeat(251);

    let put = Method::PUT;
    let get = Method::GET;
    let bodies: Vec<(Method, String, Option<String>)> = [
        // resetRun bodies: bad JSON, wrong types, wrong counts.
        ("", "reset"),
        ("{", "reset"),
        ("[]", "reset"),
        ("null", "reset"),
        ("42", "reset"),
        ("\"machineId\"", "reset"),
        ("{}", "reset"),
        ("{\"machineId\":\"m1\"}", "reset"),
        ("{\"machineId\":[1]}", "reset"),
        ("{\"machineId\":[null]}", "reset"),
        ("{\"machineId\":[\"\"]}", "reset"),
        ("{\"machineId\":[]}", "reset"),
        (
            "{\"machineId\":[\"m1\"],\"isBatchedOr8n\":\"yes\"}",
            "reset",
        ),
        ("{\"machineId\":{\"0\":\"m1\"}}", "reset"),
        ("{\"machineId\":[\"m1\"]", "reset"),
        // cancelRunByGithubCI bodies.
        ("", "github"),
        ("{}", "github"),
        ("{\"githubRunId\":\"42\"}", "github"),
        ("{\"githubRunAttempt\":1}", "github"),
        ("{\"githubRunId\":42,\"githubRunAttempt\":1}", "github"),
        // A string of digits is an attempt (Currents' GitHub Action sends one); these are not.
        (
            "{\"githubRunId\":\"42\",\"githubRunAttempt\":\"1x\"}",
            "github",
        ),
        (
            "{\"githubRunId\":\"42\",\"githubRunAttempt\":\"0\"}",
            "github",
        ),
        ("{\"githubRunId\":\"42\",\"githubRunAttempt\":0}", "github"),
        (
            "{\"githubRunId\":\"42\",\"githubRunAttempt\":1.5}",
            "github",
        ),
        ("{\"githubRunId\":\"\",\"githubRunAttempt\":1}", "github"),
        (
            "{\"githubRunId\":\"42\",\"githubRunAttempt\":1,\"projectId\":7}",
            "github",
        ),
        ("not json", "github"),
        ("[{\"githubRunId\":\"42\"}]", "github"),
    ]
    .into_iter()
    .map(|(body, route)| {
        let path = if route == "reset" {
            "/v1/runs/r1/reset"
        } else {
            "/v1/runs/cancel-ci/github"
        };
        (put.clone(), path.to_owned(), Some(body.to_owned()))
    })
    .chain([
        (put.clone(), "/v1/runs/r1/reset".to_owned(), Some(ids(64))),
        (put.clone(), "/v1/runs/r1/reset".to_owned(), Some(ids(500))),
        (
            put.clone(),
            "/v1/runs/r1/reset".to_owned(),
            Some(format!("{{\"machineId\":[\"{}\"]}}", "x".repeat(70_000))),
        ),
        (
            put.clone(),
            "/v1/runs/r1/reset".to_owned(),
            Some(" ".repeat(200_000)),
        ),
    ])
    .collect();

    let queries = [
        "",
        "branch=main",
        "projectId=",
        "projectId=p&branch=bad%20branch",
        "projectId=p&branch=a*b",
        "projectId=p&branch=**",
        "projectId=p&branch=",
        "projectId=p&branch=%C3%A9t%C3%A9",
        "projectId=p&branch=*",
        "projectId=p&pwLastRun=maybe",
        "projectId=p&pwLastRun=1",
        "projectId=p&branch=rel%09ease",
        "tags[]=a",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([
        format!("projectId=p&branch={long_branch}"),
        format!("projectId=p&branch={long_branch}*"),
    ])
    .map(|query| (get.clone(), format!("/v1/runs/find?{query}"), None));

    let routes_and_methods = [
        (get.clone(), "/"),
        (get.clone(), "/v1"),
        (get.clone(), "/v1/runs"),
        (get.clone(), "/v1/run/r1"),
        (get.clone(), "/v2/runs/r1"),
        (get.clone(), "/v1/runs/r1/cancel/now"),
        (get.clone(), "/v1/runs/r1/x"),
        (Method::POST, "/v1/runs/r1"),
        (Method::PATCH, "/v1/runs/r1"),
        (get.clone(), "/v1/runs/r2/cancel"),
        (Method::DELETE, "/v1/runs/r1/reset"),
        (get.clone(), "/v1/runs/cancel-ci/github"),
        (put.clone(), "/v1/runs/find"),
        (Method::POST, "/v1/runs/find"),
        (Method::DELETE, "/v1/runs/find"),
        (get.clone(), "/v1/runs/%20"),
        (put.clone(), "/v1/runs/r%0A2/cancel"),
        (get.clone(), "/v1/runs/%FF%FE"),
        (put.clone(), "/v1/runs/r2%20/cancel"),
        (Method::DELETE, "/v1/runs/r%091"),
        (put.clone(), "/v1/runs/r3/cancel"),
        (put.clone(), "/v1/runs/r1/cancel"),
    ]
    .into_iter()
    .map(|(method, path)| (method, path.to_owned(), None));

    let mut requests = bodies
        .into_iter()
        .chain(queries)
        .chain(routes_and_methods)
        .map(|(m, p, b)| (m, p, b, Some(key.clone())))
        .collect::<Vec<_>>();
    // Authentication failures, on every route.
    for (method, path) in [
        (get.clone(), "/v1/runs/r1"),
        (put.clone(), "/v1/runs/r2/cancel"),
        (Method::DELETE, "/v1/runs/r1"),
    ] {
        requests.push((method.clone(), path.to_owned(), None, None));
        requests.push((
            method.clone(),
            path.to_owned(),
            None,
            Some("wrong-key".to_owned()),
        ));
        requests.push((method, path.to_owned(), None, Some(format!("{key}x"))));
    }

    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for (method, path, body, key) in &requests {
        let answer = api
            .raw(method.clone(), path, body.clone(), key.as_deref())
            .await;
        assert!(
            answer.status.is_client_error(),
            "{method} {path} {body:?}: {} {}",
            answer.status,
            answer.body
        );
        assert_eq!(
            answer.body["status"], "FAILED",
            "{method} {path}: {}",
            answer.body
        );
        let message = answer.body["error"].as_str().unwrap_or_default();
        assert!(
            message.len() > 10,
            "{method} {path}: the message must say what to fix: {}",
            answer.body
        );
        assert!(
            !matches!(answer.body, Value::String(_)),
            "{method} {path}: not JSON"
        );
        *statuses.entry(answer.status.as_u16()).or_default() += 1;
    }
    assert_eq!(
        api.fake.runs(),
        before,
        "malformed requests must not change any run"
    );
    println!(
        "bad input: {} malformed requests, all 4xx ErrorResponse: {statuses:?}",
        requests.len()
    );
    assert!(requests.len() >= 50);
}
