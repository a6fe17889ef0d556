//! The project operations, reached through [`Client::projects`]: projects, a project's runs,
//! and its metrics (insights, spec files, tests).

use std::ops::{Bound, Range, RangeBounds};

use chrono::{DateTime, Utc};
use currents_api::{
    operations::{
        GetErrorsExplorer, GetProject, GetProjectInsights, GetSpecFiles, GetTestsExplorer,
        ListProjectPullRequests, ListProjectRuns, ListProjectTerms, ListProjects,
    },
    types::{
        LogicalOperator, Project, RunCompletionState, RunCompletionStateFilter, RunStatus,
        RunStatusFilter, SortDirection, SpecFileOrder, TermType, TestOrder,
    },
};

use crate::{
    Client, Error, ProjectId, Received, ValidationError,
    input::check_segment,
    query::{Query, check_range},
};

/// The project operations of a [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct Projects<'a> {
    client: &'a Client,
}

/// A project id in a URL path must be one safe segment, which the query-string rule of
/// [`ProjectId`] does not require.
fn in_path(project: &ProjectId) -> Result<String, ValidationError> {
    check_segment("project id", project.as_str())?;
    Ok(project.as_str().to_owned())
}

fn ranged<R>(
    project: &ProjectId,
    range: &Range<DateTime<Utc>>,
    new: impl FnOnce(String, DateTime<Utc>, DateTime<Utc>) -> R,
) -> Result<R, ValidationError> {
    check_range(range.start, range.end)?;
    Ok(new(in_path(project)?, range.start, range.end))
}

impl<'a> Projects<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Projects { client }
    }

    /// Every project of the organization (listProjects), newest first.
    pub fn list(self) -> Query<'a, ListProjects> {
        Query::new(self.client, Ok(ListProjects::new()))
    }

    /// The errors explorer (getErrorsExplorer): the errors of the project's failed tests in
    /// a date range, grouped (by message, category, action and target unless `group_by` says
    /// otherwise), most frequent first, with a timeline of the top errors per day.
    pub fn errors(
        self,
        project: &ProjectId,
        range: Range<DateTime<Utc>>,
    ) -> Query<'a, GetErrorsExplorer> {
        Query::new(self.client, ranged(project, &range, GetErrorsExplorer::new))
    }

    /// The project's pull-request cards (listProjectPullRequests): its runs grouped by pull
    /// request, most recently run first.
    pub fn pull_requests(self, project: &ProjectId) -> Query<'a, ListProjectPullRequests> {
        Query::new(
            self.client,
            in_path(project).map(ListProjectPullRequests::new),
        )
    }

    /// The values of one kind of term the project's runs carry (listProjectTerms): its tags,
    /// branches, authors or frameworks, most recently seen first.
    pub fn terms(self, project: &ProjectId, kind: TermType) -> Query<'a, ListProjectTerms> {
        Query::new(
            self.client,
            in_path(project).map(|project| ListProjectTerms::new(project, kind)),
        )
    }

    /// A project (getProject).
    pub async fn get(self, project: &ProjectId) -> Result<Received<Project>, Error> {
        self.client.fetch(&GetProject::new(in_path(project)?)).await
    }

    /// A project's runs (listProjectRuns), newest first, with filters.
    pub fn runs(self, project: &ProjectId) -> Query<'a, ListProjectRuns> {
        Query::new(self.client, in_path(project).map(ListProjectRuns::new))
    }

    /// Run and test counts over a date range, overall and over time (getProjectInsights).
    pub fn insights(
        self,
        project: &ProjectId,
        range: Range<DateTime<Utc>>,
    ) -> Query<'a, GetProjectInsights> {
        Query::new(
            self.client,
            ranged(project, &range, GetProjectInsights::new),
        )
    }

    /// Spec-file metrics over a date range (getSpecFiles), slowest first unless ordered.
    pub fn spec_files(
        self,
        project: &ProjectId,
        range: Range<DateTime<Utc>>,
    ) -> Query<'a, GetSpecFiles> {
        Query::new(self.client, ranged(project, &range, GetSpecFiles::new))
    }

    /// Test metrics over a date range (getTestsExplorer), by title unless ordered.
    pub fn tests(
        self,
        project: &ProjectId,
        range: Range<DateTime<Utc>>,
    ) -> Query<'a, GetTestsExplorer> {
        Query::new(self.client, ranged(project, &range, GetTestsExplorer::new))
    }
}

