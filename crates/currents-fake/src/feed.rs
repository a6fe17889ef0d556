//! listProjectRuns: which of a project's runs a filter selects.

use chrono::{DateTime, Utc};
use currents_api::{
    operations::ListProjectRuns,
    types::{
        LogicalOperator, Run, RunCompletionState, RunCompletionStateFilter, RunStatus,
        RunStatusFilter,
    },
};

/// The filters of listProjectRuns, from its request.
#[derive(Debug)]
pub(crate) struct RunFilter {
    project_id: String,
    branches: Vec<String>,
    tags: Vec<String>,
    all_tags: bool,
    authors: Vec<String>,
    search: Option<String>,
    pull_request: Option<String>,
    statuses: Vec<RunStatus>,
    completion_states: Vec<RunCompletionState>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

impl From<&ListProjectRuns> for RunFilter {
    fn from(request: &ListProjectRuns) -> Self {
        RunFilter {
            project_id: request.project_id.clone(),
            branches: request.branches.clone(),
            tags: request.tags.clone(),
            all_tags: request.tag_operator.as_ref() != Some(&LogicalOperator::Or),
            authors: request.authors.clone(),
            search: request.search.as_ref().map(|s| s.to_lowercase()),
            pull_request: request.pr_id.clone(),
            // The filters take production's spellings (PASSED, IN_PROGRESS), which the spec
            // declares as spellings of the run's own values.
            statuses: request.status.iter().map(status_of).collect(),
            completion_states: request.completion_state.iter().map(completion_of).collect(),
            from: request.date_start,
            to: request.date_end,
        }
    }
}

fn status_of(filter: &RunStatusFilter) -> RunStatus {
    RunStatus::from(filter.as_str())
}

fn completion_of(filter: &RunCompletionStateFilter) -> RunCompletionState {
    RunCompletionState::from(filter.as_str())
}

impl RunFilter {
    pub(crate) fn selects(&self, run: &Run) -> bool {
        let commit = run.meta.as_ref().and_then(|meta| meta.commit.as_ref());
        let branch = commit.and_then(|c| c.branch.as_deref());
        let author = commit.and_then(|c| c.author_name.as_deref());
        let tags_match = if self.all_tags {
            self.tags.iter().all(|tag| run.tags.contains(tag))
        } else {
            self.tags.is_empty() || self.tags.iter().any(|tag| run.tags.contains(tag))
        };
        let searched = self.search.as_ref().is_none_or(|search| {
            let build = run.meta.as_ref().and_then(|m| m.ci_build_id.as_deref());
            let message = commit.and_then(|c| c.message.as_deref());
            [build, message]
                .into_iter()
                .flatten()
                .any(|text| text.to_lowercase().contains(search))
        });
        run.project_id == self.project_id
            && branches_select(&self.branches, branch)
            && tags_match
            && (self.authors.is_empty()
                || author.is_some_and(|a| self.authors.iter().any(|w| w == a)))
            && searched
            && self.pull_request.as_ref().is_none_or(|wanted| {
                let pr = run.meta.as_ref().and_then(|meta| meta.pr.as_ref());
                pr.and_then(|pr| pr.id.as_ref()) == Some(wanted)
            })
            && (self.statuses.is_empty() || self.statuses.contains(&run.status))
            && (self.completion_states.is_empty()
                || self.completion_states.contains(&run.completion_state))
            && self.from.is_none_or(|from| run.created_at >= from)
            && self.to.is_none_or(|to| run.created_at <= to)
    }
}

/// Whether a branch filter list selects a branch: any exact name, or any prefix ending in `*`
/// (`release/*`); an empty list selects every run.
pub(crate) fn branches_select(filters: &[String], branch: Option<&str>) -> bool {
    filters.is_empty()
        || branch.is_some_and(|branch| {
            filters.iter().any(|filter| match filter.strip_suffix('*') {
                Some(prefix) => branch.starts_with(prefix),
                None => filter == branch,
            })
        })
}
