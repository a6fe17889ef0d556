//! Listing through the network's latency: the `currents` binary, as a process, against a raw
//! sequential walk in the same run, with 50 ms added to every request of the fake. Project
//! runs are walked in time slices, spec files by page number; a one-page list is held to the
//! CLI walking one page after another. Run `cargo bench -p currents-cli`, then
//! `cargo xtask bench-report` for the ratios.

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use currents::api::types::{RunsListResponse, SpecFilesResponse, SpecFilesResponseDataNextPage};
use currents_fake::{FakeServer, Outage, RunFixture};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

/// The latency added in front of every request.
const LATENCY: Duration = Duration::from_millis(50);

const BIN: &str = env!("CARGO_BIN_EXE_currents");

/// A fake with `count` runs of project `p`, a minute apart and ending now, behind the latency.
fn runs(count: usize) -> FakeServer {
    let newest = Utc::now();
    let fake = FakeServer::builder()
        .runs((0..count).map(|n| {
            RunFixture::new(format!("run-{n:05}"))
                .project("p")
                .created_at(newest - chrono::Duration::minutes((count - n) as i64))
                .build()
        }))
        .forget_requests()
        .start();
    fake.set_outage(Some(Outage::Latency(LATENCY)));
    fake
}

/// A fake whose project `p` has `count` spec files from one run of yesterday.
fn spec_files(count: usize) -> FakeServer {
    let run = (0..count).fold(RunFixture::new("r").project("p"), |run, _| run.spec("m", 0));
    let fake = FakeServer::builder()
        .runs([run
            .created_at(Utc::now() - chrono::Duration::days(1))
            .build()])
        .forget_requests()
        .start();
    fake.set_outage(Some(Outage::Latency(LATENCY)));
    fake
}

/// Runs the CLI to the end, its NDJSON read and dropped, and checks that it succeeded.
fn cli(fake: &FakeServer, args: &[&str]) {
    let status = Command::new(BIN)
        .args(args)
        .args(["--output", "json"])
        .env("CURRENTS_API_KEY", fake.api_key())
        .env("CURRENTS_API_URL", fake.base_url())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .expect("run currents");
    assert!(status.success());
}

fn raw_client(fake: &FakeServer) -> reqwest::Client {
    let mut key = HeaderValue::try_from(format!("Bearer {}", fake.api_key())).expect("header");
    key.set_sensitive(true);
    reqwest::Client::builder()
        .default_headers(HeaderMap::from_iter([(AUTHORIZATION, key)]))
        .gzip(true)
        .build()
        .expect("client")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A raw baseline's request, sent, its body read whole and decoded.
async fn fetch<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    let bytes = request
        .send()
        .await
        .expect("send")
        .bytes()
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("decode")
}

/// The baseline: a raw loop that fetches a page of 50, decodes it and follows its last cursor.
async fn raw_cursor_walk(raw: &reqwest::Client, fake: &FakeServer) -> usize {
    let url = format!("{}/projects/p/runs", fake.base_url());
    let (mut seen, mut after) = (0, None::<String>);
    loop {
        let mut request = raw
            .get(&url)
            .header("api-version", "1.0.0")
            .query(&[("limit", "50")]);
        if let Some(cursor) = &after {
            request = request.query(&[("starting_after", cursor)]);
        }
        let page: RunsListResponse = fetch(request).await;
        seen += page.data.len();
        after = page.data.last().and_then(|run| run.cursor.clone());
        if !page.has_more || page.data.is_empty() {
            return seen;
        }
    }
}

/// The baseline of a page-number list: pages of 50 until `nextPage` is `false`.
async fn raw_page_walk(
    raw: &reqwest::Client,
    fake: &FakeServer,
    range: [DateTime<Utc>; 2],
) -> usize {
    let url = format!("{}/spec-files/p", fake.base_url());
    let [start, end] = range.map(|at| at.to_rfc3339());
    let (mut seen, mut page) = (0, 0i64);
    loop {
        let request = raw
            .get(&url)
            .header("api-version", "1.0.0")
            .query(&[("date_start", &start), ("date_end", &end)])
            .query(&[("limit", 50), ("page", page)]);
        let answer: SpecFilesResponse = fetch(request).await;
        let data = answer.data;
        seen += data.list.len();
        match data.next_page {
            Some(SpecFilesResponseDataNextPage::Integer(next)) if !data.list.is_empty() => {
                page = next;
            }
            _ => return seen,
        }
    }
}

fn cursor_lists(c: &mut Criterion) {
    let runtime = runtime();
    for count in [2_000, 10_000] {
        let fake = runs(count);
        let raw = raw_client(&fake);
        let mut group = c.benchmark_group(format!("runs_{count}_at_50ms"));
        group.sample_size(10);
        group.bench_function("cli", |b| {
            b.iter(|| cli(&fake, &["runs", "list", "--project", "p"]))
        });
        group.bench_function("raw_sequential", |b| {
            b.to_async(&runtime).iter(|| async {
                assert_eq!(raw_cursor_walk(&raw, &fake).await, count);
            })
        });
        group.finish();
    }
    // One page: the parallel walk must cost nothing over one page after another.
    let fake = runs(40);
    let mut group = c.benchmark_group("runs_one_page_at_50ms");
    group.sample_size(20);
    group.bench_function("cli", |b| {
        b.iter(|| cli(&fake, &["runs", "list", "--project", "p"]))
    });
    group.bench_function("cli_sequential", |b| {
        b.iter(|| {
            cli(
                &fake,
                &["runs", "list", "--project", "p", "--concurrency", "1"],
            )
        })
    });
    group.finish();
}

fn page_number_lists(c: &mut Criterion) {
    let runtime = runtime();
    let fake = spec_files(2_000);
    let raw = raw_client(&fake);
    let now = Utc::now();
    let range = [now - chrono::Duration::days(30), now];
    let mut group = c.benchmark_group("spec_files_2000_at_50ms");
    group.sample_size(10);
    group.bench_function("cli", |b| {
        b.iter(|| cli(&fake, &["spec-files", "--project", "p"]))
    });
    group.bench_function("raw_sequential", |b| {
        b.to_async(&runtime).iter(|| async {
            assert_eq!(raw_page_walk(&raw, &fake, range).await, 2_000);
        })
    });
    group.finish();
}

criterion_group!(benches, cursor_lists, page_number_lists);
criterion_main!(benches);
