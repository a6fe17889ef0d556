//! What a run and a listed run have in common: `Run` (getRun, findRun) and `RunFeedItem` (a
//! project's runs) carry the same fields, but the list's are optional, so code that handles
//! either reads them through [`RunFields`].

use chrono::{DateTime, Utc};

use crate::types::{Run, RunCompletionState, RunFeedItem, RunMeta, RunStatus};

/// The fields a run has however it was fetched: `run.branch()` on a `Run` and on a
/// `RunFeedItem` alike. A field the answer left out is `None`.
pub trait RunFields {
    /// The run's id.
    fn run_id(&self) -> Option<&str>;
    /// The project the run belongs to.
    fn project_id(&self) -> Option<&str>;
    /// Its status: passed, failed, running, failing (running with failures), ...
    fn status(&self) -> Option<&RunStatus>;
    /// Whether it completed, is still going, was cancelled or timed out.
    fn completion_state(&self) -> Option<&RunCompletionState>;
    /// When it was created.
    fn created_at(&self) -> Option<DateTime<Utc>>;
    /// Its tags.
    fn tags(&self) -> &[String];
    /// The git commit, CI build and framework it ran with.
    fn meta(&self) -> Option<&RunMeta>;

    /// The git branch it ran on.
    fn branch(&self) -> Option<&str> {
        self.meta()?.commit.as_ref()?.branch.as_deref()
    }

    /// The CI build id it was recorded under.
    fn ci_build_id(&self) -> Option<&str> {
        self.meta()?.ci_build_id.as_deref()
    }
}

impl RunFields for Run {
    fn run_id(&self) -> Option<&str> {
        Some(&self.run_id)
    }
    fn project_id(&self) -> Option<&str> {
        Some(&self.project_id)
    }
    fn status(&self) -> Option<&RunStatus> {
        Some(&self.status)
    }
    fn completion_state(&self) -> Option<&RunCompletionState> {
        Some(&self.completion_state)
    }
    fn created_at(&self) -> Option<DateTime<Utc>> {
        Some(self.created_at)
    }
    fn tags(&self) -> &[String] {
        &self.tags
    }
    fn meta(&self) -> Option<&RunMeta> {
        self.meta.as_ref()
    }
}

impl RunFields for RunFeedItem {
    fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref()
    }
    fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }
    fn status(&self) -> Option<&RunStatus> {
        self.status.as_ref()
    }
    fn completion_state(&self) -> Option<&RunCompletionState> {
        self.completion_state.as_ref()
    }
    fn created_at(&self) -> Option<DateTime<Utc>> {
        self.created_at
    }
    fn tags(&self) -> &[String] {
        &self.tags
    }
    fn meta(&self) -> Option<&RunMeta> {
        self.meta.as_ref()
    }
}
