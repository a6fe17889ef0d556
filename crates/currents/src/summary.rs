//! `RunSummary` and `InstanceSummary`: what happened in a run, and in one of its instances,
//! counted the way Currents counts it.
//!
//! Currents reports per-test outcomes with the `RecordedTestOutcome` vocabulary:
//! - **passed** (`passes`): the test passed.
//! - **failed** (`failures`): the test failed. Only these make a spec, and the run, fail.
//! - **pending** (`pending`): an intentional skip, such as `it.skip()`. Not a failure.
//! - **skipped** (`skipped`): the test was meant to run but was interrupted, for example by a
//!   failing hook. Not counted as a failure here either, though it is worth a look.
//! - **flaky** (`flaky`): the test passed after a retry; it is also counted as passed.

use std::time::Duration;

use currents_api::types::{Instance, Run, RunStatus, TestState};
use serde::Serialize;

use crate::{Received, RunId, runs::is_finished};

/// Test counts over all specs of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestTotals {
    /// All tests.
    pub total: i64,
    /// Tests that passed.
    pub passed: i64,
    /// Tests that failed.
    pub failed: i64,
    /// Intentionally skipped tests (`it.skip()`).
    pub pending: i64,
    /// Tests that were meant to run but were interrupted.
    pub skipped: i64,
    /// Tests that passed after a retry.
    pub flaky: i64,
}

/// How many specs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecCounts {
    /// All specs.
    pub total: usize,
    /// Finished with no failed test and no exception.
    pub passed: usize,
    /// Finished with a failed test or an exception.
    pub failed: usize,
    /// Claimed by a machine and not finished.
    pub running: usize,
    /// Not claimed by any machine yet.
    pub queued: usize,
}

/// A spec that failed, and the machine that ran it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FailedSpec {
    /// The spec file.
    pub spec: String,
    /// The machine that ran it; resetting this machine re-runs the spec.
    pub machine_id: Option<String>,
    /// The instance (this spec on that machine), whose tests `getInstance` shows.
    pub instance_id: Option<String>,
    /// How many of its tests failed.
    pub failures: i64,
    /// The error that stopped the whole spec, if one did.
    pub exception: Option<String>,
}

/// The outcome of a run in numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    /// The run.
    pub run_id: RunId,
    /// Its status.
    pub status: RunStatus,
    /// Whether the run is done (see [`is_finished`]).
    pub finished: bool,
    /// Test counts.
    pub tests: TestTotals,
    /// Spec counts.
    pub specs: SpecCounts,
    /// The failed specs, in the run's order.
    pub failed_specs: Vec<FailedSpec>,
    /// How long the run took, once it is known; in JSON, `durationMs`.
    #[serde(rename = "durationMs", serialize_with = "as_millis")]
    pub duration: Option<Duration>,
}

impl RunSummary {
    /// Whether the run finished and passed.
    pub fn passed(&self) -> bool {
        self.finished && self.status == RunStatus::Passed
    }
}

fn as_millis<S: serde::Serializer>(
    duration: &Option<Duration>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match duration {
        Some(duration) => serializer.serialize_u128(duration.as_millis()),
        None => serializer.serialize_none(),
    }
}

impl From<&Received<Run>> for RunSummary {
    fn from(run: &Received<Run>) -> Self {
        RunSummary::from(&**run)
    }
}

impl From<&Run> for RunSummary {
    fn from(run: &Run) -> Self {
        let mut tests = TestTotals::default();
        let mut specs = SpecCounts {
            total: run.specs.len(),
            ..SpecCounts::default()
        };
        let mut failed_specs = Vec::new();
        for spec in &run.specs {
            let Some(results) = &spec.results else {
                if spec.claimed_at.is_some() || spec.machine_id.is_some() {
                    specs.running += 1;
                } else {
                    specs.queued += 1;
                }
                continue;
            };
            if let Some(stats) = &results.stats {
                let count = |value: Option<i64>| value.unwrap_or(0).max(0);
                // `overall` is the deprecated name of `tests`.
                tests.total += count(stats.tests.or(stats.overall));
                tests.passed += count(stats.passes);
                tests.failed += count(stats.failures);
                tests.pending += count(stats.pending);
                tests.skipped += count(stats.skipped);
                tests.flaky += count(stats.flaky);
            }
            if spec.is_failed() {
                specs.failed += 1;
                failed_specs.push(FailedSpec {
                    spec: spec.spec.clone().unwrap_or_default(),
                    machine_id: spec.machine_id.clone(),
                    instance_id: spec.instance_id.clone(),
                    failures: results
                        .stats
                        .as_ref()
                        .and_then(|stats| stats.failures)
                        .unwrap_or(0),
                    exception: results
                        .exception
                        .clone()
                        .filter(|exception| !exception.is_empty()),
                });
            } else {
                specs.passed += 1;
            }
        }
        RunSummary {
            run_id: RunId::from_api(run.run_id.clone()),
            status: run.status.clone(),
            finished: is_finished(run),
            tests,
            specs,
            failed_specs,
            duration: run
                .duration_ms
                .and_then(|ms| u64::try_from(ms).ok())
                .map(Duration::from_millis),
        }
    }
}

/// A test that failed in an instance, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedTest {
    /// The test's id.
    pub test_id: Option<String>,
    /// The describe blocks and the test's own title.
    pub title: Vec<String>,
    /// The error to show, as the API sent it (it may carry the runner's ANSI colours).
    pub error: Option<String>,
    /// The stack of the failed attempt the error comes from.
    pub stack: Option<String>,
    /// How many times it was tried: the first run and each retry.
    pub attempts: usize,
}

/// What happened in one instance (a spec file on one machine), test by test, read through
/// [`TestOutcome`](currents_api::TestOutcome) from either form of a getInstance answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSummary {
    /// Test counts, from the tests themselves.
    pub tests: TestTotals,
    /// The failed tests, in the answer's order.
    pub failed_tests: Vec<FailedTest>,
}

impl From<&Instance> for InstanceSummary {
    fn from(instance: &Instance) -> Self {
        let mut tests = TestTotals::default();
        let mut failed_tests = Vec::new();
        for test in instance.tests() {
            tests.total += 1;
            tests.flaky += i64::from(test.is_flaky());
            match test.state() {
                Some(TestState::Passed) => tests.passed += 1,
                Some(TestState::Failed) => tests.failed += 1,
                Some(TestState::Pending) => tests.pending += 1,
                Some(TestState::Skipped) => tests.skipped += 1,
                _ => {}
            }
            if test.is_failed() {
                let error = test.error();
                failed_tests.push(FailedTest {
                    test_id: test.test_id().map(str::to_owned),
                    title: test.title().to_vec(),
                    error: error.map(|error| error.message.to_owned()),
                    stack: error.and_then(|error| error.stack).map(str::to_owned),
                    attempts: test.attempts().len(),
                });
            }
        }
        InstanceSummary {
            tests,
            failed_tests,
        }
    }
}
