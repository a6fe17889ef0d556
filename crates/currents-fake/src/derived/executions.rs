//! The tests of an instance (a spec file run on one machine), derived from its counts.
//!
//! A run's spec carries only counters (tests, failures, pending...). Each counted test becomes a
//! test with a stable title and id: the same spec file gives the same tests in every run, so
//! the tests explorer and the test results can follow one test from run to run.

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
    pub(crate) error: Option<String>,
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
    let flaky = count(spec.results.as_ref().and_then(|r| r.flaky));
    let duration = count(stats.duration) / total.max(1);
    let file = path.rsplit('/').next().unwrap_or(path);
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
                error: (state == TestState::Failed)
                    .then(|| format!("AssertionError: expected test {} to pass", index + 1)),
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
        let spec = RunSpec {
            spec: Some("tests/a.spec.ts".into()),
            results: Some(RunSpecResults {
                stats: Some(RunSpecResultsStats {
                    tests: Some(4),
                    failures: Some(1),
                    passes: Some(2),
                    pending: Some(1),
                    duration: Some(400),
                    ..RunSpecResultsStats::default()
                }),
                flaky: Some(1),
                ..RunSpecResults::default()
            }),
            ..RunSpec::default()
        };
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
