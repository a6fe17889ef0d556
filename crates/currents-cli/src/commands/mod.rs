//! The commands: build the client, run one command, and say how it ended.

mod actions;
mod analysis;
mod api;
mod jira;
mod projects;
mod results;
mod runs;
mod webhooks;

use std::io::{self, BufRead as _, IsTerminal as _, Write as _};

use currents::Client;

use crate::{
    cli::{Cli, Command, InstancesCommand},
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

/// Runs the command the line names (completions are printed before any of this).
pub(crate) async fn run(cli: Cli, output: Output) -> Result<Exit, Stop> {
    let client = || {
        client(
            cli.api_key.clone(),
            &cli.base_url,
            cli.request_timeout.0,
            usize::from(cli.concurrency),
        )
    };
    match cli.command {
        Command::Runs(command) => return runs::run(&client()?, command, output).await,
        Command::Projects(command) => projects::run(&client()?, command, output).await?,
        Command::Instances(InstancesCommand::Get { instance_id }) => {
            results::instance(&client()?, &instance_id, output).await?;
        }
        Command::SpecFiles(args) => results::spec_files(&client()?, args, output).await?,
        Command::Tests(args) => results::tests(&client()?, args, output).await?,
        Command::TestResults(args) => results::test_results(&client()?, args, output).await?,
        Command::Signature(args) => results::signature(&client()?, args, output).await?,
        Command::Actions(command) => actions::run(&client()?, command, output).await?,
        Command::Errors(args) => analysis::errors(&client()?, args, output).await?,
        Command::Webhooks(command) => webhooks::run(&client()?, command, output).await?,
        Command::Context(args) => analysis::context(&client()?, args, output).await?,
        Command::Prs(args) => analysis::prs(&client()?, args, output).await?,
        Command::Terms(args) => analysis::terms(&client()?, args, output).await?,
        Command::Jira(command) => jira::run(&client()?, command, output).await?,
        Command::Api(args) => api::run(&client()?, args, output).await?,
        Command::Completions { .. } => {}
    }
    Ok(Exit::Success)
}

/// On a terminal, asks `question` and goes on only on yes; elsewhere, a destructive command
/// needs `--yes`, and this refuses with `refused` (what was not done).
pub(crate) fn confirm(question: &str, refused: &str) -> Result<(), Stop> {
    if !io::stdin().is_terminal() {
        return Err(Failure::invalid(format!(
            "refusing without --yes: stdin is not a terminal to confirm on; {refused}"
        ))
        .into());
    }
    eprint!("{question} [y/N] ");
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES") {
        Ok(())
    } else {
        Err(Failure::invalid(format!("not confirmed; {refused}")).into())
    }
}

fn client(
    api_key: Option<String>,
    base_url: &str,
    request_timeout: std::time::Duration,
    concurrency: usize,
) -> Result<Client, Stop> {
    let Some(api_key) = api_key else {
        return Err(Failure::invalid(format!(
            "no API key: set {} or pass --api-key",
            currents::API_KEY_ENV
        ))
        .into());
    };
    Ok(Client::builder()
        .api_key(api_key)
        .base_url(base_url)
        .timeout(request_timeout)
        .page_concurrency(concurrency)
        .build()?)
}
