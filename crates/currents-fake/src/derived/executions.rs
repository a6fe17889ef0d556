//! The tests of an instance (a spec file run on one machine), derived from its counts.
//!
//! A run's spec carries only counters (tests, failures, pending...). Each counted test becomes a
//! test with a stable title and id: the same spec file gives the same tests in every run, so
//! the tests explorer and the test results can follow one test from run to run. Its attempts
//! follow from its state: the fake's runs are recorded with [`RETRIES`] retries.

use chrono::{DateTime, Duration, Utc};
use currents_api::types::{Run, RunSpec, TestState};

use crate::store::fnv1a;

/// One test of one instance.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TestExecution {
    pub(crate) test_id: String,
    /// The describe blocks and the test's own title.
    pub(crate) title: Vec<String>,
    pub(crate) signature: String,
    pub(crate) state: TestState,
    pub(crate) flaky: bool,
    pub(crate) duration_ms: i64,
    pub(crate) started_at: Option<DateTime<Utc>>,
    /// The error of a failed test (its last attempt's).
    pub(crate) error: Option<String>,
    /// The message of each of its failed attempts.
    failure: String,
}

/// The retries the fake's runs are recorded with (Playwright's `retries: 3`): a failed test is
/// tried four times, and a flaky one fails its first attempt and passes its retry.
pub(crate) const RETRIES: usize = 3;

/// One attempt of a test.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AttemptExecution {
    pub(crate) state: TestState,
    pub(crate) error: Option<String>,
    pub(crate) started_at: Option<DateTime<Utc>>,
    pub(crate) duration_ms: i64,
}

impl TestExecution {
    /// Its attempts: one for a test that passed the first time (or did not run), [`RETRIES`]
    /// more for a failed test, and a failed one before the passing one for a flaky test.
    pub(crate) fn attempts(&self) -> Vec<AttemptExecution> {
        let failing = match (&self.state, self.flaky) {
            (TestState::Failed, _) => RETRIES + 1,
            (_, true) => 1,
            _ => 0,
        };
        let count = failing.max(1) + usize::from(self.flaky);
        (0..count)
            .map(|attempt| AttemptExecution {
                state: if attempt < failing {
                    TestState::Failed
                } else {
                    self.state.clone()
                },
                error: (attempt < failing).then(|| self.failure.clone()),
                started_at: self
                    .started_at
                    .map(|at| at + Duration::milliseconds(self.duration_ms * attempt as i64)),
                duration_ms: self.duration_ms,
            })
            .collect()
    }

    /// When its last attempt ended.
    pub(crate) fn ended_at(&self) -> Option<DateTime<Utc>> {
        let attempts = self.attempts().len() as i64;
        self.started_at
            .map(|at| at + Duration::milliseconds(self.duration_ms * attempts))
    }
}

/// A failed attempt's message, as Playwright's `expect` writes it: with its ANSI colours, which
/// production's answers keep. A spec that threw fails its tests with its exception.
fn failure_message(spec: &RunSpec) -> String {
    let exception = spec
        .results
        .as_ref()
        .and_then(|results| results.exception.clone())
        .filter(|exception| !exception.is_empty());
    exception.unwrap_or_else(|| {
        concat!(
            "Error: \u{1b}[2mexpect(\u{1b}[22m\u{1b}[31mreceived\u{1b}[39m\u{1b}[2m).\u{1b}[22m",
            "toBe\u{1b}[2m(\u{1b}[22m\u{1b}[32mexpected\u{1b}[39m\u{1b}[2m) // Object.is equality",
            "\u{1b}[22m\n\nExpected: \u{1b}[32mtrue\u{1b}[39m\nReceived: \u{1b}[31mfalse\u{1b}[39m",
        )
        .to_owned()
    })
}

/// The signature Currents gives a test: the same project, spec file and title give the same
/// signature, as getTestSignature answers.
pub(crate) fn signature(project_id: &str, spec: &str, title: &[String]) -> String {
    let key = format!("{project_id}\u{0}{spec}\u{0}{}", title.join(" > "));
    format!("{:016x}", fnv1a(&key))
}

