//! The real `currents` binary against currents-fake, for the commands beyond the Runs page:
//! projects, a project's runs (streamed), metrics, instances, tests and Actions.

use std::{
    io::{BufRead as _, BufReader, Write as _},
    time::{Duration, Instant},
};

mod support;

use chrono::{TimeZone as _, Utc};
use currents_fake::{FakeServer, Fault, Operation, RunFixture};
use serde_json::Value;
use support::{currents, run, stdout};

fn lines(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

/// Project `p`: a passed run on main and a failed one on release/1.x, both with specs.
fn fake() -> FakeServer {
    FakeServer::builder()
        .runs([
            RunFixture::new("a")
                .project("p")
                .status("passed")
                .branch("main")
                .created_hour(8)
                .spec("m1", 0),
            RunFixture::new("b")
                .project("p")
                .status("failed")
                .branch("release/1.x")
                .created_hour(9)
                .spec("m1", 2)
                .spec("m2", 0),
        ])
        .start()
}

const RANGE: [&str; 4] = ["--since", "2026-10-01", "--until", "2026-12-01"];

#[test]
fn projects_list_and_get() {
    let fake = fake();
    let listed = run(&fake, &["projects", "list"]);
    assert!(listed.status.success(), "{listed:?}");
    let projects = lines(&listed);
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0]["projectId"], "p");
    assert!(
        projects[0]["cursor"].is_string(),
        "each line is the item as sent"
    );

    let table = run(&fake, &["projects", "get", "p", "--output", "table"]);
    assert!(
        stdout(&table).starts_with("Project p\nName    p\n"),
        "{}",
        stdout(&table)
    );
    let missing = run(&fake, &["projects", "get", "nope"]);
    assert_eq!(missing.status.code(), Some(4));
}

#[test]
fn runs_list_filters_and_prints_a_table_or_ndjson() {
    let fake = fake();
    let failed = run(
        &fake,
        &["runs", "list", "--project", "p", "--status", "failed"],
    );
    assert!(failed.status.success(), "{failed:?}");
    let runs = lines(&failed);
    assert_eq!(
        runs.iter().map(|r| r["runId"].clone()).collect::<Vec<_>>(),
        ["b"]
    );
    assert_eq!(runs[0]["status"], "FAILED", "as production sends it");

    let table = run(
        &fake,
        &[
            "runs",
            "list",
            "--project",
            "p",
            "--branch",
            "release/*",
            "--output",
            "table",
        ],
    );
    let text = stdout(&table);
    let mut rows = text.lines();
    assert!(
        rows.next().is_some_and(|header| header.starts_with("RUN")),
        "{text}"
    );
    assert!(
        rows.next()
            .is_some_and(|row| row.starts_with("b ") && row.contains("release/1.x")),
        "{text}"
    );
    assert_eq!(rows.next(), None);

    let refused = run(
        &fake,
        &["runs", "list", "--project", "p", "--status", "cancelled"],
    );
    assert_eq!(refused.status.code(), Some(2));
    let bad_time = run(
        &fake,
        &["runs", "list", "--project", "p", "--since", "yesterday-ish"],
    );
    assert_eq!(bad_time.status.code(), Some(2));
    let missing = run(&fake, &["runs", "list", "--project", "nope"]);
    assert_eq!(missing.status.code(), Some(4));
}

/// 1,000 runs, a minute apart.
fn thousand_runs() -> FakeServer {
    let base = Utc
        .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("a valid time");
    FakeServer::builder()
        .runs((0..1_000).map(|n| {
            RunFixture::new(format!("run-{n:04}"))
                .project("p")
                .created_at(base + chrono::Duration::minutes(n))
                .build()
        }))
        .start()
}

