//! The operations published since January 2026, end to end through the facade against the
//! fake over loopback: webhooks and their delivery, the errors explorer, the tests actions
//! affected, failure context, pull-request cards, terms, Jira, and requests to any route.

use std::time::Duration;

use chrono::Utc;
use currents::{
    Client, Endpoint, Error, HookId, ProjectId,
    api::types::{
        ConditionOperator, ConditionType, CreateActionRequest, CreateActionRequestName,
        CreateJiraIssueFromRunTestRequest, CreateWebhookRequest, ErrorDimension, HookEvent,
        JiraInstallationId, JiraIssueTypeId, JiraProjectId, LinkJiraIssueFromRunTestRequest,
        RuleAction, RuleMatcher, RuleMatcherCondition, RuleMatcherConditionValue, TermType, Text,
        UpdateWebhookRequest, WebhookHeaders, WebhookLabel, WebhookUrl,
    },
    prelude::*,
    reqwest::Method,
};
use currents_fake::{FakeServer, JIRA_INSTALLATION_ID, Operation, RunFixture};
use futures_util::TryStreamExt as _;
use integration_tests::{client, run_id};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpListener,
    sync::mpsc,
};

/// Project `p`: two runs of pull request 12 (one failed, on feature/x, tagged nightly) and one
/// of pull request 13, in the last three days.
fn fake() -> FakeServer {
    let ago = |hours: i64| Utc::now() - chrono::Duration::hours(hours);
    FakeServer::builder()
        .runs([
            RunFixture::new("done")
                .project("p")
                .created_at(ago(48))
                .spec("m1", 0)
                .flaky(1)
                .pull_request("12"),
            RunFixture::new("failed")
                .project("p")
                .status("failed")
                .branch("feature/x")
                .tags(["nightly"])
                .created_at(ago(24))
                .spec("m1", 2)
                .spec("m2", 0)
                .pull_request("12"),
            RunFixture::new("other")
                .project("p")
                .created_at(ago(30))
                .spec("m1", 0)
                .pull_request("13"),
        ])
        .start()
}

fn project() -> ProjectId {
    "p".parse().expect("a valid project")
}

fn days(n: i64) -> std::ops::Range<chrono::DateTime<Utc>> {
    Utc::now() - chrono::Duration::days(n)..Utc::now()
}

fn hook_request(url: &str) -> CreateWebhookRequest {
    CreateWebhookRequest::new(url.parse::<WebhookUrl>().expect("a valid url"))
        .with_hook_events(vec![HookEvent::RunStart, HookEvent::RunFinish])
        .with_headers(
            r#"{"X-Receiver-Token":"t0k3n"}"#.parse::<WebhookHeaders>().expect("short headers"),
        )
}

#[tokio::test]
async fn a_webhook_is_created_listed_changed_and_deleted() {
    let fake = fake();
    let client = client(&fake);
    let hooks = client.webhooks();
    let created = hooks
        .create(&project(), hook_request("http://127.0.0.1:9/hook"))
        .await
        .expect("created");
    assert_eq!(
        created.hook_events,
        [HookEvent::RunStart, HookEvent::RunFinish]
    );
    let id: HookId = created.hook_id.parse().expect("a UUID v4");

    let listed: Vec<_> = hooks
        .list(&project())
        .stream()
        .try_collect()
        .await
        .expect("listed");
    assert_eq!(
        listed
            .iter()
            .map(|hook| hook.hook_id.as_str())
            .collect::<Vec<_>>(),
        [id.as_str()]
    );

    let label = "release pipeline".parse::<WebhookLabel>().expect("a label");
    let changed = hooks
        .update(&id, UpdateWebhookRequest::new().with_label(label))
        .await
        .expect("updated");
    assert_eq!(changed.label.as_deref(), Some("release pipeline"));
    assert_eq!(
        hooks.get(&id).await.expect("read").label.as_deref(),
        Some("release pipeline")
    );

    hooks.delete(&id).await.expect("deleted");
    let gone = hooks.get(&id).await.map(drop);
    assert!(matches!(gone, Err(Error::NotFound { .. })), "{gone:?}");
    // A hook that is gone counts as deleted, so that deleting is safe to repeat.
    hooks.delete(&id).await.expect("deleted again");
}

