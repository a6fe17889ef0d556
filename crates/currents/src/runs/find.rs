//! `FindRun`: the findRun query builder.

use currents_api::{
    operations,
    types::{BranchFilterQueryValue, Run},
};

use crate::{
    BranchFilter, Client, Error, ProjectId, Received, Tag,
    input::{check_text, spec_checked},
};

/// A findRun query: `client.runs().find(&project).branch("release/*").tags(["nightly"]).send()`.
///
/// Setters never fail; [`FindRun::send`] checks every value before anything is sent.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is sent"]
pub struct FindRun<'a> {
    client: &'a Client,
    project: ProjectId,
    branch: Option<String>,
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

    /// Only runs on this branch: an exact name, or a prefix ending in `*` (`release/*`); see
    /// [`BranchFilter`] for the rule.
    pub fn branch(mut self, filter: impl Into<String>) -> Self {
        self.branch = Some(filter.into());
        self
    }

    /// Only runs that carry every one of these tags.
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

    /// Checks every value, then sends the query.
    pub async fn send(self) -> Result<Received<Run>, Error> {
        let mut request = operations::FindRun::new(self.project.as_str());
        request.branch = self
            .branch
            .map(|branch| {
                let filter = BranchFilter::new(branch)?;
                spec_checked::<BranchFilterQueryValue>("branch filter", filter.as_str())
            })
            .transpose()?;
        request.tags = self
            .tags
            .into_iter()
            .map(|tag| Tag::new(tag).map(String::from))
            .collect::<Result<_, _>>()?;
        if let Some(ci_build_id) = &self.ci_build_id {
            check_text("ci build id", ci_build_id)?;
        }
        request.ci_build_id = self.ci_build_id;
        request.pw_last_run = self.pw_last_run;
        self.client.fetch(&request).await
    }
}
