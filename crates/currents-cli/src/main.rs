//! `currents`: query and manage Currents test runs from the shell and CI pipelines.
//!
//! A thin shell over the `currents` crate: it parses arguments, calls the facade, and renders
//! the result. Exit codes are in [`exit::Exit::ALL`].

mod cli;
mod commands;
mod examples;
mod exit;
mod files;
mod jq;
mod js_json;
mod last_run;
mod listing;
mod logs;
mod output;
mod prompt;
mod terminal;

use std::{
    io::{self, IsTerminal as _, Write as _},
    process::ExitCode,
};

use clap::FromArgMatches as _;

use crate::{
    cli::{Cli, Command, Format, GITHUB_RUN_ATTEMPT_ENV, GITHUB_RUN_ID_ENV, PROJECT_ID_ENV},
    exit::Exit,
    output::Output,
};

fn main() -> ExitCode {
    let matches = examples::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        // The arguments a CI job usually sets in its environment (the project, the GitHub
        // run) are left out of usage lines, so clap finds them missing only here.
        Err(error) if error.kind() == clap::error::ErrorKind::MissingRequiredArgument => {
            // The derive names the field at the end of its message.
            let message = error.to_string();
            let missing = message.trim_end().rsplit(": ").next().unwrap_or_default();
            let (flag, variable) = match missing {
                "project" => ("--project", PROJECT_ID_ENV),
                "github_run_id" => ("--github-run-id", GITHUB_RUN_ID_ENV),
                "attempt" => ("--attempt", GITHUB_RUN_ATTEMPT_ENV),
                _ => error.exit(),
            };
            eprintln!("error: {flag} is missing: pass it, or set {variable}");
            return Exit::InvalidInput.into();
        }
        Err(error) => error.exit(),
    };
    cli.api_key_from = match matches.value_source("api_key") {
        Some(clap::parser::ValueSource::CommandLine) => Some("--api-key"),
        Some(clap::parser::ValueSource::EnvVariable) => Some(currents::API_KEY_ENV),
        _ => None,
    };
    logs::init(cli.verbose, currents::RetryPolicy::default().max_attempts());
    let format = cli.output.unwrap_or(if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let output = Output { format };

    if let Command::Completions { shell } = cli.command {
        // Written whole from a buffer: `completions zsh | head -1` closes the pipe early, which
        // clap_complete's own writes would panic on.
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut examples::command(), "currents", &mut script);
        return match io::stdout().write_all(&script) {
            Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
                eprintln!("error: cannot write the output: {error}");
                Exit::ApiError.into()
            }
            _ => Exit::Success.into(),
        };
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return Exit::ApiError.into();
        }
    };
    match runtime.block_on(commands::run(cli, output)) {
        Ok(exit) => exit.into(),
        // `currents ... | head` closes stdout early; that is the reader's choice, not an error.
        Err(exit::Stop::Output(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            Exit::Success.into()
        }
        Err(exit::Stop::Output(error)) => {
            eprintln!("error: cannot write the output: {error}");
            Exit::ApiError.into()
        }
        Err(exit::Stop::Failed(failure)) => {
            // The message may quote the server (an API error's text).
            eprintln!("error: {}", terminal::safe(&failure.message));
            failure.exit.into()
        }
    }
}