#[tokio::test]
async fn ensure_registers_one_hook_for_a_url_and_updates_it_in_place() {
    let fake = fake();
    let client = client(&fake);
    let hooks = client.webhooks();
    let url = "http://127.0.0.1:9/receiver";
    let first = hooks
        .ensure(&project(), hook_request(url))
        .await
        .expect("created");
    let again = hooks
        .ensure(&project(), hook_request(url))
        .await
        .expect("found");
    let mut fewer = hook_request(url);
    fewer.hook_events = vec![HookEvent::RunCanceled];
    let changed = hooks.ensure(&project(), fewer).await.expect("updated");
    // (which call, the hook id it answered, its events)
    let seen = [
        ("first", &first.hook_id, &first.hook_events),
        ("again", &again.hook_id, &again.hook_events),
        ("changed", &changed.hook_id, &changed.hook_events),
    ];
    for (call, id, events) in seen {
        assert_eq!(id, &first.hook_id, "{call}");
        let expected = match call {
            "changed" => vec![HookEvent::RunCanceled],
            _ => vec![HookEvent::RunStart, HookEvent::RunFinish],
        };
        assert_eq!(events, &expected, "{call}");
    }
    let listed: Vec<_> = hooks
        .list(&project())
        .stream()
        .try_collect()
        .await
        .expect("listed");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].hook_events, [HookEvent::RunCanceled]);
}

#[tokio::test]
async fn webhook_input_is_refused_before_anything_is_sent() {
    let fake = fake();
    let client = client(&fake);
    let hooks = client.webhooks();
    let too_long = format!("http://127.0.0.1:9/{}", "a".repeat(2048));
    assert!(
        too_long.parse::<WebhookUrl>().is_err(),
        "a URL over 2048 characters"
    );
    let headers_not_json = hook_request("http://127.0.0.1:9/hook").with_headers(
        "Authorization: Bearer x"
            .parse::<WebhookHeaders>()
            .expect("short"),
    );
    let unknown_event = hook_request("http://127.0.0.1:9/hook")
        .with_hook_events(vec![HookEvent::from("RUN_EXPLODED")]);
    let id: HookId = "6b0fcbfa-0001-4001-8000-000000000001"
        .parse()
        .expect("a UUID v4");
    let cases: [(&str, Result<(), Error>); 3] = [
        (
            "headers that are not a JSON object",
            hooks.create(&project(), headers_not_json).await.map(drop),
        ),
        (
            "an event the spec does not list",
            hooks.create(&project(), unknown_event).await.map(drop),
        ),
        (
            "an update that sets nothing",
            hooks
                .update(&id, UpdateWebhookRequest::new())
                .await
                .map(drop),
        ),
    ];
    for (case, result) in cases {
        let error = result.expect_err(case);
        assert!(error.is_validation(), "{case}: {error}");
    }
    assert!("not-a-uuid".parse::<HookId>().is_err());
    assert_eq!(fake.request_count(Operation::CreateWebhook), 0);
    assert_eq!(fake.request_count(Operation::UpdateWebhook), 0);

    // The fake delivers to loopback only: any other address is the API's 400.
    let elsewhere = hooks
        .create(&project(), hook_request("https://hooks.example.com/x"))
        .await;
    assert!(
        matches!(elsewhere, Err(Error::Api { status: 400, .. })),
        "{elsewhere:?}"
    );
}

/// One HTTP request a receiver got: its headers (lower-cased names) and its JSON body.
type Received = (Vec<(String, String)>, serde_json::Value);

