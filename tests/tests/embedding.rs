//! The client inside a service: the service's own HTTP client, hooks around every attempt,
//! limits shared by every clone, answer metadata, per-call overrides and the request span.
//! Real HTTP over loopback to currents-fake.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use currents::{
    AttemptInfo, AttemptOutcome, Client, Endpoint, Error, Hook, RetryBudget, RetryPolicy, RunId,
    reqwest::{
        self,
        header::{HeaderMap, HeaderValue},
    },
};
use currents_fake::{FakeServer, Fault, Operation, Outage, RunFixture};
use integration_tests::run_id;

fn fake() -> FakeServer {
    FakeServer::builder()
        .runs([
            RunFixture::new("r1").project("p").build(),
            RunFixture::new("r2").project("p").build(),
        ])
        .start()
}

fn builder(fake: &FakeServer) -> currents::ClientBuilder {
    Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(5)))
        .timeout(Duration::from_secs(10))
}

fn status_503() -> Fault {
    Fault::Status {
        status: 503,
        retry_after: None,
    }
}

#[tokio::test]
async fn a_services_own_http_client_carries_every_request() {
    let fake = fake();
    let mut headers = HeaderMap::new();
    headers.insert("x-team", HeaderValue::from_static("payments"));
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("the service's client");
    let client = builder(&fake).http_client(http).build().expect("client");
    assert!(client.config().custom_http_client);

    fake.push_fault(Operation::GetRun, status_503());
    client.runs().get(&run_id("r1")).await.expect("getRun");
    use futures_util::StreamExt as _;
    let first = client.projects().list().pages().next().await;
    first.expect("a first page").expect("listProjects");
    let requests = fake.requests();
    assert_eq!(requests.len(), 3, "a retried get and a list");
    for request in &requests {
        assert_eq!(request.header("x-team"), Some("payments"), "{request:?}");
        // The facade's own auth still goes with it.
        assert_eq!(request.header("authorization"), Some("Bearer <redacted>"));
    }
}

/// Adds a `traceparent` to every attempt and records what it sees.
#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
}

/// One attempt as a hook saw it: operation, number, status, `error.type` and path.
type Seen = (Endpoint, u32, Option<u16>, Option<String>, String);

impl Hook for Recorder {
    fn on_request(&self, attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
        let value = format!(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-{:016x}-01",
            attempt.number
        );
        headers.insert(
            "traceparent",
            HeaderValue::from_str(&value).expect("visible ASCII"),
        );
        // A hook cannot send its own key: the client's replaces it.
        headers.insert("authorization", HeaderValue::from_static("Bearer stolen"));
    }

    fn on_outcome(&self, attempt: &AttemptInfo<'_>, outcome: &AttemptOutcome<'_>) {
        self.seen.lock().expect("seen").push((
            attempt.operation.clone(),
            attempt.number,
            outcome.status.map(|status| status.as_u16()),
            outcome.error_type.map(str::to_owned),
            attempt.url.path().to_owned(),
        ));
    }
}

#[tokio::test]
async fn a_hook_adds_traceparent_and_sees_every_attempt() {
    let fake = fake();
    // Shared: the client holds one handle, the test the other.
    let recorder = Arc::new(Recorder::default());
    let client = builder(&fake)
        .hook(recorder.clone())
        .build()
        .expect("client");
    fake.push_fault(Operation::GetRun, status_503());
    fake.push_fault(Operation::GetRun, status_503());
    let run = client.runs().get(&run_id("r1")).await.expect("third time");

    let seen = recorder.seen.lock().expect("seen").clone();
    let expected = [
        (Some(503), Some("503")),
        (Some(503), Some("503")),
        (Some(200), None),
    ];
    assert_eq!(seen.len(), 3, "{seen:?}");
    for (number, ((operation, attempt, status, error, path), (want_status, want_error))) in
        seen.iter().zip(expected).enumerate()
    {
        assert_eq!(*operation, Operation::GetRun);
        assert_eq!(*attempt as usize, number + 1);
        assert_eq!(*status, want_status);
        assert_eq!(error.as_deref(), want_error);
        assert_eq!(path, "/v1/runs/r1");
    }
    let traceparents = fake
        .requests()
        .iter()
        .map(|request| request.header("traceparent").map(str::to_owned))
        .collect::<Vec<_>>();
    assert_eq!(
        traceparents,
        (1..=3)
            .map(|n| Some(format!("00-4bf92f3577b34da6a3ce929d0e0e4736-{n:016x}-01")))
            .collect::<Vec<_>>()
    );
    // The fake accepted every attempt, so the client's key replaced the hook's.
    let meta = run.meta().expect("a fetched answer has its metadata");
    assert_eq!((meta.status(), meta.attempts()), (200, 3));
}

