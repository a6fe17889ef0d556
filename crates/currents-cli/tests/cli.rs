//! The real `currents` binary against currents-fake on loopback: every command, both output
//! formats and every exit code.

use std::{
    process::Command as StdCommand,
    time::{Duration, Instant},
};

mod support;

use assert_cmd::Command;
use currents_fake::{FakeServer, RunFixture, demo::demo_run};
use serde_json::Value;
use support::{BIN, currents, run, stderr};

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// The subcommands a help text lists under `Commands:` (but `help` itself).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        // A command's line starts two spaces in; a wrapped description, further.
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn help_for_every_command_matches_the_snapshots() {
    // Every command the help lists, found by walking the help itself, so that a new command
    // cannot go without its snapshot.
    let mut pending = vec![Vec::<String>::new()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(command) = pending.pop() {
        let mut args = command.clone();
        args.push("--help".to_owned());
        let output = Command::new(BIN)
            .args(&args)
            .env("CURRENTS_API_KEY", "sk-never-shown")
            .env("CURRENTS_API_URL", "http://127.0.0.1:9/v1")
            // Help as an 80-column terminal shows it.
            .env("COLUMNS", "80")
            .output()
            .expect("run");
        assert!(output.status.success(), "{args:?}");
        let help = String::from_utf8(output.stdout).expect("UTF-8 help");
        // Wrapped between words by clap, never by the terminal inside one.
        for line in help.lines() {
            assert!(line.chars().count() <= 80, "{args:?}: {line}");
        }
        let examples = ["\nExamples:\n  $ ", "\nExamples:\n  # body.json"];
        assert!(
            examples.iter().any(|start| help.contains(start)),
            "{args:?}: {help}"
        );
        assert!(
            !help.contains("sk-never-shown"),
            "--help must not echo the key"
        );
        assert!(
            !help.contains("127.0.0.1:9"),
            "--help must not depend on the environment"
        );
        for sub in subcommands(&help) {
            let mut next = command.clone();
            next.push(sub);
            pending.push(next);
        }
        let name = ["help".to_owned()]
            .into_iter()
            .chain(command)
            .collect::<Vec<_>>()
            .join("-");
        insta::assert_snapshot!(name.clone(), help);
        seen.insert(format!("cli__{name}.snap"));
    }
    // A removed command leaves no snapshot behind.
    let snapshots = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"))
        .expect("the snapshots")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("cli__help") && name.ends_with(".snap"))
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(
        snapshots, seen,
        "every help snapshot is a command's, and every command has one"
    );
}

#[test]
fn get_in_table_and_json_and_a_missing_run_exits_4() {
    let demo = demo_run(7, 12);
    let id = demo.run.run_id.clone();
    let fake = FakeServer::builder().runs([demo]).start();

    let table = run(&fake, &["runs", "get", &id, "--output", "table"]);
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    insta::assert_snapshot!(
        "table-demo-run",
        String::from_utf8(table.stdout).expect("UTF-8")
    );

    let json = run(&fake, &["runs", "get", &id]);
    assert_eq!(json.status.code(), Some(0));
    let printed = json_of(&json);
    assert_eq!(printed["runId"], id.as_str());
    assert_eq!(
        printed["specs"].as_array().map(Vec::len),
        Some(12),
        "piped output is the run's JSON"
    );

    let missing = run(&fake, &["runs", "get", "nope"]);
    assert_eq!(missing.status.code(), Some(4));
    assert_eq!(
        stderr(&missing),
        "error: getRun: not found: run not found: 'nope'\n"
    );
}

#[test]
fn find_sends_the_filters_and_a_bad_branch_exits_2_without_a_request() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1")
            .project("p")
            .branch("release/2.x")
            .tags(["nightly", "smoke"])])
        .start();
    let found = currents(&fake)
        .args([
            "runs",
            "find",
            "--project",
            "p",
            "--branch",
            "release/*",
            "--tag",
            "nightly",
            "--tag",
            "smoke",
        ])
        .args(["--pw-last-run"])
        .output()
        .expect("run");
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    assert_eq!(json_of(&found)["runId"], "r1");
    let query = fake.requests().pop().expect("a request").query_pairs();
    assert!(
        query.contains(&("tags[]".into(), "smoke".into()))
            && query.contains(&("pwLastRun".into(), "true".into()))
    );

    let table = run(
        &fake,
        &["runs", "find", "--project", "p", "--output", "table"],
    );
    assert!(String::from_utf8_lossy(&table.stdout).starts_with("Run       r1\n"));
    let by_build = run(
        &fake,
        &[
            "runs",
            "find",
            "--project",
            "p",
            "--ci-build-id",
            "build-r1",
        ],
    );
    assert_eq!(json_of(&by_build)["runId"], "r1");

    fake.clear_requests();
    let bad = run(
        &fake,
        &["runs", "find", "--project", "P", "--branch", "bad branch"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        stderr(&bad),
        "error: invalid input: branch filter 'bad branch': character ' ' at position 4 is not allowed\n"
    );
    assert!(
        fake.requests().is_empty(),
        "no request may arrive: {:?}",
        fake.requests()
    );
}

