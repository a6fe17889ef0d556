//! The fake's state and the semantics of each operation, independent of HTTP.
//!
//! Every operation takes the whole store under one lock in the server, so each one is atomic:
//! two racing cancels of the same run see it running at most once.

use std::{
    collections::{BTreeMap, BTreeSet},
    ops::Bound,
};

use chrono::{DateTime, Utc};
use currents_api::types::{
    BranchFilterQueryValue, Project, Run, RunCancellation, RunCompletionState, RunPwLastRun,
    RunStatus,
};
use serde_json::Value;

use crate::{
    ApiError,
    actions::Actions,
    derived::executions::test_id,
    jira::Jira,
    paging::{Ordered, Place},
    webhooks::Webhooks,
};

/// The GitHub Actions workflow run that produced a Currents run, which cancelRunByGithubCI
/// matches on. Currents keeps it beside the run; the `Run` schema does not expose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubRun {
    /// The workflow run id (`github.run_id`).
    pub run_id: String,
    /// The attempt number (`github.run_attempt`).
    pub attempt: u64,
}

/// A run as the fake stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeRun {
    /// The run, as getRun returns it.
    pub run: Run,
    /// The GitHub workflow run it belongs to, if any.
    pub github: Option<GithubRun>,
    /// The run as it was given (by a `--data` file, say), if it was given as JSON: its fields
    /// that the spec does not list are answered too.
    pub given: Option<Value>,
}

impl FakeRun {
    /// Attaches the GitHub workflow run that cancelRunByGithubCI will match.
    pub fn with_github(mut self, run_id: impl Into<String>, attempt: u64) -> Self {
        self.github = Some(GithubRun {
            run_id: run_id.into(),
            attempt,
        });
        self
    }
}

impl From<Run> for FakeRun {
    fn from(run: Run) -> Self {
        FakeRun {
            run,
            github: None,
            given: None,
        }
    }
}

impl FakeRun {
    /// What findRun answers as `pwLastRun` when asked: the run's own, if it was given one;
    /// otherwise one derived from its failed specs, with a stable made-up Playwright test id
    /// for each failed test.
    pub fn last_run(&self) -> RunPwLastRun {
        if let Some(given) = &self.run.pw_last_run {
            return given.clone();
        }
        let failed_tests = self
            .run
            .specs
            .iter()
            .filter(|spec| spec.is_failed())
            .flat_map(|spec| {
                let file = spec.spec.as_deref().unwrap_or_default();
                let failures = spec
                    .results
                    .as_ref()
                    .and_then(|results| results.stats.as_ref())
                    .and_then(|stats| stats.failures)
                    .unwrap_or(0)
                    .max(1);
                (0..failures).map(move |test| test_id(file, test))
            })
            .collect::<Vec<_>>();
        let status = if failed_tests.is_empty() {
            "passed"
        } else {
            "failed"
        };
        RunPwLastRun::new(failed_tests, status)
    }
}

/// FNV-1a, for ids that stay the same from run to run.
pub(crate) fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What findRun filters on, already validated.
#[derive(Debug, Default)]
pub(crate) struct FindQuery {
    pub(crate) project_id: String,
    pub(crate) ci_build_id: Option<String>,
    pub(crate) branch: Option<BranchFilterQueryValue>,
    pub(crate) tags: Vec<String>,
}

/// cancelRunByGithubCI's request, already validated.
#[derive(Debug)]
pub(crate) struct GithubCancel {
    pub(crate) github_run_id: String,
    pub(crate) github_run_attempt: u64,
    pub(crate) project_id: Option<String>,
    pub(crate) ci_build_id: Option<String>,
}

/// All runs, plus the ids of deleted ones so that they answer 404 as deleted; the projects
/// given beside them; and the actions.
#[derive(Debug, Default)]
pub(crate) struct Store {
    runs: BTreeMap<String, FakeRun>,
    /// The runs in time order, for pages of a project's runs that read only the page.
    order: BTreeSet<Place>,
    deleted: BTreeSet<String>,
    pub(crate) projects: BTreeMap<String, Project>,
    pub(crate) actions: Actions,
    pub(crate) webhooks: Webhooks,
    pub(crate) jira: Jira,
}

impl Store {
    pub(crate) fn insert(&mut self, run: FakeRun) {
        self.deleted.remove(&run.run.run_id);
        let before = self.runs.get(&run.run.run_id).map(|old| {
            self.order.remove(&place_of(&old.run));
            old.run.completion_state.clone()
        });
        self.order.insert(place_of(&run.run));
        self.webhooks.observe(before.as_ref(), &run.run, Utc::now());
        self.runs.insert(run.run.run_id.clone(), run);
    }

