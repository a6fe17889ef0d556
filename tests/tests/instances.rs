//! Production's recorded answers against the spec, and what happened to each test of an
//! instance, through the facade, from both forms of a getInstance answer: production's
//! (compact tests, detail in `testResults`) and the documented one. Real HTTP over loopback to
//! currents-fake.

use currents::{
    InstanceId, InstanceSummary, TestOutcome,
    api::types::{Instance, InstanceResponse, RunResponse, TestState},
};
use currents_fake::{FakeServer, Fault, Operation, RunFixture, Spelling};
use integration_tests::client;

const PRODUCTION: &str = include_str!("../fixtures/instance-production.json");
const DOCUMENTED: &str = include_str!("../fixtures/instance-documented.json");

/// Production's answers in the shapes Currents' own VS Code extension recorded (two runs and
/// an instance, see `tests/fixtures/README.md`) are valid by our spec, strictly: every
/// constraint and format, so that the spec's types decode what production sends.
#[test]
fn the_recorded_production_answers_validate_strictly_against_the_spec() {
    let cases = [
        (
            "run-production-complete.json",
            include_str!("../fixtures/run-production-complete.json"),
            "RunResponse",
        ),
        (
            "run-production-in-progress.json",
            include_str!("../fixtures/run-production-in-progress.json"),
            "RunResponse",
        ),
        ("instance-production.json", PRODUCTION, "InstanceResponse"),
    ];
    let mut errors = Vec::new();
    for (file, answer, schema) in cases {
        // The generated types decode it too.
        let decoded = match schema {
            "RunResponse" => serde_json::from_str::<RunResponse>(answer).err(),
            _ => serde_json::from_str::<InstanceResponse>(answer).err(),
        };
        errors.extend(decoded.map(|error| format!("{file}: does not decode: {error}")));
        let answer: serde_json::Value = serde_json::from_str(answer).expect("JSON");
        let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{schema}") });
        errors.extend(
            currents_fake::schema::validator(&schema)
                .iter_errors(&answer)
                .map(|error| format!("{file}: {error} at {}", error.instance_path())),
        );
    }
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The failed test's error, ANSI colours and all, as both fixtures carry it.
const EXPECT_ERROR: &str = "Error: \u{1b}[2mexpect(\u{1b}[22m\u{1b}[31mreceived\u{1b}[39m\u{1b}[2m).\u{1b}[22mtoBeVisible\u{1b}[2m()\u{1b}[22m\n\nLocator: getByRole('button', { name: 'Pay' })\nExpected: visible\nReceived: <element(s) not found>";
const TIMEOUT_ERROR: &str = "\u{1b}[31mTest timeout of 30000ms exceeded.\u{1b}[39m";

/// What a test says, in the terms a caller asks about.
#[derive(Debug, PartialEq)]
struct Seen {
    title: String,
    state: Option<TestState>,
    flaky: bool,
    error: Option<String>,
    attempts: usize,
}

fn seen(test: TestOutcome<'_>) -> Seen {
    Seen {
        title: test.title().join(" > "),
        state: test.state().cloned(),
        flaky: test.is_flaky(),
        error: test.error().map(|error| error.message.to_owned()),
        attempts: test.attempts().len(),
    }
}

async fn get_recorded(body: &str) -> Instance {
    let fake = FakeServer::builder().start();
    fake.push_fault(
        Operation::GetInstance,
        Fault::Body {
            status: 200,
            bytes: body.as_bytes().to_vec(),
        },
    );
    let instance = client(&fake)
        .instances()
        .get(&InstanceId::new("inst-checkout-1").expect("valid"))
        .await
        .expect("the recorded answer decodes");
    instance.into_inner()
}

#[tokio::test]
async fn both_recorded_forms_say_the_same_of_every_test() {
    let expected = [
        (
            "checkout > pays with a card",
            TestState::Failed,
            false,
            Some(EXPECT_ERROR),
            4,
        ),
        (
            "checkout > applies a coupon",
            TestState::Passed,
            true,
            Some(TIMEOUT_ERROR),
            2,
        ),
        (
            "checkout > shows the basket",
            TestState::Passed,
            false,
            None,
            1,
        ),
        (
            "checkout > empties the basket",
            TestState::Passed,
            false,
            None,
            1,
        ),
    ]
    .map(|(title, state, flaky, error, attempts)| Seen {
        title: title.into(),
        state: Some(state),
        flaky,
        error: error.map(str::to_owned),
        attempts,
    });
    for (form, body) in [("production", PRODUCTION), ("documented", DOCUMENTED)] {
        let instance = get_recorded(body).await;
        let tests = instance.tests().map(seen).collect::<Vec<_>>();
        assert_eq!(tests, expected, "the {form} form");

        let failed = instance
            .tests()
            .find(TestOutcome::is_failed)
            .expect("one failed");
        let stack = failed.error().and_then(|error| error.stack);
        assert!(
            stack.is_some_and(|stack| stack.contains("checkout.spec.ts:42:17")),
            "the {form} form gives the failed attempt's stack: {stack:?}"
        );

        let summary = InstanceSummary::from(&instance);
        assert_eq!(
            (
                summary.tests.total,
                summary.tests.passed,
                summary.tests.failed
            ),
            (4, 3, 1),
            "the {form} form"
        );
        assert_eq!(summary.tests.flaky, 1, "the {form} form");
        assert_eq!(summary.failed_tests.len(), 1);
        assert_eq!(summary.failed_tests[0].error.as_deref(), Some(EXPECT_ERROR));
        assert_eq!(summary.failed_tests[0].attempts, 4);
    }
}

#[tokio::test]
async fn production_fields_beyond_the_docs_are_typed() {
    let instance = get_recorded(PRODUCTION).await;
    let results = instance.results.as_ref().expect("results");
    let stats = results.stats.as_ref().expect("stats");
    assert_eq!((stats.flaky, stats.retries), (Some(1), Some(4)));
    assert_eq!(results.playwright_traces.len(), 1);
    assert_eq!(results.screenshots.len(), 1);
    assert_eq!(results.videos.len(), 1);
    assert_eq!(results.attachments.len(), 1);
    assert!(
        results
            .stdout
            .as_ref()
            .is_some_and(|s| s.read_url.is_some())
    );
    let framework = instance.framework.as_ref().expect("framework");
    assert_eq!(
        (
            framework.type_.as_deref(),
            framework.client_version.as_deref()
        ),
        (Some("pw"), Some("1.13.0"))
    );
    assert_eq!(instance.test_list.len(), 4);
    assert_eq!(instance.test_results.len(), 4);
    // The documented fields production leaves out decode as absent.
    assert_eq!(instance.completed_at, None);
    assert_eq!(results.exception, None);
}

#[tokio::test]
async fn the_fake_answers_each_form_and_both_read_the_same() {
    // Three tests: one failed, and of the two that passed, one flaky.
    let mut run = RunFixture::new("r1").project("p").spec("m1", 1).build();
    if let Some(results) = run.run.specs[0].results.as_mut() {
        results.flaky = Some(1);
    }
    let instance_id = run.run.specs[0]
        .instance_id
        .clone()
        .expect("the fixture names its instance");
    let mut read = Vec::new();
    for spelling in [Spelling::Production, Spelling::Documented] {
        let fake = FakeServer::builder()
            .spelling(spelling)
            .runs([run.clone()])
            .start();
        let instance = client(&fake)
            .instances()
            .get(&InstanceId::new(instance_id.clone()).expect("valid"))
            .await
            .expect("instance");
        let compact = instance
            .results
            .as_ref()
            .is_some_and(|results| results.tests.iter().all(|test| test.state.is_none()));
        assert_eq!(
            compact,
            spelling == Spelling::Production,
            "{spelling:?}: production's tests carry `_s`, the documented ones `state`"
        );
        assert_eq!(
            instance.test_results.is_empty(),
            spelling == Spelling::Documented,
            "{spelling:?}: only production's answer has testResults"
        );
        read.push(instance.tests().map(seen).collect::<Vec<_>>());
    }
    assert_eq!(read[0], read[1], "both forms read the same");
    let failed = read[0]
        .iter()
        .filter(|test| test.state == Some(TestState::Failed))
        .collect::<Vec<_>>();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, 4, "a failed test is tried four times");
    assert!(failed[0].error.is_some());
    let flaky = read[0].iter().filter(|test| test.flaky).collect::<Vec<_>>();
    assert_eq!(flaky.len(), 1);
    assert_eq!(
        (flaky[0].state.clone(), flaky[0].attempts),
        (Some(TestState::Passed), 2),
        "a flaky test fails once and passes its retry"
    );
}
