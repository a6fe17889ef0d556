//! Reliability and security: faults, hostile input and secrets, each test printing one
//! `FIGURE` line.
//!
//! CI runs scaled-down case counts. The full counts, whose figures RELIABILITY.md holds:
//!
//! ```sh
//! cargo build -p currents-cli && RELIABILITY_FULL=1 \
//!   cargo test -p integration-tests --test reliability --test secrets -- --nocapture --test-threads 1
//! ```

use currents::prelude::*;
use std::{
    collections::BTreeMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use currents::{
    ActionId, BranchFilter, Client, Error, HookId, InstanceId, MachineId, ProjectId, ResetOptions,
    RetryPolicy, RunId, RunStatus, Tag, TestSignature, WaitOptions,
    api::types::{
        ConditionOperator, ConditionType, CreateActionRequest, CreateActionRequestName,
        CreateJiraIssueFromRunTestRequest, CreateWebhookRequest, HookEvent, JiraInstallationId,
        JiraIssueTypeId, JiraProjectId, LinkJiraIssueFromRunTestRequest, RuleAction, RuleMatcher,
        RuleMatcherCondition, RuleMatcherConditionValue, TermType, Text, UpdateActionRequest,
        UpdateActionRequestName, UpdateWebhookRequest, WebhookUrl,
    },
};
use currents_fake::{FakeServer, Fault, Operation, RetryAfter, RunFixture};
use integration_tests::{client_with, run_id};
use proptest::{
    prelude::*,
    test_runner::{Config, TestRunner},
};
use serde_json::Value;

/// Whether to run the full case counts rather than CI's tenth.
fn full_run() -> bool {
    std::env::var_os("RELIABILITY_FULL").is_some()
}

fn scaled(full: usize) -> usize {
    if full_run() { full } else { (full / 10).max(1) }
}

fn figure(name: &str, text: String) {
    println!("FIGURE {name}: {text}");
}

/// A client with fast retries (1 ms backoff), as in the retry tests.
fn fast_client(fake: &FakeServer, timeout: Duration) -> Client {
    Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .timeout(timeout)
        .build()
        .expect("client")
}

/// Data for every operation: `r1` failed on m1 (instance `r1-i0`), `c1` running and on GitHub
/// run 777 attempt 1, both in project `p`, which has the action and the webhook returned.
fn fake_for_every_operation() -> (FakeServer, Ids) {
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("r1")
                .project("p")
                .status("failed")
                .spec("m1", 1)
                .spec("m2", 0)
                .build(),
            RunFixture::new("c1")
                .project("p")
                .status("running")
                .github("777", 1)
                .build(),
        ])
        .start();
    let action = fake.create_action("p", new_action());
    let hook = fake
        .create_webhook("p", new_hook())
        .expect("a loopback hook");
    let ids = Ids {
        action: ActionId::new(action.action_id).expect("a valid id"),
        hook: HookId::new(hook.hook_id).expect("a valid id"),
    };
    (fake, ids)
}

/// What [`fake_for_every_operation`] created.
struct Ids {
    action: ActionId,
    hook: HookId,
}

fn new_hook() -> CreateWebhookRequest {
    CreateWebhookRequest::new(
        "http://127.0.0.1:9/hook"
            .parse::<WebhookUrl>()
            .expect("a valid url"),
    )
    .with_hook_events(vec![HookEvent::RunFinish])
}

/// A Jira issue from r1's first test, on the fake's Jira site.
async fn new_issue(client: &Client) -> Result<CreateJiraIssueFromRunTestRequest, Error> {
    let instance = client
        .instances()
        .get(&InstanceId::new("r1-i0").expect("valid"))
        .await?;
    let test_id = instance
        .tests()
        .next()
        .and_then(|test| test.test_id().map(str::to_owned))
        .unwrap_or_default();
    fn text<T: std::str::FromStr<Err: std::fmt::Debug>>(value: &str) -> T {
        value.parse().expect("valid text")
    }
    Ok(CreateJiraIssueFromRunTestRequest::new(
        text::<JiraInstallationId>(currents_fake::JIRA_INSTALLATION_ID),
        text::<JiraIssueTypeId>("10001"),
        text::<JiraProjectId>("10000"),
        text::<Text>("r1"),
        text::<Text>(&test_id),
    ))
}