    /// The runs `selects` keeps, in time order.
    pub(crate) fn feed<'s>(
        &'s self,
        selects: impl Fn(&Run) -> bool + 's,
    ) -> Feed<'s, impl Fn(&Run) -> bool + 's> {
        Feed {
            store: self,
            selects,
            within: (None, None),
        }
    }

    pub(crate) fn runs(&self) -> impl Iterator<Item = &FakeRun> {
        self.runs.values()
    }

    /// The project, if it was given or a run names it; 404 otherwise.
    pub(crate) fn project_exists(&self, project_id: &str) -> Result<(), ApiError> {
        let known = self.projects.contains_key(project_id)
            || self
                .runs
                .values()
                .any(|stored| stored.run.project_id == project_id);
        if known {
            Ok(())
        } else {
            Err(ApiError::not_found("project not found", project_id))
        }
    }

    /// Changes a run in place, keeping its place in time order up to date.
    pub(crate) fn update(&mut self, run_id: &str, change: impl FnOnce(&mut Run)) -> bool {
        let Some(stored) = self.runs.get_mut(run_id) else {
            return false;
        };
        self.order.remove(&place_of(&stored.run));
        let before = stored.run.completion_state.clone();
        change(&mut stored.run);
        self.order.insert(place_of(&stored.run));
        self.webhooks
            .observe(Some(&before), &stored.run, Utc::now());
        true
    }

    pub(crate) fn get(&self, run_id: &str) -> Result<&FakeRun, ApiError> {
        self.runs.get(run_id).ok_or_else(|| self.not_found(run_id))
    }

    /// The most recent completed run that matches, as findRun documents.
    pub(crate) fn find(&self, query: &FindQuery) -> Result<&FakeRun, ApiError> {
        let matches = |run: &Run| {
            let commit_branch = run
                .meta
                .as_ref()
                .and_then(|meta| meta.commit.as_ref())
                .and_then(|c| c.branch.as_deref());
            let ci_build_id = run
                .meta
                .as_ref()
                .and_then(|meta| meta.ci_build_id.as_deref());
            run.project_id == query.project_id
                && query.tags.iter().all(|tag| run.tags.contains(tag))
                && match &query.ci_build_id {
                    // A ciBuildId names one run, whatever its state.
                    Some(wanted) => ci_build_id == Some(wanted.as_str()),
                    None => {
                        run.completion_state == RunCompletionState::Complete
                            && query
                                .branch
                                .as_ref()
                                .is_none_or(|filter| branch_matches(filter, commit_branch))
                    }
                }
        };
        self.runs
            .values()
            .filter(|stored| matches(&stored.run))
            .max_by_key(|stored| (stored.run.created_at, stored.run.run_id.clone()))
            .ok_or_else(|| {
                ApiError::not_found("no run matches the query in project", &query.project_id)
            })
    }

    pub(crate) fn delete(&mut self, run_id: &str) -> Result<(), ApiError> {
        let removed = self
            .runs
            .remove(run_id)
            .ok_or_else(|| self.not_found(run_id))?;
        self.order.remove(&place_of(&removed.run));
        self.deleted.insert(run_id.to_owned());
        Ok(())
    }

    /// Cancels a running (or failing) run. Anything else answers 422 and changes nothing, as
    /// Currents does.
    pub(crate) fn cancel(
        &mut self,
        run_id: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let not_found = self.not_found(run_id);
        let run = &mut self.runs.get_mut(run_id).ok_or(not_found)?.run;
        if !run.status.is_running() {
            return Err(ApiError::unprocessable(format!(
                "run '{run_id}' is {} and cannot be cancelled; only a running run can be cancelled",
                run.status
            )));
        }
        let before = run.completion_state.clone();
        run.status = RunStatus::Cancelled;
        run.completion_state = RunCompletionState::Cancelled;
        run.cancellation = Some(
            RunCancellation::new()
                .with_cancelled_at(at)
                .with_cancelled_by(by.to_owned())
                .with_reason("Cancelled through the REST API".to_owned()),
        );
        self.webhooks.observe(Some(&before), run, at);
        Ok(())
    }

    /// Resets the failed specs claimed by the given machines and returns how many were reset.
    pub(crate) fn reset(
        &mut self,
        run_id: &str,
        machines: &BTreeSet<String>,
    ) -> Result<usize, ApiError> {
        let not_found = self.not_found(run_id);
        let run = &mut self.runs.get_mut(run_id).ok_or(not_found)?.run;
        let mut reset = 0;
        for spec in &mut run.specs {
            let claimed = spec
                .machine_id
                .as_ref()
                .is_some_and(|machine| machines.contains(machine));
            if claimed && spec.is_failed() {
                spec.results = None;
                spec.completed_at = None;
                reset += 1;
            }
        }
        if reset > 0 {
            let before = run.completion_state.clone();
            run.status = RunStatus::Running;
            run.completion_state = RunCompletionState::Incomplete;
            run.duration_ms = None;
            self.webhooks.observe(Some(&before), run, Utc::now());
        }
        Ok(reset)
    }

    /// Cancels the run of a GitHub workflow run attempt; the id of the cancelled run. A run
    /// that is no longer running answers 422, as Currents does when parallel jobs of one
    /// workflow race to cancel it; no matching run at all answers 404.
    pub(crate) fn cancel_github(
        &mut self,
        request: &GithubCancel,
        at: DateTime<Utc>,
    ) -> Result<String, ApiError> {
        let matches = self.runs.values().filter(|stored| {
            let run = &stored.run;
            let ci_build_id = run
                .meta
                .as_ref()
                .and_then(|meta| meta.ci_build_id.as_deref());
            stored.github.as_ref().is_some_and(|github| {
                github.run_id == request.github_run_id
                    && github.attempt == request.github_run_attempt
            }) && request
                .project_id
                .as_ref()
                .is_none_or(|project| *project == run.project_id)
                && request
                    .ci_build_id
                    .as_deref()
                    .is_none_or(|wanted| ci_build_id == Some(wanted))
        });
        let found =
            matches.max_by_key(|stored| (stored.run.status.is_running(), stored.run.created_at));
        let Some(run_id) = found.map(|stored| stored.run.run_id.clone()) else {
            return Err(ApiError::not_found(
                "no run matches GitHub workflow run",
                &format!(
                    "{} attempt {}",
                    request.github_run_id, request.github_run_attempt
                ),
            ));
        };
        self.cancel(&run_id, "github-actions", at)?;
        Ok(run_id)
    }

    fn not_found(&self, run_id: &str) -> ApiError {
        if self.deleted.contains(run_id) {
            ApiError::not_found("run was deleted", run_id)
        } else {
            ApiError::not_found("run not found", run_id)
        }
    }
}

