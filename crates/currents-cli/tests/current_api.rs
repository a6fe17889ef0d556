//! The real `currents` binary against currents-fake, for the operations published since
//! January 2026: webhooks (and a receiver that gets their deliveries), the errors explorer,
//! affected tests, failure context, PR cards, terms, Jira, and `currents api`.

use std::{
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::TcpListener,
    sync::mpsc,
    thread,
    time::Duration,
};

mod support;

use chrono::Utc;
use currents_fake::{FakeServer, JIRA_INSTALLATION_ID, Operation, RunFixture};
use serde_json::{Value, json};
use support::{currents, run, stderr, stdout};

/// Project `p` as in the facade's tests: pull requests 12 and 13, one failed run on
/// feature/x tagged nightly; project `many` has 120 runs, for lists of several pages.
fn fake() -> FakeServer {
    let ago = |minutes: i64| Utc::now() - chrono::Duration::minutes(minutes);
    let many = (0..120).map(|n| {
        RunFixture::new(format!("m{n:03}"))
            .project("many")
            .created_at(ago(60 + n))
    });
    FakeServer::builder()
        .runs(
            [
                RunFixture::new("done")
                    .project("p")
                    .created_at(ago(2880))
                    .spec("m1", 0)
                    .pull_request("12"),
                RunFixture::new("failed")
                    .project("p")
                    .status("failed")
                    .branch("feature/x")
                    .tags(["nightly"])
                    .created_at(ago(1440))
                    .spec("m1", 2)
                    .spec("m2", 0)
                    .pull_request("12"),
                RunFixture::new("other")
                    .project("p")
                    .created_at(ago(1800))
                    .spec("m1", 0)
                    .pull_request("13"),
            ]
            .into_iter()
            .chain(many),
        )
        .start()
}

fn lines(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

fn json_of(output: &std::process::Output) -> Value {
    assert!(output.status.success(), "{output:?}");
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

/// `currents ARGS` with `body` on stdin.
fn with_stdin(fake: &FakeServer, args: &[&str], body: &Value) -> std::process::Output {
    currents(fake)
        .args(args)
        .write_stdin(body.to_string())
        .output()
        .expect("run currents")
}

/// A receiver on loopback: each request's head and body, answered 200.
fn receiver() -> (String, mpsc::Receiver<(String, Value)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let (sent, received) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(n) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = n.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = reader
                .get_mut()
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            let _ = sent.send((head, serde_json::from_slice(&body).unwrap_or_default()));
        }
    });
    (url, received)
}

#[test]
fn webhooks_are_created_listed_updated_and_deleted() {
    let fake = fake();
    let created = with_stdin(
        &fake,
        &["webhooks", "create", "--project", "p", "--file", "-"],
        &json!({ "url": "http://127.0.0.1:9/hook", "hookEvents": ["RUN_FINISH"], "label": "ci" }),
    );
    let hook = json_of(&created);
    let id = hook["hookId"].as_str().expect("an id").to_owned();

    let listed = run(&fake, &["webhooks", "list", "--project", "p"]);
    assert_eq!(
        lines(&listed)
            .iter()
            .map(|h| h["hookId"].clone())
            .collect::<Vec<_>>(),
        [json!(id)]
    );

    let updated = with_stdin(
        &fake,
        &["webhooks", "update", &id, "--file", "-"],
        &json!({ "hookEvents": ["RUN_START", "RUN_CANCELED"] }),
    );
    assert_eq!(
        json_of(&updated)["hookEvents"],
        json!(["RUN_START", "RUN_CANCELED"])
    );
    let table = run(&fake, &["webhooks", "get", &id, "--output", "table"]);
    assert!(
        stdout(&table).contains("RUN_START,RUN_CANCELED"),
        "{}",
        stdout(&table)
    );

    let refused = run(&fake, &["webhooks", "delete", &id]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "no --yes off a terminal: {refused:?}"
    );
    let deleted = run(&fake, &["webhooks", "delete", &id, "--yes"]);
    assert!(deleted.status.success(), "{deleted:?}");
    let gone = run(&fake, &["webhooks", "get", &id]);
    assert_eq!(gone.status.code(), Some(4), "{gone:?}");
    // Deleting is safe to repeat: a hook that is gone counts as deleted.
    let again = run(&fake, &["webhooks", "delete", &id, "--yes"]);
    assert!(again.status.success(), "{again:?}");
}