fn new_action() -> CreateActionRequest {
    CreateActionRequest::new(
        vec![RuleAction::skip()],
        RuleMatcher::all([RuleMatcherCondition::on(
            ConditionType::TitlePath,
            ConditionOperator::Inc,
            RuleMatcherConditionValue::String("login".into()),
        )]),
        "skip login"
            .parse::<CreateActionRequestName>()
            .expect("a valid name"),
    )
}

/// Calls `operation` once through the facade, on the data of [`fake_for_every_operation`].
async fn call(client: &Client, operation: Operation, ids: &Ids) -> Result<(), Error> {
    let action = &ids.action;
    use futures_util::TryStreamExt as _;
    let runs = client.runs();
    let project: ProjectId = "p".parse().expect("valid");
    let range = || {
        let start = chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z").expect("date");
        start.to_utc()..chrono::Utc::now()
    };
    let signature = || TestSignature::new("0000000000000000").expect("valid");
    match operation {
        Operation::GetRun => runs.get(&run_id("r1")).await.map(drop),
        Operation::FindRun => runs.find(&project).send().await.map(drop),
        Operation::DeleteRun => runs.delete(&run_id("r1")).await,
        Operation::CancelRun => runs.cancel(&run_id("c1")).await.map(drop),
        Operation::ResetRun => runs
            .reset_batch(
                &run_id("r1"),
                &["m1".parse().expect("valid")],
                ResetOptions::default(),
            )
            .await
            .map(drop),
        Operation::CancelRunByGithubCi => runs.cancel_github("777", 1).send().await.map(drop),
        Operation::ListProjects => client
            .projects()
            .list()
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::GetProject => client.projects().get(&project).await.map(drop),
        Operation::ListProjectRuns => client
            .projects()
            .runs(&project)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::GetProjectInsights => client
            .projects()
            .insights(&project, range())
            .send()
            .await
            .map(drop),
        Operation::GetSpecFiles => client
            .projects()
            .spec_files(&project, range())
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::GetTestsExplorer => client
            .projects()
            .tests(&project, range())
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::GetInstance => client
            .instances()
            .get(&InstanceId::new("r1-i0").expect("valid"))
            .await
            .map(drop),
        // An unknown signature answers 404, which is as good an answer as any for retries.
        Operation::GetTestResults => match client
            .tests()
            .results(&signature(), range())
            .stream()
            .try_collect::<Vec<_>>()
            .await
        {
            Err(Error::NotFound { .. }) => Ok(()),
            other => other.map(drop),
        },
        Operation::GetTestSignature => client
            .tests()
            .signature(&project, "spec-0.cy.ts", ["spec-0.cy.ts", "test 1"])
            .await
            .map(drop),
        Operation::ListActions => client
            .actions()
            .list(&project)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::CreateAction => client
            .actions()
            .create(&project, new_action())
            .await
            .map(drop),
        Operation::GetAction => client.actions().get(action).await.map(drop),
        Operation::UpdateAction => client
            .actions()
            .update(
                action,
                UpdateActionRequest::new().with_name(
                    "renamed"
                        .parse::<UpdateActionRequestName>()
                        .expect("a valid name"),
                ),
            )
            .await
            .map(drop),
        Operation::DeleteAction => client.actions().delete(action).await,
        Operation::EnableAction => client.actions().enable(action).await.map(drop),
        Operation::DisableAction => client.actions().disable(action).await.map(drop),
        Operation::ListAffectedTests => client
            .actions()
            .affected_tests(&project, range())
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::ListAffectedTestExecutions => client
            .actions()
            .affected_test_executions(&project, &signature(), range())
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::ListActionTestExecutions => client
            .actions()
            .executions(action, range())
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::GetErrorsExplorer => client
            .projects()
            .errors(&project, range())
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::ListProjectPullRequests => client
            .projects()
            .pull_requests(&project)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::ListProjectTerms => client
            .projects()
            .terms(&project, TermType::Tag)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::GetContext => client.context().run(&run_id("r1")).json().await.map(drop),
        Operation::ListWebhooks => client
            .webhooks()
            .list(&project)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::CreateWebhook => client
            .webhooks()
            .create(&project, new_hook())
            .await
            .map(drop),
        Operation::GetWebhook => client.webhooks().get(&ids.hook).await.map(drop),
        Operation::UpdateWebhook => client
            .webhooks()
            .update(
                &ids.hook,
                UpdateWebhookRequest::new().with_hook_events(vec![HookEvent::RunStart]),
            )
            .await
            .map(drop),
        Operation::DeleteWebhook => client.webhooks().delete(&ids.hook).await,
        Operation::ListJiraProjects => client
            .jira()
            .projects(currents_fake::JIRA_INSTALLATION_ID)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::ListJiraIssueTypes => client
            .jira()
            .issue_types(currents_fake::JIRA_INSTALLATION_ID, "10000")
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(drop),
        Operation::CreateJiraIssueFromRunTest => client
            .jira()
            .create_issue(&project, new_issue(client).await?)
            .await
            .map(drop),
        Operation::LinkJiraIssueFromRunTest => {
            let issue = new_issue(client).await?;
            // The issue is created by another operation, whose faults are not queued.
            let created = client.jira().create_issue(&project, issue.clone()).await?;
            let key = created.issue_key.clone().unwrap_or_default();
            let link = LinkJiraIssueFromRunTestRequest::new(
                issue.jira_installation_id,
                issue.jira_issue_type,
                issue.jira_project_id,
                issue.run_id,
                issue.test_id,
            );
            client
                .jira()
                .link_issue(&project, &key, link)
                .await
                .map(drop)
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Cell {
    Status(u16),
    ConnectionReset,
    Timeout,
    TruncatedBody,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_table() {
    let statuses = [
        200, 400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504,
    ];
    let cells = statuses
        .map(Cell::Status)
        .into_iter()
        .chain([Cell::ConnectionReset, Cell::Timeout, Cell::TruncatedBody])
        .collect::<Vec<_>>();
    let attempts = RetryPolicy::default().max_attempts() as usize;
    let mut tested = 0;
    let mut mismatches = Vec::new();
    for operation in Operation::ALL {
        let is_post = operation.method() == currents::api::operations::Method::Post;
        for cell in &cells {
            let (fake, ids) = fake_for_every_operation();
            let timeout = if matches!(cell, Cell::Timeout) {
                Duration::from_millis(150)
            } else {
                Duration::from_secs(5)
            };
            let client = fast_client(&fake, timeout);
            let (fault, expected) = match *cell {
                Cell::Status(200) => (None, 1),
                Cell::Status(status) => {
                    // The retry table of crates/currents/README.md: a POST only after a 429.
                    let retried = match status {
                        429 => true,
                        408 | 502 | 503 | 504 => !is_post,
                        _ => false,
                    };
                    (
                        Some(Fault::Status {
                            status,
                            retry_after: None,
                        }),
                        if retried { attempts } else { 1 },
                    )
                }
                // A POST may have been applied before the connection broke: not retried.
                Cell::ConnectionReset => (Some(Fault::Close), if is_post { 1 } else { attempts }),
                // The total timeout covers every attempt, so a slow answer is not retried.
                Cell::Timeout => (Some(Fault::Delay(Duration::from_millis(600))), 1),
                Cell::TruncatedBody => {
                    (Some(Fault::Truncate(5)), if is_post { 1 } else { attempts })
                }
            };
            for _ in 0..attempts {
                fault
                    .iter()
                    .for_each(|fault| fake.push_fault(operation, fault.clone()));
            }
            let result = call(&client, operation, &ids).await;
            let sent = fake.request_count(operation);
            let ok_as_expected = match cell {
                Cell::Status(200) => result.is_ok(),
                Cell::Timeout => matches!(result, Err(Error::Timeout { .. })),
                _ => true,
            };
            tested += 1;
            if sent != expected || !ok_as_expected {
                mismatches.push(format!(
                    "{operation} {cell:?}: {sent} attempts (expected {expected}), {result:?}"
                ));
            }
        }
    }
    figure(
        "retry table",
        format!("{tested} cells tested, {} mismatches", mismatches.len()),
    );
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_from_the_server_is_honoured_over_http() {
    let mut honoured = 0;
    for retry_after in [
        RetryAfter::Seconds(1),
        RetryAfter::Date(Duration::from_secs(2)),
    ] {
        let (fake, ids) = fake_for_every_operation();
        let client = fast_client(&fake, Duration::from_secs(10));
        fake.push_fault(
            Operation::GetRun,
            Fault::Status {
                status: 429,
                retry_after: Some(retry_after.clone()),
            },
        );
        let started = Instant::now();
        call(&client, Operation::GetRun, &ids)
            .await
            .expect("the retry succeeds");
        let waited = started.elapsed();
        // An HTTP date has whole seconds, so a date 2 s ahead means a wait of 1 to 2 s.
        assert!(
            waited >= Duration::from_millis(950),
            "{retry_after:?}: retried after {waited:?}"
        );
        assert_eq!(fake.request_count(Operation::GetRun), 2);
        honoured += 1;
    }
    figure(
        "retry-after over HTTP",
        format!("{honoured} of 2 honoured (seconds and HTTP date)"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answers_neither_lose_nor_double_operations() {
    let (mut scenarios, mut lost, mut doubled) = (0, Vec::new(), Vec::new());
    for fault in [
        Fault::AppliedThenStatus(502),
        Fault::AppliedThenClose,
        Fault::AppliedThenStatus(503),
    ] {
        for operation in [
            Operation::CancelRun,
            Operation::DeleteRun,
            Operation::ResetRun,
            Operation::CancelRunByGithubCi,
        ] {
            let (fake, ids) = fake_for_every_operation();
            let client = fast_client(&fake, Duration::from_secs(5));
            fake.push_fault(operation, fault.clone());
            let result = call(&client, operation, &ids).await;
            let name = format!("{operation} with {fault:?}");
            if let Err(error) = &result {
                lost.push(format!("{name}: the client reported {error}"));
            }
            match operation {
                Operation::CancelRun | Operation::CancelRunByGithubCi => {
                    let run = fake.run("c1").expect("cancelled runs stay");
                    if run.status != RunStatus::Cancelled {
                        lost.push(format!("{name}: the run is {}", run.status));
                    }
                    // A second application would have answered 200 to the retry; it saw 422/404.
                    if fake.request_count(operation) != 2 {
                        doubled.push(format!(
                            "{name}: {} requests",
                            fake.request_count(operation)
                        ));
                    }
                }
                Operation::DeleteRun if fake.run("r1").is_some() => {
                    lost.push(format!("{name}: the run still exists"));
                }
                Operation::ResetRun => {
                    let run = fake.run("r1").expect("the run");
                    let cleared = run
                        .specs
                        .iter()
                        .filter(|spec| spec.results.is_none())
                        .count();
                    // Exactly the one failed spec on m1 is reset; the passing one on m2 is not.
                    if cleared == 0 {
                        lost.push(format!("{name}: nothing was reset"));
                    } else if cleared > 1 {
                        doubled.push(format!("{name}: {cleared} specs reset"));
                    }
                }
                _ => {}
            }
            scenarios += 1;
        }
    }
    figure(
        "lost answers",
        format!(
            "{scenarios} scenarios, {} lost, {} doubled",
            lost.len(),
            doubled.len()
        ),
    );
    assert!(
        lost.is_empty() && doubled.is_empty(),
        "lost: {lost:#?}\ndoubled: {doubled:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_never_hold_a_call_past_its_timeout() {
    let runs = scaled(100);
    let fake = FakeServer::builder()
        .runs([
            RunFixture::new("r1"),
            RunFixture::new("w1").status("running"),
        ])
        .start();
    let mut worst_call = Duration::ZERO;
    for n in 0..runs {
        let timeout = Duration::from_millis(50 + (n as u64 * 37) % 250);
        let client = fast_client(&fake, timeout);
        fake.push_fault(
            Operation::GetRun,
            Fault::Delay(timeout + Duration::from_millis(400)),
        );
        let started = Instant::now();
        let error = client
            .runs()
            .get(&run_id("r1"))
            .await
            .expect_err("too slow");
        assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
        worst_call = worst_call.max(started.elapsed().saturating_sub(timeout));
    }
    let client = fast_client(&fake, Duration::from_secs(5));
    let mut worst_wait = Duration::ZERO;
    for n in 0..runs.min(20) {
        let options = WaitOptions {
            poll: Duration::from_millis(20),
            timeout: Duration::from_millis(100 + n as u64 * 13),
        };
        let started = Instant::now();
        let error = client
            .runs()
            .wait_for(&run_id("w1"), options)
            .await
            .expect_err("never finishes");
        assert!(matches!(error, Error::WaitTimeout { .. }), "{error:?}");
        worst_wait = worst_wait.max(started.elapsed().saturating_sub(options.timeout));
    }
    figure(
        "timeouts",
        format!(
            "worst overshoot {} ms over {runs} calls (limit 50 ms); wait_for worst {} ms past its deadline over {} waits",
            worst_call.as_millis(),
            worst_wait.as_millis(),
            runs.min(20)
        ),
    );
    assert!(
        worst_call <= Duration::from_millis(50),
        "a call overshot by {worst_call:?}"
    );
    assert!(
        worst_wait <= Duration::from_millis(50),
        "wait_for overshot by {worst_wait:?}"
    );
}

#[test]
fn a_decompression_bomb_is_refused_with_bounded_memory() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_bomb"))
        .output()
        .expect("run the bomb child");
    assert!(output.status.success(), "the child crashed: {output:?}");
    let line = String::from_utf8(output.stdout).expect("UTF-8");
    let fields = line
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .collect::<BTreeMap<_, _>>();
    let number = |key: &str| {
        fields
            .get(key)
            .and_then(|v| v.parse::<u64>().ok())
            .expect(key)
    };
    assert_eq!(fields.get("outcome"), Some(&"TooLarge"), "{line}");
    let peak_mib = number("peak_rss_kib") / 1024;
    figure(
        "decompression bomb",
        format!(
            "{} KiB of gzip expanding to {} MiB refused as TooLarge at the 16 MiB cap; peak RSS {peak_mib} MiB; 0 crashes",
            number("wire_bytes") / 1024,
            number("expanded_bytes") / (1024 * 1024)
        ),
    );
    assert!(
        peak_mib < 80,
        "peak RSS {peak_mib} MiB: the body was not capped while decoding"
    );
}

/// A runtime for the proptest runners, which call async code from synchronous closures.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Arbitrary bodies: raw bytes, arbitrary JSON, and JSON shaped almost like a real answer.
fn junk_body() -> impl Strategy<Value = Vec<u8>> {
    let json = any::<i64>()
        .prop_map(Value::from)
        .boxed()
        .prop_recursive(3, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z]{0,8}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
    let near_miss = (
        json.clone(),
        prop::sample::select(vec!["OK", "FAILED", "", "ok"]),
    )
        .prop_map(|(data, status)| {
            serde_json::json!({ "status": status, "data": data, "error": data })
                .to_string()
                .into_bytes()
        });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json.prop_map(|value| value.to_string().into_bytes()),
        near_miss,
        "[ -~]{0,64}".prop_map(String::into_bytes),
    ]
}

#[test]
fn junk_responses_give_a_value_or_a_typed_error_never_a_panic() {
    let runtime = runtime();
    let (fake, ids) = fake_for_every_operation();
    let client = client_with(&fake, RetryPolicy::none());
    let cases = scaled(3_000) as u32;
    let statuses = vec![200u16, 201, 400, 401, 404, 413, 422, 500, 502];
    let strategy = (
        prop::sample::select(Operation::ALL.to_vec()),
        prop::sample::select(statuses),
        junk_body(),
    );
    let outcomes = Mutex::new(BTreeMap::<String, usize>::new());
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |(operation, status, body)| {
        fake.clear_faults();
        fake.push_fault(
            operation,
            Fault::Body {
                status,
                bytes: body,
            },
        );
        let result = runtime.block_on(call(&client, operation, &ids));
        let kind = match &result {
            Ok(()) => "value".to_owned(),
            Err(error) => format!("{:?}", std::mem::discriminant(error)),
        };
        *outcomes.lock().expect("outcomes").entry(kind).or_default() += 1;
        Ok(())
    });
    let total = outcomes.lock().expect("outcomes").values().sum::<usize>();
    figure(
        "junk responses",
        format!("{total} cases, {} panics", usize::from(result.is_err())),
    );
    assert!(result.is_ok(), "{result:?}");
    assert!(total >= cases as usize);
}

/// Strings built from what breaks URLs and parsers: `& = # + % / ? \`, spaces, dots, `*`,
/// control characters and non-ASCII.
fn hostile_string() -> impl Strategy<Value = String> {
    let chars = prop::sample::select(vec![
        'a', 'Z', '0', '-', '_', '.', '&', '=', '#', '+', '%', '/', '?', '\\', ' ', '*', '~', '\'',
        '"', '\n', '\t', '\u{0}', '\u{7f}', 'é', '日', '🚀', '\u{200b}',
    ]);
    prop_oneof![
        prop::collection::vec(chars, 0..16).prop_map(|c| c.into_iter().collect()),
        Just("..".to_owned()),
        Just(".".to_owned()),
        ".{0,12}",
    ]
}

#[test]
fn hostile_inputs_are_refused_before_sending_or_arrive_byte_for_byte() {
    let runtime = runtime();
    let (fake, _) = fake_for_every_operation();
    let client = client_with(&fake, RetryPolicy::none());
    let project: ProjectId = "p".parse().expect("valid");
    let cases = scaled(10_000) as u32;
    // The runner takes an `Fn`, so the tallies live in cells.
    let total = std::cell::Cell::new(0usize);
    let escapes = std::cell::RefCell::new(Vec::new());
    let mismatches = std::cell::RefCell::new(Vec::new());

    for kind in ["run id", "branch filter", "tag", "machine id"] {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&hostile_string(), |value| {
            let before = fake.requests().len();
            let valid = runtime.block_on(async {
                match kind {
                    "run id" => match RunId::new(value.as_str()) {
                        Ok(id) => {
                            let _ = client.runs().get(&id).await;
                            true
                        }
                        Err(_) => false,
                    },
                    "branch filter" => {
                        let sent = client.runs().find(&project).branch(&value).send().await;
                        !matches!(sent, Err(Error::Validation(_)))
                    }
                    "tag" => {
                        let sent = client
                            .runs()
                            .find(&project)
                            .tags([value.clone()])
                            .send()
                            .await;
                        !matches!(sent, Err(Error::Validation(_)))
                    }
                    _ => match MachineId::new(value.as_str()) {
                        Ok(machine) => {
                            let _ = client
                                .runs()
                                .reset_batch(&run_id("r1"), &[machine], ResetOptions::default())
                                .await;
                            true
                        }
                        Err(_) => false,
                    },
                }
            });
            let requests = fake.requests();
            let new = &requests[before..];
            total.set(total.get() + 1);
            let (mut escapes, mut mismatches) = (escapes.borrow_mut(), mismatches.borrow_mut());
            if !valid {
                if !new.is_empty() {
                    mismatches.push(format!(
                        "{kind} {value:?} is invalid but {} request(s) were sent",
                        new.len()
                    ));
                }
                return Ok(());
            }
            let [request] = new else {
                mismatches.push(format!("{kind} {value:?}: {} requests", new.len()));
                return Ok(());
            };
            let arrived = match kind {
                "run id" => {
                    let segment = request.path.strip_prefix("/v1/runs/").unwrap_or_default();
                    if segment.contains('/') || request.operation != Some(Operation::GetRun) {
                        escapes.push(format!("{value:?} became path {}", request.path));
                    }
                    percent_encoding::percent_decode_str(segment)
                        .decode_utf8_lossy()
                        .into_owned()
                }
                "branch filter" | "tag" => {
                    let key = if kind == "tag" { "tags[]" } else { "branch" };
                    request
                        .query_pairs()
                        .into_iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v)
                        .unwrap_or_default()
                }
                _ => request
                    .json()
                    .and_then(|body| body["machineId"][0].as_str().map(str::to_owned))
                    .unwrap_or_default(),
            };
            if arrived != value {
                mismatches.push(format!("{kind} {value:?} arrived as {arrived:?}"));
            }
            Ok(())
        });
        assert!(result.is_ok(), "{result:?}");
    }
    // The validators' verdicts agree with the types themselves.
    assert!(BranchFilter::new("a b").is_err() && Tag::new("").is_err());
    let (escapes, mismatches) = (escapes.into_inner(), mismatches.into_inner());
    figure(
        "hostile input",
        format!(
            "{} cases ({cases} per kind), {} path escapes, {} mismatches",
            total.get(),
            escapes.len(),
            mismatches.len()
        ),
    );
    assert!(
        escapes.is_empty() && mismatches.is_empty(),
        "escapes: {escapes:#?}\nmismatches: {mismatches:#?}"
    );
}

#[test]
fn the_base_url_policy_accepts_nothing_insecure() {
    let cases = [
        ("https://api.currents.dev/v1", true),
        ("https://api.currents.dev/v1/", true),
        ("https://api-staging.currents.dev/v1//", true),
        ("https://API.CURRENTS.DEV:8443/v1", true),
        ("http://localhost:4000/v1", true),
        ("http://LOCALHOST:4000/v1/", true),
        ("http://127.0.0.1:4000/v1", true),
        ("http://127.8.9.10/v1", true),
        ("http://[::1]:4000/v1", true),
        ("http://api.currents.dev/v1", false),
        ("http://10.0.0.5/v1", false),
        ("http://192.168.1.2:4000/v1", false),
        ("http://localhost.evil.com/v1", false),
        ("http://127.0.0.1.nip.io/v1", false),
        ("http://[::2]/v1", false),
        ("http://0.0.0.0:4000/v1", false),
        ("https://user:pass@api.currents.dev/v1", false),
        ("https://user@api.currents.dev/v1", false),
        ("http://user:pass@localhost:4000/v1", false),
        ("ftp://api.currents.dev/v1", false),
        ("ws://localhost:4000/v1", false),
        ("file:///etc/passwd", false),
        ("javascript:alert(1)", false),
        ("api.currents.dev/v1", false),
        ("//api.currents.dev/v1", false),
        ("https://api.currents.dev/v1?token=x", false),
        ("https://api.currents.dev/v1#frag", false),
        ("", false),
    ];
    let mut wrong = Vec::new();
    for (url, secure) in cases {
        let accepted = Client::builder().api_key("k").base_url(url).build();
        if accepted.is_ok() != secure {
            wrong.push(format!("{url:?}: accepted={}", accepted.is_ok()));
        }
        if let Ok(client) = accepted {
            assert!(
                !client.config().base_url.as_str().ends_with('/')
                    || client.config().base_url.path() == "/"
            );
        }
    }
    let insecure_accepted = wrong
        .iter()
        .filter(|w| w.ends_with("accepted=true"))
        .count();
    figure(
        "base URL policy",
        format!(
            "{} cases, {insecure_accepted} insecure accepted, {} secure refused",
            cases.len(),
            wrong.len() - insecure_accepted
        ),
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
}
