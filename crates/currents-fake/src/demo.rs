//! Deterministic, realistic demo runs: the same seed always gives the same runs.
//!
//! Runs spread over several projects, branches (`main`, `release/*`, `feature/*`) and tags, with
//! a group per browser and specs spread over machines. Most are complete; some are running (some
//! of those already failing), cancelled or timed out. They are answered in production's
//! spelling (`FAILED`, `COMPLETE`) unless the fake is asked for the docs'. The first run of a demo set is larger than 1 MB of JSON, so the 413
//! and gzip behaviour can be tried against it.

use chrono::{DateTime, Duration, TimeZone, Utc};
use currents_api::types::Run;
use rand::{RngExt, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::FakeRun;

/// The projects demo runs belong to.
pub const DEMO_PROJECTS: [&str; 3] = ["web-app", "api-service", "mobile-web"];

/// How many specs the oversized demo run has: enough for well over 1 MB of JSON.
pub const LARGE_RUN_SPECS: usize = 2_200;

const BRANCHES: [&str; 6] = [
    "main",
    "main",
    "release/1.x",
    "release/2.x",
    "feature/login",
    "feature/checkout",
];
const TAGS: [&str; 5] = ["nightly", "smoke", "regression", "pr", "flaky-watch"];
const AREAS: [&str; 8] = [
    "auth", "cart", "checkout", "search", "profile", "admin", "billing", "home",
];
const ACTIONS: [&str; 8] = [
    "login", "list", "create", "update", "delete", "filter", "export", "render",
];

/// The state a demo run is generated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed,
    Running,
    /// Still running, with failures already.
    Failing,
    Cancelled,
    TimedOut,
}

/// `count` demo runs for `seed`; the first one is the oversized run.
pub fn demo_runs(count: usize, seed: u64) -> Vec<FakeRun> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|index| {
            let outcome = match rng.random_range(0..100) {
                _ if index == 0 => Outcome::Failed,
                0..60 => Outcome::Passed,
                60..78 => Outcome::Failed,
                78..88 if index % 2 == 1 => Outcome::Failing,
                78..88 => Outcome::Running,
                88..94 => Outcome::Cancelled,
                _ => Outcome::TimedOut,
            };
            let specs = if index == 0 {
                LARGE_RUN_SPECS
            } else {
                rng.random_range(8..60)
            };
            generate(&mut rng, index, outcome, specs)
        })
        .collect()
}

/// One completed, failed run with `specs` specs, for benchmarks and size tests.
pub fn demo_run(seed: u64, specs: usize) -> FakeRun {
    generate(
        &mut ChaCha8Rng::seed_from_u64(seed),
        0,
        Outcome::Failed,
        specs,
    )
}

