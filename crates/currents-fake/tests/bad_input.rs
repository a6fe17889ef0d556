//! Malformed requests: every one answers a 4xx `ErrorResponse` and changes nothing.
//!
//! The generated ones give RELIABILITY.md's "fake under hostile requests" figure; CI runs a
//! tenth of them, `RELIABILITY_FULL=1` all of them.

mod support;

use std::collections::BTreeMap;

use currents_fake::{FakeServer, RunFixture};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use support::{Api, run};

fn scaled(full: usize) -> usize {
    if std::env::var_os("RELIABILITY_FULL").is_some() {
        full
    } else {
        (full / 10).max(1)
    }
}

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

/// One malformed request of a random kind: bad JSON, wrong types, bad queries, unknown
/// routes and methods, bad run ids, bad or missing keys, and oversized bodies.
fn malformed_request(
    rng: &mut fastrand::Rng,
    key: &str,
) -> (reqwest::Method, String, Option<Vec<u8>>, Option<String>) {
    use reqwest::Method;
    let junk = |rng: &mut fastrand::Rng| {
        (0..rng.usize(0..40))
            .map(|_| rng.alphanumeric())
            .collect::<String>()
    };
    let key = Some(key.to_owned());
    match rng.u8(0..9) {
        0 => {
            let mut body = b"{\"machineId\": [".to_vec();
            body.extend((0..rng.usize(0..64)).map(|_| rng.u8(..)));
            (Method::PUT, "/v1/runs/r1/reset".into(), Some(body), key)
        }
        1 => {
            let value = match rng.u8(0..5) {
                0 => "\"m1\"".to_owned(),
                1 => "[]".to_owned(),
                2 => format!(
                    "[{}]",
                    (0..64 + rng.usize(0..100))
                        .map(|n| format!("\"m{n}\""))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                3 => format!("[{}]", rng.i64(..)),
                _ => "[\"\"]".to_owned(),
            };
            (
                Method::PUT,
                "/v1/runs/r1/reset".into(),
                Some(format!("{{\"machineId\":{value}}}").into_bytes()),
                key,
            )
        }
        2 => {
            let body = match rng.u8(0..4) {
                0 => format!("{{\"githubRunId\":{},\"githubRunAttempt\":1}}", rng.u32(..)),
                1 => "{\"githubRunId\":\"777\"}".to_owned(),
                2 => format!("{{\"githubRunAttempt\":\"{}\"}}", junk(rng)),
                _ => junk(rng),
            };
            (
                Method::PUT,
                "/v1/runs/cancel-ci/github".into(),
                Some(body.into_bytes()),
                key,
            )
        }
        3 => {
            let query = match rng.u8(0..4) {
                0 => format!("branch={}", junk(rng)),
                1 => format!("projectId=p&branch={}%20{}", junk(rng), junk(rng)),
                2 => format!("projectId=p&branch=a*{}", junk(rng)),
                _ => format!("projectId=p&pwLastRun={}x", junk(rng)),
            };
            (Method::GET, format!("/v1/runs/find?{query}"), None, key)
        }
        4 => (
            Method::GET,
            format!("/v1/{}/{}", junk(rng), junk(rng)),
            None,
            key,
        ),
        5 => {
            let wrong = [
                (Method::POST, "/v1/runs/r1"),
                (Method::PATCH, "/v1/runs/r1"),
                (Method::GET, "/v1/runs/r1/cancel"),
                (Method::DELETE, "/v1/runs/r1/reset"),
                (Method::POST, "/v1/runs/find"),
                (Method::GET, "/v1/runs/cancel-ci/github"),
            ];
            let (method, path) = &wrong[rng.usize(..wrong.len())];
            (method.clone(), (*path).to_owned(), None, key)
        }
        6 => (
            Method::PUT,
            format!("/v1/runs/{}%20{}/cancel", junk(rng), junk(rng)),
            None,
            key,
        ),
        7 => (
            Method::GET,
            "/v1/runs/r1".into(),
            None,
            if rng.bool() {
                None
            } else {
                Some(format!("{}{}", junk(rng), "x"))
            },
        ),
        _ => (
            Method::PUT,
            "/v1/runs/r1/reset".into(),
            Some(vec![b' '; 70_000 + rng.usize(0..100_000)]),
            key,
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_answers_malformed_requests_with_4xx_error_responses() {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("r1")
                .project("p")
                .status("failed")
                .spec("m1", 1)
                .spec("m2", 0),
            RunFixture::new("c1")
                .project("p")
                .status("running")
                .github("777", 1),
        ])
        .start();
    let before = fake.runs();
    let http = reqwest::Client::new();
    let mut rng = fastrand::Rng::with_seed(11);
    let count = scaled(10_000).max(1_000);
    let mut statuses = BTreeMap::<u16, usize>::new();
    let mut bad = Vec::new();
    for _ in 0..count {
        let (method, path, body, key) = malformed_request(&mut rng, fake.api_key());
        let mut request = http.request(method.clone(), format!("http://{}{path}", fake.addr()));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("the fake answers");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        *statuses.entry(status.as_u16()).or_default() += 1;
        if !status.is_client_error() || body["status"] != "FAILED" || !body["error"].is_string() {
            bad.push(format!("{method} {path}: {status} {body}"));
        }
    }
    let server_errors = statuses.range(500..).map(|(_, n)| n).sum::<usize>();
    println!(
        "FIGURE fake under hostile requests: {count} malformed requests, {} not a 4xx ErrorResponse, {server_errors} 5xx, 0 panics, state unchanged; {statuses:?}",
        bad.len()
    );
    assert!(bad.is_empty(), "{:#?}", &bad[..bad.len().min(10)]);
    assert_eq!(fake.runs(), before, "malformed requests changed the state");
    // The fake still serves after all of it.
    let cancel = http
        .put(format!("http://{}/v1/runs/c1/cancel", fake.addr()))
        .bearer_auth(fake.api_key())
        .send()
        .await
        .expect("the fake answers");
    assert_eq!(cancel.status(), StatusCode::OK);
}