/// Runs `currents runs list` with `extra` arguments, reading its lines as they come: the
/// time of the first, the time of the last, and the run ids in order.
fn stream_runs_list(fake: &FakeServer, extra: &[&str]) -> (Duration, Duration, Vec<Value>) {
    let started = Instant::now();
    let args = [&["runs", "list", "--project", "p"][..], extra].concat();
    let mut child = support::spawn(fake, &args);
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("a first line");
    let first_at = started.elapsed();
    let mut ids = vec![serde_json::from_str::<Value>(&first).expect("JSON")["runId"].clone()];
    for line in reader.lines() {
        let line = line.expect("a line");
        ids.push(serde_json::from_str::<Value>(&line).expect("JSON")["runId"].clone());
    }
    let status = child.wait().expect("exit");
    let all_at = started.elapsed();
    assert!(status.success());
    assert_eq!(ids.len(), 1_000);
    assert_eq!(ids[0], "run-0999");
    assert_eq!(ids[999], "run-0000");
    // Every run once, newest first.
    let expected = (0..1_000)
        .rev()
        .map(|n| Value::from(format!("run-{n:04}")))
        .collect::<Vec<_>>();
    assert_eq!(ids, expected);
    (first_at, all_at, ids)
}

/// 1,000 runs in 20 pages walked one after another, the last one held back for two seconds:
/// the first line must be out long before it, and every run must come once, newest first.
#[test]
fn runs_list_streams_a_thousand_runs_before_the_last_page_arrives() {
    let fake = thousand_runs();
    for _ in 0..19 {
        fake.push_fault(Operation::ListProjectRuns, Fault::Delay(Duration::ZERO));
    }
    fake.push_fault(
        Operation::ListProjectRuns,
        Fault::Delay(Duration::from_secs(2)),
    );
    let (first_at, all_at, _) = stream_runs_list(&fake, &["--concurrency", "1"]);
    assert!(
        first_at < Duration::from_millis(1_500) && all_at >= Duration::from_secs(2),
        "first line after {first_at:?}, all after {all_at:?}"
    );
    assert_eq!(fake.request_count(Operation::ListProjectRuns), 20);
    println!(
        "FIGURE runs list: 1000 runs in 20 pages; first line after {first_at:?}, last after {all_at:?}"
    );
}

/// The same list walked in time slices (the default): every page after the first is held
/// back for a second, so the first line must come before any later page has, and the runs in
/// the same order as one page after another.
#[test]
fn runs_list_in_time_slices_prints_in_order_and_starts_before_the_last_page() {
    let fake = thousand_runs();
    fake.push_fault(Operation::ListProjectRuns, Fault::Delay(Duration::ZERO));
    for _ in 0..200 {
        fake.push_fault(
            Operation::ListProjectRuns,
            Fault::Delay(Duration::from_secs(1)),
        );
    }
    let (first_at, all_at, _) = stream_runs_list(&fake, &[]);
    assert!(
        first_at < Duration::from_millis(900) && all_at >= Duration::from_secs(1),
        "first line after {first_at:?}, all after {all_at:?}"
    );
    let requests = fake.request_count(Operation::ListProjectRuns);
    assert!(requests > 20, "{requests} requests: the list was not cut");
    println!(
        "FIGURE runs list in slices: 1000 runs in {requests} requests; first line after {first_at:?}, last after {all_at:?}"
    );
}

#[test]
fn metrics_instances_tests_and_signatures() {
    let fake = fake();
    let files = run(
        &fake,
        &[
            &[
                "spec-files",
                "--project",
                "p",
                "--order",
                "failedExecutions",
            ][..],
            &RANGE,
        ]
        .concat(),
    );
    assert!(files.status.success(), "{files:?}");
    let files = lines(&files);
    assert_eq!(files[0]["spec"], "spec-0.cy.ts");
    assert_eq!(files[0]["metrics"]["failedExecutions"], 1);
    let bad_order = run(
        &fake,
        &[
            &["spec-files", "--project", "p", "--order", "speed"][..],
            &RANGE,
        ]
        .concat(),
    );
    assert_eq!(bad_order.status.code(), Some(2));

    let tests = run(
        &fake,
        &[
            &["tests", "--project", "p", "--order", "failures"][..],
            &RANGE,
        ]
        .concat(),
    );
    let tests = lines(&tests);
    assert_eq!(tests.len(), 6, "three tests in each of the two spec files");
    assert_eq!(tests[0]["metrics"]["failures"], 1);

    let signature = run(
        &fake,
        &[
            "signature",
            "--project",
            "p",
            "--spec",
            "spec-0.cy.ts",
            "--title",
            "spec-0.cy.ts",
            "--title",
            "test 1",
            "--output",
            "table",
        ],
    );
    let signature = stdout(&signature).trim().to_owned();
    assert_eq!(Value::String(signature.clone()), tests[0]["signature"]);
    let results = run(&fake, &[&["test-results", &signature][..], &RANGE].concat());
    let results = lines(&results);
    assert_eq!(
        results
            .iter()
            .map(|r| r["runId"].clone())
            .collect::<Vec<_>>(),
        ["b", "a"]
    );
    assert_eq!(results[0]["status"], "failed");

    let instance = run(&fake, &["instances", "get", "b-i0", "--output", "table"]);
    let text = stdout(&instance);
    assert!(
        text.contains("Tests    3 total: 1 passed, 2 failed"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|line| line.starts_with("failed ") && line.contains("spec-0.cy.ts > test 1")),
        "{text}"
    );
    let json = run(&fake, &["instances", "get", "b-i0"]);
    let instance: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(
        instance["results"]["tests"].as_array().map(Vec::len),
        Some(3)
    );
}