fn generate(rng: &mut ChaCha8Rng, index: usize, outcome: Outcome, spec_count: usize) -> FakeRun {
    let project = DEMO_PROJECTS[index % DEMO_PROJECTS.len()];
    let branch = *BRANCHES.choose(rng).expect("BRANCHES is not empty");
    let cypress = rng.random_bool(0.5);
    let browsers: &[&str] = if cypress {
        &["chrome", "electron"]
    } else {
        &["chromium", "firefox", "webkit"]
    };
    let machines = rng.random_range(2..9);
    let created_at = base_time() + Duration::minutes(index as i64 * 47 + rng.random_range(0..30));
    let github_run_id = rng
        .random_range(9_000_000_000u64..9_999_999_999)
        .to_string();
    let attempt = rng.random_range(1..4);
    let run_id = format!("{:08x}{:016x}", created_at.timestamp(), rng.random::<u64>());

    let specs = (0..spec_count)
        .map(|n| {
            spec(
                rng, n, cypress, browsers, machines, created_at, outcome, spec_count,
            )
        })
        .collect::<Vec<_>>();
    let groups = browsers
        .iter()
        .map(|browser| group(browser, cypress, &specs))
        .collect::<Vec<_>>();
    let duration_ms = matches!(
        outcome,
        Outcome::Passed | Outcome::Failed | Outcome::TimedOut
    )
    .then(|| rng.random_range(60_000..1_800_000));
    let tags = TAGS
        .iter()
        .filter(|_| rng.random_bool(0.35))
        .collect::<Vec<_>>();
    let (status, completion_state) = match outcome {
        Outcome::Passed => ("passed", "complete"),
        Outcome::Failed => ("failed", "complete"),
        Outcome::Running => ("running", "incomplete"),
        Outcome::Failing => ("FAILING", "incomplete"),
        Outcome::Cancelled => ("cancelled", "cancelled"),
        Outcome::TimedOut => ("timedOut", "timedOut"),
    };
    let cancellation = (outcome == Outcome::Cancelled).then(|| {
        json!({ "cancelledAt": created_at + Duration::minutes(9), "cancelledBy": "ci-bot", "reason": "Superseded by a newer commit" })
    });
    let pr = branch.starts_with("feature/").then(|| {
        let number = rng.random_range(100..999);
        json!({ "id": number.to_string(), "link": format!("https://github.com/acme/{project}/pull/{number}"),
                "title": format!("Work on {branch}"), "source": branch, "destination": "main" })
    });

    let run = json!({
        "runId": run_id,
        "projectId": project,
        "createdAt": created_at,
        "durationMs": duration_ms,
        "tags": tags,
        "timeout": { "isTimeout": outcome == Outcome::TimedOut, "timeoutValueMs": 3_600_000 },
        "cancellation": cancellation,
        "groups": groups,
        "meta": {
            "ciBuildId": format!("{project}-{github_run_id}-{attempt}"),
            "pr": pr,
            "commit": {
                "sha": format!("{:016x}{:016x}{:08x}", rng.random::<u64>(), rng.random::<u64>(), rng.random::<u32>()),
                "branch": branch,
                "authorName": "Dana Developer",
                "authorEmail": "dana@example.com",
                "message": format!("Update {} flow", AREAS[index % AREAS.len()]),
                "remoteOrigin": format!("https://github.com/acme/{project}"),
            },
            "framework": if cypress { json!({ "name": "cypress", "version": "13.15.0" }) }
                         else { json!({ "name": "playwright", "version": "1.49.1" }) },
        },
        "specs": specs,
        "completionState": completion_state,
        "status": status,
    });
    let run: Run = serde_json::from_value(run).expect("demo runs follow the Run schema");
    FakeRun::from(run).with_github(github_run_id, attempt)
}

#[allow(clippy::too_many_arguments)]
fn spec(
    rng: &mut ChaCha8Rng,
    n: usize,
    cypress: bool,
    browsers: &[&str],
    machines: usize,
    created_at: DateTime<Utc>,
    outcome: Outcome,
    spec_count: usize,
) -> Value {
    let area = AREAS[n % AREAS.len()];
    let action = ACTIONS[(n / AREAS.len()) % ACTIONS.len()];
    let path = if cypress {
        format!("cypress/e2e/{area}/{action}-{n}.cy.ts")
    } else {
        format!("tests/{area}/{action}-{n}.spec.ts")
    };
    let machine = format!("machine-{}", n % machines + 1);
    let browser = browsers[n % browsers.len()];
    let claimed_at = created_at + Duration::seconds(5 + (n as i64 * 3));
    // A running or cancelled run has not finished its last specs.
    let unfinished = matches!(
        outcome,
        Outcome::Running | Outcome::Failing | Outcome::Cancelled | Outcome::TimedOut
    ) && n >= spec_count * 2 / 3;
    let mut spec = json!({
        "spec": path,
        "groupId": browser,
        "instanceId": format!("{:016x}", rng.random::<u64>()),
        "claimedAt": claimed_at,
        "completedAt": null,
        "machineId": machine,
        "tags": if cypress { json!([]) } else { json!([format!("@{area}")]) },
        "inactivityTimeoutMs": null,
        "results": null,
    });
    if unfinished {
        return spec;
    }
    let tests = rng.random_range(1..30);
    let failing = matches!(outcome, Outcome::Failed | Outcome::Failing)
        && (n % 7 == 3 || rng.random_bool(0.05));
    let failures = if failing {
        rng.random_range(1..=tests.min(4))
    } else {
        0
    };
    let pending = if rng.random_bool(0.15) {
        rng.random_range(0..=(tests - failures).min(3))
    } else {
        0
    };
    let skipped = if rng.random_bool(0.05) {
        (tests - failures - pending).min(1)
    } else {
        0
    };
    let flaky = if rng.random_bool(0.1) { 1 } else { 0 };
    let passes = tests - failures - pending - skipped;
    let duration = rng.random_range(2_000..180_000);
    let ended_at = claimed_at + Duration::milliseconds(duration);
    let exception =
        (failing && rng.random_bool(0.1)).then_some("Error: page crashed while loading /checkout");
    let screenshots = if cypress && failures > 0 {
        json!([{ "screenshotId": format!("{:012x}", rng.random::<u64>() >> 16), "name": null,
                 "testId": format!("r{n}"), "testAttemptIndex": 0, "takenAt": ended_at,
                 "screenshotURL": format!("https://cdn.example.com/s/{n}.png") }])
    } else {
        json!([])
    };
    spec["completedAt"] = json!(ended_at);
    spec["results"] = json!({
        "stats": {
            "suites": 1 + tests / 8, "tests": tests, "passes": passes, "failures": failures,
            "pending": pending, "skipped": skipped, "flaky": flaky,
            "wallClockStartedAt": claimed_at, "wallClockEndedAt": ended_at, "wallClockDuration": duration,
            "startedAt": claimed_at, "endedAt": ended_at, "duration": duration,
        },
        "exception": exception,
        "flaky": flaky,
        "videoUrl": if cypress { json!(format!("https://cdn.example.com/v/{n}.mp4")) } else { Value::Null },
        "screenshots": screenshots,
    });
    spec
}

