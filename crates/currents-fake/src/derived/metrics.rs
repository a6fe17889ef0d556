//! Spec-file, test and run metrics over the runs of a project in a date range.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike as _, Duration, DurationRound as _, Utc};
use currents_api::types::{
    InsightsResolution, Run, RunCompletionState, RunMetrics, RunSpec, RunStatus, SortDirection,
    SpecFile, SpecFileMetrics, SpecFileOrder, TestExplorerItem, TestExplorerItemMetrics,
    TestMetrics, TestOrder, TestState,
};

use super::executions::{TestExecution, flakes, tests_of};
use crate::{feed::branches_select, store::fnv1a};

/// Which runs and instances a metrics request covers.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub(crate) project_id: String,
    pub(crate) from: DateTime<Utc>,
    pub(crate) to: DateTime<Utc>,
    /// A run with any of these tags; every run when empty. The same for the others.
    pub(crate) tags: Vec<String>,
    pub(crate) branches: Vec<String>,
    pub(crate) authors: Vec<String>,
    /// Instances of these groups (browsers); every group when empty.
    pub(crate) groups: Vec<String>,
}

/// The scope of a metrics request, from the fields every metrics request has (moved out of it).
macro_rules! scope_of {
    ($request:expr) => {
        $crate::derived::metrics::Scope {
            project_id: $request.project_id,
            from: $request.date_start,
            to: $request.date_end,
            tags: $request.tags,
            branches: $request.branches,
            authors: $request.authors,
            groups: $request.groups,
        }
    };
}
pub(crate) use scope_of;

impl Scope {
    pub(crate) fn covers(&self, run: &Run) -> bool {
        let commit = run.meta.as_ref().and_then(|meta| meta.commit.as_ref());
        let any = |wanted: &[String], have: Option<&str>| {
            wanted.is_empty() || have.is_some_and(|have| wanted.iter().any(|w| w == have))
        };
        run.project_id == self.project_id
            && run.created_at >= self.from
            && run.created_at <= self.to
            && (self.tags.is_empty() || run.tags.iter().any(|tag| self.tags.contains(tag)))
            && branches_select(&self.branches, commit.and_then(|c| c.branch.as_deref()))
            && any(&self.authors, commit.and_then(|c| c.author_name.as_deref()))
    }

    /// The instances (specs) in scope, with their runs.
    pub(crate) fn instances<'a>(
        &'a self,
        runs: impl Iterator<Item = &'a Run> + 'a,
    ) -> impl Iterator<Item = (&'a Run, &'a RunSpec)> + 'a {
        runs.filter(|run| self.covers(run)).flat_map(move |run| {
            run.specs
                .iter()
                .filter(|spec| {
                    self.groups.is_empty()
                        || spec
                            .group_id
                            .as_ref()
                            .is_some_and(|group| self.groups.contains(group))
                })
                .map(move |spec| (run, spec))
        })
    }
}

