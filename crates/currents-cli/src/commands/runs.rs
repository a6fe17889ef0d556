//! `currents runs ...`: one function per command, `runs list` included.

use currents::prelude::*;
use std::{
    io::{self, IsTerminal as _},
    time::{Duration, Instant},
};

use currents::{
    Client, MachineId, ProjectId, ResetOptions, Run, RunCompletionState, RunId, RunStatus,
    RunSummary, WaitOptions, api::types::RunFeedItem,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{
    cli::{CancelGithubArgs, DeleteArgs, FindArgs, ListRunsArgs, ResetArgs, RunsCommand, WaitArgs},
    exit::{Exit, Stop, keeping_the_verdict},
    last_run,
    listing::{self, Columns},
    output::{Output, ago},
    prompt::confirm,
    terminal,
};

pub(super) async fn run(
    client: &Client,
    command: RunsCommand,
    output: Output,
) -> Result<Exit, Stop> {
    let runs = client.runs();
    match command {
        RunsCommand::Get(args) => output.run(&runs.get(&args.run_id).await?)?,
        RunsCommand::Find(args) => find(client, args, output).await?,
        RunsCommand::Cancel(args) => {
            let run_id: RunId = args.run_id;
            output.cancel(run_id.as_str(), &runs.cancel(&run_id).await?)?;
        }
        RunsCommand::CancelGithub(args) => cancel_github(client, args, output).await?,
        RunsCommand::Reset(args) => reset(client, args, output).await?,
        RunsCommand::ResetFailed(args) => {
            let run_id: RunId = args.run_id;
            // A failed batch is an error, but the report of every batch is still shown.
            let report = match runs.reset_failed(&run_id, ResetOptions::default()).await {
                Ok(report) => report,
                Err(currents::Error::PartialReset(report)) => *report,
                Err(error) => return Err(error.into()),
            };
            keeping_the_verdict(output.reset(run_id.as_str(), &report))?;
            // The report is shown; a failed batch still ends the command with its error.
            let _reset = report.into_result()?;
        }
        RunsCommand::Delete(args) => delete(client, args, output).await?,
        RunsCommand::Wait(args) => return wait(client, args, output).await,
        RunsCommand::List(args) => list_runs(client, args, output).await?,
        RunsCommand::Summary(args) => {
            let run = runs.get(&args.run_id).await?;
            let summary = RunSummary::from(&run);
            keeping_the_verdict(output.summary(&summary, &run))?;
            if !summary.finished {
                return Ok(Exit::RunNotFinished);
            }
            return Ok(exit_for(&summary));
        }
    }
    Ok(Exit::Success)
}

async fn find(client: &Client, args: FindArgs, output: Output) -> Result<(), Stop> {
    let project: ProjectId = args.project;
    // Checked before the request: a refused path must not cost a call.
    let last_run_file = args
        .last_run_file
        .as_deref()
        .map(|path| last_run::target(path).map(|target| (target, path.is_relative())))
        .transpose()?;
    let mut query = client.runs().find(&project).tags(args.tags);
    if let Some(branch) = args.branch {
        query = query.branch(branch);
    }
    if let Some(ci_build_id) = args.ci_build_id {
        query = query.ci_build_id(ci_build_id);
    }
    if args.pw_last_run {
        query = query.pw_last_run(true);
    }
    let run = query.send().await?;
    if let Some((path, relative)) = last_run_file {
        let content = last_run::content(run.raw()).map_err(io::Error::other)?;
        last_run::write(&path, relative, &content)?;
    }
    output.run(&run)?;
    Ok(())
}

async fn cancel_github(
    client: &Client,
    args: CancelGithubArgs,
    output: Output,
) -> Result<(), Stop> {
    let mut cancel = client
        .runs()
        .cancel_github(args.github_run_id.clone(), args.attempt);
    if let Some(project) = args.project {
        cancel = cancel.project(&project);
    }
    if let Some(ci_build_id) = args.ci_build_id {
        cancel = cancel.ci_build_id(ci_build_id);
    }
    let outcome = cancel.send().await?;
    output.cancel(&args.github_run_id, &outcome)?;
    Ok(())
}

async fn reset(client: &Client, args: ResetArgs, output: Output) -> Result<(), Stop> {
    let run_id: RunId = args.run_id;
    let machines = args
        .machines
        .into_iter()
        .map(MachineId::new)
        .collect::<Result<Vec<_>, _>>()?;
    let report = client
        .runs()
        .reset(&run_id, machines, ResetOptions::default())
        .await;
    keeping_the_verdict(output.reset(run_id.as_str(), &report))?;
    let _reset = report.into_result()?;
    Ok(())
}

async fn delete(client: &Client, args: DeleteArgs, output: Output) -> Result<(), Stop> {
    let run_id: RunId = args.run_id;
    if !args.yes {
        confirm(
            &format!("Delete run {run_id} and all its data?"),
            &format!("run {run_id} was not deleted"),
        )?;
    }
    client.runs().delete(&run_id).await?;
    output.deleted(run_id.as_str())?;
    Ok(())
}

async fn wait(client: &Client, args: WaitArgs, output: Output) -> Result<Exit, Stop> {
    let run_id: RunId = args.run_id;
    let progress = progress_bar();
    let options = WaitOptions {
        poll: args.poll.0,
        timeout: args.timeout.0,
    };
    let mut warned = false;
    let started = Instant::now();
    let mut heartbeat = Heartbeat {
        every: args.heartbeat.0,
        last: started,
        on: !io::stderr().is_terminal(),
    };
    let waited = client
        .runs()
        .wait_for_each(&run_id, options, |run| {
            warn_once_about_an_unknown_state(run, &mut warned, &progress);
            let summary = RunSummary::from(run);
            let specs = summary.specs;
            let message = format!(
                "{}/{} specs done, {} passed, {} failed ({})",
                specs.passed + specs.failed,
                specs.total,
                summary.tests.passed,
                summary.tests.failed,
                run.status
            );
            let message = terminal::safe(&message).into_owned();
            heartbeat.beat(&run_id, &message, started);
            progress.set_message(message);
        })
        .await;
    progress.finish_and_clear();
    let run = waited?;
    keeping_the_verdict(output.run(&run))?;
    Ok(exit_for(&RunSummary::from(&run)))
}

/// A line on stderr at most every `every` while a wait goes on, where no live line shows it.
struct Heartbeat {
    every: Duration,
    last: Instant,
    on: bool,
}

impl Heartbeat {
    fn beat(&mut self, run_id: &RunId, progress: &str, started: Instant) {
        if self.on && self.last.elapsed() >= self.every {
            self.last = Instant::now();
            let waited = Duration::from_secs(started.elapsed().as_secs());
            eprintln!(
                "waiting for run {run_id}: {progress}, {} so far",
                humantime::format_duration(waited)
            );
        }
    }
}

/// A completion state this version does not know keeps the wait going; say so once, so that a
/// CI log shows why it waits.
fn warn_once_about_an_unknown_state(run: &Run, warned: &mut bool, progress: &ProgressBar) {
    if let RunCompletionState::Unknown(state) = &run.completion_state
        && !std::mem::replace(warned, true)
    {
        progress.suspend(|| {
            eprintln!(
                "warning: run {} has completion state {state:?}, which this version of currents \
                 does not know; waiting until it is one it knows, or the deadline",
                run.run_id
            );
        });
    }
}

/// 0 for a finished run that passed, 1 for any other outcome.
fn exit_for(summary: &RunSummary) -> Exit {
    if summary.passed() {
        Exit::Success
    } else {
        Exit::RunNotPassed
    }
}

/// A live line on a terminal; nothing at all when stderr is not one.
fn progress_bar() -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar.set_message("waiting for the first poll");
    bar
}

