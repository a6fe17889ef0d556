//! The operations beyond the Runs page, through the facade against currents-fake: projects, a
//! project's runs, metrics, instances, tests and Actions, with their filters and their input
//! rules. Every operation answers from one data set, so the answers must agree with each other.

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use currents::api::operations::ListProjectRuns;
use currents::prelude::*;
use currents::{
    ActionId, Endpoint, Error, InstanceId, Operation, ProjectId, RunCompletionState, RunStatus,
    api::types::{
        ActionStatus, ConditionOperator, ConditionType, CreateActionRequest,
        CreateActionRequestName, InsightsResolution, RuleAction, RuleMatcher, RuleMatcherCondition,
        RuleMatcherConditionValue, SortDirection, SpecFileOrder, TestOrder, TestState,
        UpdateActionRequest, UpdateActionRequestName,
    },
};
use currents_fake::{FakeServer, RunFixture};
use futures_util::TryStreamExt as _;
use integration_tests::client;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, hour, 0, 0)
        .single()
        .expect("a valid time")
}

fn project(id: &str) -> ProjectId {
    id.parse().expect("a valid project id")
}

/// Project `p`: four runs on three branches by two authors, one still running; and project
/// `q` with one run.
fn fake() -> FakeServer {
    FakeServer::builder()
        .runs([
            RunFixture::new("a")
                .project("p")
                .status("passed")
                .branch("main")
                .author("Ann")
                .tags(["nightly"])
                .created_hour(8)
                .spec("m1", 0)
                .spec("m2", 0),
            RunFixture::new("b")
                .project("p")
                .status("failed")
                .branch("release/1.x")
                .author("Bo")
                .tags(["nightly", "smoke"])
                .created_hour(9)
                .spec("m1", 2)
                .spec("m2", 0),
            RunFixture::new("c")
                .project("p")
                .status("failed")
                .branch("release/2.x")
                .author("Ann")
                .tags(["smoke"])
                .created_hour(10)
                .spec("m1", 1),
            RunFixture::new("d")
                .project("p")
                .status("running")
                .branch("main")
                .author("Bo")
                .created_hour(11),
            RunFixture::new("e")
                .project("q")
                .status("passed")
                .created_hour(7),
        ])
        .start()
}