fn ratio(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Sorts by `key` in `dir` (descending unless asked otherwise), ties by `name` ascending.
fn sort_by<T>(
    items: &mut [T],
    dir: Option<&SortDirection>,
    key: impl Fn(&T) -> f64,
    name: impl Fn(&T) -> String,
) {
    let ascending = dir == Some(&SortDirection::Asc);
    items.sort_by(|a, b| {
        let order = key(a).total_cmp(&key(b));
        let order = if ascending { order } else { order.reverse() };
        order.then_with(|| name(a).cmp(&name(b)))
    });
}

/// The spec-file metrics of getSpecFiles, in the order asked for.
pub(crate) fn spec_files<'a>(
    instances: impl Iterator<Item = (&'a Run, &'a RunSpec)>,
    name_filter: Option<&str>,
    include_failed_in_duration: bool,
    order: Option<&SpecFileOrder>,
    dir: Option<&SortDirection>,
) -> Vec<SpecFile> {
    #[derive(Default)]
    struct Tally {
        project: String,
        overall: i64,
        failed: i64,
        flaky: i64,
        reported: i64,
        timeouts: i64,
        suite: i64,
        durations: Vec<i64>,
    }
    let mut files: BTreeMap<String, Tally> = BTreeMap::new();
    for (run, spec) in instances {
        let Some(path) = spec.spec.as_deref() else {
            continue;
        };
        if name_filter.is_some_and(|filter| !path.contains(filter)) {
            continue;
        }
        let tally = files.entry(path.to_owned()).or_default();
        tally.project.clone_from(&run.project_id);
        tally.overall += 1;
        let stats = spec.results.as_ref().and_then(|r| r.stats.as_ref());
        let Some(stats) = stats else {
            // A spec of a timed-out run that never reported timed out with it.
            if run.completion_state == RunCompletionState::TimedOut {
                tally.timeouts += 1;
            }
            continue;
        };
        tally.reported += 1;
        let failed = stats.failures.unwrap_or(0) > 0;
        tally.failed += i64::from(failed);
        tally.flaky += i64::from(flakes(spec).unwrap_or(0) > 0);
        tally.suite = tally.suite.max(stats.tests.unwrap_or(0));
        if include_failed_in_duration || !failed {
            tally.durations.extend(stats.duration);
        }
    }
    let mut list = files
        .into_iter()
        .map(|(path, tally)| {
            SpecFile::new()
                .with_metrics(
                    SpecFileMetrics::new()
                        .with_avg_duration(ratio(
                            tally.durations.iter().sum(),
                            tally.durations.len() as i64,
                        ))
                        .with_failed_executions(tally.failed)
                        .with_failure_rate(ratio(tally.failed, tally.overall))
                        .with_flake_rate(ratio(tally.flaky, tally.overall))
                        .with_flaky_executions(tally.flaky)
                        .with_fully_reported(tally.reported)
                        .with_overall_executions(tally.overall)
                        .with_suite_size(tally.suite)
                        .with_timeout_executions(tally.timeouts)
                        .with_timeout_rate(ratio(tally.timeouts, tally.overall)),
                )
                .with_signature(format!(
                    "{:016x}",
                    fnv1a(&format!("{}\u{0}{path}", tally.project))
                ))
                .with_spec(path)
        })
        .collect::<Vec<_>>();
    let metric = |file: &SpecFile| -> f64 {
        let m = file.metrics.clone().unwrap_or_default();
        let int = |v: Option<i64>| v.unwrap_or(0) as f64;
        match order.unwrap_or(&SpecFileOrder::AvgDuration) {
            SpecFileOrder::FailedExecutions => int(m.failed_executions),
            SpecFileOrder::FailureRate => m.failure_rate.unwrap_or(0.0),
            SpecFileOrder::FlakeRate => m.flake_rate.unwrap_or(0.0),
            SpecFileOrder::FlakyExecutions => int(m.flaky_executions),
            SpecFileOrder::FullyReported => int(m.fully_reported),
            SpecFileOrder::OverallExecutions => int(m.overall_executions),
            SpecFileOrder::SuiteSize => int(m.suite_size),
            SpecFileOrder::TimeoutExecutions => int(m.timeout_executions),
            SpecFileOrder::TimeoutRate => m.timeout_rate.unwrap_or(0.0),
            // The default order, and any order this version of the spec does not list.
            _ => m.avg_duration.unwrap_or(0.0),
        }
    };
    sort_by(&mut list, dir, metric, |file| {
        file.spec.clone().unwrap_or_default()
    });
    list
}

/// What the tests explorer filters on besides the scope.
#[derive(Debug, Default)]
pub(crate) struct TestFilter<'a> {
    pub(crate) spec: Option<&'a str>,
    pub(crate) title: Option<&'a str>,
    pub(crate) min_executions: Option<i64>,
    pub(crate) states: &'a [TestState],
}

