//! What the tests of the `currents` binary share: the binary, a command pointed at a fake, and
//! its output as text.

// Each test binary uses a part of this.
#![allow(dead_code)]

use std::{process::Output, time::Duration};

use assert_cmd::Command;
use currents::api::operations::Request;
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
        // Absolute times are shown in the local time zone.
        .env("TZ", "UTC")
        .timeout(Duration::from_secs(60));
    command
}

/// Starts `currents` with `args` against the fake, its stdout and stderr piped, and returns
/// at once: for a command that runs while the test changes the fake.
pub(crate) fn spawn(fake: &FakeServer, args: &[&str]) -> std::process::Child {
    std::process::Command::new(BIN)
        .args(args)
        .env("CURRENTS_API_KEY", fake.api_key())
        .env("CURRENTS_API_URL", fake.base_url())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start currents")
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

/// The `data` of the fake's answer to `request` (a GET), fetched directly: what the CLI's JSON
/// output must equal.
pub(crate) fn answer_data(fake: &FakeServer, request: &impl Request) -> serde_json::Value {
    let url = format!("{}/{}", fake.base_url(), request.path_segments().join("/"));
    let body = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(async {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(fake.api_key())
                .send()
                .await?
                .error_for_status()?
                .bytes()
                .await
        })
        .expect("the fake answers");
    let answer: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    answer["data"].clone()
}