/// A webhook receiver on loopback that answers 200 to each POST and hands it over.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/currents", listener.local_addr().expect("addr"));
    let (sent, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut bytes = Vec::new();
            let mut buffer = [0_u8; 4096];
            let (head, body) = loop {
                let read = stream.read(&mut buffer).await.unwrap_or(0);
                if read == 0 {
                    break (String::new(), Vec::new());
                }
                bytes.extend_from_slice(&buffer[..read]);
                let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
                    continue;
                };
                let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
                let length = head
                    .lines()
                    .find_map(|line| {
                        line.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|n| n.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if bytes.len() >= end + 4 + length {
                    break (head, bytes[end + 4..end + 4 + length].to_vec());
                }
            };
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
            let headers = head
                .lines()
                .skip(1)
                .filter_map(|line| line.split_once(':'))
                .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
                .collect();
            let _ = sent.send((headers, serde_json::from_slice(&body).unwrap_or_default()));
        }
    });
    (url, received)
}

/// The value of a delivery's header, by its lower-case name.
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.as_str())
}

/// Registers `hook` on project `p`, then resets the failed specs of `run`, which starts it
/// again: the fake delivers RUN_START.
async fn hook_and_reset(client: &Client, hook: CreateWebhookRequest, run: &str) {
    client
        .webhooks()
        .create(&project(), hook)
        .await
        .expect("created");
    let report = client
        .runs()
        .reset_failed(&run_id(run), Default::default())
        .await
        .expect("reset");
    assert!(report.is_success(), "{report:?}");
}

async fn next(received: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("a delivery within 10 s")
        .expect("the receiver is running")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_gets_the_run_start_and_finish_of_a_reset_run() {
    let fake = fake();
    let client = client(&fake);
    let (url, mut received) = receiver().await;
    // The reset starts the run again; finishing it is the second event.
    hook_and_reset(&client, hook_request(&url), "failed").await;
    let (_, started) = next(&mut received).await;
    fake.update_run("failed", |run| {
        run.status = currents::RunStatus::Passed;
        run.completion_state = currents::RunCompletionState::Complete;
    });
    let (headers, finished) = next(&mut received).await;

    assert_eq!(started["event"], "RUN_START");
    assert_eq!(finished["event"], "RUN_FINISH");
    assert_eq!(finished["runUrl"], "https://app.currents.dev/run/failed");
    assert_eq!(finished["buildId"], "build-failed");
    assert_eq!(finished["commit"]["branch"], "feature/x");
    assert_eq!(finished["tags"], serde_json::json!(["nightly"]));
    assert_eq!(header(&headers, "x-receiver-token"), Some("t0k3n"));
    assert!(
        header(&headers, "x-timestamp")
            .and_then(|t| t.parse::<i64>().ok())
            .is_some(),
        "{headers:?}"
    );
    // The fake records a delivery once its receiver has answered.
    for _ in 0..100 {
        if fake.deliveries().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let statuses = fake
        .deliveries()
        .into_iter()
        .map(|(_, outcome)| outcome)
        .collect::<Vec<_>>();
    assert_eq!(statuses, [Ok(200), Ok(200)]);
}

/// Currents delivers each event once per group of a multigroup run, naming the group, with
/// `x-timestamp` in epoch milliseconds and the hook's own headers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multigroup_run_is_delivered_once_per_group() {
    let fake = fake();
    fake.insert(
        RunFixture::new("browsers")
            .project("p")
            .status("failed")
            .group("chrome")
            .spec("m1", 1)
            .group("firefox")
            .spec("m2", 1),
    );
    let client = client(&fake);
    let (url, mut received) = receiver().await;
    let hook =
        hook_request(&url).with_hook_events(vec![HookEvent::RunStart, HookEvent::RunCanceled]);
    hook_and_reset(&client, hook, "browsers").await;
    let run = run_id("browsers");
    let started = [next(&mut received).await, next(&mut received).await];
    client.runs().cancel(&run).await.expect("cancelled");
    let cancelled = [next(&mut received).await, next(&mut received).await];

    for (event, deliveries) in [("RUN_START", started), ("RUN_CANCELED", cancelled)] {
        let mut groups = Vec::new();
        for (headers, body) in deliveries {
            assert_eq!(body["event"], event);
            assert_eq!(body["runUrl"], "https://app.currents.dev/run/browsers");
            groups.push(body["groupId"].as_str().unwrap_or_default().to_owned());
            assert_eq!(header(&headers, "x-receiver-token"), Some("t0k3n"));
            let sent = header(&headers, "x-timestamp").and_then(|t| t.parse::<i64>().ok());
            let millis = Utc::now().timestamp_millis();
            assert!(
                sent.is_some_and(|sent| (millis - 60_000..=millis).contains(&sent)),
                "x-timestamp {sent:?} is not epoch milliseconds of the last minute"
            );
        }
        groups.sort();
        assert_eq!(groups, ["chrome", "firefox"], "{event}");
    }
}

/// A receiver that redirects is answered as it is: the fake sends the hook's headers (which
/// may hold the receiver's secret) nowhere else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_s_redirect_is_not_followed() {
    use integration_tests::hostile::{Answer, Hostile};

    let elsewhere = Hostile::start(|_, _| Answer::json("{}")).await;
    let target = format!("{}/steal", elsewhere.origin());
    let receiver =
        Hostile::start(move |_, _| Answer::status(307, vec![("location", target.clone())])).await;
    let fake = fake();
    let client = client(&fake);
    let hook = hook_request(&format!("{}/hook", receiver.origin()));
    hook_and_reset(&client, hook, "failed").await;
    for _ in 0..250 {
        if !fake.deliveries().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let outcomes = fake
        .deliveries()
        .into_iter()
        .map(|(_, outcome)| outcome)
        .collect::<Vec<_>>();
    assert_eq!(outcomes, [Ok(307)]);
    assert_eq!(receiver.count(), 1);
    assert_eq!(elsewhere.count(), 0, "the delivery followed the redirect");
}

#[tokio::test]
async fn the_errors_explorer_over_90_days_counts_every_failed_test() {
    let fake = fake();
    let client = client(&fake);
    let errors: Vec<_> = client
        .projects()
        .errors(&project(), days(90))
        .group_by([ErrorDimension::Message])
        .stream()
        .try_collect()
        .await
        .expect("listed");
    // The failed run has two failed tests, with the same error.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].count, 2);
    assert!(
        errors[0]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("expect")),
        "{errors:?}"
    );
    let none: Vec<_> = client
        .projects()
        .errors(&project(), days(90))
        .branches(["main"])
        .stream()
        .try_collect()
        .await
        .expect("listed");
    assert!(none.is_empty(), "no failures on main: {none:?}");
}

