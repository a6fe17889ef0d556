//! Hand-written meaning on top of the generated types, kept beside them so that the client, the
//! fake and the CLI decide the same way. Every rule matches typed variants, so each spelling of
//! a value (the docs' `failed`, production's `FAILED`) behaves the same.

use crate::types::{RunCompletionState, RunSpec, RunStatus};

impl RunStatus {
    /// Whether the run is still executing: running, or failing (running, with failures
    /// already). An unknown status is not assumed to be running.
    pub fn is_running(&self) -> bool {
        matches!(self, RunStatus::Running | RunStatus::Failing)
    }
}

impl RunCompletionState {
    /// Whether the run is over: complete, cancelled or timed out. An unknown state is not
    /// finished, so that a waiter keeps polling instead of reporting a result it cannot judge.
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            RunCompletionState::Complete
                | RunCompletionState::Cancelled
                | RunCompletionState::TimedOut
        )
    }
}

impl RunSpec {
    /// Whether the spec needs re-running: one of its tests failed, or the spec itself threw.
    /// Pending (`it.skip()`) and skipped (interrupted) tests do not count as failures.
    pub fn is_failed(&self) -> bool {
        self.results.as_ref().is_some_and(|results| {
            results
                .exception
                .as_ref()
                .is_some_and(|exception| !exception.is_empty())
                || results
                    .stats
                    .as_ref()
                    .and_then(|stats| stats.failures)
                    .unwrap_or(0)
                    > 0
        })
    }
}
