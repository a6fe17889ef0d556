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

/// The time between one demo run and the next, give or take half an hour.
const RUN_SPACING_MINUTES: i64 = 47;

/// `count` demo runs for `seed`, the last of them created just before now (60 runs span about
/// two days), so that "the last 30 days" always holds them; the first one is the oversized run.
/// The same seed gives the same runs, shifted in time; [`demo_runs_ending`] pins the time too.
pub fn demo_runs(count: usize, seed: u64) -> Vec<FakeRun> {
    demo_runs_ending(count, seed, Utc::now())
}

/// [`demo_runs`], the last one created just before `end`: the same `count`, `seed` and `end`
/// give the same runs, ids and times included.
pub fn demo_runs_ending(count: usize, seed: u64, end: DateTime<Utc>) -> Vec<FakeRun> {
    let start = end - Duration::minutes(count as i64 * RUN_SPACING_MINUTES);
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
            generate(&mut rng, start, index, outcome, specs)
        })
        .collect()
}

/// Actions of the first demo project, one in each state of the lifecycle: active, disabled,
/// archived and expired. The same every time.
pub fn demo_actions() -> Vec<(String, Action)> {
    let project = DEMO_PROJECTS[0].to_owned();
    // Created over the week before now, one a day.
    let at = Utc::now() - Duration::days(7);
    let action = |n: u64, name: &str, rule: RuleAction, status: ActionStatus| {
        let mut action = Action::new(
            vec![rule],
            format!("{:08x}{n:016x}", at.timestamp()),
            at + Duration::days(n as i64),
            "dana@example.com".to_owned(),
            RuleMatcher::all([RuleMatcherCondition::on(
                ConditionType::TitlePath,
                ConditionOperator::Inc,
                RuleMatcherConditionValue::String(
                    name.split(' ').next_back().unwrap_or(name).into(),
                ),
            )]),
            name.to_owned(),
            ActionStatus::Active,
        )
        .with_description(format!("Demo action: {name}"));
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

/// One completed, failed run with `specs` specs, for benchmarks and size tests. It is made
/// at a fixed time (2026-11-01), unlike [`demo_runs`], so that the same seed gives the same
/// run, id and times included, and snapshots of it do not change.
pub fn demo_run(seed: u64, specs: usize) -> FakeRun {
    let fixed = Utc
        .with_ymd_and_hms(2026, 11, 1, 8, 0, 0)
        .single()
        .expect("a valid fixed date");
    generate(
        &mut ChaCha8Rng::seed_from_u64(seed),
        fixed,
        0,
        Outcome::Failed,
        specs,
    )
}

fn generate(
    rng: &mut ChaCha8Rng,
    start: DateTime<Utc>,
    index: usize,
    outcome: Outcome,
    spec_count: usize,
) -> FakeRun {
    let project = DEMO_PROJECTS[index % DEMO_PROJECTS.len()];
    let branch = *BRANCHES.choose(rng).expect("BRANCHES is not empty");
    let cypress = rng.random_bool(0.5);
    let browsers: &[&str] = if cypress {
        &["chrome", "electron"]
    } else {
        &["chromium", "firefox", "webkit"]
    };
    let machines = rng.random_range(2..9);
    let created_at =
        start + Duration::minutes(index as i64 * RUN_SPACING_MINUTES + rng.random_range(0..30));
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
    let cancellation = (outcome == Outcome::Cancelled).then(|| {
        RunCancellation::new()
            .with_cancelled_at(created_at + Duration::minutes(9))
            .with_cancelled_by("ci-bot")
            .with_reason("Superseded by a newer commit")
    });
    let pr = branch.starts_with("feature/").then(|| {
        let number = rng.random_range(100..999);
        RunMetaPr::new()
            .with_destination("main")
            .with_id(number.to_string())
            .with_link(format!("https://github.com/acme/{project}/pull/{number}"))
            .with_source(branch.to_owned())
            .with_title(format!("Work on {branch}"))
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
    let run = Run::new(
        completion_state,
        created_at,
        project.to_owned(),
        run_id,
        status,
    )
    .set_cancellation(cancellation)
    .set_duration_ms(duration_ms)
    .with_groups(groups)
    .with_meta(
        RunMeta::new()
            .with_ci_build_id(format!("{project}-{github_run_id}-{attempt}"))
            .set_pr(pr)
            .with_commit(
                RunMetaCommit::new()
                    .with_author_email("dana@example.com")
                    .with_author_name("Dana Developer")
                    .with_branch(branch.to_owned())
                    .with_message(format!("Update {} flow", AREAS[index % AREAS.len()]))
                    .with_remote_origin(format!("https://github.com/acme/{project}"))
                    .with_sha(sha),
            )
            // Both names of the framework: the docs' `name`, production's `type` (`pw`).
            .with_framework(
                RunMetaFramework::new()
                    .with_client_version("1.13.0")
                    .with_name(framework)
                    .with_type_(if cypress { "cypress" } else { "pw" })
                    .with_version(version),
            ),
    )
    .with_specs(specs)
    .with_tags(tags)
    .with_timeout(
        RunTimeout::new()
            .with_is_timeout(outcome == Outcome::TimedOut)
            .with_timeout_value_ms(3_600_000),
    );
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
    let mut spec = RunSpec::new()
        .with_claimed_at(claimed_at)
        .with_group_id(browsers[n % browsers.len()].to_owned())
        .with_instance_id(format!("{:016x}", rng.random::<u64>()))
        .with_machine_id(format!("machine-{}", n % machines + 1))
        .with_spec(path)
        .with_tags(if cypress {
            Vec::new()
        } else {
            vec![format!("@{area}")]
        });
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
        vec![
            RunSpecResultsScreenshotsItem::new()
                .with_screenshot_id(format!("{:012x}", rng.random::<u64>() >> 16))
                .with_screenshot_url(format!("https://cdn.example.com/s/{n}.png"))
                .with_taken_at(ended_at)
                .with_test_attempt_index(0)
                .with_test_id(format!("r{n}")),
        ]
    } else {
        Vec::new()
    };
    spec.completed_at = Some(ended_at);
    spec.results = Some(
        RunSpecResults::new()
            .set_exception(exception)
            .with_flaky(i64::from(flaky))
            .with_screenshots(screenshots)
            .with_stats(
                RunSpecResultsStats::new()
                    .with_duration(duration)
                    .with_ended_at(ended_at)
                    .with_failures(i64::from(failures))
                    .with_flaky(i64::from(flaky))
                    .with_passes(i64::from(passes))
                    .with_pending(i64::from(pending))
                    .with_skipped(i64::from(skipped))
                    .with_started_at(claimed_at)
                    .with_suites(i64::from(1 + tests / 8))
                    .with_tests(i64::from(tests))
                    .with_wall_clock_duration(duration)
                    .with_wall_clock_ended_at(ended_at)
                    .with_wall_clock_started_at(claimed_at),
            )
            .set_video_url(cypress.then(|| format!("https://cdn.example.com/v/{n}.mp4"))),
    );
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
    RunGroup::new()
        .with_group_id(browser.to_owned())
        .with_platform(
            RunGroupPlatform::new()
                .with_browser_name(browser.to_owned())
                .with_browser_version(if cypress { "131.0" } else { "132.0" })
                .with_os_name("linux")
                .with_os_version("Ubuntu 24.04"),
        )
        .with_tests(
            RunGroupTests::new()
                .set_failures(total(|s| s.failures))
                .set_flaky(total(|s| s.flaky))
                .set_overall(total(|s| s.tests))
                .set_passes(total(|s| s.passes))
                .set_pending(total(|s| s.pending))
                .set_skipped(total(|s| s.skipped)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_runs_are_deterministic_and_varied() {
        let end = Utc::now();
        let runs = demo_runs_ending(40, 11, end);
        assert_eq!(
            runs,
            demo_runs_ending(40, 11, end),
            "the same seed gives the same runs"
        );
        assert_ne!(runs, demo_runs_ending(40, 12, end));
        // Within the two days before the end: "the last 30 days" holds them all.
        for run in &runs {
            let age = end - run.run.created_at;
            assert!(age > Duration::zero() && age < Duration::days(2), "{age}");
        }
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