fn place_of(run: &Run) -> Place {
    Place::new(run.created_at, run.run_id.clone())
}

/// The runs a filter keeps, in time order, read a page at a time.
pub(crate) struct Feed<'s, F> {
    store: &'s Store,
    selects: F,
    /// The times the feed's filter keeps (inclusive), which a page need not look past.
    within: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
}

impl<'s, F: Fn(&Run) -> bool> Feed<'s, F> {
    /// The feed of runs created from `start` to `end` only: a page of a slice deep in the
    /// past starts at its end instead of reading every newer run (the filter still decides).
    pub(crate) fn within(
        mut self,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> Self {
        self.within = (start, end);
        self
    }

    fn kept(
        &self,
        places: impl Iterator<Item = &'s Place> + 's,
    ) -> impl Iterator<Item = (Place, &'s FakeRun)> + '_ {
        let start = self.within.0;
        places
            .take_while(move |place| start.is_none_or(|start| place.at >= start))
            .filter_map(move |place| {
                let stored = self.store.runs.get(&place.id)?;
                (self.selects)(&stored.run).then(|| (place.clone(), stored))
            })
    }
}

impl<'s, F: Fn(&Run) -> bool> Ordered<&'s FakeRun> for Feed<'s, F> {
    fn older(&self, than: Option<&Place>) -> Box<dyn Iterator<Item = (Place, &'s FakeRun)> + '_> {
        let order = &self.store.order;
        // Just past the end: the first place after every run at `end`, whatever its id.
        let past_end = self
            .within
            .1
            .and_then(|end| end.checked_add_signed(chrono::TimeDelta::nanoseconds(1)))
            .map(|at| Place::new(at, ""));
        let upper = match (than, past_end) {
            (Some(than), Some(end)) => Some(than.clone().min(end)),
            (Some(than), None) => Some(than.clone()),
            (None, end) => end,
        };
        match upper {
            None => Box::new(self.kept(order.iter().rev())),
            Some(upper) => Box::new(self.kept(order.range(..upper).rev())),
        }
    }

    fn newer(
        &self,
        than: &Place,
        inclusive: bool,
    ) -> Box<dyn Iterator<Item = (Place, &'s FakeRun)> + '_> {
        let bound = if inclusive {
            Bound::Included(than.clone())
        } else {
            Bound::Excluded(than.clone())
        };
        Box::new(self.kept(self.store.order.range((bound, Bound::Unbounded))))
    }
}

fn branch_matches(filter: &BranchFilterQueryValue, branch: Option<&str>) -> bool {
    let Some(branch) = branch else { return false };
    match filter {
        BranchFilterQueryValue::Exact(exact) => branch == exact.as_str(),
        BranchFilterQueryValue::Prefix(prefix) => {
            branch.starts_with(prefix.as_str().strip_suffix('*').unwrap_or(prefix.as_str()))
        }
    }
}
