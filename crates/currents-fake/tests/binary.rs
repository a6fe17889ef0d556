//! The `currents-fake` binary, as a developer runs it.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

use reqwest::StatusCode;

#[tokio::test]
async fn the_binary_serves_demo_runs_behind_the_key_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_currents-fake"))
        .args([
            "--bind",
            "127.0.0.1:0",
            "--demo",
            "6",
            "--seed",
            "3",
            "--api-key",
            "k-123",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start currents-fake");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut banner = String::new();
    for _ in 0..3 {
        stdout
            .read_line(&mut banner)
            .expect("read the start-up lines");
    }
    let base = banner
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .expect("the banner names the URL")
        .to_owned();
    assert!(banner.contains("API key: k-123"), "{banner}");

    // A bounded client: a wrong URL must fail the test, not hang it.
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");
    let url = format!("{base}/runs/find?projectId=api-service");
    let found = http
        .get(&url)
        .bearer_auth("k-123")
        .send()
        .await
        .expect("answer");
    assert_eq!(found.status(), StatusCode::OK);
    let body: serde_json::Value = found.json().await.expect("JSON");
    assert_eq!(body["data"]["projectId"], "api-service");
    let refused = http.get(&url).send().await.expect("answer");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let status = child.wait().expect("the fake exits");
    assert!(status.success(), "clean shutdown on SIGTERM, got {status}");
    let mut rest = String::new();
    stdout.read_line(&mut rest).expect("read the last line");
    assert_eq!(rest.trim(), "currents-fake stopped");
}

#[test]
fn a_bad_data_file_names_the_run_and_field_and_does_not_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("runs.json");
    std::fs::write(&file, r#"[{"runId":"r9","projectId":"p","createdAt":"not a date","completionState":"complete","status":"passed"}]"#)
        .expect("write data");
    let output = Command::new(env!("CARGO_BIN_EXE_currents-fake"))
        .args(["--bind", "127.0.0.1:0", "--data"])
        .arg(&file)
        .output()
        .expect("run currents-fake");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("run 0 (r9): field createdAt is invalid"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing was served");
}
