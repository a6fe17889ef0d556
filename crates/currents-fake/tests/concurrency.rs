//! Many clients at once: every operation is atomic, so racing cancels cancel a run once.

mod support;

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{Api, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_cancels_and_resets_leave_consistent_state() {
    const RUNS: usize = 10;
    const CALLS: usize = 200;
    // Runs r0..r9 are running (cancel targets); r10..r19 failed (reset targets).
    let specs = [("m1", 1), ("m2", 2), ("m1", 0), ("m3", 1)];
    let runs = (0..2 * RUNS)
        .map(|n| {
            run(
                &format!("r{n}"),
                "p",
                if n < RUNS { "running" } else { "failed" },
                "main",
                &[],
                9,
                &specs,
            )
        })
        .collect();
    let api = std::sync::Arc::new(Api::new(runs));

    let tasks = (0..CALLS).map(|call| {
        let api = api.clone();
        tokio::spawn(async move {
            let target = (call / 2) % RUNS;
            let run = if call % 2 == 0 {
                format!("r{target}")
            } else {
                format!("r{}", RUNS + target)
            };
            let answer = if call % 2 == 0 {
                api.call(Method::PUT, &format!("/v1/runs/{run}/cancel"), None)
                    .await
            } else {
                let machines = if (call / (2 * RUNS)).is_multiple_of(2) {
                    json!(["m1", "m2"])
                } else {
                    json!(["m2", "m3"])
                };
                api.call(
                    Method::PUT,
                    &format!("/v1/runs/{run}/reset"),
                    Some(json!({ "machineId": machines })),
                )
                .await
            };
            (call, run, answer)
        })
    });
    let mut cancels: BTreeMap<String, usize> = BTreeMap::new();
    let mut reset_specs: BTreeMap<String, i64> = BTreeMap::new();
    let mut answered = 0;
    for task in tasks {
        let (call, run, answer) = task.await.expect("the task completes");
        answered += 1;
        if call % 2 == 0 {
            assert!(
                matches!(
                    answer.status,
                    StatusCode::OK | StatusCode::UNPROCESSABLE_ENTITY
                ),
                "{}",
                answer.body
            );
            if answer.status == StatusCode::OK {
                *cancels.entry(run).or_default() += 1;
            }
        } else {
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
            *reset_specs.entry(run).or_default() +=
                answer.body["data"]["resetSpecs"].as_i64().expect("a count");
        }
    }

    assert_eq!(answered, CALLS);
    assert_eq!(
        api.fake.requests().len(),
        CALLS,
        "every request reached the fake exactly once"
    );
    for run in api.fake.runs() {
        let cancelled = cancels.get(&run.run_id).copied().unwrap_or(0);
        let cancel_target = run.run_id[1..].parse::<usize>().expect("numbered") < RUNS;
        // Ten racing cancels of one running run: exactly one wins, the rest get 422.
        assert_eq!(
            cancelled,
            usize::from(cancel_target),
            "{} was cancelled {cancelled} times",
            run.run_id
        );
        let now_cancelled = run.status.to_string() == "cancelled";
        assert_eq!(
            now_cancelled, cancel_target,
            "{}: state and answers disagree",
            run.run_id
        );
        // Three specs failed on m1, m2 and m3; each is reset at most once, and every reset is kept.
        let cleared = run
            .specs
            .iter()
            .filter(|spec| spec.results.is_none())
            .count() as i64;
        assert_eq!(
            reset_specs.get(&run.run_id).copied().unwrap_or(0),
            cleared,
            "{}",
            run.run_id
        );
        assert_eq!(cleared, if cancel_target { 0 } else { 3 }, "{}", run.run_id);
    }
    println!(
        "concurrency: {CALLS} concurrent calls over {} runs, {} cancels won, state consistent",
        2 * RUNS,
        cancels.len()
    );
}

/// 500 connections that send nothing, and one that sends its headers a byte at a time, are
/// closed after the header-read timeout; meanwhile the fake answers a real request at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_connections_are_closed_while_others_are_answered() {
    use std::time::{Duration, Instant};

    use tokio::{
        io::{AsyncReadExt as _, AsyncWriteExt as _},
        net::TcpStream,
    };

    const IDLE: usize = 500;
    const TIMEOUT: Duration = Duration::from_secs(1);
    let fake = currents_fake::FakeServer::builder()
        .header_read_timeout(TIMEOUT)
        .start();
    let http = reqwest::Client::new();
    let projects = || {
        http.get(format!("{}/projects", fake.base_url()))
            .bearer_auth(fake.api_key())
            .send()
    };
    // The first answer builds the fake's schema checks; the timed one is the second.
    projects().await.expect("a first answer");
    let opened = Instant::now();
    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        idle.push(TcpStream::connect(fake.addr()).await.expect("connect"));
    }
    let mut slow = TcpStream::connect(fake.addr()).await.expect("connect");
    let slowloris = tokio::spawn(async move {
        for byte in b"GET /v1/projects HTTP/1.1\r\nhost: x\r\n"
            .iter()
            .cycle()
            .take(200)
        {
            if slow.write_all(&[*byte]).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    });
    let asked = Instant::now();
    let answer = projects()
        .await
        .expect("an answer while the idle connections are held");
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(
        asked.elapsed() < Duration::from_millis(500),
        "{:?}",
        asked.elapsed()
    );
    for (n, mut stream) in idle.into_iter().enumerate() {
        let mut byte = [0; 1];
        let read = tokio::time::timeout(TIMEOUT * 3, stream.read(&mut byte)).await;
        assert!(
            matches!(read, Ok(Ok(0) | Err(_))),
            "connection {n} is still open after {:?}",
            opened.elapsed()
        );
    }
    assert!(
        slowloris.await.expect("the slow writer"),
        "a connection sending its headers a byte at a time was kept"
    );
}
