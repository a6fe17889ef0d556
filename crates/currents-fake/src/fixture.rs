//! `RunFixture`: small runs for tests, built from the fields a test cares about.

use chrono::{DateTime, Duration, TimeZone, Utc};
use currents_api::types::{
    Run, RunCompletionState, RunGroup, RunMeta, RunMetaCommit, RunMetaPr, RunSpec, RunSpecResults,
    RunSpecResultsStats, RunStatus,
};

use crate::FakeRun;

/// Builds a [`FakeRun`] for a test.
///
/// ```
/// use currents_fake::RunFixture;
///
/// let run = RunFixture::new("r1").project("p").status("failed").branch("release/1.x")
///     .spec("machine-1", 2).spec("machine-2", 0).flaky(1).build();
/// assert_eq!(run.run.specs.len(), 2);
/// // The second spec's three tests passed, one of them on a retry.
/// let stats = run.run.specs[1].results.as_ref().and_then(|r| r.stats.as_ref());
/// assert_eq!(stats.and_then(|s| s.flaky), Some(1));
/// ```
#[derive(Debug, Clone)]
pub struct RunFixture {
    id: String,
    project: String,
    status: String,
    branch: String,
    tags: Vec<String>,
    author: Option<String>,
    created_at: DateTime<Utc>,
    specs: Vec<RunSpec>,
    github: Option<(String, u64)>,
    pull_request: Option<String>,
    group: Option<String>,
}

impl RunFixture {
    /// A passed run of project `project-1` on `main`, created at 09:00 on 2026-11-01.
    pub fn new(id: impl Into<String>) -> Self {
        RunFixture {
            id: id.into(),
            project: "project-1".into(),
            status: "passed".into(),
            branch: "main".into(),
            tags: Vec::new(),
            author: None,
            created_at: at(9, 0),
            specs: Vec::new(),
            github: None,
            pull_request: None,
            group: None,
        }
    }

    /// The group (a browser, say) of the specs added after it. A run whose specs are in two
    /// or more groups is a multigroup run: Currents delivers each webhook event once per group.
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }

    /// The project.
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project = project.into();
        self
    }

    /// The status, in any spelling (`failed`, `FAILED`): a passed or failed run is complete, a
    /// running or failing one in progress, and any other status is used as the completion
    /// state too.
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.status = status.into();
        self
    }

    /// The commit branch.
    pub fn branch(mut self, branch: impl Into<String>) -> Self {
        self.branch = branch.into();
        self
    }

    /// The run's tags.
    pub fn tags<T: Into<String>>(mut self, tags: impl IntoIterator<Item = T>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// The hour of 2026-11-01 the run was created at; later runs are "more recent".
    pub fn created_hour(mut self, hour: u32) -> Self {
        self.created_at = at(hour.min(23), 0);
        self
    }

    /// The time the run was created, for runs that need more than an hour apart.
    pub fn created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = at;
        self
    }

    /// The commit's author name.
    pub fn author(mut self, name: impl Into<String>) -> Self {
        self.author = Some(name.into());
        self
    }

    /// A finished spec with three tests on `machine`, of which `failures` failed, claimed an
    /// hour after the run was created and completed a minute later. Its instance id is
    /// `<run id>-i<n>` for the `n`th spec.
    pub fn spec(mut self, machine: impl Into<String>, failures: i64) -> Self {
        let n = self.specs.len();
        self.specs.push(
            RunSpec::new()
                .with_instance_id(format!("{}-i{n}", self.id))
                .with_machine_id(machine.into())
                .with_results(
                    RunSpecResults::new().with_stats(
                        RunSpecResultsStats::new()
                            .with_failures(failures)
                            .with_passes((3 - failures).max(0))
                            .with_tests(3),
                    ),
                )
                .with_spec(format!("spec-{n}.cy.ts"))
                .set_group_id(self.group.clone()),
        );
        self
    }

    /// Makes `flaky` of the passed tests of the spec added last flaky: each failed an attempt
    /// and passed its retry. Production counts them in `results.stats.flaky`; the fixture sets
    /// `results.flaky` to the same number, as older answers did. Before any spec it does
    /// nothing, and it never makes more tests flaky than passed.
    pub fn flaky(mut self, flaky: i64) -> Self {
        if let Some(results) = self.specs.last_mut().and_then(|spec| spec.results.as_mut()) {
            let passes = results
                .stats
                .as_ref()
                .and_then(|stats| stats.passes)
                .unwrap_or(0);
            let flaky = flaky.clamp(0, passes.max(0));
            results.flaky = Some(flaky);
            if let Some(stats) = results.stats.as_mut() {
                stats.flaky = Some(flaky);
            }
        }
        self
    }

    /// The pull request the run was for (`meta.pr`): its id, titled `PR <id>`, from the run's
    /// branch into `main`.
    pub fn pull_request(mut self, id: impl Into<String>) -> Self {
        self.pull_request = Some(id.into());
        self
    }

    /// The GitHub workflow run that cancelRunByGithubCI matches.
    pub fn github(mut self, run_id: impl Into<String>, attempt: u64) -> Self {
        self.github = Some((run_id.into(), attempt));
        self
    }

    /// The run. Its `meta.ciBuildId` is `build-<id>`.
    pub fn build(self) -> FakeRun {
        let status = RunStatus::from(self.status.as_str());
        let completion = match status {
            RunStatus::Passed | RunStatus::Failed => RunCompletionState::Complete,
            RunStatus::Running | RunStatus::Failing => RunCompletionState::Incomplete,
            _ => RunCompletionState::from(self.status.as_str()),
        };
        let ci_build_id = format!("build-{}", self.id);
        // Times follow the run's, so that a time range selects a run and its specs together.
        // At the end of time they stay at the run's.
        let later = |at: DateTime<Utc>, by: Duration| at.checked_add_signed(by).unwrap_or(at);
        let claimed = later(self.created_at, Duration::hours(1));
        let specs: Vec<RunSpec> = self
            .specs
            .into_iter()
            .map(|spec| {
                spec.with_claimed_at(claimed)
                    .with_completed_at(later(claimed, Duration::minutes(1)))
            })
            .collect();
        let mut groups = Vec::<String>::new();
        for group in specs.iter().filter_map(|spec| spec.group_id.clone()) {
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        let groups = groups
            .into_iter()
            .map(|group| RunGroup::new().with_group_id(group))
            .collect::<Vec<_>>();
        let run = FakeRun::from(
            Run::new(completion, self.created_at, self.project, self.id, status)
                .with_groups(groups)
                .with_meta(
                    RunMeta::new()
                        .with_ci_build_id(ci_build_id)
                        .set_pr(self.pull_request.map(|id| {
                            RunMetaPr::new()
                                .with_title(format!("PR {id}"))
                                .with_source(self.branch.clone())
                                .with_destination("main".to_owned())
                                .with_id(id)
                        }))
                        .with_commit(
                            RunMetaCommit::new()
                                .set_author_name(self.author)
                                .with_branch(self.branch),
                        ),
                )
                .with_specs(specs)
                .with_tags(self.tags),
        );
        match self.github {
            Some((id, attempt)) => run.with_github(id, attempt),
            None => run,
        }
    }
}

impl From<RunFixture> for FakeRun {
    fn from(fixture: RunFixture) -> Self {
        fixture.build()
    }
}

/// A time on 2026-11-01, the day every fixture run happens.
fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, hour, minute, 0)
        .single()
        .expect("a valid time of day")
}
