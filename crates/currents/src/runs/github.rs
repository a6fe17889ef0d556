//! `CancelGithubRun`: cancelRunByGithubCI, scoped by project and CI build id if given.

use std::num::NonZeroU64;

use currents_api::{
    operations::CancelRunByGithubCi,
    types::{
        CancelRunGithubCiRequest, CancelRunGithubCiRequestGithubRunAttempt as Attempt,
        CancelRunGithubCiRequestGithubRunId, Text,
    },
};

use crate::{
    Client, Error, ProjectId, ValidationError,
    input::{check_text, spec_checked},
    runs::{CancelOutcome, cancel_outcome},
};

/// Cancels the run of a GitHub Actions workflow run:
/// `client.runs().cancel_github(id, attempt).send()`.
///
/// Setters never fail; [`CancelGithubRun::send`] checks every value before anything is sent.
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

    /// Checks every value, then sends the cancel; 404 means no run matched.
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
        // Currents' GitHub Action sends a string of digits; an integer is what the docs say.
        let mut body = CancelRunGithubCiRequest::new(
            Attempt::Number(attempt),
            spec_checked::<CancelRunGithubCiRequestGithubRunId>(
                "GitHub run id",
                &self.github_run_id,
            )?,
        );
        if let Some(project) = self.project {
            body = body.with_project_id(spec_checked::<Text>("project id", project.as_str())?);
        }
        if let Some(id) = self.ci_build_id.as_deref() {
            body = body.with_ci_build_id(spec_checked::<Text>("ci build id", id)?);
        }
        let reply = self.client.execute(&CancelRunByGithubCi::new(body)).await?;
        cancel_outcome::<CancelRunByGithubCi>(reply, None)
    }
}
