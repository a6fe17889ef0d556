//! The real `currents` binary against currents-fake serving runs shaped like production
//! answers (`tests/fixtures/production-runs.json`): upper-case values (`COMPLETE`, `FAILED`,
//! `IN_PROGRESS`, `RUNNING`, `FAILING`), a completion state no version knows, and fields the
//! docs do not list.

use std::{
    io::{Read as _, Write as _},
    net::TcpStream,
    path::Path,
    process::Output,
    time::{Duration, Instant},
};

mod support;

use assert_cmd::Command;
use currents::{RunCompletionState, RunStatus};
use currents_fake::{FakeServer, RunFixture, load_runs};
use support::{stderr, stdout};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn production_fake() -> FakeServer {
    let runs = load_runs(&fixture("production-runs.json")).expect("the fixture loads");
    FakeServer::builder().runs(runs).start()
}

/// `currents` as a CI job of project `prod` runs it.
fn currents(fake: &FakeServer) -> Command {
    let mut command = support::currents(fake);
    command.env("CURRENTS_PROJECT_ID", "prod");
    command
}

fn run(fake: &FakeServer, args: &[&str]) -> Output {
    currents(fake).args(args).output().expect("run currents")
}

#[test]
fn wait_on_a_run_in_progress_polls_until_the_deadline() {
    let fake = production_fake();
    for id in ["prod-running", "prod-failing"] {
        let started = Instant::now();
        let waited = run(
            &fake,
            &["runs", "wait", id, "--poll", "100ms", "--timeout", "1s"],
        );
        assert_eq!(waited.status.code(), Some(5), "{id}: {}", stderr(&waited));
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{id} returned early"
        );
        let polls = fake
            .requests()
            .iter()
            .filter(|request| request.path.ends_with(id))
            .count();
        assert!(polls >= 3, "{id}: polled {polls} times");
    }
}

#[test]
fn wait_and_summary_on_a_complete_failed_run_exit_1_at_once() {
    let fake = production_fake();
    let started = Instant::now();
    // A second poll would take 30 s: exiting sooner means the first answer was final.
    let waited = run(&fake, &["runs", "wait", "prod-failed", "--poll", "30s"]);
    assert_eq!(waited.status.code(), Some(1), "{}", stderr(&waited));
    assert!(started.elapsed() < Duration::from_secs(20));
    let summary = run(
        &fake,
        &["runs", "summary", "prod-failed", "--output", "json"],
    );
    assert_eq!(summary.status.code(), Some(1), "{}", stderr(&summary));
    let summary: serde_json::Value = serde_json::from_slice(&summary.stdout).expect("JSON");
    assert_eq!(summary["status"], "FAILED");
    assert_eq!(summary["finished"], true);
    assert_eq!(summary["specs"]["failed"], 2);
}

#[test]
fn find_returns_the_complete_run_and_takes_the_project_from_the_environment() {
    let fake = production_fake();
    let found = run(&fake, &["runs", "find", "--branch", "main"]);
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    let run: serde_json::Value = serde_json::from_slice(&found.stdout).expect("JSON");
    assert_eq!(run["runId"], "prod-failed");
    assert_eq!(run["completionState"], "COMPLETE");
    let sent = fake.requests().pop().expect("a request").query_pairs();
    assert!(
        sent.contains(&("projectId".into(), "prod".into())),
        "{sent:?}"
    );
}

#[test]
fn cancel_of_a_running_or_failing_run_cancels_it() {
    let fake = production_fake();
    for id in ["prod-running", "prod-failing"] {
        let cancelled = run(&fake, &["runs", "cancel", id]);
        assert_eq!(
            cancelled.status.code(),
            Some(0),
            "{id}: {}",
            stderr(&cancelled)
        );
        assert!(
            stdout(&cancelled).contains("\"outcome\": \"cancelled\""),
            "{}",
            stdout(&cancelled)
        );
        let stored = fake.run(id).expect("still there");
        assert_eq!(
            (stored.status, stored.completion_state),
            (RunStatus::Cancelled, RunCompletionState::Cancelled)
        );
    }
}

#[test]
fn reset_failed_resets_the_machines_of_the_failed_specs() {
    let fake = production_fake();
    let reset = run(&fake, &["runs", "reset-failed", "prod-failed"]);
    assert_eq!(reset.status.code(), Some(0), "{}", stderr(&reset));
    let body = fake
        .requests()
        .into_iter()
        .find(|request| request.path.ends_with("/reset"))
        .and_then(|request| request.json())
        .expect("a reset request");
    assert_eq!(
        body["machineId"],
        serde_json::json!(["machine-1", "machine-3"])
    );
    let stored = fake.run("prod-failed").expect("still there");
    let unfinished = stored
        .specs
        .iter()
        .filter(|spec| spec.results.is_none())
        .filter_map(|spec| spec.machine_id.as_deref())
        .collect::<Vec<_>>();
    assert_eq!(unfinished, ["machine-1", "machine-3"]);
    assert_eq!(stored.status, RunStatus::Running);
}

