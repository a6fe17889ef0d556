//! Bytes on the wire and requests per job, asserted rather than only printed: gzip against
//! identity for the largest answers, and the request count of a 1,000-machine reset.

use currents::ResetOptions;
use currents_fake::{FakeServer, RunFixture, UNCOMPRESSED_LIMIT, demo::demo_run};
use integration_tests::{client, requests_to, run_id};

#[tokio::test]
async fn gzip_cuts_a_one_megabyte_run_to_under_15_percent() {
    // The largest demo run whose identity answer the API still allows (1 MB), so that both
    // encodings can be measured on the same run.
    let size = |run: &currents_fake::FakeRun| {
        serde_json::to_vec(&serde_json::json!({ "status": "OK", "data": run.run }))
            .map_or(0, |b| b.len())
    };
    let run = (1..=40)
        .rev()
        .map(|hundreds| demo_run(42, hundreds * 50))
        .find(|run| size(run) <= UNCOMPRESSED_LIMIT)
        .expect("a run under 1 MB");
    let specs = run.run.specs.len();
    let id = run.run.run_id.clone();
    let fake = FakeServer::builder().runs([run]).start();
    let url = format!("{}/runs/{id}", fake.base_url());
    // Without reqwest's gzip decoding, the body length is what crossed the wire.
    let http = reqwest::Client::builder()
        .no_gzip()
        .build()
        .expect("client");
    let fetch = |encoding: &'static str| {
        let request = http
            .get(&url)
            .bearer_auth(fake.api_key())
            .header("accept-encoding", encoding);
        async move {
            let response = request.send().await.expect("answer");
            assert!(
                response.status().is_success(),
                "{encoding}: {}",
                response.status()
            );
            let coding = response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap_or("").to_owned());
            (coding, response.bytes().await.expect("body").len())
        }
    };
    let (identity_coding, identity) = fetch("identity").await;
    let (gzip_coding, gzip) = fetch("gzip").await;
    assert_eq!(
        (identity_coding, gzip_coding.as_deref()),
        (None, Some("gzip"))
    );
    assert!(
        identity > 900_000 && identity <= UNCOMPRESSED_LIMIT,
        "identity body is {identity} bytes"
    );
    let percent = gzip as f64 * 100.0 / identity as f64;
    println!(
        "FIGURE wire: getRun of a {specs}-spec run: {gzip} bytes gzip vs {identity} identity = {percent:.1}%"
    );
    assert!(percent <= 15.0, "gzip is {percent:.1}% of identity");

    // The client itself negotiates gzip on every request.
    let client = client(&fake);
    client.runs().get(&run_id(&id)).await.expect("the run");
    let sent = fake.requests().pop().expect("a request");
    assert!(
        sent.header("accept-encoding")
            .is_some_and(|value| value.contains("gzip"))
    );
}

#[tokio::test]
async fn resetting_1000_failed_machines_takes_exactly_16_requests() {
    let run = (0..1_000).fold(RunFixture::new("r1").status("failed"), |run, n| {
        run.spec(format!("m{n}"), 1)
    });
    let fake = FakeServer::builder().runs([run]).start();
    let client = client(&fake);
    let report = client
        .runs()
        .reset_failed(&run_id("r1"), ResetOptions::default())
        .await
        .expect("reset");
    assert!(report.is_success());
    assert_eq!(report.machines_reset().count(), 1_000);
    let requests = requests_to(&fake, "/reset").len();
    assert_eq!(requests, 1_000usize.div_ceil(63));
    assert_eq!(requests, 16);
    let cleared = fake
        .run("r1")
        .map(|run| run.specs.iter().filter(|s| s.results.is_none()).count());
    assert_eq!(cleared, Some(1_000));
    println!("FIGURE batching: reset of 1,000 failed machines sent {requests} requests");
}
