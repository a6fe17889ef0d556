//! What `currents` writes to stderr besides its error line: a line per retry and a heartbeat
//! in a pipe, so that a CI log shows why a command takes long; `-v`'s logs without escape codes
//! in a file; colour as `NO_COLOR` and `CLICOLOR_FORCE` say.

use std::time::{Duration, Instant};

mod support;

use currents_fake::{FakeServer, Fault, Operation, RunFixture};
use support::{currents, stderr};

#[test]
fn a_retried_call_prints_a_line_per_retry() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").spec("m1", 0)])
        .start();
    for _ in 0..2 {
        let fault = Fault::Status {
            status: 503,
            retry_after: None,
        };
        fake.push_fault(Operation::GetRun, fault);
    }
    let output = currents(&fake)
        .args(["runs", "get", "r1"])
        .output()
        .expect("run currents");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = stderr(&output)
        .lines()
        .map(|line| {
            // The wait is random; the rest of the line is not.
            let (before, after) = line.split_once(" in ").expect("a wait");
            let (_, after) = after.split_once(", ").expect("an attempt");
            format!("{before}, {after}")
        })
        .collect::<Vec<_>>();
    assert_eq!(
        lines,
        [
            "retrying after HTTP 503, attempt 2/3",
            "retrying after HTTP 503, attempt 3/3",
        ]
    );
}

#[test]
fn a_wait_in_a_pipe_prints_a_heartbeat() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("w1").status("running")])
        .start();
    let args = [
        "runs",
        "wait",
        "w1",
        "--poll",
        "100ms",
        "--heartbeat",
        "500ms",
    ];
    let child = support::spawn(&fake, &args);
    std::thread::sleep(Duration::from_millis(1_600));
    fake.update_run("w1", |run| {
        run.status = currents::RunStatus::Passed;
        run.completion_state = currents::RunCompletionState::Complete;
    });
    let done = child.wait_with_output().expect("currents exits");
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    let beats = stderr(&done)
        .lines()
        .filter(|line| line.starts_with("waiting for run w1: 0/0 specs done"))
        .count();
    assert!((1..=4).contains(&beats), "{}", stderr(&done));
}

#[test]
fn logs_and_colour_follow_the_stream_and_the_variables() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").spec("m1", 0)])
        .start();
    // (the environment, whether stderr may hold escape codes); stderr is a pipe throughout.
    let cases: [(&[(&str, &str)], bool); 4] = [
        (&[], false),
        (&[("CLICOLOR_FORCE", "1")], true),
        (&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], false),
        (&[("CLICOLOR_FORCE", "0")], false),
    ];
    for (envs, coloured) in cases {
        let started = Instant::now();
        let output = currents(&fake)
            .args(["-v", "runs", "get", "r1"])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .envs(envs.iter().copied())
            .output()
            .expect("run currents");
        assert_eq!(output.status.code(), Some(0), "{envs:?}");
        let logs = stderr(&output);
        assert!(logs.contains("currents.request"), "{envs:?}: {logs}");
        assert_eq!(logs.contains('\x1b'), coloured, "{envs:?}: {logs:?}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
