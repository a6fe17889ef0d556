//! How a command ends: its exit code, why it stopped early, and the one line on stderr that
//! says what failed and what to do.

use std::{io, process::ExitCode};

use currents::{API_KEY_ENV, API_URL_ENV, Error, SizeLimit};

/// How the command ended. [`Exit::ALL`] is the one list of the codes and their meanings:
/// `--help` prints it, and a test holds the README's table to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Success = 0,
    RunNotPassed = 1,
    InvalidInput = 2,
    ApiError = 3,
    NotFound = 4,
    WaitDeadline = 5,
    RunNotFinished = 6,
    NotTheApi = 7,
}

impl Exit {
    pub(crate) const ALL: [Exit; 8] = [
        Exit::Success,
        Exit::RunNotPassed,
        Exit::InvalidInput,
        Exit::ApiError,
        Exit::NotFound,
        Exit::WaitDeadline,
        Exit::RunNotFinished,
        Exit::NotTheApi,
    ];

    pub(crate) fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "success, or the waited-for or summarised run passed",
            Exit::RunNotPassed => {
                "the run finished and did not pass: failed, cancelled or timed out"
            }
            Exit::InvalidInput => "invalid input; no request was sent",
            Exit::ApiError => "API or transport error",
            Exit::NotFound => "not found",
            Exit::WaitDeadline => "the wait deadline passed",
            Exit::RunNotFinished => "the summarised run has not finished",
            Exit::NotTheApi => "the base URL is not Currents' REST API (it lacks /v1?)",
        }
    }
}

/// The codes as `--help` shows them.
pub(crate) static EXIT_CODES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut text = String::from("Exit codes:");
    for exit in Exit::ALL {
        text.push_str(&format!("\n  {}  {}", exit as u8, exit.meaning()));
    }
    text
});

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A failure: the exit code, and the message for stderr.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Failure {
            exit: Exit::InvalidInput,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let source = std::error::Error::source(&error)
            .map(|cause| format!(": {cause}"))
            .unwrap_or_default();
        let (exit, hint) = match &error {
            Error::Validation(_) => (Exit::InvalidInput, String::new()),
            Error::NotFound { .. } => (Exit::NotFound, String::new()),
            Error::WaitTimeout { .. } => (Exit::WaitDeadline, "; raise `wait --timeout` to wait longer".into()),
            Error::Api { status: 401 | 403, .. } => {
                (Exit::ApiError, format!("; check {API_KEY_ENV} (or --api-key)"))
            }
            Error::TooLarge { limit: SizeLimit::Api, .. } => (
                Exit::ApiError,
                "; the API refuses responses over 1 MB unless they are gzip-compressed, and this client \
                 always asks for gzip, so a proxy on the way may be removing Accept-Encoding"
                    .into(),
            ),
            Error::TooLarge { .. } => (Exit::ApiError, "; the response is over the client's size cap".into()),
            Error::Timeout { .. } => (Exit::ApiError, "; raise --request-timeout to allow longer".into()),
            Error::Transport { .. } => (Exit::ApiError, format!("{source}; check --base-url ({API_URL_ENV}) and the network")),
            Error::Decode { .. } => (Exit::ApiError, format!("{source}; the API answered something this client cannot read")),
            _ => (Exit::ApiError, source),
        };
        Failure {
            exit,
            message: format!("{error}{hint}"),
        }
    }
}

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

/// Writes a command's result, keeping its verdict when the reader has gone: `currents runs
/// wait ID | head -c 10` must still exit with the run's outcome.
pub(crate) fn keeping_the_verdict(written: io::Result<()>) -> Result<(), Stop> {
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
