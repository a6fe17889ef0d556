//! The run operations, reached through [`Client::runs`].

mod find;
mod github;
mod reset;
mod wait;

use chrono::{DateTime, Utc};
use currents_api::types::{Run, RunCancellationResponse, RunDeleteResponse, RunResponse};
use reqwest::{Method, StatusCode};

pub use find::FindRun;
pub use github::CancelGithubRun;
pub use reset::{MAX_MACHINES_PER_RESET, ResetBatch, ResetReport};
pub use wait::{WaitOptions, is_finished};

use crate::{
    Client, Error, ProjectId, Received, RunId,
    transport::{Call, Reply, error_message},
};

/// What a cancel did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CancelOutcome {
    /// The run was running and is now cancelled.
    Cancelled {
        /// The cancelled run.
        run_id: String,
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
    pub async fn get(&self, run_id: &RunId) -> Result<Received<Run>, Error> {
        let call = Call {
            operation: "getRun",
            method: Method::GET,
            url: self.run_url(run_id, None),
            body: None,
        };
        self.client
            .send(call)
            .await?
            .decode_with_data("getRun", |response: RunResponse| response.data)
    }

    /// Finds the most recent completed run of a project that matches the filters (findRun).
    pub fn find(&self, project: &ProjectId) -> FindRun<'a> {
        FindRun::new(self.client, project.clone())
    }

    /// Deletes a run and all its data (deleteRun).
    ///
    /// If the first attempt's answer is lost and a retry answers 404, the run was deleted by
    /// that first attempt, so this counts as success.
    pub async fn delete(&self, run_id: &RunId) -> Result<(), Error> {
        let call = Call {
            operation: "deleteRun",
            method: Method::DELETE,
            url: self.run_url(run_id, None),
            body: None,
        };
        let reply = self.client.send(call).await?;
        if reply.status == StatusCode::NOT_FOUND && reply.attempts > 1 {
            return Ok(());
        }
        let _: RunDeleteResponse = reply.decode("deleteRun")?;
        Ok(())
    }

    /// Cancels a running run (cancelRun). A run that is no longer running is not an error:
    /// it gives [`CancelOutcome::AlreadyCancelled`].
    pub async fn cancel(&self, run_id: &RunId) -> Result<CancelOutcome, Error> {
        let call = Call {
            operation: "cancelRun",
            method: Method::PUT,
            url: self.run_url(run_id, Some("cancel")),
            body: None,
        };
        cancel_outcome(self.client.send(call).await?, "cancelRun", run_id.as_str())
    }

    /// Cancels the run of a GitHub Actions workflow run and attempt (cancelRunByGithubCI).
    pub fn cancel_github(
        &self,
        github_run_id: impl Into<String>,
        attempt: u32,
    ) -> CancelGithubRun<'a> {
        CancelGithubRun::new(self.client, github_run_id.into(), attempt)
    }

    fn run_url(&self, run_id: &RunId, action: Option<&str>) -> url::Url {
        match action {
            Some(action) => self.client.url(&["runs", run_id.as_str(), action]),
            None => self.client.url(&["runs", run_id.as_str()]),
        }
    }
}

pub(crate) fn cancel_outcome(
    reply: Reply,
    operation: &'static str,
    fallback_id: &str,
) -> Result<CancelOutcome, Error> {
    // Currents answers 422 for a run that is no longer running: cancelled by a parallel job,
    // or by this call's own first attempt whose answer was lost.
    if reply.status == StatusCode::UNPROCESSABLE_ENTITY {
        return Ok(CancelOutcome::AlreadyCancelled {
            message: error_message(&reply.body),
        });
    }
    let response: RunCancellationResponse = reply.decode(operation)?;
    Ok(CancelOutcome::Cancelled {
        run_id: response
            .data
            .run_id
            .unwrap_or_else(|| fallback_id.to_owned()),
        at: response.data.cancelled_at,
    })
}
