//! Peak memory of walking a project's runs, for 1,000 and for 10,000 runs, one page after
//! another and in time slices: a sequential walk holds a page (and the next one, in flight), a
//! parallel one at most its window's pages, so neither peak may grow with the list. Also
//! checks that a sequential walk of `n` runs takes exactly ⌈n/50⌉ requests, and a parallel one
//! at most a quarter more.
//!
//! `cargo bench -p currents --bench memory` writes `target/criterion/list_memory.json`, which
//! `cargo xtask bench-report` reads; `cargo test` runs it once as a check.

mod support;

use std::time::Duration;

use chrono::{TimeZone as _, Utc};
use currents::{Client, ProjectId};
use currents_fake::{FakeServer, Operation, RunFixture};
use futures_util::TryStreamExt as _;
use peak_alloc::PeakAlloc;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

/// A fake with `count` runs of project `p`, a minute apart.
fn fake(count: usize) -> FakeServer {
    let base = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid time");
    FakeServer::builder()
        .runs((0..count).map(|n| {
            RunFixture::new(format!("run-{n:05}"))
                .project("p")
                .branch("main")
                .tags(["nightly"])
                .author("Dana")
                .created_at(base + chrono::Duration::minutes(n as i64))
                .build()
        }))
        .forget_requests()
        .start()
}

/// Walks every run, `concurrency` pages at a time; returns (runs seen, requests sent, peak
/// bytes above the start).
fn walk(count: usize, concurrency: usize) -> (usize, usize, usize) {
    let fake = fake(count);
    let client = Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client");
    let project: ProjectId = "p".parse().expect("valid");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // The first request sets up what every later one reuses (the connection pool, TLS
    // settings): that is not the walk's, so it happens before the count starts.
    runtime.block_on(async {
        let first = client.projects().runs(&project).limit(1).stream();
        first.try_collect::<Vec<_>>().await.expect("a first page");
    });
    fake.clear_requests();
    let start = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let seen = runtime.block_on(async {
        client
            .projects()
            .runs(&project)
            .concurrency(concurrency)
            .stream()
            .try_fold(0usize, |seen, _run| async move { Ok(seen + 1) })
            .await
            .expect("the walk succeeds")
    });
    let peak = PEAK.peak_usage().saturating_sub(start);
    (seen, fake.request_count(Operation::ListProjectRuns), peak)
}

fn main() {
    let mut results = Vec::new();
    for (walk_name, concurrency) in [
        ("sequential", 1),
        ("parallel", currents::DEFAULT_CONCURRENCY),
    ] {
        for count in [1_000, 10_000] {
            let (seen, requests, peak) = walk(count, concurrency);
            assert_eq!(seen, count, "every run is seen once");
            let pages = count.div_ceil(50);
            if concurrency == 1 {
                assert_eq!(requests, pages, "one request per page of 50");
            } else {
                assert!(
                    requests <= pages + pages / 4 + 2 * concurrency,
                    "{requests} requests"
                );
            }
            println!(
                "list {count} runs, {walk_name}: {requests} requests, peak {peak} bytes above the start"
            );
            results.push(serde_json::json!({
                "walk": walk_name, "runs": count, "requests": requests, "peak_bytes": peak
            }));
        }
    }
    support::write_results("list_memory.json", &serde_json::Value::from(results));
}
