//! Hand-written helpers on the generated types, kept beside them so that the client, the fake
//! and the CLI share one definition.

use crate::types::RunSpec;

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