impl Query<'_, ListProjectRuns> {
    /// Only runs with one of these statuses. The list filters by `PASSED`, `FAILED`,
    /// `RUNNING` and `FAILING` (production's spellings of the run's own statuses); any other
    /// status is refused.
    pub fn status(self, statuses: impl IntoIterator<Item = RunStatus>) -> Self {
        self.with(|request| {
            for status in statuses {
                let filter = RunStatusFilter::from(status.as_str());
                if let RunStatusFilter::Unknown(value) = filter {
                    return Err(ValidationError::new(
                        "status filter",
                        value,
                        "a project's runs are filtered by passed, failed, running or failing; \
                         use completion_state for cancelled and timed-out runs",
                    ));
                }
                request.status.push(filter);
            }
            Ok(())
        })
    }

    /// Only runs in one of these completion states.
    pub fn completion_state(self, states: impl IntoIterator<Item = RunCompletionState>) -> Self {
        self.with(|request| {
            for state in states {
                let filter = RunCompletionStateFilter::from(state.as_str());
                if let RunCompletionStateFilter::Unknown(value) = filter {
                    return Err(ValidationError::new(
                        "completion state filter",
                        value,
                        "a project's runs are filtered by complete, incomplete, cancelled or timed out",
                    ));
                }
                request.completion_state.push(filter);
            }
            Ok(())
        })
    }

    /// Only runs with any of the [`tags`](currents_api::operations::params::ListProjectRunsParams::tags), rather than all of them.
    pub fn any_tag(self) -> Self {
        self.with(|request| {
            request.tag_operator = Some(LogicalOperator::Or);
            Ok(())
        })
    }

    /// Only runs created in this range, in the style of every list's dates (the metrics take
    /// a `start..end` too): `since..until`, `since..` or `..until`. The spec's `date_end` is
    /// exclusive, so `..=until` is sent as `..until`.
    pub fn created(self, range: impl RangeBounds<DateTime<Utc>>) -> Self {
        let start = match range.start_bound() {
            Bound::Included(at) | Bound::Excluded(at) => Some(*at),
            Bound::Unbounded => None,
        };
        let end = match range.end_bound() {
            Bound::Included(at) | Bound::Excluded(at) => Some(*at),
            Bound::Unbounded => None,
        };
        self.with(|request| {
            request.date_start = start;
            request.date_end = end;
            check_open_range(start, end)
        })
    }

    /// Only runs created at or after this time: `created(at..)`.
    pub fn since(self, at: DateTime<Utc>) -> Self {
        self.with(|request| {
            request.date_start = Some(at);
            check_open_range(request.date_start, request.date_end)
        })
    }

    /// Only runs created before this time.
    pub fn until(self, at: DateTime<Utc>) -> Self {
        self.with(|request| {
            request.date_end = Some(at);
            check_open_range(request.date_start, request.date_end)
        })
    }
}

fn check_open_range(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<(), ValidationError> {
    match (start, end) {
        (Some(start), Some(end)) => check_range(start, end),
        _ => Ok(()),
    }
}

impl Query<'_, GetSpecFiles> {
    /// The metric to order by, and the direction.
    pub fn order(self, order: SpecFileOrder, direction: SortDirection) -> Self {
        self.with(|request| {
            request.order = Some(order);
            request.dir = Some(direction);
            Ok(())
        })
    }
}

impl Query<'_, GetTestsExplorer> {
    /// The metric to order by, and the direction.
    pub fn order(self, order: TestOrder, direction: SortDirection) -> Self {
        self.with(|request| {
            request.order = Some(order);
            request.dir = Some(direction);
            Ok(())
        })
    }
}