#[test]
fn cancel_reports_already_cancelled_as_success() {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("r1").status("running"),
            RunFixture::new("g1")
                .project("p")
                .status("running")
                .github("4242", 3),
        ])
        .start();
    let first = run(&fake, &["runs", "cancel", "r1"]);
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(json_of(&first)["outcome"], "cancelled");
    let again = run(&fake, &["runs", "cancel", "r1", "--output", "table"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("Run r1 was already cancelled"));

    let github = currents(&fake)
        .args([
            "runs",
            "cancel-github",
            "--github-run-id",
            "4242",
            "--attempt",
            "3",
            "--project",
            "p",
        ])
        .args(["--ci-build-id", "build-g1"])
        .output()
        .expect("run");
    assert_eq!(github.status.code(), Some(0), "{}", stderr(&github));
    assert_eq!(json_of(&github)["runId"], "g1");
    // A parallel job cancelling the same workflow run is told so, and it is not an error.
    let again = run(
        &fake,
        &[
            "runs",
            "cancel-github",
            "--github-run-id",
            "4242",
            "--attempt",
            "3",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(json_of(&again)["outcome"], "alreadyCancelled");
    let none = run(
        &fake,
        &[
            "runs",
            "cancel-github",
            "--github-run-id",
            "4243",
            "--attempt",
            "3",
        ],
    );
    assert_eq!(none.status.code(), Some(4));
}

#[test]
fn reset_batches_any_number_of_machines_and_reset_failed_finds_them() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1")
            .status("failed")
            .spec("m1", 2)
            .spec("m2", 0)])
        .start();
    let mut command = currents(&fake);
    command.args(["runs", "reset", "r1"]);
    for n in 0..70 {
        command.args(["--machine", &format!("x{n}")]);
    }
    let reset = command.output().expect("run");
    assert_eq!(reset.status.code(), Some(0), "{}", stderr(&reset));
    assert_eq!(json_of(&reset)["batches"].as_array().map(Vec::len), Some(2));
    assert_eq!(fake.requests().len(), 2);

    let failed = run(&fake, &["runs", "reset-failed", "r1", "--output", "table"]);
    assert_eq!(failed.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&failed.stdout).contains("batch 1: 1 machine(s): ok"),
        "{failed:?}"
    );
    assert!(
        fake.run("r1")
            .is_some_and(|run| run.specs[0].results.is_none())
    );
}

#[test]
fn delete_needs_yes_when_not_on_a_terminal() {
    let fake = FakeServer::builder().runs([RunFixture::new("r1")]).start();
    let refused = currents(&fake)
        .args(["runs", "delete", "r1"])
        .write_stdin("y\n")
        .output()
        .expect("run");
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("without --yes"));
    assert!(fake.requests().is_empty());
    let deleted = run(
        &fake,
        &["runs", "delete", "r1", "--yes", "--output", "table"],
    );
    assert_eq!(deleted.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&deleted.stdout), "Deleted run r1\n");
    assert_eq!(run(&fake, &["runs", "get", "r1"]).status.code(), Some(4));
}

#[test]
fn wait_exits_0_when_the_run_passes_and_5_at_the_deadline() {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("w1").status("running"),
            RunFixture::new("w2").status("running"),
        ])
        .start();
    let args = ["runs", "wait", "w1", "--poll", "30ms", "--timeout", "20s"];
    let child = support::spawn(&fake, &args);
    let started = Instant::now();
    while fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/w1"))
        .count()
        < 2
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    fake.update_run("w1", |run| {
        run.status = currents::RunStatus::Passed;
        run.completion_state = currents::RunCompletionState::Complete;
    });
    let done = child.wait_with_output().expect("currents exits");
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    // The run as the API sent it: in production's spelling.
    assert_eq!(json_of(&done)["status"], "PASSED");
    assert!(
        done.stderr.is_empty(),
        "no progress line when stderr is not a terminal"
    );

    let deadline = run(
        &fake,
        &["runs", "wait", "w2", "--poll", "50ms", "--timeout", "300ms"],
    );
    assert_eq!(deadline.status.code(), Some(5));
    assert!(
        stderr(&deadline).contains("was still RUNNING after waiting"),
        "{}",
        stderr(&deadline)
    );

    fake.update_run("w2", |run| {
        run.status = currents::RunStatus::Failed;
        run.completion_state = currents::RunCompletionState::Complete;
    });
    let failed = run(&fake, &["runs", "wait", "w2", "--poll", "50ms"]);
    assert_eq!(failed.status.code(), Some(1));
}