fn ids<T>(items: &[currents::Received<T>], id: impl Fn(&T) -> Option<String>) -> Vec<String> {
    items
        .iter()
        .map(|item| id(item).unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn projects_come_from_the_runs_newest_first() {
    let fake = fake();
    let client = client(&fake);
    let projects = client
        .projects()
        .list()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("list");
    assert_eq!(
        ids(&projects, |p| Some(p.project_id.clone())),
        ["p", "q"],
        "by creation (first run), newest first"
    );
    let p = client.projects().get(&project("p")).await.expect("get");
    assert_eq!((p.name.as_str(), p.created_at), ("p", at(8)));
    let missing = client
        .projects()
        .get(&project("nope"))
        .await
        .expect_err("no such project");
    assert!(
        matches!(
            missing,
            Error::NotFound {
                operation: Endpoint::Operation(Operation::GetProject),
                ..
            }
        ),
        "{missing:?}"
    );
}

async fn runs(query: currents::Query<'_, ListProjectRuns>) -> Vec<String> {
    let items = query.stream().try_collect::<Vec<_>>().await.expect("runs");
    ids(&items, |run| run.run_id.clone())
}

#[tokio::test]
async fn a_project_s_runs_are_filtered_as_asked() {
    let fake = fake();
    let client = client(&fake);
    let all = client.projects().runs(&project("p"));
    assert_eq!(runs(all).await, ["d", "c", "b", "a"]);
    let failed = client
        .projects()
        .runs(&project("p"))
        .status([RunStatus::Failed]);
    assert_eq!(runs(failed).await, ["c", "b"]);
    let running = client
        .projects()
        .runs(&project("p"))
        .status([RunStatus::Running, RunStatus::Failing]);
    assert_eq!(runs(running).await, ["d"]);
    let complete = client
        .projects()
        .runs(&project("p"))
        .completion_state([RunCompletionState::Complete]);
    assert_eq!(runs(complete).await, ["c", "b", "a"]);
    let releases = client
        .projects()
        .runs(&project("p"))
        .branches(["release/*"]);
    assert_eq!(runs(releases).await, ["c", "b"]);
    let both_tags = client
        .projects()
        .runs(&project("p"))
        .tags(["nightly", "smoke"]);
    assert_eq!(runs(both_tags).await, ["b"]);
    let any_tag = client
        .projects()
        .runs(&project("p"))
        .tags(["nightly", "smoke"])
        .any_tag();
    assert_eq!(runs(any_tag).await, ["c", "b", "a"]);
    let by_ann = client.projects().runs(&project("p")).authors(["Ann"]);
    assert_eq!(runs(by_ann).await, ["c", "a"]);
    let window = client
        .projects()
        .runs(&project("p"))
        .since(at(9))
        .until(at(10));
    assert_eq!(runs(window).await, ["c", "b"]);
    let build = client.projects().runs(&project("p")).search("BUILD-B");
    assert_eq!(runs(build).await, ["b"]);

    // Production's spelling on the wire, and in the answer as sent.
    let first = client
        .projects()
        .runs(&project("p"))
        .status([RunStatus::Failed])
        .limit(1)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("one");
    assert_eq!(first[0].status, Some(RunStatus::Failed));
    assert!(
        first[0].raw().contains(r#""status":"FAILED""#),
        "{}",
        first[0].raw()
    );
    let sent = fake.requests().pop().expect("a request");
    assert!(
        sent.query_pairs()
            .contains(&("status".into(), "FAILED".into())),
        "{sent:?}"
    );
}

#[tokio::test]
async fn invalid_filters_are_refused_before_anything_is_sent() {
    type Call<'a> = std::pin::Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>>;
    /// Walks a list to its end, keeping only whether it failed.
    fn walk<'a, T: 'a>(items: currents::Items<T>) -> Call<'a> {
        Box::pin(async move { items.try_collect::<Vec<_>>().await.map(drop) })
    }
    let fake = fake();
    let client = client(&fake);
    let p = project("p");
    let runs = || client.projects().runs(&p);
    let action = ActionId::new("x").expect("valid");
    let create = |rules, matcher| {
        let name = "x"
            .parse::<CreateActionRequestName>()
            .expect("a valid name");
        let actions = client.actions();
        let p = p.clone();
        Box::pin(async move {
            let request = CreateActionRequest::new(rules, matcher, name);
            actions.create(&p, request).await.map(drop)
        }) as Call<'_>
    };
    // Each call, and what the message it is refused with must say.
    let cases: Vec<(Call<'_>, &str)> = vec![
        (
            walk(runs().status([RunStatus::Cancelled]).stream()),
            "status filter 'cancelled': a project's runs are filtered by",
        ),
        (
            walk(runs().branches(["re*lease"]).stream()),
            "branches[] 're*lease': '*' at position 3 is not allowed; '*' may only come last",
        ),
        (
            walk(runs().since(at(10)).until(at(9)).stream()),
            "must not start after it ends",
        ),
        (
            walk(runs().search("x".repeat(201)).stream()),
            "it is 201 characters long; at most 200 are allowed",
        ),
        (
            walk(client.projects().spec_files(&p, at(10)..at(9)).stream()),
            "must not start after it ends",
        ),
        (
            walk(
                client
                    .projects()
                    .tests(&p, at(8)..at(9))
                    .min_executions(0)
                    .stream(),
            ),
            "min_executions '0': must be at least 1",
        ),
        (
            Box::pin(async { client.projects().get(&project("a/b")).await.map(drop) }),
            "project id 'a/b': character '/'",
        ),
        (
            Box::pin(async {
                let update = UpdateActionRequest::default();
                client.actions().update(&action, update).await.map(drop)
            }),
            "action update '{}': must set at least one field",
        ),
        (
            create(vec![RuleAction::skip()], RuleMatcher::all([])),
            "matcher '[]': needs at least 1 condition",
        ),
        (
            create(
                vec![RuleAction::tag((0..11).map(|n| format!("t{n}")))],
                RuleMatcher::all([title_contains("a")]),
            ),
            "tag rule 't0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10': adds 11 tags; at most 10 are allowed",
        ),
    ];
    for (call, expected) in cases {
        match call.await {
            Err(Error::Validation(error)) => {
                let message = error.to_string();
                assert!(
                    message.contains(expected),
                    "{message}\n  expected: {expected}"
                );
            }
            other => panic!("not refused ({expected}): {other:?}"),
        }
    }
    assert!(
        fake.requests().is_empty(),
        "nothing may be sent: {:?}",
        fake.requests()
    );
}

fn title_contains(text: &str) -> RuleMatcherCondition {
    RuleMatcherCondition::on(
        ConditionType::TitlePath,
        ConditionOperator::Inc,
        RuleMatcherConditionValue::String(text.into()),
    )
}

#[tokio::test]
async fn metrics_agree_with_the_runs() {
    let fake = fake();
    let client = client(&fake);
    let p = project("p");
    let day = at(0)..at(23);

    let insights = client
        .projects()
        .insights(&p, day.clone())
        .resolution(InsightsResolution::Hour)
        .send()
        .await
        .expect("insights");
    let results = insights.results.clone().expect("results");
    let runs = results.overall.and_then(|o| o.runs).expect("run metrics");
    assert_eq!(
        (runs.total, runs.passed, runs.failed, runs.completed),
        (Some(4), Some(1), Some(2), Some(3))
    );
    assert_eq!(results.timeline.len(), 4, "one bucket per hour with runs");

    let files = client
        .projects()
        .spec_files(&p, day.clone())
        .order(SpecFileOrder::FailedExecutions, SortDirection::Desc)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("spec files");
    assert_eq!(
        ids(&files, |f| f.spec.clone()),
        ["spec-0.cy.ts", "spec-1.cy.ts"]
    );
    let first = files[0].metrics.clone().expect("metrics");
    assert_eq!(
        (first.overall_executions, first.failed_executions),
        (Some(3), Some(2))
    );

    let tests = client
        .projects()
        .tests(&p, day.clone())
        .order(TestOrder::Failures, SortDirection::Desc)
        .min_executions(3)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("tests");
    assert_eq!(
        tests.len(),
        3,
        "the three tests of spec-0 ran in a, b and c"
    );
    assert_eq!(tests[0].metrics.clone().and_then(|m| m.failures), Some(2));
    let failing = tests[0].signature.clone().expect("a signature");

    let signature = client
        .tests()
        .signature(&p, "spec-0.cy.ts", ["spec-0.cy.ts", "test 1"])
        .await
        .expect("signature");
    assert_eq!(
        signature.as_str(),
        failing,
        "the explorer and getTestSignature agree"
    );
    let history = client
        .tests()
        .results(&signature, day.clone())
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("results");
    assert_eq!(ids(&history, |r| r.run_id.clone()), ["c", "b", "a"]);
    let failures = client
        .tests()
        .results(&signature, day)
        .status([TestState::Failed])
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("failed results");
    assert_eq!(failures.len(), 2);

    let instance = client
        .instances()
        .get(&InstanceId::new("b-i0").expect("valid"))
        .await
        .expect("instance");
    assert_eq!(instance.tests().len(), 3);
    assert_eq!(instance.tests().filter(|test| test.is_failed()).count(), 2);
    assert_eq!(instance.run_id.as_deref(), Some("b"));
}

#[tokio::test]
async fn an_action_goes_through_its_lifecycle() {
    let fake = fake();
    let client = client(&fake);
    let actions = client.actions();
    let p = project("p");
    let created = actions
        .create(
            &p,
            CreateActionRequest::new(
                vec![RuleAction::quarantine(), RuleAction::tag(["flaky"])],
                RuleMatcher::any([title_contains("login")]),
                "quarantine flaky login"
                    .parse::<CreateActionRequestName>()
                    .expect("a valid name"),
            ),
        )
        .await
        .expect("created");
    assert_eq!(created.status, ActionStatus::Active);
    assert_eq!(
        created.action,
        [RuleAction::quarantine(), RuleAction::tag(["flaky"])]
    );
    let id = ActionId::new(created.action_id.clone()).expect("valid");

    let disabled = actions.disable(&id).await.expect("disabled");
    assert_eq!(disabled.status, ActionStatus::Disabled);
    assert!(disabled.disabled_at.is_some());
    let listed = actions
        .list(&p)
        .status([ActionStatus::Disabled])
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
    let enabled = actions.enable(&id).await.expect("enabled");
    assert_eq!(enabled.status, ActionStatus::Active);
    let renamed = actions
        .update(
            &id,
            UpdateActionRequest::new()
                .with_expires_after(Utc::now() + Duration::days(7))
                .with_name(
                    "renamed"
                        .parse::<UpdateActionRequestName>()
                        .expect("a valid name"),
                ),
        )
        .await
        .expect("updated");
    assert_eq!(renamed.name, "renamed");
    assert!(renamed.updated_at.is_some());

    actions.delete(&id).await.expect("archived");
    let archived = actions.get(&id).await.expect("still readable");
    assert_eq!(archived.status, ActionStatus::Archived);
    let refused = actions.enable(&id).await.expect_err("archived");
    assert!(
        matches!(&refused, Error::Api { status: 400, .. }),
        "{refused:?}"
    );
    assert!(
        actions
            .list(&p)
            .status([ActionStatus::Active])
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .expect("list")
            .is_empty()
    );
    let missing = actions
        .get(&ActionId::new("nope").expect("valid"))
        .await
        .expect_err("missing");
    assert!(matches!(
        missing,
        Error::NotFound {
            operation: Endpoint::Operation(Operation::GetAction),
            ..
        }
    ));
}

#[tokio::test]
async fn an_unknown_action_kind_is_kept_and_the_rest_decodes() {
    let fake = fake();
    let client = client(&fake);
    let action: RuleAction =
        serde_json::from_str(r#"{"op":"retry","details":{"times":2}}"#).expect("decodes");
    assert!(
        matches!(&action, RuleAction::Other { op } if op.as_str() == "retry"),
        "{action:?}"
    );
    // Known kinds still decode to their own variants.
    let tag: RuleAction =
        serde_json::from_str(r#"{"op":"tag","details":{"tags":["a"]}}"#).expect("decodes");
    assert_eq!(tag, RuleAction::tag(["a"]));
    drop(client);
}