#[tokio::test]
async fn a_quarantine_action_affects_the_tests_of_the_runs_after_it() {
    let fake = fake();
    let client = client(&fake);
    let action = CreateActionRequest::new(
        vec![RuleAction::quarantine()],
        RuleMatcher::all([RuleMatcherCondition::on(
            ConditionType::File,
            ConditionOperator::Eq,
            RuleMatcherConditionValue::String("spec-0.cy.ts".into()),
        )]),
        "quarantine spec 0"
            .parse::<CreateActionRequestName>()
            .expect("a name"),
    );
    let action = client
        .actions()
        .create(&project(), action)
        .await
        .expect("created");
    let before: Vec<_> = client
        .actions()
        .affected_tests(&project(), days(7))
        .stream()
        .try_collect()
        .await
        .expect("listed");
    assert!(
        before.is_empty(),
        "the runs before the action are not affected: {before:?}"
    );

    fake.insert(
        RunFixture::new("after")
            .project("p")
            .status("failed")
            .created_at(Utc::now())
            .spec("m1", 1)
            .spec("m2", 0),
    );
    let affected: Vec<_> = client
        .actions()
        .affected_tests(&project(), days(1))
        .stream()
        .try_collect()
        .await
        .expect("listed");
    // spec-0 of the new run has three tests; spec-1 is not matched.
    assert_eq!(affected.len(), 3, "{affected:?}");
    assert!(
        affected
            .iter()
            .all(|test| test.spec.as_deref() == Some("spec-0.cy.ts"))
    );
    assert!(
        affected
            .iter()
            .all(|test| test.actions[0].type_.as_deref() == Some("quarantine"))
    );

    let action_id = action.action_id.parse().expect("an id");
    let executions: Vec<_> = client
        .actions()
        .executions(&action_id, days(1))
        .stream()
        .try_collect()
        .await
        .expect("listed");
    assert_eq!(executions.len(), 3);
    assert!(
        executions
            .iter()
            .all(|e| e.run_id.as_deref() == Some("after"))
    );
    let signature = affected[0].signature.parse().expect("a signature");
    let one: Vec<_> = client
        .actions()
        .affected_test_executions(&project(), &signature, days(1))
        .stream()
        .try_collect()
        .await
        .expect("listed");
    assert_eq!(one.len(), 1);
}

