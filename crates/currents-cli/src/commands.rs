//! Each command: build the client, call the facade, render the result, choose the exit code.

use std::io::{self, BufRead as _, IsTerminal as _, Write as _};

use currents::{Client, MachineId, ProjectId, RunId, RunSummary, WaitOptions};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{
    cli::{Cli, Command, RunsCommand},
    exit::{Exit, Failure},
    output::Output,
};

/// Why a command stopped early.
#[derive(Debug)]
pub(crate) enum Stop {
    Failed(Failure),
    Output(io::Error),
}

impl From<Failure> for Stop {
    fn from(failure: Failure) -> Self {
        Stop::Failed(failure)
    }
}

impl From<currents::Error> for Stop {
    fn from(error: currents::Error) -> Self {
        Stop::Failed(error.into())
    }
}

impl From<currents::ValidationError> for Stop {
    fn from(error: currents::ValidationError) -> Self {
        Stop::Failed(currents::Error::from(error).into())
    }
}

impl From<io::Error> for Stop {
    fn from(error: io::Error) -> Self {
        Stop::Output(error)
    }
}

pub(crate) async fn run(cli: Cli, output: Output) -> Result<Exit, Stop> {
    let Command::Runs(command) = cli.command else {
        return Ok(Exit::Success);
    };
    let Some(api_key) = cli.api_key else {
        return Err(Failure::invalid("no API key: set CURRENTS_API_KEY or pass --api-key").into());
    };
    let mut builder = Client::builder().api_key(api_key).timeout(cli.timeout);
    if let Some(base_url) = cli.base_url {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;
    let runs = client.runs();

    match command {
        RunsCommand::Get(args) => output.run(&runs.get(&args.run_id.parse()?).await?)?,
        RunsCommand::Find(args) => {
            let project: ProjectId = args.project.parse()?;
            let mut query = runs.find(&project).tags(args.tags);
            if let Some(branch) = args.branch {
                query = query.branch(branch)?;
            }
            if let Some(ci_build_id) = args.ci_build_id {
                query = query.ci_build_id(ci_build_id);
            }
            if args.pw_last_run {
                query = query.pw_last_run(true);
            }
            output.run(&query.send().await?)?;
        }
        RunsCommand::Cancel(args) => {
            let outcome = runs.cancel(&args.run_id.parse()?).await?;
            output.cancel(&args.run_id, &outcome)?;
        }
        RunsCommand::CancelGithub(args) => {
            let mut cancel = runs.cancel_github(args.github_run_id.clone(), args.attempt);
            if let Some(project) = args.project {
                cancel = cancel.project(&project.parse()?);
            }
            if let Some(ci_build_id) = args.ci_build_id {
                cancel = cancel.ci_build_id(ci_build_id);
            }
            let outcome = cancel.send().await?;
            output.cancel(&args.github_run_id, &outcome)?;
        }
        RunsCommand::Reset(args) => {
            let run_id: RunId = args.run_id.parse()?;
            let machines = args
                .machines
                .into_iter()
                .map(MachineId::new)
                .collect::<Result<Vec<_>, _>>()?;
            let report = runs.reset(&run_id, machines).await;
            output.reset(run_id.as_str(), &report)?;
            report.into_result()?;
        }
        RunsCommand::ResetFailed(args) => {
            let run_id: RunId = args.run_id.parse()?;
            let report = runs.reset_failed(&run_id).await?;
            output.reset(run_id.as_str(), &report)?;
            report.into_result()?;
        }
        RunsCommand::Delete(args) => {
            let run_id: RunId = args.run_id.parse()?;
            if !args.yes {
                confirm_delete(&run_id)?;
            }
            runs.delete(&run_id).await?;
            output.deleted(run_id.as_str())?;
        }
        RunsCommand::Wait(args) => {
            let run_id: RunId = args.run_id.parse()?;
            let progress = progress_bar();
            let options = WaitOptions {
                poll: args.poll,
                timeout: args.timeout,
            };
            let waited = runs
                .wait_for_each(&run_id, options, |run| {
                    let summary = RunSummary::from(run);
                    let specs = summary.specs;
                    progress.set_message(format!(
                        "{}/{} specs done, {} passed, {} failed ({})",
                        specs.passed + specs.failed,
                        specs.total,
                        summary.tests.passed,
                        summary.tests.failed,
                        run.status
                    ));
                })
                .await;
            progress.finish_and_clear();
            let run = waited?;
            output.run(&run)?;
            return Ok(if RunSummary::from(&run).passed() {
                Exit::Success
            } else {
                Exit::RunNotPassed
            });
        }
        RunsCommand::Summary(args) => {
            let run = runs.get(&args.run_id.parse()?).await?;
            let summary = RunSummary::from(&run);
            output.summary(&summary, &run)?;
            return Ok(if summary.passed() {
                Exit::Success
            } else {
                Exit::RunNotPassed
            });
        }
    }
    Ok(Exit::Success)
}

/// On a terminal, asks before deleting; elsewhere, deleting needs `--yes`.
fn confirm_delete(run_id: &RunId) -> Result<(), Stop> {
    if !io::stdin().is_terminal() {
        return Err(Failure::invalid(format!(
            "refusing to delete run {run_id} without --yes: stdin is not a terminal to confirm on"
        ))
        .into());
    }
    eprint!("Delete run {run_id} and all its data? [y/N] ");
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES") {
        Ok(())
    } else {
        Err(Failure::invalid(format!("not confirmed; run {run_id} was not deleted")).into())
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
