//! The commands: build the client, run one command, and say how it ended.

mod runs;

use std::io;

use currents::Client;

use crate::{
    cli::{Cli, Command},
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
    let client = || client(cli.api_key.clone(), &cli.base_url, cli.request_timeout.0);
    match cli.command {
        Command::Runs(command) => runs::run(&client()?, command, output).await,
        Command::Completions { .. } => Ok(Exit::Success),
    }
}

fn client(
    api_key: Option<String>,
    base_url: &str,
    request_timeout: std::time::Duration,
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
        .build()?)
}