#[tokio::test]
async fn failure_context_of_a_run_and_of_a_test_in_json_and_markdown() {
    let fake = fake();
    let client = client(&fake);
    let run = client
        .context()
        .run(&run_id("failed"))
        .json()
        .await
        .expect("context");
    assert_eq!(run.level.as_deref(), Some("run"));
    assert_eq!(run.list.len(), 2, "two failed tests");
    let test_id = run.list[0].test_id.clone().expect("a test id");
    let instance = "failed-i0".parse().expect("an instance id");

    let test = client
        .context()
        .test(&instance, &test_id)
        .json()
        .await
        .expect("context");
    assert_eq!(test.level.as_deref(), Some("test"));
    assert_eq!(
        test.field("/testId"),
        Some(serde_json::Value::String(test_id.clone()))
    );
    let markdown = client
        .context()
        .test(&instance, &test_id)
        .markdown()
        .await
        .expect("markdown");
    assert!(
        markdown.starts_with("# Failure context: test"),
        "{markdown}"
    );
    assert!(markdown.contains(&test_id), "{markdown}");
    let short = client
        .context()
        .run(&run_id("failed"))
        .max_length(20)
        .markdown()
        .await
        .expect("markdown");
    assert_eq!(short.chars().count(), 20);

    let nowhere = client.context().run(&run_id("nope")).json().await;
    assert!(
        matches!(nowhere, Err(Error::NotFound { .. })),
        "{nowhere:?}"
    );
}

#[tokio::test]
async fn pull_request_cards_and_terms_come_from_the_runs() {
    let fake = fake();
    let client = client(&fake);
    let cards: Vec<_> = client
        .projects()
        .pull_requests(&project())
        .stream()
        .try_collect()
        .await
        .expect("listed");
    let summary = cards
        .iter()
        .map(|card| (card.pr.id.as_str(), card.run_count))
        .collect::<Vec<_>>();
    // Most recently run first: PR 12's latest run is a day old, PR 13's thirty hours.
    assert_eq!(summary, [("12", Some(2)), ("13", Some(1))]);
    assert_eq!(cards[0].recent_runs[0].run_id.as_deref(), Some("failed"));

    assert_eq!(
        terms(&client, TermType::Branch).await,
        ["feature/x", "main"]
    );
    assert_eq!(terms(&client, TermType::Tag).await, ["nightly"]);
}

/// The values of one kind of term of project `p`, most recently seen first.
async fn terms(client: &Client, kind: TermType) -> Vec<String> {
    let terms: Vec<_> = client
        .projects()
        .terms(&project(), kind)
        .stream()
        .try_collect()
        .await
        .expect("listed");
    terms.into_iter().map(|term| term.value.clone()).collect()
}