#[test]
fn webhooks_ensure_leaves_one_hook_for_a_url() {
    let fake = fake();
    let ensure = |events: Value| {
        let body = json!({ "url": "http://127.0.0.1:9/receiver", "hookEvents": events });
        let args = ["webhooks", "ensure", "-p", "p", "--file", "-"];
        json_of(&with_stdin(&fake, &args, &body))
    };
    let first = ensure(json!(["RUN_FINISH"]));
    let again = ensure(json!(["RUN_FINISH"]));
    let changed = ensure(json!(["RUN_CANCELED"]));
    assert_eq!(first["hookId"], again["hookId"]);
    assert_eq!(first["hookId"], changed["hookId"]);
    let listed = lines(&run(&fake, &["webhooks", "list", "-p", "p"]));
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["hookEvents"], json!(["RUN_CANCELED"]));
}

#[test]
fn bad_webhook_input_exits_2_and_sends_nothing() {
    let fake = fake();
    let long = format!("http://127.0.0.1:9/{}", "a".repeat(2048));
    let cases = [
        ("a URL over 2048 characters", json!({ "url": long })),
        (
            "headers that are not a JSON string",
            json!({ "url": "http://127.0.0.1:9/", "headers": { "A": "b" } }),
        ),
        (
            "headers that are not a JSON object",
            json!({ "url": "http://127.0.0.1:9/", "headers": "A: b" }),
        ),
        (
            "an event the spec does not list",
            json!({ "url": "http://127.0.0.1:9/", "hookEvents": ["RUN_EXPLODED"] }),
        ),
    ];
    for (case, body) in cases {
        let output = with_stdin(
            &fake,
            &["webhooks", "create", "--project", "p", "--file", "-"],
            &body,
        );
        assert_eq!(output.status.code(), Some(2), "{case}: {}", stderr(&output));
    }
    let empty = with_stdin(
        &fake,
        &[
            "webhooks",
            "update",
            "6b0fcbfa-0001-4001-8000-000000000001",
            "--file",
            "-",
        ],
        &json!({}),
    );
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
    assert_eq!(
        fake.request_count(Operation::CreateWebhook) + fake.request_count(Operation::UpdateWebhook),
        0
    );
}

#[test]
fn a_receiver_gets_run_finish_when_a_reset_run_finishes() {
    let fake = fake();
    let (url, received) = receiver();
    let body =
        json!({ "url": url, "hookEvents": ["RUN_FINISH"], "headers": "{\"X-Token\":\"abc\"}" });
    let created = with_stdin(
        &fake,
        &["webhooks", "create", "--project", "p", "--file", "-"],
        &body,
    );
    assert!(created.status.success(), "{created:?}");

    let reset = run(&fake, &["runs", "reset-failed", "failed"]);
    assert!(reset.status.success(), "{reset:?}");
    // RUN_START is not subscribed to: nothing arrives until the run finishes again.
    assert!(received.recv_timeout(Duration::from_millis(300)).is_err());
    fake.update_run("failed", |run| {
        run.status = currents::RunStatus::Passed;
        run.completion_state = currents::RunCompletionState::Complete;
    });
    let (head, payload) = received
        .recv_timeout(Duration::from_secs(10))
        .expect("a delivery");
    assert!(head.starts_with("POST /hook "), "{head}");
    assert!(head.to_ascii_lowercase().contains("x-token: abc"), "{head}");
    assert_eq!(payload["event"], "RUN_FINISH");
    assert_eq!(payload["runUrl"], "https://app.currents.dev/run/failed");
    for field in [
        "overall", "passes", "failures", "pending", "skipped", "retries", "flaky",
    ] {
        assert!(payload[field].is_number(), "{field}: {payload}");
    }
}