#[test]
fn pw_last_run_writes_the_file_currents_cmd_writes() {
    let fake = production_fake();
    let dir = tempfile::tempdir().expect("a temp dir");
    let found = currents(&fake)
        .current_dir(dir.path())
        .args([
            "runs",
            "find",
            "--ci-build-id",
            "prod-build-7",
            "--pw-last-run",
        ])
        .args(["--last-run-file", "test-results/.last-run.json"])
        .output()
        .expect("run");
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    let written = std::fs::read_to_string(dir.path().join("test-results/.last-run.json"))
        .expect("the file is written, folders included");
    // Recorded from @currents/cmd 1.10.0 against this fake and fixture:
    // `currents api get-run --project-id prod --ci-build-id prod-build-7 --pw-last-run --output F`.
    assert_eq!(written, fixture("production-last-run.json"));
    let mode = std::fs::metadata(dir.path().join("test-results/.last-run.json"))
        .expect("the file's metadata")
        .permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o644,
        "the mode @currents/cmd writes"
    );
    let leftovers = std::fs::read_dir(dir.path().join("test-results"))
        .expect("the folder")
        .count();
    assert_eq!(leftovers, 1, "only the file itself, no temporary file");

    fake.clear_requests();
    let outside = currents(&fake)
        .current_dir(dir.path())
        .args([
            "runs",
            "find",
            "--ci-build-id",
            "prod-build-7",
            "--pw-last-run",
        ])
        .args(["--last-run-file", "../escape.json"])
        .output()
        .expect("run");
    assert_eq!(outside.status.code(), Some(2), "{}", stderr(&outside));
    assert!(
        stderr(&outside).contains("outside the working directory"),
        "{}",
        stderr(&outside)
    );
    assert!(fake.requests().is_empty(), "a refused path sends nothing");
}

#[test]
fn json_output_is_the_data_as_received_byte_for_byte() {
    let fake = production_fake();
    let got = run(&fake, &["runs", "get", "prod-failed", "--output", "json"]);
    assert_eq!(got.status.code(), Some(0), "{}", stderr(&got));
    let answer = raw_get(&fake, "/v1/runs/prod-failed");
    let data = &answer[answer.find(r#""data":"#).expect("a data member") + 7
        ..answer
            .rfind(r#","status":"OK"}"#)
            .expect("the envelope's status")];
    assert_eq!(stdout(&got), format!("{data}\n"));
    for unlisted in [
        r#""undocumentedTopLevel":{"flag":true,"nested":[1.5,"x",null]}"#,
        r#""notInTheDocsEither":{"k":"v"}"#,
        r#""ghaEventData":{"event":"push","headRef":null,"runAttempt":"1"}"#,
    ] {
        assert!(stdout(&got).contains(unlisted), "{unlisted} is missing");
    }
}

#[test]
fn the_table_shows_the_group_fields_production_sends() {
    let fake = production_fake();
    let table = run(&fake, &["runs", "get", "prod-failed", "--output", "table"]);
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    let text = stdout(&table);
    assert!(text.contains("Status    FAILED (COMPLETE)"), "{text}");
    let groups = text
        .lines()
        .skip_while(|line| *line != "Groups")
        .skip(1)
        .take(2)
        .collect::<Vec<_>>();
    assert_eq!(
        groups,
        [
            "GROUP     PLATFORM        SPECS  INSTANCES     TESTS                                 DURATION  COVERAGE  TAGS",
            "chromium  chromium 131.0  3      3/3 complete  9 total: 6 passed, 3 failed, 1 flaky  6m 38s    off       e2e",
        ]
    );
}

#[test]
fn an_unknown_completion_state_is_waited_on_and_named_once() {
    let fake = production_fake();
    // The fake compiles its request schemas on its first request (over a second in a debug
    // build on a busy machine), which this one-second wait must not be charged with.
    support::answer_data(
        &fake,
        &currents::api::operations::GetRun::new("prod-paused"),
    );
    let waited = run(
        &fake,
        &[
            "runs",
            "wait",
            "prod-paused",
            "--poll",
            "100ms",
            "--timeout",
            "1s",
        ],
    );
    assert_eq!(waited.status.code(), Some(5), "{}", stderr(&waited));
    let warnings = stderr(&waited).matches("\"PAUSED\"").count();
    assert_eq!(warnings, 1, "{}", stderr(&waited));
}

#[test]
fn cancel_github_takes_the_workflow_run_from_the_environment() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("g1")
            .project("prod")
            .status("RUNNING")
            .github("9876", 2)])
        .start();
    let cancelled = currents(&fake)
        .env("GITHUB_RUN_ID", "9876")
        .env("GITHUB_RUN_ATTEMPT", "2")
        .args(["runs", "cancel-github"])
        .output()
        .expect("run");
    assert_eq!(cancelled.status.code(), Some(0), "{}", stderr(&cancelled));
    let body = fake
        .requests()
        .pop()
        .and_then(|r| r.json())
        .expect("a JSON body");
    assert_eq!(
        body,
        serde_json::json!({ "githubRunId": "9876", "githubRunAttempt": 2, "projectId": "prod" })
    );
    assert_eq!(
        fake.run("g1").map(|run| run.status),
        Some(RunStatus::Cancelled)
    );
}

/// The answer to a GET, as bytes on the wire (no gzip), from a plain HTTP/1.1 exchange.
fn raw_get(fake: &FakeServer, path: &str) -> String {
    let mut stream = TcpStream::connect(fake.addr()).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        fake.addr(),
        fake.api_key()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .expect("a body")
}