#[tokio::test]
async fn a_retry_the_budget_refuses_returns_the_typed_error_at_once() {
    let fake = fake();
    // Room for one retry, and no more.
    let budget = RetryBudget::default()
        .with_capacity(5)
        .with_retry_cost(5)
        .with_success_refund(0);
    let client = builder(&fake).retry_budget(budget).build().expect("client");
    fake.set_outage(Some(Outage::Down { status: 503 }));

    let first = client.runs().get(&run_id("r1")).await.expect_err("down");
    assert_eq!(first.response().map(|r| r.attempts()), Some(2), "{first}");

    // Another clone shares the spent budget: its failure comes back after one attempt.
    let clone = client.clone();
    let started = Instant::now();
    let second = clone.runs().get(&run_id("r2")).await.expect_err("down");
    assert!(
        matches!(&second, Error::Api { status: 503, .. }),
        "the typed error: {second:?}"
    );
    assert_eq!(second.response().map(|r| r.attempts()), Some(1));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(fake.request_count(Operation::GetRun), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_never_have_more_requests_in_flight_than_the_cap() {
    let fake = fake();
    fake.set_outage(Some(Outage::Latency(Duration::from_millis(30))));
    let client = builder(&fake).max_in_flight(4).build().expect("client");
    let tasks = (0..40)
        .map(|n| {
            let client = client.clone();
            tokio::spawn(async move {
                let id: RunId = if n % 2 == 0 { "r1" } else { "r2" }.parse().expect("valid");
                client.runs().get(&id).await.map(drop)
            })
        })
        .collect::<Vec<_>>();
    for task in tasks {
        task.await.expect("task").expect("getRun");
    }
    assert_eq!(fake.request_count(Operation::GetRun), 40);
    assert_eq!(
        fake.peak_concurrent_requests(),
        4,
        "the fake counted its requests in flight"
    );
}

#[tokio::test]
async fn answers_and_errors_carry_their_metadata() {
    #[derive(Debug)]
    struct RequestId;
    impl Hook for RequestId {
        fn on_request(&self, _: &AttemptInfo<'_>, headers: &mut HeaderMap) {
            headers.insert("x-request-id", HeaderValue::from_static("req-42"));
        }
    }
    let fake = fake();
    let client = builder(&fake).hook(RequestId).build().expect("client");

    let run = client.runs().get(&run_id("r1")).await.expect("getRun");
    let meta = run.meta().expect("metadata");
    assert_eq!(meta.status(), 200);
    assert_eq!(meta.request_id(), Some("req-42"));
    assert_eq!(meta.attempts(), 1);
    assert!(meta.elapsed() > Duration::ZERO);
    assert!(meta.headers().contains_key("content-type"));

    let page = {
        use futures_util::TryStreamExt as _;
        let project = "p".parse().expect("valid");
        let mut pages = client.projects().runs(&project).pages();
        pages.try_next().await.expect("a page").expect("one page")
    };
    assert_eq!(page.meta.request_id(), Some("req-42"));
    assert_eq!(
        page.items[0].meta().map(|m| m.status()),
        Some(200),
        "each item has its page's answer"
    );

    let scope = br#"{"status":"FAILED","error":"Insufficient permissions: runs:write","code":"insufficient_scope"}"#;
    fake.push_fault(
        Operation::CancelRun,
        Fault::Body {
            status: 403,
            bytes: scope.to_vec(),
        },
    );
    let refused = client.runs().cancel(&run_id("r1")).await.expect_err("403");
    assert_eq!(refused.code(), Some("insufficient_scope"));
    let response = refused.response().expect("the API's answer");
    assert_eq!((response.status(), response.attempts()), (403, 1));
    assert_eq!(response.request_id(), Some("req-42"));
    assert!(
        refused.to_string().contains("(insufficient_scope)"),
        "{refused}"
    );

    fake.set_outage(Some(Outage::Throttle {
        lasting: Duration::from_secs(60),
        retry_after: 0,
    }));
    let throttled = client
        .with_retry(RetryPolicy::none())
        .runs()
        .get(&run_id("r1"))
        .await
        .expect_err("429");
    let response = throttled.response().expect("the API's answer");
    assert_eq!(response.status(), 429);
    assert_eq!(
        response.headers().get("retry-after").map(|v| v.as_bytes()),
        Some(&b"0"[..])
    );
}

#[tokio::test]
async fn a_view_overrides_the_timeout_and_the_retries_of_its_calls() {
    let fake = fake();
    let client = builder(&fake).build().expect("client");

    fake.set_outage(Some(Outage::Latency(Duration::from_millis(300))));
    let impatient = client.with_timeout(Duration::from_millis(50));
    let timed_out = impatient
        .runs()
        .get(&run_id("r1"))
        .await
        .expect_err("50 ms");
    assert!(
        matches!(timed_out, Error::Timeout { after, .. } if after == Duration::from_millis(50))
    );
    client
        .runs()
        .get(&run_id("r1"))
        .await
        .expect("the client's own 10 s");
    fake.set_outage(None);

    fake.push_fault(Operation::GetRun, status_503());
    let once = client.with_retry(RetryPolicy::none());
    let failed = once.runs().get(&run_id("r1")).await.expect_err("no retry");
    assert_eq!(failed.response().map(|r| r.attempts()), Some(1));
    fake.push_fault(Operation::GetRun, status_503());
    let run = client.runs().get(&run_id("r1")).await.expect("retried");
    assert_eq!(run.meta().map(|m| m.attempts()), Some(2));
}

/// The fields of the `currents.request` spans and the `retrying` events, as recorded.
#[derive(Debug, Default, Clone)]
struct Recorded {
    spans: Arc<Mutex<Vec<FieldMap>>>,
    events: Arc<Mutex<Vec<(tracing::Level, FieldMap)>>>,
}

/// A span's or an event's fields by name, as text.
type FieldMap = BTreeMap<String, String>;

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(
            field.name().to_owned(),
            format!("{value:?}").trim_matches('"').to_owned(),
        );
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

/// Each span's index in `Recorded::spans`.
struct SpanIndex(usize);

impl<S> tracing_subscriber::Layer<S> for Recorded
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if attrs.metadata().name() != "currents.request" {
            return;
        }
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().expect("spans");
        spans.push(fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanIndex(spans.len() - 1));
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let Some(span) = ctx.span(id) else { return };
        let Some(SpanIndex(index)) = span.extensions().get::<SpanIndex>().map(|i| SpanIndex(i.0))
        else {
            return;
        };
        values.record(&mut Fields(&mut self.spans.lock().expect("spans")[index]));
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        if fields
            .get("message")
            .is_some_and(|m| m.starts_with("retrying"))
        {
            let level = *event.metadata().level();
            self.events.lock().expect("events").push((level, fields));
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_request_span_follows_opentelemetrys_http_client_conventions() {
    use tracing_subscriber::layer::SubscriberExt as _;

    let recorded = Recorded::default();
    let subscriber = tracing_subscriber::registry().with(recorded.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = fake();
    let client = builder(&fake).build().expect("client");
    fake.push_fault(Operation::GetRun, status_503());
    fake.push_fault(Operation::GetRun, status_503());
    client.runs().get(&run_id("r1")).await.expect("third time");
    fake.push_fault(
        Operation::DeleteRun,
        Fault::Status {
            status: 400,
            retry_after: None,
        },
    );
    client.runs().delete(&run_id("r2")).await.expect_err("400");

    let spans = recorded.spans.lock().expect("spans").clone();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    let (get, delete) = (&spans[0], &spans[1]);
    let port = fake.addr().port().to_string();
    let expected_get = [
        ("otel.name", "GET /runs/{runId}"),
        ("otel.kind", "client"),
        ("currents.operation", "getRun"),
        ("http.request.method", "GET"),
        ("server.address", "127.0.0.1"),
        ("server.port", port.as_str()),
        ("http.response.status_code", "200"),
        ("http.request.resend_count", "2"),
    ];
    for (field, value) in expected_get {
        assert_eq!(
            get.get(field).map(String::as_str),
            Some(value),
            "{field} in {get:#?}"
        );
    }
    assert_eq!(
        get.get("url.full").map(String::as_str),
        Some(format!("{}/runs/r1", fake.base_url()).as_str())
    );
    assert!(!get.contains_key("error.type"), "{get:#?}");
    assert_eq!(delete.get("error.type").map(String::as_str), Some("400"));
    assert_eq!(
        delete.get("http.response.status_code").map(String::as_str),
        Some("400")
    );
    assert!(
        !delete.contains_key("http.request.resend_count"),
        "400 is not retried"
    );
    for span in &spans {
        assert!(
            span.values().all(|value| !value.contains(fake.api_key())),
            "no field holds the key: {span:#?}"
        );
    }

    let events = recorded.events.lock().expect("events").clone();
    assert_eq!(events.len(), 2, "{events:#?}");
    for (level, fields) in &events {
        assert_eq!(*level, tracing::Level::INFO);
        assert_eq!(fields.get("reason").map(String::as_str), Some("HTTP 503"));
        assert!(fields.contains_key("wait_ms"), "{fields:#?}");
    }
}