#[tokio::test]
async fn a_jira_issue_is_created_from_a_failed_test_and_linked_to_another() {
    let fake = fake();
    let client = client(&fake);
    let projects: Vec<_> = client
        .jira()
        .projects(JIRA_INSTALLATION_ID)
        .stream()
        .try_collect()
        .await
        .expect("listed");
    let jira_project = projects[0].id.clone();
    let types: Vec<_> = client
        .jira()
        .issue_types(JIRA_INSTALLATION_ID, &jira_project)
        .stream()
        .try_collect()
        .await
        .expect("listed");
    let context = client
        .context()
        .run(&run_id("failed"))
        .json()
        .await
        .expect("context");
    let tests = context
        .list
        .iter()
        .filter_map(|test| test.test_id.clone())
        .collect::<Vec<_>>();
    fn text<T: std::str::FromStr<Err: std::fmt::Debug>>(value: &str) -> T {
        value.parse().expect("valid text")
    }
    let issue = CreateJiraIssueFromRunTestRequest::new(
        text::<JiraInstallationId>(JIRA_INSTALLATION_ID),
        text::<JiraIssueTypeId>(&types[0].id),
        text::<JiraProjectId>(&jira_project),
        text::<Text>("failed"),
        text::<Text>(&tests[0]),
    );
    let created = client
        .jira()
        .create_issue(&project(), issue)
        .await
        .expect("created");
    let key = created.issue_key.clone().expect("a key");
    assert_eq!(key, "WEB-1");

    let link = LinkJiraIssueFromRunTestRequest::new(
        text::<JiraInstallationId>(JIRA_INSTALLATION_ID),
        text::<JiraIssueTypeId>(&types[0].id),
        text::<JiraProjectId>(&jira_project),
        text::<Text>("failed"),
        text::<Text>(&tests[1]),
    );
    let without_context = link.clone().with_include_context_in_comment(false);
    let refused = client
        .jira()
        .link_issue(&project(), &key, without_context)
        .await;
    assert!(
        refused.as_ref().is_err_and(Error::is_validation),
        "{refused:?}"
    );
    assert_eq!(fake.request_count(Operation::LinkJiraIssueFromRunTest), 0);

    client
        .jira()
        .link_issue(&project(), &key, link)
        .await
        .expect("linked");
    let linked = fake.jira_issue_tests(&key).expect("the issue");
    assert_eq!(
        linked,
        [
            ("failed".to_owned(), tests[0].clone()),
            ("failed".to_owned(), tests[1].clone())
        ]
    );
}

#[tokio::test]
async fn any_route_below_the_base_url_and_nothing_else() {
    let fake = fake();
    let client = client(&fake);
    let projects = client
        .request(Method::GET, "/projects?limit=1")
        .send()
        .await
        .expect("answered");
    let body = projects.json().expect("JSON");
    assert_eq!(body["data"][0]["projectId"], "p");

    // A route the spec does not describe is named by its method and path.
    let unknown = client.request(Method::POST, "/sessions").send().await;
    match unknown {
        Err(Error::NotFound {
            operation: Endpoint::Route { method, path },
            ..
        }) => {
            assert_eq!((method.as_str(), path.as_str()), ("POST", "/sessions"));
        }
        other => panic!("expected a 404 from a route: {other:?}"),
    }
    let before = fake.requests().len();
    for path in [
        "https://api.currents.dev/v1/projects",
        "//evil.example/v1",
        "/runs/../projects",
        "/runs/%2e%2e/x",
        "projects",
    ] {
        let refused = client.request(Method::GET, path).send().await;
        assert!(
            refused.as_ref().is_err_and(Error::is_validation),
            "{path}: {refused:?}"
        );
    }
    assert_eq!(fake.requests().len(), before, "nothing was sent");
}

/// `send_any_status` answers an error status with its body and the error it stands for, as
/// `gh api` prints both; headers go as given, and the client's own are refused unsent.
#[tokio::test]
async fn a_raw_request_keeps_an_error_body_and_sends_headers() {
    let fake = fake();
    let client = client(&fake);
    let missing = client
        .request(Method::GET, "/runs/missing")
        .header("X-Team", "warden")
        .send_any_status()
        .await
        .expect("an answer");
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json().expect("JSON")["status"], "FAILED");
    assert!(missing.error().is_some_and(|error| error.is_not_found()));
    let sent = fake.requests();
    assert_eq!(sent.last().and_then(|r| r.header("x-team")), Some("warden"));

    let found = client
        .request(Method::GET, "/projects")
        .send_any_status()
        .await
        .expect("an answer");
    assert!(found.error().is_none(), "{:?}", found.status());

    let before = fake.requests().len();
    let refused = client
        .request(Method::GET, "/projects")
        .header("Authorization", "Bearer someone-else")
        .send_any_status()
        .await
        .expect_err("refused");
    assert!(refused.is_validation(), "{refused}");
    assert!(!refused.to_string().contains("someone-else"), "{refused}");
    assert_eq!(fake.requests().len(), before, "nothing was sent");
}