#[test]
fn summary_exits_by_outcome_in_both_formats() {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("ok").spec("m1", 0),
            RunFixture::new("bad")
                .status("failed")
                .spec("m1", 2)
                .spec("m2", 0),
        ])
        .start();
    let passed = run(&fake, &["runs", "summary", "ok"]);
    assert_eq!(passed.status.code(), Some(0));
    assert_eq!(json_of(&passed)["tests"]["passed"], 3);
    let failed = run(&fake, &["runs", "summary", "bad"]);
    assert_eq!(failed.status.code(), Some(1));
    let summary = json_of(&failed);
    assert_eq!(
        (
            summary["tests"]["failed"].as_i64(),
            summary["failedSpecs"].as_array().map(Vec::len)
        ),
        (Some(2), Some(1))
    );
    let table = run(&fake, &["runs", "summary", "bad", "--output", "table"]);
    assert_eq!(table.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&table.stdout).contains("Failed specs\n"));
}

#[test]
fn api_and_transport_errors_exit_3_with_a_hint() {
    let fake = FakeServer::builder().runs([RunFixture::new("r1")]).start();
    let unauthorized = currents(&fake)
        .env("CURRENTS_API_KEY", "wrong")
        .args(["runs", "get", "r1"])
        .output()
        .expect("run");
    assert_eq!(unauthorized.status.code(), Some(3));
    assert!(
        stderr(&unauthorized)
            .trim_end()
            .ends_with("check CURRENTS_API_KEY (or --api-key)")
    );
    let unreachable = currents(&fake)
        .env("CURRENTS_API_URL", "http://127.0.0.1:9/v1")
        .args(["runs", "get", "r1"])
        .output()
        .expect("run");
    assert_eq!(unreachable.status.code(), Some(3));
    // A line for each retry of the refused connection, then the error's one line.
    let lines = stderr(&unreachable)
        .lines()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let (error, retries) = lines.split_last().expect("an error line");
    assert!(error.contains("check --base-url"), "{lines:?}");
    assert_eq!(retries.len(), 2, "{lines:?}");
    assert!(
        retries
            .iter()
            .all(|line| line.starts_with("retrying after transport error (connect)")),
        "{lines:?}"
    );
    let no_key = Command::new(BIN)
        .env_remove("CURRENTS_API_KEY")
        .args(["runs", "get", "r1"])
        .output()
        .expect("run");
    assert_eq!(no_key.status.code(), Some(2));
    let insecure = currents(&fake)
        .env("CURRENTS_API_URL", "http://example.com/v1")
        .args(["runs", "get", "r1"])
        .output()
        .expect("run");
    assert_eq!(insecure.status.code(), Some(2));
}

#[test]
fn piping_into_head_does_not_panic() {
    let demo = demo_run(2, 2_200);
    let id = demo.run.run_id.clone();
    let fake = FakeServer::builder().runs([demo]).start();
    let script =
        format!("'{BIN}' runs get {id} | head -c 10; echo \" status=${{PIPESTATUS[0]}}\" >&2");
    let output = StdCommand::new("bash")
        .args(["-c", &script])
        .env("CURRENTS_API_KEY", fake.api_key())
        .env("CURRENTS_API_URL", fake.base_url())
        .output()
        .expect("run bash");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "{\"completi");
    let stderr = stderr(&output);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim(), "status=0");
}

#[test]
fn completions_and_verbose_logs_never_show_the_key() {
    let bash = Command::new(BIN)
        .args(["completions", "bash"])
        .output()
        .expect("run");
    assert_eq!(bash.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&bash.stdout).contains("_currents()"));

    let fake = FakeServer::builder().runs([RunFixture::new("r1")]).start();
    let verbose = run(&fake, &["-vv", "runs", "get", "r1"]);
    assert_eq!(verbose.status.code(), Some(0));
    let stderr = stderr(&verbose);
    assert!(
        stderr.contains("currents.request"),
        "-vv logs the request span: {stderr}"
    );
    assert!(
        !stderr.contains(fake.api_key())
            && !String::from_utf8_lossy(&verbose.stdout).contains(fake.api_key())
    );
}
