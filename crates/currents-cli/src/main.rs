//! `currents`: query and manage Currents test runs from the shell and CI pipelines.
//!
//! A thin shell over the `currents` crate: it parses arguments, calls the facade, and renders
//! the result. Exit codes are in [`cli::EXIT_CODES`].

mod cli;
mod commands;
mod exit;
mod js_json;
mod last_run;
mod listing;
mod output;
mod terminal;

use std::{
    io::{self, IsTerminal as _},
    process::ExitCode,
};

use clap::{CommandFactory as _, Parser as _};

use crate::{
    cli::{Cli, Command, Format},
    exit::Exit,
    output::Output,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let format = cli.output.unwrap_or(if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let output = Output { format };

    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(shell, &mut Cli::command(), "currents", &mut io::stdout());
        return Exit::Success.into();
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
        Err(commands::Stop::Output(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            Exit::Success.into()
        }
        Err(commands::Stop::Output(error)) => {
            eprintln!("error: cannot write the output: {error}");
            Exit::ApiError.into()
        }
        Err(commands::Stop::Failed(failure)) => {
            // The message may quote the server (an API error's text).
            eprintln!("error: {}", terminal::safe(&failure.message));
            failure.exit.into()
        }
    }
}

/// `-v` logs the client's requests, `-vv` everything, to stderr.
fn init_tracing(verbose: u8) {
    let filter = match verbose {
        0 => return,
        1 => "currents=debug",
        _ => "trace",
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(io::stderr)
        .with_target(false)
        .init();
}
