//! The run operations, reached through [`Client::runs`].

mod find;
mod github;
mod reset;
mod wait;

use chrono::{DateTime, Utc};
use currents_api::{
    operations::{self, CancelRun, DeleteRun, GetRun, Request},
    types::{Run, RunCancellationResponseData},
};
use reqwest::StatusCode;

pub use github::CancelGithubRun;
pub use reset::{MAX_MACHINES_PER_RESET, ResetBatch, ResetOptions, ResetReport};
pub use wait::{WaitOptions, is_finished};

use crate::{
    Client, Error, ProjectId, Query, Received, RunId,
    transport::{Reply, error_message},
};

/// What a cancel did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CancelOutcome {
    /// The run was running and is now cancelled.
    Cancelled {
        /// The cancelled run, where the API or the call names it.
        run_id: Option<RunId>,
        /// When the API recorded the cancellation, if it said.
        at: Option<DateTime<Utc>>,
    },
    /// The API answered 422: the run was no longer running, because it was already cancelled
    /// (by a parallel CI job, or by this call's first attempt whose answer was lost) or had
    /// finished. Nothing changed.
    AlreadyCancelled {
        /// The API's explanation.
        message: String,
    },
}

/// The run operations of a [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Runs<'a> {
    client: &'a Client,
}

impl<'a> Runs<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Runs { client }
    }

    /// Gets a run with all its details (getRun).
    pub async fn get(self, run_id: &RunId) -> Result<Received<Run>, Error> {
        self.client.fetch(&GetRun::new(run_id.as_str())).await
    }

    /// Finds the most recent completed run of a project that matches the filters (findRun).
    ///
    /// `client.runs().find(&project).branch("release/*").tags(["nightly"]).send()`: the
    /// filters other than the branch are findRun's parameters (`FindRunParams`, in
    /// [`prelude`](crate::prelude)).
    pub fn find(self, project: &ProjectId) -> Query<'a, operations::FindRun> {
        Query::new(self.client, Ok(operations::FindRun::new(project.as_str())))
    }

    /// Deletes a run and all its data (deleteRun).
    ///
    /// If the first attempt's answer is lost and a retry answers 404, the run was deleted by
    /// that first attempt, so this counts as success.
    pub async fn delete(self, run_id: &RunId) -> Result<(), Error> {
        let reply = self
            .client
            .execute(&DeleteRun::new(run_id.as_str()))
            .await?;
        if reply.status == StatusCode::NOT_FOUND && reply.attempts > 1 {
            return Ok(());
        }
        reply.received::<DeleteRun>().map(drop)
    }

    /// Cancels a running run (cancelRun). A run that is no longer running is not an error:
    /// it gives [`CancelOutcome::AlreadyCancelled`].
    pub async fn cancel(self, run_id: &RunId) -> Result<CancelOutcome, Error> {
        let reply = self
            .client
            .execute(&CancelRun::new(run_id.as_str()))
            .await?;
        cancel_outcome::<CancelRun>(reply, Some(run_id))
    }

    /// Cancels the run of a GitHub Actions workflow run and attempt (cancelRunByGithubCI).
    pub fn cancel_github(
        self,
        github_run_id: impl Into<String>,
        attempt: u32,
    ) -> CancelGithubRun<'a> {
        CancelGithubRun::new(self.client, github_run_id.into(), attempt)
    }
}

/// What a cancel's answer means: cancelled, or (422) no longer running.
pub(crate) fn cancel_outcome<R>(
    reply: Reply,
    fallback_id: Option<&RunId>,
) -> Result<CancelOutcome, Error>
where
    R: Request<Data = RunCancellationResponseData>,
{
    // Currents answers 422 for a run that is no longer running: cancelled by a parallel job,
    // or by this call's own first attempt whose answer was lost.
    if reply.status == StatusCode::UNPROCESSABLE_ENTITY {
        return Ok(CancelOutcome::AlreadyCancelled {
            message: error_message(&reply.body),
        });
    }
    let data = reply.received::<R>()?.into_inner();
    Ok(CancelOutcome::Cancelled {
        run_id: data.run_id.map(RunId::from_api).or(fallback_id.cloned()),
        at: data.cancelled_at,
    })
}
