//! Benchmarks, each with a baseline measured in the same run: decoding against serde_json's
//! floor, the client against a raw reqwest call, batched resets against sequential raw
//! requests, and a streamed list of 10,000 runs against a raw page-by-page loop. Run `cargo bench -p currents`, then `cargo xtask bench-report` for the ratios.

use std::{hint::black_box, time::Duration};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use currents::{
    Client, MachineId, ProjectId, ResetOptions, RunId,
    api::types::{RunResponse, RunsListResponse},
};
use currents_fake::{FakeRun, FakeServer, RunFixture, demo::demo_run};
use futures_util::TryStreamExt as _;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::de::IgnoredAny;

/// About 1 MB of JSON, and a typical run.
const SIZES: [(&str, usize); 2] = [("small", 50), ("large", 2_000)];

fn response_bytes(run: &FakeRun) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "status": "OK", "data": run.run })).expect("serialises")
}

fn decode(c: &mut Criterion) {
    for (name, specs) in SIZES {
        let bytes = response_bytes(&demo_run(42, specs));
        let mut group = c.benchmark_group(format!("decode_{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("typed", |b| {
            b.iter(|| serde_json::from_slice::<RunResponse>(black_box(&bytes)).expect("decodes"))
        });
        group.bench_function("ignored_any", |b| {
            b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(&bytes)).expect("scans"))
        });
        group.bench_function("value", |b| {
            b.iter(|| {
                serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("parses")
            })
        });
        group.finish();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A reqwest client configured as the facade's is: the same key header, gzip and user agent.
fn raw_client(fake: &FakeServer) -> reqwest::Client {
    let mut key = HeaderValue::try_from(format!("Bearer {}", fake.api_key())).expect("header");
    key.set_sensitive(true);
    reqwest::Client::builder()
        .default_headers(HeaderMap::from_iter([(AUTHORIZATION, key)]))
        .user_agent("currents-rs/bench")
        .gzip(true)
        .build()
        .expect("client")
}

fn facade_client(fake: &FakeServer) -> Client {
    Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .build()
        .expect("client")
}

fn batches_at_once(concurrency: usize) -> ResetOptions {
    ResetOptions {
        concurrency,
        ..ResetOptions::default()
    }
}

fn overhead(c: &mut Criterion) {
    let runs = SIZES.map(|(_, specs)| demo_run(specs as u64, specs));
    let ids = runs
        .iter()
        .map(|run| run.run.run_id.clone())
        .collect::<Vec<_>>();
    let fake = FakeServer::builder().runs(runs).start();
    let (client, raw) = (facade_client(&fake), raw_client(&fake));
    let runtime = runtime();
    for ((name, _), id) in SIZES.iter().zip(&ids) {
        let run_id: RunId = id.parse().expect("valid");
        let url = format!("{}/runs/{id}", fake.base_url());
        let mut group = c.benchmark_group(format!("get_{name}"));
        group.bench_function("facade", |b| {
            b.to_async(&runtime)
                .iter(|| async { client.runs().get(&run_id).await.expect("get") })
        });
        group.bench_function("raw_reqwest", |b| {
            b.to_async(&runtime).iter(|| async {
                let response = raw
                    .get(&url)
                    .header("api-version", "1.0.0")
                    .send()
                    .await
                    .expect("send");
                let bytes = response.bytes().await.expect("body");
                serde_json::from_slice::<RunResponse>(&bytes)
                    .expect("decode")
                    .data
            })
        });
        group.finish();
        fake.clear_requests();
    }
}

fn batching(c: &mut Criterion) {
    let run = (0..1_000).fold(RunFixture::new("r1").status("failed"), |run, n| {
        run.spec(format!("m{n}"), 1)
    });
    let fake = FakeServer::builder().runs([run]).start();
    let machines = (0..1_000)
        .map(|n| MachineId::new(format!("m{n}")).expect("valid"))
        .collect::<Vec<_>>();
    let run_id: RunId = "r1".parse().expect("valid");
    let (client, raw) = (facade_client(&fake), raw_client(&fake));
    let url = format!("{}/runs/r1/reset", fake.base_url());
    let runtime = runtime();
    let mut group = c.benchmark_group("reset_1000");
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("facade_concurrent_4", |b| {
        b.to_async(&runtime).iter(|| async {
            assert!(
                client
                    .runs()
                    .reset(&run_id, machines.clone(), batches_at_once(4))
                    .await
                    .is_success()
            )
        })
    });
    group.bench_function("facade_sequential", |b| {
        b.to_async(&runtime).iter(|| async {
            assert!(
                client
                    .runs()
                    .reset(&run_id, machines.clone(), batches_at_once(1))
                    .await
                    .is_success()
            )
        })
    });
    group.bench_function("raw_sequential", |b| {
        // Like the client, the baseline builds each batch's body from the machine list.
        b.to_async(&runtime).iter(|| async {
            for chunk in machines.chunks(63) {
                let body =
                    serde_json::to_vec(&serde_json::json!({ "machineId": chunk })).expect("body");
                let response = raw
                    .put(&url)
                    .header("content-type", "application/json")
                    .header("api-version", "1.0.0")
                    .body(body)
                    .send()
                    .await
                    .expect("send");
                assert!(response.status().is_success());
                response.bytes().await.expect("body");
            }
        })
    });
    group.finish();
}

/// Listing 10,000 runs (200 pages of 50): the client's stream, which fetches the next page
/// while this one is consumed, against a raw loop that fetches, decodes and follows the cursor
/// one page after the other.
fn listing(c: &mut Criterion) {
    let base = chrono::DateTime::from_timestamp(1_790_000_000, 0).expect("a valid time");
    let fake = FakeServer::builder()
        .runs((0..10_000).map(|n| {
            RunFixture::new(format!("run-{n:05}"))
                .project("p")
                .tags(["nightly"])
                .created_at(base + chrono::Duration::minutes(n))
                .build()
        }))
        .forget_requests()
        .start();
    let project: ProjectId = "p".parse().expect("valid");
    let (client, raw) = (facade_client(&fake), raw_client(&fake));
    let url = format!("{}/projects/p/runs", fake.base_url());
    let runtime = runtime();
    let mut group = c.benchmark_group("list_10000");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("facade_stream", |b| {
        b.to_async(&runtime).iter(|| async {
            let seen = client
                .projects()
                .runs(&project)
                .stream()
                .try_fold(0usize, |seen, _| async move { Ok(seen + 1) })
                .await
                .expect("list");
            assert_eq!(seen, 10_000);
        })
    });
    group.bench_function("raw_sequential", |b| {
        b.to_async(&runtime).iter(|| async {
            let (mut seen, mut after) = (0, None::<String>);
            loop {
                let mut request = raw
                    .get(&url)
                    .header("api-version", "1.0.0")
                    .query(&[("limit", "50")]);
                if let Some(cursor) = &after {
                    request = request.query(&[("starting_after", cursor)]);
                }
                let bytes = request
                    .send()
                    .await
                    .expect("send")
                    .bytes()
                    .await
                    .expect("body");
                let page = serde_json::from_slice::<RunsListResponse>(&bytes).expect("decode");
                seen += page.data.len();
                after = page.data.last().and_then(|run| run.cursor.clone());
                if !page.has_more || page.data.is_empty() {
                    break;
                }
            }
            assert_eq!(seen, 10_000);
        })
    });
    group.finish();
}

criterion_group!(benches, decode, overhead, batching, listing);
criterion_main!(benches);
