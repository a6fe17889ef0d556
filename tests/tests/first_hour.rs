//! What a newcomer writes in the first hour, as the README and `cargo doc` teach it: futures
//! that borrow only the client, errors that convert with `?` and print once, action conditions
//! the client judges by the spec's table, and demo data that does not age. (A reset whose failed
//! batch cannot pass unnoticed is with the other resets, in `facade.rs`.) Real HTTP over
//! loopback to currents-fake.

use std::error::Error as _;

use currents::{Error, RunId};
use currents_fake::{FakeServer, RunFixture};
use futures_util::future::join_all;
use integration_tests::{client, run_id};

#[tokio::test]
async fn calls_on_a_temporary_handle_can_be_joined() {
    let fake = FakeServer::builder()
        .runs([RunFixture::new("a"), RunFixture::new("b")])
        .start();
    let client = client(&fake);
    let (a, b) = (run_id("a"), run_id("b"));
    // Each future borrows the client and the id, not the `runs()` handle it came from.
    let (first, second) = tokio::join!(client.runs().get(&a), client.runs().get(&b));
    assert_eq!(
        (
            first.expect("a").run_id.as_str(),
            second.expect("b").run_id.as_str()
        ),
        ("a", "b")
    );
    let ids = [a, b];
    let runs = join_all(ids.iter().map(|id| client.runs().get(id))).await;
    let found = runs
        .into_iter()
        .map(|run| run.expect("found").run_id.clone())
        .collect::<Vec<_>>();
    assert_eq!(found, ["a", "b"]);
}

/// Every message of an error's chain, outermost first.
fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    std::iter::successors(Some(error), |&error| error.source())
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_refused_value_converts_with_question_mark_and_prints_once() {
    fn action_name(text: &str) -> Result<currents::api::types::CreateActionRequestName, Error> {
        Ok(text.parse()?)
    }
    fn run(text: &str) -> Result<RunId, Error> {
        Ok(text.parse()?)
    }
    let long = action_name(&"x".repeat(300)).expect_err("over the spec's maxLength");
    assert!(long.is_validation(), "{long:?}");
    assert_eq!(
        chain(&long),
        [long.to_string()],
        "one message, no cause printed again"
    );
    assert!(
        long.to_string().starts_with("invalid input: value: "),
        "{long}"
    );

    let dots = run("..").expect_err("a path segment");
    assert_eq!(
        chain(&dots),
        ["invalid input: run id '..': '.' and '..' are path segments, not run ids"]
    );
    assert!(dots.source().is_none());
}

#[tokio::test]
async fn a_condition_type_takes_only_its_operators_by_the_spec_s_table() {
    use currents::api::types::{
        ConditionOperator, ConditionType, CreateActionRequest, CreateActionRequestName, RuleAction,
        RuleMatcher, RuleMatcherCondition, RuleMatcherConditionValue,
    };
    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").project("p")])
        .start();
    let client = client(&fake);
    let project: currents::ProjectId = "p".parse().expect("a project id");
    let request = |kind, op| {
        let value = RuleMatcherConditionValue::String("login".to_owned());
        let condition = RuleMatcherCondition::on(kind, op, value);
        CreateActionRequest::new(
            vec![RuleAction::skip()],
            RuleMatcher::all([condition]),
            "skip login"
                .parse::<CreateActionRequestName>()
                .expect("a name"),
        )
    };
    // The spec's table, by rows: primitive types take no substring operators.
    for (kind, op, allowed) in [
        (ConditionType::Title, ConditionOperator::Inc, false),
        (ConditionType::File, ConditionOperator::NotIncAll, false),
        (ConditionType::Title, ConditionOperator::Eq, true),
        (ConditionType::TitlePath, ConditionOperator::Inc, true),
        (ConditionType::ErrorMessage, ConditionOperator::NotInc, true),
    ] {
        assert_eq!(kind.allows(&op), allowed, "{kind} {op}");
    }
    let refused = client
        .actions()
        .create(
            &project,
            request(ConditionType::Title, ConditionOperator::Inc),
        )
        .await
        .expect_err("title does not take inc");
    assert_eq!(
        refused.to_string(),
        "invalid input: matcher condition 'title inc': a title condition does not take inc; \
         inc, notInc, incAll and notIncAll are for error_message, titlePath, annotation and tag"
    );
    assert!(fake.requests().is_empty(), "nothing was sent");

    // The fake refuses only what the spec's schemas forbid, and the table is not one of them
    // (it is an extension), so a client that sends the pair anyway gets it created.
    let body = serde_json::json!({
        "name": "skip login", "action": [{ "op": "skip" }],
        "matcher": { "op": "AND", "cond": [{ "type": "title", "op": "inc", "value": "login" }] }
    });
    let answer = currents::reqwest::Client::new()
        .post(format!("{}/actions?projectId=p", fake.base_url()))
        .bearer_auth(fake.api_key())
        .json(&body)
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 201);

    let created = client
        .actions()
        .create(
            &project,
            request(ConditionType::TitlePath, ConditionOperator::Inc),
        )
        .await
        .expect("titlePath takes inc");
    assert_eq!(created.name, "skip login");
}

#[tokio::test]
async fn the_last_month_of_demo_runs_is_never_empty() {
    use currents::RunFields;
    use currents::chrono::{Duration, Utc};
    use futures_util::TryStreamExt as _;

    let fake = FakeServer::builder()
        .runs(currents_fake::demo::demo_runs(30, 1))
        .start();
    let client = client(&fake);
    // The second demo project: the first holds the oversized run, slow to derive metrics from.
    let project: currents::ProjectId = currents_fake::demo::DEMO_PROJECTS[1]
        .parse()
        .expect("a project id");
    let month = Utc::now() - Duration::days(30)..Utc::now();
    let runs = client
        .projects()
        .runs(&project)
        .created(month.clone())
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("runs");
    assert!(!runs.is_empty(), "the demo runs are within the last days");
    // A listed run and a fetched one answer the same questions.
    let listed = &runs[0];
    let fetched = client
        .runs()
        .get(&run_id(listed.run_id().expect("an id")))
        .await
        .expect("the run");
    assert_eq!(listed.branch(), fetched.branch());
    assert_eq!(listed.status(), RunFields::status(&*fetched));
    let tests = client
        .projects()
        .tests(&project, month)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .expect("the tests explorer");
    assert!(!tests.is_empty());
}
