//! Exit codes that never lie: one meaning each, listed once (`--help`, held to the README), a
//! verdict kept when the reader closes the pipe, and a base URL without `/v1` named as such.

use std::process::{Command as StdCommand, Stdio};

mod support;

use currents_fake::{FakeServer, RunFixture, demo::demo_run};
use support::{BIN, currents, run, stderr};

/// `bash -o pipefail -c 'currents ARGS | head -c 10'` against the fake: the pipeline's status.
fn piped_to_head(fake: &FakeServer, args: &str) -> Option<i32> {
    let script = format!("set -o pipefail; '{BIN}' {args} | head -c 10 >/dev/null");
    StdCommand::new("bash")
        .args(["-c", &script])
        .env("CURRENTS_API_KEY", fake.api_key())
        .env("CURRENTS_API_URL", fake.base_url())
        .stderr(Stdio::null())
        .status()
        .expect("run bash")
        .code()
}

/// A run whose JSON (about 1.2 MB) is far more than a pipe holds, so that the write meets the
/// closed pipe.
fn large_run(id: &str, status: currents::RunStatus) -> currents_fake::FakeRun {
    let mut run = demo_run(7, 2_000);
    run.run.run_id = id.to_owned();
    run.run.status = status;
    run.run.completion_state = currents::RunCompletionState::Complete;
    run
}

#[test]
fn a_closed_pipe_keeps_the_verdict() {
    let fake = FakeServer::builder()
        .runs([
            large_run("passed", currents::RunStatus::Passed),
            large_run("failed", currents::RunStatus::Failed),
        ])
        .start();
    // (arguments, the exit code under pipefail)
    let cases = [
        ("runs wait passed --poll 50ms", 0),
        ("runs wait failed --poll 50ms", 1),
        ("runs summary passed --output table", 0),
        ("runs summary failed", 1),
        ("runs get failed", 0),
        ("completions zsh", 0),
        ("completions bash", 0),
    ];
    for (args, code) in cases {
        assert_eq!(piped_to_head(&fake, args), Some(code), "{args}");
    }
}

/// Arguments, extra environment, the exit code, and what stderr says.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], i32, &'a str);

#[test]
fn each_outcome_has_its_own_code() {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("done").spec("m1", 0),
            RunFixture::new("going").status("running"),
            RunFixture::new("bad").status("failed").spec("m1", 2),
        ])
        .start();
    let without_v1 = fake.base_url().trim_end_matches("/v1").to_owned();
    let cases: [Case; 9] = [
        (&["runs", "summary", "done"], &[], 0, ""),
        (&["runs", "summary", "bad"], &[], 1, ""),
        (&["runs", "summary", "going"], &[], 6, ""),
        (&["runs", "get", "missing"], &[], 4, "not found"),
        (
            &["runs", "get", "done", "--base-url", &without_v1],
            &[],
            7,
            "does not end in /v1",
        ),
        (
            &["runs", "get", "done"],
            &[("CURRENTS_API_KEY", "")],
            2,
            "the API key is empty",
        ),
        (
            &["runs", "get", "done"],
            &[("CURRENTS_API_KEY", "   ")],
            2,
            "the API key is empty",
        ),
        // Usage lines leave out what a CI job sets in its environment; missing, it is named.
        (
            &["signature", "--spec", "a.cy.ts", "--title", "t"],
            &[],
            2,
            "--project is missing: pass it, or set CURRENTS_PROJECT_ID",
        ),
        (
            &["runs", "cancel-github", "--attempt", "1"],
            &[],
            2,
            "--github-run-id is missing: pass it, or set GITHUB_RUN_ID",
        ),
    ];
    for (args, envs, code, says) in cases {
        let output = currents(&fake)
            .args(args)
            .envs(envs.iter().copied())
            .output()
            .expect("run currents");
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn help_lists_every_code_once_and_the_readme_agrees() {
    let fake = FakeServer::start();
    let help = support::stdout(&run(&fake, &["--help"]));
    let listed = help
        .lines()
        .skip_while(|line| *line != "Exit codes:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .map(|line| {
            let (code, meaning) = line.trim().split_once("  ").expect("a code and a meaning");
            (code.to_owned(), meaning.trim().to_owned())
        })
        .collect::<Vec<_>>();
    assert_eq!(listed.len(), 8, "{help}");
    let readme = include_str!("../../../README.md");
    let table = readme
        .lines()
        .skip_while(|line| *line != "| exit code | meaning |")
        .skip(2)
        .take_while(|line| line.starts_with("| "))
        .map(|line| {
            let cells = line.trim_matches('|').split(" | ").collect::<Vec<_>>();
            (cells[0].trim().to_owned(), cells[1].trim().to_owned())
        })
        .collect::<Vec<_>>();
    assert_eq!(table, listed, "the README's exit codes differ from --help");
}