/// The test metrics of getTestsExplorer, in the order asked for.
pub(crate) fn tests_explorer<'a>(
    instances: impl Iterator<Item = (&'a Run, &'a RunSpec)>,
    filter: &TestFilter<'_>,
    order: Option<&TestOrder>,
    dir: Option<&SortDirection>,
) -> Vec<TestExplorerItem> {
    struct Tally<'r> {
        spec: String,
        title: String,
        executions: Vec<TestExecution>,
        latest: &'r Run,
    }
    let mut tests: BTreeMap<String, Tally<'_>> = BTreeMap::new();
    for (run, spec) in instances {
        let path = spec.spec.clone().unwrap_or_default();
        if filter.spec.is_some_and(|wanted| !path.contains(wanted)) {
            continue;
        }
        for test in tests_of(run, spec) {
            let title = test.title.join(" > ");
            if filter.title.is_some_and(|wanted| !title.contains(wanted)) {
                continue;
            }
            let tally = tests
                .entry(test.signature.clone())
                .or_insert_with(|| Tally {
                    spec: path.clone(),
                    title,
                    executions: Vec::new(),
                    latest: run,
                });
            if run.created_at > tally.latest.created_at {
                tally.latest = run;
            }
            tally.executions.push(test);
        }
    }
    let mut list = tests
        .into_iter()
        .filter(|(_, tally)| {
            filter
                .min_executions
                .is_none_or(|min| tally.executions.len() as i64 >= min)
                && (filter.states.is_empty()
                    || tally
                        .executions
                        .iter()
                        .any(|t| filter.states.contains(&t.state)))
        })
        .map(|(signature, tally)| {
            let count = |state: TestState| {
                tally.executions.iter().filter(|t| t.state == state).count() as i64
            };
            let executions = tally.executions.len() as i64;
            let failures = count(TestState::Failed);
            let flaky = tally.executions.iter().filter(|t| t.flaky).count() as i64;
            let avg = ratio(
                tally.executions.iter().map(|t| t.duration_ms).sum(),
                executions,
            );
            TestExplorerItem::new()
                .with_last_seen(tally.latest.created_at)
                .with_latest_tag(tally.latest.tags.clone())
                .with_metrics(
                    TestExplorerItemMetrics::new()
                        .with_avg_duration_ms(avg)
                        .with_duration_volume(executions as f64 * avg)
                        .with_executions(executions)
                        .with_failure_rate(ratio(failures, executions))
                        .with_failure_volume(failures as f64 * avg)
                        .with_failures(failures)
                        .with_flakiness_rate(ratio(flaky, executions))
                        .with_flakiness_volume(flaky as f64 * avg)
                        .with_flaky(flaky)
                        .with_ignored(count(TestState::Pending) + count(TestState::Skipped))
                        .with_passes(count(TestState::Passed)),
                )
                .with_signature(signature)
                .with_spec(tally.spec)
                .with_title(tally.title)
        })
        .collect::<Vec<_>>();
    let order = order.unwrap_or(&TestOrder::Title);
    let metric = |item: &TestExplorerItem| -> f64 {
        let m = item.metrics.clone().unwrap_or_default();
        let int = |v: Option<i64>| v.unwrap_or(0) as f64;
        match order {
            TestOrder::Failures | TestOrder::FailRateXSamples => int(m.failures),
            TestOrder::Passes => int(m.passes),
            TestOrder::Flakiness => m.flakiness_rate.unwrap_or(0.0),
            TestOrder::FlakinessXSamples => int(m.flaky),
            TestOrder::Duration | TestOrder::DurationXSamples => m.avg_duration_ms.unwrap_or(0.0),
            TestOrder::Executions => int(m.executions),
            // One period has no earlier one to compare with: every delta is 0, and the title
            // decides.
            _ => 0.0,
        }
    };
    let by_title = *order == TestOrder::Title;
    let ascending_title = dir != Some(&SortDirection::Desc);
    let name = |item: &TestExplorerItem| item.title.clone().unwrap_or_default();
    if by_title {
        list.sort_by(|a, b| {
            let order = name(a)
                .cmp(&name(b))
                .then_with(|| a.signature.cmp(&b.signature));
            if ascending_title {
                order
            } else {
                order.reverse()
            }
        });
    } else {
        sort_by(&mut list, dir, metric, name);
    }
    list
}