/// A client is one thing to hand around: this only checks that the new handles are `Copy`
/// views like the others, usable from joined futures.
#[tokio::test]
async fn the_new_handles_join() {
    let fake = fake();
    let client: Client = client(&fake);
    let (hooks, terms) = tokio::join!(
        client
            .webhooks()
            .list(&project())
            .stream()
            .try_collect::<Vec<_>>(),
        client
            .projects()
            .terms(&project(), TermType::Branch)
            .stream()
            .try_collect::<Vec<_>>(),
    );
    assert!(hooks.expect("listed").is_empty());
    assert_eq!(terms.expect("listed").len(), 2);
}

/// What Currents' clients send and the spec lacked: `@currents/mcp`'s parameters are settable
/// through the facade and accepted by the fake, and a list filter in n8n's and old clients'
/// spellings (`status[]`, unbracketed `tags`, `branch`) is answered as the documented one.
#[tokio::test]
async fn the_clients_parameters_and_spellings_are_taken() {
    let fake = fake();
    let client = client(&fake);
    let range = Utc::now() - chrono::Duration::days(7)..Utc::now();
    let runs: Vec<_> = client
        .projects()
        .runs(&project())
        .pr_id("12")
        .stream()
        .try_collect()
        .await
        .expect("pr_id is accepted");
    let mut ids: Vec<_> = runs
        .iter()
        .filter_map(|run| run.run_id.as_deref())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["done", "failed"], "the runs of pull request 12");
    let tests: Vec<_> = client
        .projects()
        .tests(&project(), range.clone())
        .metric_settings(r#"{"flakiness":"all"}"#)
        .annotations(r#"[{"type":"issue"}]"#)
        .stream()
        .try_collect()
        .await
        .expect("metric_settings and annotations are accepted");
    // The test that `done` ran flaky once, in one of its executions.
    let flaky_test = tests
        .iter()
        .find(|test| test.metrics.as_ref().and_then(|m| m.flaky) > Some(0))
        .expect("a flaky test");
    let signature = flaky_test
        .signature
        .as_deref()
        .expect("a signature")
        .parse()
        .expect("a valid signature");
    let results = |flaky: Option<bool>| {
        let query = client
            .tests()
            .results(&signature, range.clone())
            .annotations(r#"[{"type":"issue"}]"#);
        let query = match flaky {
            Some(flaky) => query.flaky(flaky),
            None => query,
        };
        query.stream().try_collect::<Vec<_>>()
    };
    let all = results(None).await.expect("annotations are accepted");
    let steady = results(Some(false)).await.expect("flaky is accepted");
    let flaky = results(Some(true)).await.expect("flaky is accepted");
    // The test ran in all three runs, and was flaky in `done` only.
    assert_eq!((flaky.len(), all.len()), (1, 3), "{all:?}");
    assert!(flaky.iter().all(|result| result.flaky == Some(true)));
    assert!(steady.iter().all(|result| result.flaky != Some(true)));
    assert_eq!(flaky.len() + steady.len(), all.len());
    let sent = |name: &str| {
        fake.requests()
            .iter()
            .flat_map(|request| request.query_pairs())
            .any(|(key, _)| key == name)
    };
    for name in ["pr_id", "metric_settings", "annotations", "flaky"] {
        assert!(sent(name), "{name} was not sent");
    }

    // The same filters in three spellings, over plain HTTP as the other clients send them.
    let ids = |query: &'static str| {
        let client = client.clone();
        async move {
            let answer = client
                .request(Method::GET, &format!("/projects/p/runs?{query}"))
                .send()
                .await
                .expect("answered")
                .json()
                .expect("JSON");
            answer["data"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|run| run["runId"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let documented = ids("status=FAILED&tags[]=nightly&branches[]=feature/x").await;
    assert_eq!(documented, ["failed"]);
    assert_eq!(
        ids("status[]=FAILED&tags=nightly&branch=feature/x").await,
        documented
    );
    assert_eq!(
        ids("status=FAILED&tag[]=nightly&branch[]=feature/x").await,
        documented
    );
    assert_eq!(ids("").await.len(), 3, "unfiltered");
}
