//! `FindRun`: the findRun query builder.

use currents_api::types::{Run, RunResponse};
use reqwest::Method;

use crate::{
    BranchFilter, Client, Error, ProjectId, Received, Tag, ValidationError, input::check_text,
    transport::Call,
};

/// A findRun query: `client.runs().find(&project).branch("release/*")?.tags(["nightly"]).send()`.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is sent"]
pub struct FindRun<'a> {
    client: &'a Client,
    project: ProjectId,
    branch: Option<BranchFilter>,
    tags: Vec<String>,
    ci_build_id: Option<String>,
    pw_last_run: Option<bool>,
}

impl<'a> FindRun<'a> {
    pub(crate) fn new(client: &'a Client, project: ProjectId) -> Self {
        FindRun {
            client,
            project,
            branch: None,
            tags: Vec::new(),
            ci_build_id: None,
            pw_last_run: None,
        }
    }

    /// Only runs on this branch: an exact name, or a prefix ending in `*` (`release/*`).
    pub fn branch(mut self, filter: impl AsRef<str>) -> Result<Self, ValidationError> {
        self.branch = Some(BranchFilter::new(filter.as_ref())?);
        Ok(self)
    }

    /// Only runs that carry every one of these tags. They are checked when the query is sent.
    pub fn tags<I, T>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// The run with this CI build id, whatever its branch (branch is then ignored by the API).
    pub fn ci_build_id(mut self, ci_build_id: impl Into<String>) -> Self {
        self.ci_build_id = Some(ci_build_id.into());
        self
    }

    /// Ask for `pwLastRun`: the tests that failed in the run, as Playwright's `.last-run.json`
    /// holds them (Playwright only).
    pub fn pw_last_run(mut self, include: bool) -> Self {
        self.pw_last_run = Some(include);
        self
    }

    /// Sends the query. Invalid tags are refused here, before any request.
    pub async fn send(self) -> Result<Received<Run>, Error> {
        let tags = self
            .tags
            .into_iter()
            .map(Tag::new)
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(ci_build_id) = &self.ci_build_id {
            check_text("ci build id", ci_build_id)?;
        }
        let mut url = self.client.url(&["runs", "find"]);
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("projectId", self.project.as_str());
            if let Some(ci_build_id) = &self.ci_build_id {
                query.append_pair("ciBuildId", ci_build_id);
            }
            if let Some(branch) = &self.branch {
                query.append_pair("branch", branch.as_str());
            }
            for tag in &tags {
                query.append_pair("tags[]", tag.as_str());
            }
            if let Some(pw_last_run) = self.pw_last_run {
                query.append_pair("pwLastRun", if pw_last_run { "true" } else { "false" });
            }
        }
        let call = Call {
            operation: "findRun",
            method: Method::GET,
            url,
            body: None,
        };
        self.client
            .send(call)
            .await?
            .decode_with_data("findRun", |response: RunResponse| response.data)
    }
}
