//! What goes to stderr besides errors: `-v`'s logs, and at the default verbosity one line for
//! each retry, so that a CI log shows why a call took long.

use std::{
    fmt::{self, Write as _},
    io::{self, IsTerminal as _},
};

use tracing::{
    Event, Subscriber,
    field::{Field, Visit},
};
use tracing_subscriber::{
    EnvFilter, Layer, filter::Targets, layer::Context, prelude::*, registry::Registry,
};

use crate::terminal;

/// `-v` logs the client's requests, `-vv` everything; with neither, a line per retry.
pub(crate) fn init(verbose: u8, max_attempts: u32) {
    let filter = match verbose {
        0 => {
            let retries = RetryLines { max_attempts }
                .with_filter(Targets::new().with_target("currents::retry", tracing::Level::INFO));
            Registry::default().with(retries).init();
            return;
        }
        1 => "currents=debug",
        _ => "trace",
    };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(io::stderr)
        .with_ansi(colour(io::stderr().is_terminal()))
        .with_target(false)
        .init();
}

/// Whether to colour a stream: never with `NO_COLOR`, always with `CLICOLOR_FORCE`, else only
/// on a terminal (<https://no-color.org>, <https://bixense.com/clicolors/>).
pub(crate) fn colour(is_terminal: bool) -> bool {
    let set = |name| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    if std::env::var_os("CLICOLOR_FORCE").is_some_and(|value| !value.is_empty() && value != "0") {
        return true;
    }
    is_terminal
}

/// Prints `retrying after 503 Service Unavailable in 1.2s, attempt 2/3` for each of the
/// client's retry events, and why a retry was not made.
struct RetryLines {
    max_attempts: u32,
}

impl<S: Subscriber> Layer<S> for RetryLines {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = RetryFields::default();
        event.record(&mut fields);
        let line = match fields.message.as_str() {
            "retrying" => format!(
                "retrying after {} in {:.1}s, attempt {}/{}",
                fields.reason,
                fields.wait_ms as f64 / 1000.0,
                fields.attempt + 1,
                self.max_attempts
            ),
            other => format!("{other} (after {})", fields.reason),
        };
        // The reason may quote the server.
        eprintln!("{}", terminal::safe(&line));
    }
}

#[derive(Default)]
struct RetryFields {
    message: String,
    reason: String,
    attempt: u64,
    wait_ms: u64,
}

impl Visit for RetryFields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = value,
            "wait_ms" => self.wait_ms = value,
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let target = match field.name() {
            "message" => &mut self.message,
            "reason" => &mut self.reason,
            _ => return,
        };
        target.clear();
        let _ = write!(target, "{value:?}");
    }
}