/// `currents runs list`: streams a project's runs.
async fn list_runs(client: &Client, args: ListRunsArgs, output: Output) -> Result<(), Stop> {
    let project: ProjectId = args.project;
    let mut query = client
        .projects()
        .runs(&project)
        .branches(args.branches)
        .tags(args.tags)
        .authors(args.authors)
        // The filter's values are production's spellings of the run's own statuses.
        .status(
            args.statuses
                .iter()
                .map(|status| RunStatus::from(status.to_uppercase().as_str())),
        );
    if args.any_tag {
        query = query.any_tag();
    }
    if let Some(search) = args.search {
        query = query.search(search);
    }
    if let Some(since) = args.since {
        query = query.since(since.0);
    }
    if let Some(until) = args.until {
        query = query.until(until.0);
    }
    if let Some(limit) = args.limit {
        query = query.limit(limit);
    }
    let columns = Columns {
        header: &[
            ("RUN", 26),
            ("STATUS", 10),
            ("BRANCH", 22),
            ("CREATED", 10),
            ("TAGS", 0),
        ],
        row: |run: &RunFeedItem| {
            let branch = run
                .meta
                .as_ref()
                .and_then(|meta| meta.commit.as_ref())
                .and_then(|commit| commit.branch.clone());
            vec![
                run.run_id.clone().unwrap_or_default(),
                run.status
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                branch.unwrap_or_else(|| "-".into()),
                run.created_at.map(ago).unwrap_or_default(),
                run.tags.join(", "),
            ]
        },
    };
    listing::print(query.stream(), output.format, &columns).await?;
    Ok(())
}