/// Run and test counts over some runs.
pub(crate) fn run_metrics<'a>(
    runs: impl Iterator<Item = &'a Run> + Clone,
) -> (RunMetrics, TestMetrics) {
    let count = |keep: fn(&Run) -> bool| runs.clone().filter(|run| keep(run)).count() as i64;
    let total = runs.clone().count() as i64;
    let passed = count(|run| run.status == RunStatus::Passed);
    let completed = count(|run| run.completion_state == RunCompletionState::Complete);
    let durations = runs
        .clone()
        .filter_map(|run| run.duration_ms)
        .collect::<Vec<_>>();
    let mut tests = TestMetrics::new()
        .with_failed(0)
        .with_flaky(0)
        .with_passed(0)
        .with_pending(0)
        .with_skipped(0)
        .with_total(0);
    for run in runs.clone() {
        for spec in &run.specs {
            for test in tests_of(run, spec) {
                let counter = match test.state {
                    TestState::Failed => &mut tests.failed,
                    TestState::Passed => &mut tests.passed,
                    TestState::Pending => &mut tests.pending,
                    _ => &mut tests.skipped,
                };
                *counter = Some(counter.unwrap_or(0) + 1);
                tests.total = Some(tests.total.unwrap_or(0) + 1);
                if test.flaky {
                    tests.flaky = Some(tests.flaky.unwrap_or(0) + 1);
                }
            }
        }
    }
    let runs = RunMetrics::new()
        .with_avg_duration_seconds(ratio(durations.iter().sum(), durations.len() as i64) / 1000.0)
        .with_avg_success_rate(ratio(passed, completed))
        .with_cancelled(count(|run| {
            run.completion_state == RunCompletionState::Cancelled
        }))
        .with_completed(completed)
        .with_failed(count(|run| run.status == RunStatus::Failed))
        .with_non_fully_reported(total - completed)
        .with_passed(passed)
        .with_timeouts(count(|run| {
            run.completion_state == RunCompletionState::TimedOut
        }))
        .with_total(total);
    (runs, tests)
}

/// The start of the timeline bucket `at` falls in.
pub(crate) fn bucket(at: DateTime<Utc>, resolution: &InsightsResolution) -> DateTime<Utc> {
    let day = at.duration_trunc(Duration::days(1)).unwrap_or(at);
    match resolution {
        InsightsResolution::Hour => at.duration_trunc(Duration::hours(1)).unwrap_or(at),
        // Weeks start on Monday.
        InsightsResolution::Week => {
            day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
        }
        _ => day,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::RunFixture;

    fn scope() -> Scope {
        Scope {
            project_id: "p".into(),
            from: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap(),
            tags: Vec::new(),
            branches: Vec::new(),
            authors: Vec::new(),
            groups: Vec::new(),
        }
    }

    #[test]
    fn spec_files_count_each_instance_once() {
        let runs = [
            RunFixture::new("a")
                .project("p")
                .spec("m1", 1)
                .spec("m1", 0)
                .build()
                .run,
            RunFixture::new("b").project("p").spec("m1", 0).build().run,
            RunFixture::new("c")
                .project("other")
                .spec("m1", 3)
                .build()
                .run,
        ];
        let scope = scope();
        let files = spec_files(
            scope.instances(runs.iter()),
            None,
            false,
            Some(&SpecFileOrder::FailedExecutions),
            None,
        );
        let first = files[0].metrics.clone().unwrap_or_default();
        assert_eq!(files[0].spec.as_deref(), Some("spec-0.cy.ts"));
        assert_eq!(
            (first.overall_executions, first.failed_executions),
            (Some(2), Some(1))
        );
        assert_eq!(files.len(), 2);
        let (run_metrics, test_metrics) = run_metrics(runs.iter().filter(|run| scope.covers(run)));
        assert_eq!(
            (run_metrics.total, test_metrics.total, test_metrics.failed),
            (Some(2), Some(9), Some(1))
        );
    }

    #[test]
    fn buckets_start_on_the_hour_day_and_monday() {
        let at = Utc.with_ymd_and_hms(2026, 11, 5, 13, 45, 0).unwrap();
        assert_eq!(
            bucket(at, &InsightsResolution::Hour),
            Utc.with_ymd_and_hms(2026, 11, 5, 13, 0, 0).unwrap()
        );
        assert_eq!(
            bucket(at, &InsightsResolution::Day),
            Utc.with_ymd_and_hms(2026, 11, 5, 0, 0, 0).unwrap()
        );
        assert_eq!(
            bucket(at, &InsightsResolution::Week),
            Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap()
        );
    }
}
