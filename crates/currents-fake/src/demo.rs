//! Deterministic, realistic demo runs: the same seed always gives the same runs.
//!
//! Runs spread over several projects, branches (`main`, `release/*`, `feature/*`) and tags, with
//! a group per browser and specs spread over machines. Most are complete; some are running (some
//! of those already failing), cancelled or timed out. They are answered in production's
//! spelling (`FAILED`, `COMPLETE`) unless the fake is asked for the docs'. The first run of a
//! demo set is larger than 1 MB of JSON, so the 413 and gzip behaviour can be tried against it.

use chrono::{DateTime, Duration, TimeZone, Utc};
use currents_api::types::{
    Action, ActionStatus, ConditionOperator, ConditionType, RuleAction, RuleMatcher,
    RuleMatcherCondition, RuleMatcherConditionValue, Run, RunCancellation, RunCompletionState,
    RunGroup, RunGroupPlatform, RunGroupTests, RunMeta, RunMetaCommit, RunMetaFramework, RunMetaPr,
    RunSpec, RunSpecResults, RunSpecResultsScreenshotsItem, RunSpecResultsStats, RunStatus,
    RunTimeout,
};
use rand::{RngExt, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;

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

/// Actions of the first demo project, one in each state of the lifecycle: active, disabled,
/// archived and expired. The same every time.
pub fn demo_actions() -> Vec<(String, Action)> {
    let project = DEMO_PROJECTS[0].to_owned();
    let at = base_time();
    let action = |n: u64, name: &str, rule: RuleAction, status: ActionStatus| {
        let mut action = Action {
            action_id: format!("{:08x}{n:016x}", at.timestamp()),
            name: name.to_owned(),
            description: Some(format!("Demo action: {name}")),
            action: vec![rule],
            matcher: RuleMatcher::all([RuleMatcherCondition::new(
                ConditionType::Title,
                ConditionOperator::Inc,
                RuleMatcherConditionValue::String(
                    name.split(' ').next_back().unwrap_or(name).into(),
                ),
            )]),
            status: ActionStatus::Active,
            created_at: at + Duration::days(n as i64),
            created_by: "dana@example.com".to_owned(),
            updated_at: None,
            updated_by: None,
            disabled_at: None,
            disabled_by: None,
            archived_at: None,
            archived_by: None,
            expires_after: None,
        };
        match status {
            ActionStatus::Disabled => {
                action.disabled_at = Some(action.created_at + Duration::hours(1));
                action.disabled_by = Some("dana@example.com".into());
            }
            ActionStatus::Archived => {
                action.archived_at = Some(action.created_at + Duration::hours(1));
                action.archived_by = Some("dana@example.com".into());
            }
            // It reads as expired because its expiry has passed.
            ActionStatus::Expired => {
                action.expires_after = Some(action.created_at + Duration::days(1))
            }
            _ => {}
        }
        if status != ActionStatus::Expired {
            action.status = status;
        }
        (project.clone(), action)
    };
    vec![
        action(
            1,
            "skip flaky checkout",
            RuleAction::skip(),
            ActionStatus::Active,
        ),
        action(
            2,
            "quarantine login",
            RuleAction::quarantine(),
            ActionStatus::Disabled,
        ),
        action(
            3,
            "tag search",
            RuleAction::tag(["slow"]),
            ActionStatus::Archived,
        ),
        action(4, "skip export", RuleAction::skip(), ActionStatus::Expired),
    ]
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
    // Drawn as i32, as the first version of the generator did, so the same seed keeps giving
    // the same runs.
    .then(|| i64::from(rng.random_range(60_000..1_800_000i32)));
    let tags = TAGS
        .iter()
        .filter(|_| rng.random_bool(0.35))
        .map(|tag| (*tag).to_owned())
        .collect::<Vec<_>>();
    let (status, completion_state) = match outcome {
        Outcome::Passed => (RunStatus::Passed, RunCompletionState::Complete),
        Outcome::Failed => (RunStatus::Failed, RunCompletionState::Complete),
        Outcome::Running => (RunStatus::Running, RunCompletionState::Incomplete),
        Outcome::Failing => (RunStatus::Failing, RunCompletionState::Incomplete),
        Outcome::Cancelled => (RunStatus::Cancelled, RunCompletionState::Cancelled),
        Outcome::TimedOut => (RunStatus::TimedOut, RunCompletionState::TimedOut),
    };
    let cancellation = (outcome == Outcome::Cancelled).then(|| RunCancellation {
        cancelled_at: Some(created_at + Duration::minutes(9)),
        cancelled_by: Some("ci-bot".into()),
        reason: Some("Superseded by a newer commit".into()),
    });
    let pr = branch.starts_with("feature/").then(|| {
        let number = rng.random_range(100..999);
        RunMetaPr {
            id: Some(number.to_string()),
            link: Some(format!("https://github.com/acme/{project}/pull/{number}")),
            title: Some(format!("Work on {branch}")),
            source: Some(branch.to_owned()),
            destination: Some("main".into()),
        }
    });
    let sha = format!(
        "{:016x}{:016x}{:08x}",
        rng.random::<u64>(),
        rng.random::<u64>(),
        rng.random::<u32>()
    );
    let (framework, version) = if cypress {
        ("cypress", "13.15.0")
    } else {
        ("playwright", "1.49.1")
    };
    let run = Run {
        run_id,
        project_id: project.to_owned(),
        created_at,
        duration_ms,
        deleted_at: None,
        previous_run_id: None,
        tags,
        timeout: Some(RunTimeout {
            is_timeout: Some(outcome == Outcome::TimedOut),
            timeout_value_ms: Some(3_600_000),
        }),
        cancellation,
        groups,
        meta: Some(RunMeta {
            ci_build_id: Some(format!("{project}-{github_run_id}-{attempt}")),
            pr,
            commit: Some(RunMetaCommit {
                sha: Some(sha),
                branch: Some(branch.to_owned()),
                author_name: Some("Dana Developer".into()),
                author_email: Some("dana@example.com".into()),
                message: Some(format!("Update {} flow", AREAS[index % AREAS.len()])),
                remote_origin: Some(format!("https://github.com/acme/{project}")),
                ..RunMetaCommit::default()
            }),
            // Both names of the framework: the docs' `name`, production's `type` (`pw`).
            framework: Some(RunMetaFramework {
                name: Some(framework.into()),
                type_: Some(if cypress { "cypress" } else { "pw" }.into()),
                version: Some(version.into()),
                client_version: Some("1.13.0".into()),
            }),
        }),
        pw_last_run: None,
        specs,
        completion_state,
        status,
    };
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
) -> RunSpec {
    let area = AREAS[n % AREAS.len()];
    let action = ACTIONS[(n / AREAS.len()) % ACTIONS.len()];
    let path = if cypress {
        format!("cypress/e2e/{area}/{action}-{n}.cy.ts")
    } else {
        format!("tests/{area}/{action}-{n}.spec.ts")
    };
    let claimed_at = created_at + Duration::seconds(5 + (n as i64 * 3));
    let mut spec = RunSpec {
        spec: Some(path),
        group_id: Some(browsers[n % browsers.len()].to_owned()),
        instance_id: Some(format!("{:016x}", rng.random::<u64>())),
        claimed_at: Some(claimed_at),
        machine_id: Some(format!("machine-{}", n % machines + 1)),
        tags: if cypress {
            Vec::new()
        } else {
            vec![format!("@{area}")]
        },
        ..RunSpec::default()
    };
    // A running or cancelled run has not finished its last specs.
    let unfinished = matches!(
        outcome,
        Outcome::Running | Outcome::Failing | Outcome::Cancelled | Outcome::TimedOut
    ) && n >= spec_count * 2 / 3;
    if unfinished {
        return spec;
    }
    // Counts are drawn as i32, as the first version of the generator did, so the same seed
    // keeps giving the same runs.
    let tests: i32 = rng.random_range(1..30);
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
    let exception = (failing && rng.random_bool(0.1))
        .then(|| "Error: page crashed while loading /checkout".to_owned());
    let screenshots = if cypress && failures > 0 {
        vec![RunSpecResultsScreenshotsItem {
            screenshot_id: Some(format!("{:012x}", rng.random::<u64>() >> 16)),
            name: None,
            test_id: Some(format!("r{n}")),
            test_attempt_index: Some(0),
            taken_at: Some(ended_at),
            screenshot_url: Some(format!("https://cdn.example.com/s/{n}.png")),
        }]
    } else {
        Vec::new()
    };
    spec.completed_at = Some(ended_at);
    spec.results = Some(RunSpecResults {
        stats: Some(RunSpecResultsStats {
            suites: Some(i64::from(1 + tests / 8)),
            tests: Some(i64::from(tests)),
            passes: Some(i64::from(passes)),
            failures: Some(i64::from(failures)),
            pending: Some(i64::from(pending)),
            skipped: Some(i64::from(skipped)),
            flaky: Some(i64::from(flaky)),
            wall_clock_started_at: Some(claimed_at),
            wall_clock_ended_at: Some(ended_at),
            wall_clock_duration: Some(duration),
            started_at: Some(claimed_at),
            ended_at: Some(ended_at),
            duration: Some(duration),
            overall: None,
        }),
        exception,
        flaky: Some(i64::from(flaky)),
        video_url: cypress.then(|| format!("https://cdn.example.com/v/{n}.mp4")),
        screenshots,
    });
    spec
}

/// A browser group with its test counts rolled up from its specs.
fn group(browser: &str, cypress: bool, specs: &[RunSpec]) -> RunGroup {
    let stats = specs
        .iter()
        .filter(|spec| spec.group_id.as_deref() == Some(browser))
        .filter_map(|spec| spec.results.as_ref()?.stats.as_ref())
        .collect::<Vec<_>>();
    let total = |counter: fn(&RunSpecResultsStats) -> Option<i64>| -> Option<i64> {
        Some(stats.iter().filter_map(|stats| counter(stats)).sum())
    };
    RunGroup {
        group_id: Some(browser.to_owned()),
        platform: Some(RunGroupPlatform {
            os_name: Some("linux".into()),
            os_version: Some("Ubuntu 24.04".into()),
            browser_name: Some(browser.to_owned()),
            browser_version: Some(if cypress { "131.0" } else { "132.0" }.into()),
        }),
        tests: Some(RunGroupTests {
            overall: total(|s| s.tests),
            passes: total(|s| s.passes),
            failures: total(|s| s.failures),
            pending: total(|s| s.pending),
            skipped: total(|s| s.skipped),
            flaky: total(|s| s.flaky),
            ..RunGroupTests::default()
        }),
        ..RunGroup::default()
    }
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

    #[test]
    fn demo_actions_read_in_every_state_of_the_lifecycle() {
        let mut actions = crate::actions::Actions::default();
        for (project, action) in demo_actions() {
            actions.insert(project, action);
        }
        let statuses = actions
            .list(DEMO_PROJECTS[0], &[], None, chrono::Utc::now())
            .into_iter()
            .map(|action| action.status.to_string())
            .collect::<std::collections::BTreeSet<_>>();
        assert_eq!(
            statuses.into_iter().collect::<Vec<_>>(),
            ["active", "archived", "disabled", "expired"]
        );
    }
}