/// A browser group with its test counts rolled up from its specs.
fn group(browser: &str, cypress: bool, specs: &[Value]) -> Value {
    let total = |counter: &str| -> i64 {
        specs
            .iter()
            .filter(|spec| spec["groupId"] == browser)
            .filter_map(|spec| spec["results"]["stats"][counter].as_i64())
            .sum()
    };
    json!({
        "groupId": browser,
        "platform": { "osName": "linux", "osVersion": "Ubuntu 24.04", "browserName": browser,
                      "browserVersion": if cypress { "131.0" } else { "132.0" } },
        "tests": { "overall": total("tests"), "passes": total("passes"), "failures": total("failures"),
                   "pending": total("pending"), "skipped": total("skipped"), "flaky": total("flaky") },
    })
}

fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0)
        .single()
        .expect("a valid fixed date")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_runs_are_deterministic_and_varied() {
        let runs = demo_runs(40, 11);
        assert_eq!(runs, demo_runs(40, 11), "the same seed gives the same runs");
        assert_ne!(runs, demo_runs(40, 12));
        let statuses = runs
            .iter()
            .map(|r| r.run.status.to_string())
            .collect::<std::collections::BTreeSet<_>>();
        assert_eq!(
            statuses.into_iter().collect::<Vec<_>>(),
            [
                "FAILED",
                "FAILING",
                "PASSED",
                "RUNNING",
                "cancelled",
                "timedOut"
            ]
        );
        let branches = runs
            .iter()
            .filter_map(|r| r.run.meta.as_ref()?.commit.as_ref()?.branch.clone())
            .collect::<std::collections::BTreeSet<_>>();
        assert!(branches.contains("main") && branches.iter().any(|b| b.starts_with("release/")));
        assert!(branches.iter().any(|b| b.starts_with("feature/")));
        let projects = runs
            .iter()
            .map(|r| r.run.project_id.as_str())
            .collect::<std::collections::BTreeSet<_>>();
        assert_eq!(projects.len(), DEMO_PROJECTS.len());
        let size = serde_json::to_vec(&runs[0].run).expect("serialises").len();
        assert!(
            size > crate::UNCOMPRESSED_LIMIT,
            "the first run is {size} bytes"
        );
        assert!(
            runs[1..]
                .iter()
                .all(|r| serde_json::to_vec(&r.run).map_or(0, |b| b.len()) < 100_000)
        );
    }
}
