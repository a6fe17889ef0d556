//! The client's shared limits under load: requests per call and calls that succeed, for one
//! client shared by many tokio tasks, against a fake that throttles, is down, or blips. The
//! baseline in the same run is the same calls with a client per task, which share nothing:
//! what the client did before it had shared limits.
//!
//! | scenario | calls | target |
//! | --- | --- | --- |
//! | 429 with `Retry-After: 1` for 1.5 s | 64, started over 2 s | all succeed, at most 1.3 requests per call |
//! | 503 to everything | 200 at once | at most 1.6 requests per call |
//! | 503 to one request in ten | 200 at once | at least 199 succeed |
//!
//! `cargo bench -p currents --bench limits` writes `target/criterion/shared_limits.json`, which
//! `cargo xtask bench-report` reads; `cargo test` runs it once and holds it to the targets.

mod support;

use std::{sync::Arc, time::Duration};

use currents::{Client, RetryPolicy, RunId};
use currents_fake::{FakeServer, Operation, Outage, RunFixture};
use serde_json::json;

/// How the calls' client is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sharing {
    /// One client, cloned into every task: the shared limits apply.
    OneClient,
    /// A client per task: nothing is shared (the baseline).
    ClientPerTask,
}

#[derive(Debug, Clone, Copy)]
struct Scenario {
    name: &'static str,
    outage: fn() -> Outage,
    calls: usize,
    /// The time over which the calls are started; zero starts them all at once.
    spread: Duration,
    /// How many times it is measured; the median is reported. Blips land on calls by chance
    /// (which call's retry is the next tenth request), so that scenario is measured three
    /// times.
    repeats: usize,
}

const SCENARIOS: [Scenario; 3] = [
    Scenario {
        name: "throttled",
        outage: || Outage::Throttle {
            lasting: Duration::from_millis(1500),
            retry_after: 1,
        },
        calls: 64,
        spread: Duration::from_secs(2),
        repeats: 1,
    },
    Scenario {
        name: "down",
        outage: || Outage::Down { status: 503 },
        calls: 200,
        spread: Duration::ZERO,
        repeats: 1,
    },
    Scenario {
        name: "blips",
        outage: || Outage::Blips {
            every: 10,
            status: 503,
        },
        calls: 200,
        spread: Duration::ZERO,
        repeats: 3,
    },
];

/// What one scenario measured.
#[derive(Debug, Clone, Copy)]
struct Measured {
    requests: usize,
    succeeded: usize,
}

fn client(fake: &FakeServer) -> Client {
    Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .retry(RetryPolicy::default())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client for the fake")
}

/// The median of the scenario's repeats, by calls that succeeded and then by requests.
fn median(runtime: &tokio::runtime::Runtime, scenario: Scenario, sharing: Sharing) -> Measured {
    let mut all = (0..scenario.repeats)
        .map(|_| measure(runtime, scenario, sharing))
        .collect::<Vec<_>>();
    all.sort_by_key(|m| (m.succeeded, std::cmp::Reverse(m.requests)));
    all[all.len() / 2]
}

fn measure(runtime: &tokio::runtime::Runtime, scenario: Scenario, sharing: Sharing) -> Measured {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").project("p").build()])
        .forget_requests()
        .start();
    let shared = client(&fake);
    let run_id: RunId = "r1".parse().expect("valid");
    let fake = Arc::new(fake);
    fake.set_outage(Some((scenario.outage)()));
    let succeeded = runtime.block_on(async {
        let step = scenario.spread / scenario.calls as u32;
        let mut tasks = Vec::with_capacity(scenario.calls);
        for _ in 0..scenario.calls {
            let client = match sharing {
                Sharing::OneClient => shared.clone(),
                Sharing::ClientPerTask => client(&fake),
            };
            let run_id = run_id.clone();
            tasks.push(tokio::spawn(async move {
                client.runs().get(&run_id).await.is_ok()
            }));
            if !step.is_zero() {
                tokio::time::sleep(step).await;
            }
        }
        let mut succeeded = 0;
        for task in tasks {
            succeeded += usize::from(task.await.expect("a call's task"));
        }
        succeeded
    });
    Measured {
        requests: fake.request_count(Operation::GetRun),
        succeeded,
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut results = Vec::new();
    for scenario in SCENARIOS {
        let shared = median(&runtime, scenario, Sharing::OneClient);
        let baseline = median(&runtime, scenario, Sharing::ClientPerTask);
        let per_call = |m: Measured| m.requests as f64 / scenario.calls as f64;
        println!(
            "{}: {} calls; one client: {} requests ({:.2} a call), {} succeeded; a client per \
             task: {} requests ({:.2} a call), {} succeeded",
            scenario.name,
            scenario.calls,
            shared.requests,
            per_call(shared),
            shared.succeeded,
            baseline.requests,
            per_call(baseline),
            baseline.succeeded
        );
        match scenario.name {
            "throttled" => {
                assert_eq!(
                    shared.succeeded, scenario.calls,
                    "every throttled call succeeds"
                );
                assert!(per_call(shared) <= 1.3, "{shared:?}");
            }
            "down" => assert!(per_call(shared) <= 1.6, "{shared:?}"),
            _ => assert!(shared.succeeded >= 199, "{shared:?}"),
        }
        results.push(json!({
            "scenario": scenario.name,
            "calls": scenario.calls,
            "requests": shared.requests,
            "succeeded": shared.succeeded,
            "baseline_requests": baseline.requests,
            "baseline_succeeded": baseline.succeeded,
        }));
    }
    support::write_results("shared_limits.json", &serde_json::Value::from(results));
}
