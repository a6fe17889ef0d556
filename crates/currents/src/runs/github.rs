//! `CancelGithubRun`: cancelRunByGithubCI, scoped by project and CI build id if given.

use std::num::NonZeroU64;

use currents_api::types::{
    CancelRunGithubCiRequest, CancelRunGithubCiRequestGithubRunAttempt as Attempt, Text,
};
use reqwest::Method;

use crate::{
    Client, Error, ProjectId, ValidationError,
    input::{check_text, spec_checked},
    runs::CancelOutcome,
    transport::Call,
};

/// Cancels the run of a GitHub Actions workflow run: `client.runs().cancel_github(id, attempt).send()`.
#[derive(Debug, Clone)]
#[must_use = "a cancel does nothing until it is sent"]
pub struct CancelGithubRun<'a> {
    client: &'a Client,
    github_run_id: String,
    attempt: u32,
    project: Option<ProjectId>,
    ci_build_id: Option<String>,
}

impl<'a> CancelGithubRun<'a> {
    pub(crate) fn new(client: &'a Client, github_run_id: String, attempt: u32) -> Self {
        CancelGithubRun {
            client,
            github_run_id,
            attempt,
            project: None,
            ci_build_id: None,
        }
    }

    /// Only cancel a run of this project.
    pub fn project(mut self, project: &ProjectId) -> Self {
        self.project = Some(project.clone());
        self
    }

    /// Only cancel the run with this CI build id.
    pub fn ci_build_id(mut self, ci_build_id: impl Into<String>) -> Self {
        self.ci_build_id = Some(ci_build_id.into());
        self
    }

    /// Sends the cancel; 404 means no running run matched.
    pub async fn send(self) -> Result<CancelOutcome, Error> {
        if self.github_run_id.is_empty() || !self.github_run_id.chars().all(|c| c.is_ascii_digit())
        {
            return Err(ValidationError::new(
                "GitHub run id",
                self.github_run_id,
                "must be the numeric workflow run id",
            )
            .into());
        }
        let Some(attempt) = NonZeroU64::new(u64::from(self.attempt)) else {
            return Err(ValidationError::new(
                "GitHub run attempt",
                "0",
                "attempts are numbered from 1",
            )
            .into());
        };
        if let Some(ci_build_id) = &self.ci_build_id {
            check_text("ci build id", ci_build_id)?;
        }
        // The checks above are the spec's rules, so these conversions succeed; should the spec
        // tighten a rule, its generated check still refuses the value here, before sending.
        let request = CancelRunGithubCiRequest {
            github_run_id: spec_checked("GitHub run id", &self.github_run_id)?,
            // Currents' GitHub Action sends a string of digits; an integer is what the docs say.
            github_run_attempt: Attempt::Number(attempt),
            project_id: self
                .project
                .map(|project| spec_checked::<Text>("project id", project.as_str()))
                .transpose()?,
            ci_build_id: self
                .ci_build_id
                .as_deref()
                .map(|id| spec_checked::<Text>("ci build id", id))
                .transpose()?,
        };
        let body = serde_json::to_vec(&request).expect("a plain struct serialises");
        let url = self.client.url(&["runs", "cancel-ci", "github"]);
        let call = Call {
            operation: "cancelRunByGithubCI",
            method: Method::PUT,
            url,
            body: Some(body),
        };
        crate::runs::cancel_outcome(self.client.send(call).await?, "cancelRunByGithubCI", "")
    }
}
