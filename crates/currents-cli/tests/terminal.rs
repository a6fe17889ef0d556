//! Server text on a person's terminal: each test's outcome in `instances get`, and hostile text
//! (control sequences in commit messages, authors, spec names, test titles, errors and action
//! names) that must not reach the terminal as anything but its visible words.

mod support;

use currents::api::{
    operations::GetInstance, types::CreateActionRequest, types::CreateActionRequestName,
    types::RuleAction,
};
use currents_fake::{FakeServer, Fault, Operation, RunFixture, Spelling, load_runs};
use serde_json::Value;
use support::{answer_data, run, stderr, stdout};

const HOSTILE_RUNS: &str = include_str!("fixtures/hostile-runs.json");

/// The payloads of the fixture's sequences: none of them may be printed.
const PAYLOADS: [&str; 6] = ["52;c;", "aGk=", "]0;", "pwned", "evil.example", "[2J"];

/// The bytes a terminal acts on: C0 but newline and tab, DEL, and C1 (in UTF-8).
fn control_bytes(text: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(text)
        .chars()
        .filter(|&c| c.is_control() && c != '\n' && c != '\t')
        .map(|c| format!("{:?}", c))
        .collect()
}

fn assert_harmless(what: &str, bytes: &[u8]) {
    let controls = control_bytes(bytes);
    assert!(
        controls.is_empty(),
        "{what}: control characters {controls:?}"
    );
    let text = String::from_utf8_lossy(bytes);
    for payload in PAYLOADS {
        assert!(!text.contains(payload), "{what}: {payload:?} in {text}");
    }
}

fn table(fake: &FakeServer, args: &[&str]) -> std::process::Output {
    run(fake, &[args, &["--output", "table"]].concat())
}

#[test]
fn instances_get_shows_each_tests_outcome_in_both_forms() {
    // Three tests: the first failed, and of the two that passed, one was flaky.
    let mut fixture = RunFixture::new("b").project("p").spec("m1", 1).build();
    if let Some(results) = fixture.run.specs[0].results.as_mut() {
        results.flaky = Some(1);
    }
    for spelling in [Spelling::Production, Spelling::Documented] {
        let fake = FakeServer::builder()
            .spelling(spelling)
            .runs([fixture.clone()])
            .start();
        let shown = table(&fake, &["instances", "get", "b-i0"]);
        assert!(shown.status.success(), "{spelling:?}: {shown:?}");
        let text = stdout(&shown);
        let rows = text
            .lines()
            .skip_while(|line| !line.starts_with("STATE"))
            .skip(1)
            .collect::<Vec<_>>();
        assert_eq!(rows.len(), 3, "{spelling:?}: {text}");
        // A flaky test shows the error of the attempt that failed.
        let error = "Error: expect(received).toBe(expected) // Object.is equality";
        let expected = [
            ("failed", "4", "spec-0.cy.ts > test 1", error),
            ("passed (flaky)", "2", "spec-0.cy.ts > test 2", error),
            ("passed", "1", "spec-0.cy.ts > test 3", ""),
        ];
        for (row, (state, attempts, title, error)) in rows.iter().zip(expected) {
            let cells = row
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>();
            let wanted = [state, attempts, title, error]
                .into_iter()
                .filter(|cell| !cell.is_empty())
                .collect::<Vec<_>>();
            assert_eq!(cells, wanted, "{spelling:?}: {row:?}");
        }
        assert_harmless("instances get", &shown.stdout);

        let json = run(&fake, &["instances", "get", "b-i0", "--output", "json"]);
        let printed: Value = serde_json::from_slice(&json.stdout).expect("JSON");
        assert_eq!(
            printed,
            answer_data(&fake, &GetInstance::new("b-i0")),
            "{spelling:?}: the JSON is the answer's data"
        );
        // JSON keeps the runner's colour escapes, escaped as JSON does.
        assert!(String::from_utf8_lossy(&json.stdout).contains("\\u001b[2mexpect"));
    }
}

fn hostile_fake() -> FakeServer {
    let runs = load_runs(HOSTILE_RUNS).expect("the fixture loads as --data does");
    let fake = FakeServer::builder().runs(runs).start();
    let name = "Quarantine\u{1b}]52;c;aGk=\u{7} the\u{1b}]0;pwned\u{7} flaky\u{1b}]8;;https://evil.example/\u{1b}\\ login\u{1b}[2J tests\u{9b}2J now\u{0}";
    fake.create_action(
        "p",
        CreateActionRequest::new(
            vec![RuleAction::skip()],
            currents::api::types::RuleMatcher::all([]),
            name.parse::<CreateActionRequestName>()
                .expect("a valid name"),
        ),
    );
    fake
}

#[test]
fn hostile_server_text_reaches_the_terminal_as_words_only() {
    let fake = hostile_fake();
    let instance_id = "hostile-i0";
    let cases: [(&[&str], &[&str]); 5] = [
        (
            &["runs", "get", "hostile-run"],
            &[
                "Fix",
                "the",
                "checkout",
                "flow",
                "today",
                "release",
                "branch",
                "TypeError",
                "basket",
            ],
        ),
        (
            &["runs", "summary", "hostile-run"],
            &["Fix", "today", "checkout", "spec", "file", "name"],
        ),
        (
            &["runs", "list", "--project", "p"],
            &["hostile-run", "release", "branch", "nightly", "tag"],
        ),
        (
            &["instances", "get", instance_id],
            &["checkout", "spec", "name", "TypeError", "cannot", "basket"],
        ),
        (
            &["actions", "list", "--project", "p"],
            &["Quarantine", "the", "flaky", "login", "tests", "now"],
        ),
    ];
    for (args, words) in cases {
        let shown = table(&fake, args);
        let what = args.join(" ");
        assert!(
            matches!(shown.status.code(), Some(0 | 1)),
            "{what}: {shown:?}"
        );
        assert_harmless(&what, &shown.stdout);
        assert_harmless(&what, &shown.stderr);
        let text = stdout(&shown);
        for word in words {
            assert!(text.contains(word), "{what}: {word:?} missing from {text}");
        }
    }
}

#[test]
fn hostile_error_messages_reach_stderr_as_words_only() {
    let fake = hostile_fake();
    let body = br#"{"status":"FAILED","error":"Run not found\u001b]52;c;aGk=\u0007 anywhere\u001b[2J\u009b2J"}"#;
    fake.push_fault(
        Operation::GetRun,
        Fault::Body {
            status: 404,
            bytes: body.to_vec(),
        },
    );
    let shown = table(&fake, &["runs", "get", "hostile-run"]);
    assert_eq!(shown.status.code(), Some(4), "{shown:?}");
    assert_harmless("stderr", &shown.stderr);
    let text = stderr(&shown);
    assert!(
        text.contains("Run not found") && text.contains("anywhere"),
        "{text}"
    );
}