#[test]
fn the_errors_explorer_over_90_days() {
    let fake = fake();
    let output = run(
        &fake,
        &[
            "errors",
            "--project",
            "p",
            "--since",
            "90d",
            "--group-by",
            "message",
        ],
    );
    let errors = lines(&output);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["count"], 2);
    let table = run(
        &fake,
        &[
            "errors",
            "--project",
            "p",
            "--since",
            "90d",
            "--output",
            "table",
        ],
    );
    let text = stdout(&table);
    assert!(text.starts_with("COUNT"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "the runner's colours do not reach the terminal: {text:?}"
    );
    let bad = run(&fake, &["errors", "--project", "p", "--group-by", "colour"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn affected_tests_after_creating_a_quarantine_action() {
    let fake = fake();
    let action = json!({ "name": "quarantine spec 0", "action": [{ "op": "quarantine" }],
        "matcher": { "op": "AND", "cond": [{ "type": "file", "op": "eq", "value": "spec-0.cy.ts" }] } });
    let created = with_stdin(
        &fake,
        &["actions", "create", "--project", "p", "--file", "-"],
        &action,
    );
    let action_id = json_of(&created)["actionId"]
        .as_str()
        .expect("an id")
        .to_owned();
    fake.insert(
        RunFixture::new("after")
            .project("p")
            .status("failed")
            .created_at(Utc::now())
            .spec("m1", 1),
    );

    let tests = lines(&run(
        &fake,
        &["actions", "tests", "--project", "p", "--since", "1d"],
    ));
    assert_eq!(tests.len(), 3, "{tests:?}");
    assert!(
        tests
            .iter()
            .all(|test| test["actions"][0]["actionId"] == action_id.as_str())
    );
    let executions = lines(&run(
        &fake,
        &[
            "actions",
            "executions",
            "--action",
            &action_id,
            "--since",
            "1d",
        ],
    ));
    assert_eq!(executions.len(), 3);
    let signature = tests[0]["signature"].as_str().expect("a signature");
    let one = lines(&run(
        &fake,
        &[
            "actions",
            "executions",
            "--signature",
            signature,
            "--project",
            "p",
            "--since",
            "1d",
        ],
    ));
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["runId"], "after");
}

#[test]
fn context_of_a_failed_test_in_json_and_markdown() {
    let fake = fake();
    let run_level = json_of(&run(&fake, &["context", "--run", "failed"]));
    assert_eq!(run_level["level"], "run");
    let test_id = run_level["list"][0]["testId"]
        .as_str()
        .expect("a test")
        .to_owned();

    let test = json_of(&run(
        &fake,
        &["context", "--instance", "failed-i0", "--test", &test_id],
    ));
    assert_eq!(
        (test["level"].as_str(), test["testId"].as_str()),
        (Some("test"), Some(test_id.as_str()))
    );
    let markdown = run(
        &fake,
        &[
            "context",
            "--instance",
            "failed-i0",
            "--test",
            &test_id,
            "--format",
            "md",
        ],
    );
    assert!(markdown.status.success(), "{markdown:?}");
    let text = stdout(&markdown);
    assert!(text.starts_with("# Failure context: test"), "{text}");
    // Piped, the Markdown is as the server rendered it, the runner's colours included.
    assert!(text.contains("\u{1b}[31m"), "{text:?}");
    let table = run(
        &fake,
        &[
            "context", "--run", "failed", "--format", "md", "--output", "table",
        ],
    );
    assert!(
        !stdout(&table).contains('\u{1b}'),
        "for a person, no escape reaches the terminal"
    );

    let neither = run(&fake, &["context", "--test", "t"]);
    assert_eq!(neither.status.code(), Some(2), "{neither:?}");
}

#[test]
fn pull_request_cards_and_terms() {
    let fake = fake();
    let cards = lines(&run(&fake, &["prs", "--project", "p"]));
    let ids = cards
        .iter()
        .map(|card| (card["pr"]["id"].clone(), card["runCount"].clone()))
        .collect::<Vec<_>>();
    assert_eq!(ids, [(json!("12"), json!(2)), (json!("13"), json!(1))]);
    let branches = lines(&run(&fake, &["terms", "branch", "--project", "p"]));
    assert_eq!(
        branches
            .iter()
            .map(|t| t["value"].clone())
            .collect::<Vec<_>>(),
        [json!("feature/x"), json!("main")]
    );
    let tags = lines(&run(&fake, &["terms", "tag", "--project", "p"]));
    assert_eq!(tags.len(), 1);
    let unknown = run(&fake, &["terms", "colour", "--project", "p"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn a_jira_issue_is_created_and_linked() {
    let fake = fake();
    let projects = lines(&run(
        &fake,
        &["jira", "projects", "--installation", JIRA_INSTALLATION_ID],
    ));
    let jira_project = projects[0]["id"].as_str().expect("an id").to_owned();
    let types = lines(&run(
        &fake,
        &[
            "jira",
            "issue-types",
            "--installation",
            JIRA_INSTALLATION_ID,
            "--jira-project",
            &jira_project,
        ],
    ));
    let issue_type = types[0]["id"].as_str().expect("an id").to_owned();
    let failed = json_of(&run(&fake, &["context", "--run", "failed"]));
    let test = |n: usize| {
        failed["list"][n]["testId"]
            .as_str()
            .expect("a test")
            .to_owned()
    };
    let body = |test_id: String| {
        json!({ "runId": "failed", "testId": test_id,
        "jiraInstallationId": JIRA_INSTALLATION_ID, "jiraProjectId": jira_project, "jiraIssueType": issue_type })
    };

    let created = json_of(&with_stdin(
        &fake,
        &["jira", "create", "--project", "p", "--file", "-"],
        &body(test(0)),
    ));
    let key = created["issueKey"].as_str().expect("a key").to_owned();
    let linked = with_stdin(
        &fake,
        &["jira", "link", &key, "--project", "p", "--file", "-"],
        &body(test(1)),
    );
    assert!(linked.status.success(), "{linked:?}");
    assert_eq!(
        fake.jira_issue_tests(&key).map(|tests| tests.len()),
        Some(2)
    );
    let mut alone = body(test(1));
    alone["includeContextInComment"] = json!(false);
    let refused = with_stdin(
        &fake,
        &["jira", "link", &key, "--project", "p", "--file", "-"],
        &alone,
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
}

#[test]
fn api_get_prints_the_answer_and_paginate_yields_what_runs_list_yields() {
    let fake = fake();
    let answer = json_of(&run(&fake, &["api", "projects"]));
    assert_eq!(answer["status"], "OK");
    assert!(
        answer["data"]
            .as_array()
            .is_some_and(|projects| projects.len() == 2),
        "{answer}"
    );

    let ids = |output: &std::process::Output| {
        assert!(output.status.success(), "{output:?}");
        lines(output)
            .iter()
            .map(|run| run["runId"].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    let paginated = ids(&run(&fake, &["api", "/projects/many/runs", "--paginate"]));
    let listed = ids(&run(&fake, &["runs", "list", "--project", "many"]));
    assert_eq!(paginated.len(), 120);
    assert_eq!(paginated, listed);
    // Page-number lists too: -f is the query of a GET, which --paginate implies.
    let jira = run(
        &fake,
        &[
            "api",
            "/integrations/jira/projects",
            "-f",
            &format!("jira_installation_id={JIRA_INSTALLATION_ID}"),
            "-f",
            "limit=1",
            "--paginate",
        ],
    );
    assert_eq!(lines(&jira).len(), 2, "{jira:?}");
}

#[test]
fn api_writes_take_fields_as_a_json_body() {
    let fake = fake();
    let created = run(
        &fake,
        &[
            "api",
            "/webhooks?projectId=p",
            "-f",
            "url=http://127.0.0.1:9/x",
            "-f",
            "hookEvents[]=RUN_START",
            "-f",
            "hookEvents[]=RUN_FINISH",
        ],
    );
    let hook = json_of(&created);
    assert_eq!(
        hook["data"]["hookEvents"],
        json!(["RUN_START", "RUN_FINISH"])
    );
    let id = hook["data"]["hookId"].as_str().expect("an id");
    let deleted = run(&fake, &["api", "-X", "DELETE", &format!("/webhooks/{id}")]);
    assert!(deleted.status.success(), "{deleted:?}");
    let again = run(&fake, &["api", "-X", "DELETE", &format!("/webhooks/{id}")]);
    assert_eq!(again.status.code(), Some(4), "{again:?}");
}

/// One row of the README's `gh api` table: a command line, and what the fake must have been
/// sent and the command must print.
struct GhRow {
    feature: &'static str,
    args: Vec<String>,
    /// The exit code.
    exit: i32,
    /// The one request the fake saw, if any: method, path, query and JSON body.
    sent: Option<(
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<Value>,
    )>,
    /// A check of stdout and stderr.
    printed: fn(&str, &str) -> bool,
    /// A header the request carried.
    header: Option<(&'static str, &'static str)>,
}

/// Every `gh api` feature in the README's table, through the real binary against the fake.
#[test]
fn api_does_what_gh_api_does() {
    let fake = fake();
    let dir = tempfile::tempdir().expect("a temp dir");
    let note = dir.path().join("note.txt");
    std::fs::write(&note, "from a file\n").expect("write");
    let input = dir.path().join("hook.json");
    std::fs::write(
        &input,
        r#"{"url":"http://127.0.0.1:9/in","hookEvents":["RUN_FINISH"]}"#,
    )
    .expect("write");
    let row = |feature, args: &[&str], exit, sent, printed: fn(&str, &str) -> bool| GhRow {
        feature,
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        exit,
        sent,
        printed,
        header: None,
    };
    let note_field = format!("label=@{}", note.display());
    let input_flag = input.display().to_string();
    let hook = |body: Value| Some(("POST", "/v1/webhooks", Some("projectId=p"), Some(body)));
    let rows = [
        row(
            "GET by default",
            &["api", "projects"],
            0,
            Some(("GET", "/v1/projects", None, None)),
            |out, _| out.contains("\"projectId\""),
        ),
        row(
            "a path with or without the leading /",
            &["api", "/projects"],
            0,
            Some(("GET", "/v1/projects", None, None)),
            |out, _| out.contains("\"projectId\""),
        ),
        row(
            "POST when fields are given",
            &[
                "api",
                "webhooks?projectId=p",
                "-f",
                "url=http://127.0.0.1:9/a",
            ],
            0,
            hook(json!({ "url": "http://127.0.0.1:9/a" })),
            |out, _| out.contains("\"hookId\""),
        ),
        row(
            "-X/--method",
            &[
                "api",
                "-X",
                "DELETE",
                "webhooks/00000000-0000-4000-8000-000000000000",
            ],
            4,
            Some((
                "DELETE",
                "/v1/webhooks/00000000-0000-4000-8000-000000000000",
                None,
                None,
            )),
            |_, _| true,
        ),
        row(
            "-f sends a string, even of digits",
            &[
                "api",
                "webhooks?projectId=p",
                "-f",
                "url=http://127.0.0.1:9/b",
                "-f",
                "label=123",
            ],
            0,
            hook(json!({ "url": "http://127.0.0.1:9/b", "label": "123" })),
            |out, _| out.contains("\"label\": \"123\"") || out.contains("\"label\":\"123\""),
        ),
        row(
            "-F types true, false, null and integers",
            &[
                "api",
                "-X",
                "POST",
                "webhooks?projectId=p",
                "-F",
                "url=http://127.0.0.1:9/c",
                "-F",
                "label=null",
                "-F",
                "n=5",
                "-F",
                "on=true",
            ],
            3,
            hook(json!({ "url": "http://127.0.0.1:9/c", "label": null, "n": 5, "on": true })),
            |out, _| out.contains("FAILED"),
        ),
        row(
            "-F key=@file",
            &[
                "api",
                "webhooks?projectId=p",
                "-f",
                "url=http://127.0.0.1:9/d",
                "-F",
                &note_field,
            ],
            0,
            hook(json!({ "url": "http://127.0.0.1:9/d", "label": "from a file\n" })),
            |out, _| out.contains("from a file"),
        ),
        row(
            "key[]=value and key[sub]=value",
            &[
                "api",
                "webhooks?projectId=p",
                "-f",
                "url=http://127.0.0.1:9/e",
                "-f",
                "hookEvents[]=RUN_START",
                "-f",
                "hookEvents[]=RUN_FINISH",
                "-f",
                "headers[x-team]=warden",
            ],
            3,
            hook(
                json!({ "url": "http://127.0.0.1:9/e", "hookEvents": ["RUN_START", "RUN_FINISH"], "headers": { "x-team": "warden" } }),
            ),
            // The spec's hook headers are a JSON string, so the fake refuses the object.
            |out, _| out.contains("/headers"),
        ),
        row(
            "-i/--include",
            &["api", "projects", "-i"],
            0,
            Some(("GET", "/v1/projects", None, None)),
            |out, _| {
                out.starts_with("HTTP/1.1 200 OK\n")
                    && out.contains("content-type: application/json")
                    && out.contains("x-request-id: ")
                    && out.contains("\n\n{")
            },
        ),
        row(
            "--jq",
            &["api", "projects", "--jq", ".data[].projectId"],
            0,
            Some(("GET", "/v1/projects", None, None)),
            |out, _| {
                let mut ids = out.lines().collect::<Vec<_>>();
                ids.sort();
                ids == ["many", "p"]
            },
        ),
        row(
            "--slurp",
            &[
                "api",
                "projects/many/runs",
                "--paginate",
                "--slurp",
                "--jq",
                "length",
            ],
            0,
            None,
            |out, _| out == "120\n",
        ),
        row(
            "--silent",
            &["api", "projects", "--silent"],
            0,
            Some(("GET", "/v1/projects", None, None)),
            |out, _| out.is_empty(),
        ),
        row(
            "an error's body on stdout, its line on stderr",
            &["api", "runs/missing"],
            4,
            Some(("GET", "/v1/runs/missing", None, None)),
            |out, err| {
                serde_json::from_str::<Value>(out).is_ok_and(|body| body["status"] == "FAILED")
                    && err.contains("not found")
            },
        ),
        row(
            "--input with query fields",
            &[
                "api",
                "webhooks",
                "--input",
                &input_flag,
                "-f",
                "projectId=p",
            ],
            0,
            hook(json!({ "url": "http://127.0.0.1:9/in", "hookEvents": ["RUN_FINISH"] })),
            |out, _| out.contains("/in"),
        ),
        row(
            "the path guard (ours)",
            &["api", "https://evil.example/v1/projects"],
            2,
            None,
            |_, err| err.contains("path"),
        ),
        row(
            "-H sends no key of the caller's",
            &["api", "projects", "-H", "Authorization: Bearer other"],
            2,
            None,
            |_, err| err.contains("Authorization") && !err.contains("other"),
        ),
        GhRow {
            header: Some(("x-team", "warden")),
            ..row(
                "-H/--header",
                &["api", "projects", "-H", "X-Team: warden"],
                0,
                Some(("GET", "/v1/projects", None, None)),
                |out, _| out.contains("\"projectId\""),
            )
        },
    ];
    for row in rows {
        fake.clear_requests();
        let output = currents(&fake)
            .args(&row.args)
            .arg("--output")
            .arg("json")
            .output()
            .expect("run currents");
        let (out, err) = (stdout(&output), stderr(&output));
        let feature = row.feature;
        assert_eq!(
            output.status.code(),
            Some(row.exit),
            "{feature}: {out}{err}"
        );
        assert!(
            (row.printed)(&out, &err),
            "{feature}: printed {out:?}, {err:?}"
        );
        let requests = fake.requests();
        match row.sent {
            // 120 runs, at the fake's default of 10 a page.
            None if feature == "--slurp" => assert_eq!(requests.len(), 12, "{feature}"),
            None => assert!(requests.is_empty(), "{feature}: sent {requests:?}"),
            Some((method, path, query, body)) => {
                let [request] = requests.as_slice() else {
                    panic!("{feature}: sent {requests:?}");
                };
                assert_eq!(
                    (
                        request.method.as_str(),
                        request.path.as_str(),
                        request.query.as_deref()
                    ),
                    (method, path, query),
                    "{feature}"
                );
                let sent = (!request.body.is_empty())
                    .then(|| serde_json::from_slice::<Value>(&request.body).expect("a JSON body"));
                assert_eq!(sent, body, "{feature}");
                if let Some((name, value)) = row.header {
                    assert_eq!(request.header(name), Some(value), "{feature}");
                }
            }
        }
    }
}

#[test]
fn api_refuses_a_url_or_a_dot_segment_and_sends_nothing() {
    let fake = fake();
    let paths = [
        "https://api.currents.dev/v1/projects",
        &format!("{}/projects", fake.base_url()),
        "//evil.example/v1/projects",
        "/runs/../projects",
        "/runs/./x",
        "/runs/%2E%2E/projects",
        "runs/../projects",
        "javascript:alert(1)",
    ];
    for path in paths {
        let output = run(&fake, &["api", path]);
        assert_eq!(output.status.code(), Some(2), "{path}: {}", stderr(&output));
    }
    assert!(
        fake.requests().is_empty(),
        "nothing was sent: {:?}",
        fake.requests()
    );
}

/// `--limit 0` prints nothing and sends no list request, for every list and concurrency.
#[test]
fn limit_zero_ends_at_once_for_every_list_and_concurrency() {
    let fake = fake();
    let lists: [(&[&str], Operation); 3] = [
        (
            &["runs", "list", "--project", "p"],
            Operation::ListProjectRuns,
        ),
        (
            &["spec-files", "--project", "p", "--since", "7d"],
            Operation::GetSpecFiles,
        ),
        (
            &["tests", "--project", "p", "--since", "7d"],
            Operation::GetTestsExplorer,
        ),
    ];
    for concurrency in ["1", "8"] {
        for (args, operation) in &lists {
            let mut argv = args.to_vec();
            argv.extend(["--limit", "0", "--concurrency", concurrency]);
            let started = std::time::Instant::now();
            let output = run(&fake, &argv);
            assert!(output.status.success(), "{argv:?}: {output:?}");
            assert_eq!(stdout(&output), "", "{argv:?}");
            assert!(started.elapsed() < Duration::from_secs(10), "{argv:?}");
            assert_eq!(fake.request_count(*operation), 0, "{argv:?}");
        }
    }
}
