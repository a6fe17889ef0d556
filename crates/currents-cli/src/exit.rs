//! Exit codes, and the one line on stderr that says what failed and what to do.

use std::process::ExitCode;

use currents::{API_KEY_ENV, API_URL_ENV, Error, SizeLimit};

/// How the command ended. The codes are listed in `--help` ([`crate::cli::EXIT_CODES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Success = 0,
    RunNotPassed = 1,
    InvalidInput = 2,
    ApiError = 3,
    NotFound = 4,
    WaitDeadline = 5,
}

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