#[test]
fn actions_from_create_to_archive() {
    let fake = fake();
    let body = r#"{"name":"skip flaky login","action":[{"op":"skip"}],
        "matcher":{"op":"AND","cond":[{"type":"titlePath","op":"inc","value":"login"}]}}"#;
    let created = currents(&fake)
        .args(["actions", "create", "--project", "p", "--file", "-"])
        .write_stdin(body)
        .output()
        .expect("create");
    assert!(created.status.success(), "{created:?}");
    let action: Value = serde_json::from_slice(&created.stdout).expect("JSON");
    assert_eq!(action["status"], "active");
    let id = action["actionId"].as_str().expect("an id").to_owned();

    let dir = tempfile::tempdir().expect("temp dir");
    let update = dir.path().join("update.json");
    std::fs::File::create(&update)
        .and_then(|mut file| file.write_all(br#"{"name":"renamed"}"#))
        .expect("write the body");
    let updated = run(
        &fake,
        &[
            "actions",
            "update",
            &id,
            "--file",
            update.to_str().expect("UTF-8 path"),
        ],
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&updated.stdout).expect("JSON")["name"],
        "renamed"
    );

    let disabled = run(&fake, &["actions", "disable", &id]);
    assert_eq!(
        serde_json::from_slice::<Value>(&disabled.stdout).expect("JSON")["status"],
        "disabled"
    );
    let listed = run(
        &fake,
        &[
            "actions",
            "list",
            "--project",
            "p",
            "--status",
            "disabled",
            "--output",
            "table",
        ],
    );
    assert!(
        stdout(&listed).contains(&format!("{id}  disabled  skip")),
        "{}",
        stdout(&listed)
    );
    let enabled = run(&fake, &["actions", "enable", &id]);
    assert_eq!(
        serde_json::from_slice::<Value>(&enabled.stdout).expect("JSON")["status"],
        "active"
    );

    // Not on a terminal and no --yes: refused, and nothing is archived.
    let refused = run(&fake, &["actions", "delete", &id]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        fake.action(&id).map(|a| a.status.to_string()),
        Some("active".into())
    );
    let archived = run(
        &fake,
        &["actions", "delete", &id, "--yes", "--output", "table"],
    );
    assert_eq!(stdout(&archived), format!("Archived action {id}\n"));
    let got = run(&fake, &["actions", "get", &id]);
    assert_eq!(
        serde_json::from_slice::<Value>(&got.stdout).expect("JSON")["status"],
        "archived"
    );

    let bad = currents(&fake)
        .args(["actions", "create", "--project", "p", "--file", "-"])
        .write_stdin(r#"{"name":"x","action":[{"op":"skip"}],"matcher":{"op":"AND","cond":[{"type":"titlePath","op":"inc","value":7}]}}"#)
        .output()
        .expect("create");
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("field matcher.cond[0].value is invalid"),
        "{stderr}"
    );
    assert_eq!(
        fake.request_count(Operation::CreateAction),
        1,
        "the bad body was never sent"
    );
}
