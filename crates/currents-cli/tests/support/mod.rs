//! What the tests of the `currents` binary share: the binary, a command pointed at a fake, and
//! its output as text.

// Each test binary uses a part of this.
#![allow(dead_code)]

use std::{process::Output, time::Duration};

use assert_cmd::Command;
use currents_fake::FakeServer;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_currents");

/// `currents` with the fake's key and URL, and none of a CI job's own settings.
pub(crate) fn currents(fake: &FakeServer) -> Command {
    let mut command = Command::new(BIN);
    command
        .env("CURRENTS_API_KEY", fake.api_key())
        .env("CURRENTS_API_URL", fake.base_url())
        // A CI job's own environment must not steer the commands under test.
        .env_remove("RUST_LOG")
        .env_remove("CURRENTS_PROJECT_ID")
        .env_remove("GITHUB_RUN_ID")
        .env_remove("GITHUB_RUN_ATTEMPT")
        .timeout(Duration::from_secs(60));
    command
}

/// Runs `currents` with `args` against the fake and waits for it.
pub(crate) fn run(fake: &FakeServer, args: &[&str]) -> Output {
    currents(fake).args(args).output().expect("run currents")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
