//! What happened to one test of an instance, read the same way from both forms of a getInstance
//! answer: the documented one (`state`, `displayError` and `attempts` on each test) and
//! production's (`_s` and `_f` on each test, its detail in `testResults[testId]`).

use crate::types::{Instance, InstanceTest, InstanceTestAttempt, InstanceTestResult, TestState};

impl Instance {
    /// Each test of the instance, in the answer's order, with its detail joined in from
    /// `testResults` where production sends it there.
    pub fn tests(&self) -> impl ExactSizeIterator<Item = TestOutcome<'_>> {
        let tests = self.results.as_ref().map_or(&[][..], |r| &r.tests[..]);
        tests.iter().map(|test| TestOutcome {
            test,
            detail: test
                .test_id
                .as_ref()
                .and_then(|id| self.test_results.get(id)),
        })
    }
}

/// One test of an instance: its state, whether it was flaky, its error and its attempts,
/// whichever form the answer used. Every consumer (the facade's summaries, the CLI) reads
/// tests through this, so the two forms cannot be told apart downstream.
#[derive(Debug, Clone, Copy)]
pub struct TestOutcome<'a> {
    test: &'a InstanceTest,
    detail: Option<&'a InstanceTestResult>,
}

/// Why a test failed: the error to show, and the stack of the attempt it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestError<'a> {
    /// The message, as the API sent it (it may carry the runner's ANSI colour escapes).
    pub message: &'a str,
    /// The stack of the failed attempt, where one was sent.
    pub stack: Option<&'a str>,
}

impl<'a> TestOutcome<'a> {
    /// The test's id, which keys its detail in `testResults`.
    pub fn test_id(&self) -> Option<&'a str> {
        self.test.test_id.as_deref()
    }

    /// The describe blocks and the test's own title.
    pub fn title(&self) -> &'a [String] {
        &self.test.title
    }

    /// The test's state: the documented `state`, production's `_s`, or the state in its
    /// `testResults` entry, in that order.
    pub fn state(&self) -> Option<&'a TestState> {
        self.test
            .state
            .as_ref()
            .or(self.test.s.as_ref())
            .or_else(|| self.detail.and_then(|detail| detail.state.as_ref()))
    }

    /// Whether the test failed (its final state, after every retry).
    pub fn is_failed(&self) -> bool {
        self.state() == Some(&TestState::Failed)
    }

    /// Whether the test passed only after failing attempts: production's `_f` or `isFlaky`,
    /// or, in the documented form, a passed test with a failed attempt.
    pub fn is_flaky(&self) -> bool {
        self.test
            .f
            .or(self.detail.and_then(|d| d.is_flaky))
            .unwrap_or_else(|| {
                self.state() == Some(&TestState::Passed)
                    && self
                        .attempts()
                        .iter()
                        .any(|attempt| attempt.state == Some(TestState::Failed))
            })
    }

    /// Every attempt, the first run and then each retry.
    pub fn attempts(&self) -> &'a [InstanceTestAttempt] {
        match self.detail {
            Some(detail) if self.test.attempts.is_empty() => &detail.attempts,
            _ => &self.test.attempts,
        }
    }

    /// The error to show for this test: its `displayError`, or else the message of its last
    /// attempt with an error; the stack is that attempt's. `None` when no attempt failed.
    pub fn error(&self) -> Option<TestError<'a>> {
        let attempt = self
            .attempts()
            .iter()
            .rev()
            .filter_map(|attempt| attempt.error.as_ref())
            .find(|error| error.message.as_deref().is_some_and(|m| !m.is_empty()));
        let display = self
            .test
            .display_error
            .as_deref()
            .or_else(|| self.detail.and_then(|d| d.display_error.as_deref()))
            .filter(|message| !message.is_empty());
        let message = display.or_else(|| attempt.and_then(|error| error.message.as_deref()))?;
        Some(TestError {
            message,
            stack: attempt.and_then(|error| error.stack.as_deref()),
        })
    }

    /// The test as the answer listed it.
    pub fn test(&self) -> &'a InstanceTest {
        self.test
    }

    /// Its `testResults` entry, in production's form.
    pub fn detail(&self) -> Option<&'a InstanceTestResult> {
        self.detail
    }
}