/// The stable Playwright-style test id of the `index`th test of a spec file; findRun's
/// `pwLastRun` lists the failed ones by it.
pub(crate) fn test_id(spec: &str, index: i64) -> String {
    format!(
        "{:016x}-{:016x}",
        fnv1a(spec),
        fnv1a(&format!("{spec}#{index}"))
    )
}

/// How many of a spec's tests were flaky: `results.stats.flaky`, which production sends, or
/// else `results.flaky`, which older answers carried instead.
pub(crate) fn flakes(spec: &RunSpec) -> Option<i64> {
    let results = spec.results.as_ref()?;
    results
        .stats
        .as_ref()
        .and_then(|stats| stats.flaky)
        .or(results.flaky)
}

/// The tests of one spec of a run: the first `failures` failed, then passes (the first
/// `flaky` of them flaky), pending and skipped.
pub(crate) fn tests_of(run: &Run, spec: &RunSpec) -> Vec<TestExecution> {
    let Some(stats) = spec.results.as_ref().and_then(|r| r.stats.as_ref()) else {
        return Vec::new();
    };
    let path = spec.spec.as_deref().unwrap_or_default();
    let count = |value: Option<i64>| value.unwrap_or(0).max(0);
    let total = count(stats.tests);
    let (failures, passes, pending) = (
        count(stats.failures),
        count(stats.passes),
        count(stats.pending),
    );
    let flaky = count(flakes(spec));
    let duration = count(stats.duration) / total.max(1);
    let file = path.rsplit('/').next().unwrap_or(path);
    let failure = failure_message(spec);
    (0..total)
        .map(|index| {
            let state = if index < failures {
                TestState::Failed
            } else if index < failures + passes {
                TestState::Passed
            } else if index < failures + passes + pending {
                TestState::Pending
            } else {
                TestState::Skipped
            };
            let title = vec![file.to_owned(), format!("test {}", index + 1)];
            TestExecution {
                test_id: test_id(path, index),
                signature: signature(&run.project_id, path, &title),
                title,
                flaky: state == TestState::Passed && index - failures < flaky,
                error: (state == TestState::Failed).then(|| failure.clone()),
                failure: failure.clone(),
                state,
                duration_ms: duration,
                started_at: spec
                    .claimed_at
                    .map(|at| at + Duration::milliseconds(duration * index)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use currents_api::types::{RunSpecResults, RunSpecResultsStats};

    use super::*;
    use crate::RunFixture;

    #[test]
    fn counts_become_stable_tests() {
        let run = RunFixture::new("r1").project("p").build().run;
        let spec = RunSpec::new()
            .with_results(
                RunSpecResults::new().with_flaky(1).with_stats(
                    RunSpecResultsStats::new()
                        .with_duration(400)
                        .with_failures(1)
                        .with_passes(2)
                        .with_pending(1)
                        .with_tests(4),
                ),
            )
            .with_spec("tests/a.spec.ts");
        let tests = tests_of(&run, &spec);
        let states = tests.iter().map(|t| t.state.clone()).collect::<Vec<_>>();
        assert_eq!(
            states,
            [
                TestState::Failed,
                TestState::Passed,
                TestState::Passed,
                TestState::Pending
            ]
        );
        assert!(tests[1].flaky && !tests[2].flaky);
        let attempts = |test: &TestExecution| {
            test.attempts()
                .into_iter()
                .map(|attempt| (attempt.state, attempt.error.is_some()))
                .collect::<Vec<_>>()
        };
        let failed = (TestState::Failed, true);
        assert_eq!(attempts(&tests[0]), vec![failed.clone(); RETRIES + 1]);
        assert_eq!(attempts(&tests[1]), [failed, (TestState::Passed, false)]);
        assert_eq!(attempts(&tests[2]), [(TestState::Passed, false)]);
        assert_eq!(attempts(&tests[3]), [(TestState::Pending, false)]);
        assert_eq!(tests[0].title, ["a.spec.ts", "test 1"]);
        assert_eq!(
            tests[0].signature,
            signature("p", "tests/a.spec.ts", &tests[0].title)
        );
        assert_eq!(
            tests,
            tests_of(&run, &spec),
            "the same counts give the same tests"
        );
    }
}
