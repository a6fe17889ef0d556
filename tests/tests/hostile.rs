//! The client against a server that misbehaves on purpose ([`integration_tests::hostile`]):
//! repeated cursors and pages in every list style, absurd totals, redirects of every kind,
//! connections reset after a request was read, and extreme `Retry-After` values. The FIGURE
//! lines are RELIABILITY.md's.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use currents::{
    Client, Error, PagingError, ProjectId, ResetOptions, RetryPolicy, WaitOptions, reqwest::Method,
    reqwest::header::HeaderMap,
};
use currents_fake::demo::demo_run;
use futures_util::StreamExt as _;
use integration_tests::{
    hostile::{Answer, Hostile, Seen},
    run_id,
};
use peak_alloc::PeakAlloc;

// Counts every allocation of this test binary, so that a walk's peak can be read.
#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

const KEY: &str = "hostile-test-key";

fn client(server: &Hostile, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(retry)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client for the hostile server")
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_base_delay(Duration::from_millis(1))
}

fn project() -> ProjectId {
    "p".parse().expect("a valid project id")
}

/// A page of a project's runs: runs `first..first + count`, newest first, the last one's
/// cursor replaced by `cursor` if given.
fn runs_page(first: usize, count: usize, has_more: bool, cursor: Option<&str>) -> String {
    let items = (first..first + count)
        .map(|n| {
            let at = 1_800_000_000 - n as i64 * 60;
            let time = currents::DateTime::from_timestamp(at, 0).expect("a time");
            let own = format!("c{n}");
            let cursor = if n + 1 == first + count {
                cursor.unwrap_or(&own)
            } else {
                &own
            };
            format!(
                r#"{{"runId":"run-{n}","createdAt":"{}","cursor":"{cursor}"}}"#,
                time.to_rfc3339()
            )
        })
        .collect::<Vec<_>>();
    format!(
        r#"{{"status":"OK","has_more":{has_more},"data":[{}]}}"#,
        items.join(",")
    )
}

/// A page of spec files: `count` specs named after the page.
fn spec_page(page: i64, count: usize, next: Option<i64>, total: u64) -> String {
    let items = (0..count)
        .map(|n| format!(r#"{{"spec":"s{page}-{n}","signature":"g{page}-{n}"}}"#))
        .collect::<Vec<_>>();
    let next = next.map_or("false".to_owned(), |page| page.to_string());
    format!(
        r#"{{"status":"OK","data":{{"list":[{}],"nextPage":{next},"total":{total}}}}}"#,
        items.join(",")
    )
}

/// The page number a request asks for.
fn page_of(seen: &Seen) -> i64 {
    seen.query("page").and_then(|p| p.parse().ok()).unwrap_or(0)
}

#[derive(Debug, Clone, Copy)]
enum Walk {
    Runs(usize),
    SpecFiles(usize),
    Raw,
}

/// Walks to the end or the first error; the error, and how many items came before it.
async fn walk(client: &Client, walk: Walk) -> (usize, Option<Error>) {
    let range = currents::DateTime::from_timestamp(0, 0).expect("a time")
        ..currents::DateTime::from_timestamp(1_900_000_000, 0).expect("a time");
    let mut count = 0;
    macro_rules! drain {
        ($stream:expr) => {{
            let mut stream = $stream;
            while let Some(item) = stream.next().await {
                match item {
                    Ok(_) => count += 1,
                    Err(error) => return (count, Some(error)),
                }
            }
        }};
    }
    match walk {
        Walk::Runs(concurrency) => drain!(
            client
                .projects()
                .runs(&project())
                .concurrency(concurrency)
                .stream()
        ),
        Walk::SpecFiles(concurrency) => drain!(
            client
                .projects()
                .spec_files(&project(), range)
                .concurrency(concurrency)
                .stream()
        ),
        Walk::Raw => drain!(client.request(Method::GET, "/anything").pages().items()),
    }
    (count, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_cursor_or_page_stops_every_walk_within_a_few_requests() {
    type Script = fn(&Seen, usize) -> Answer;
    type Expected<'a> = &'a dyn Fn(&PagingError) -> bool;
    let same_page: Script = |_, _| Answer::json(runs_page(0, 50, true, None));
    let same_cursor: Script = |_, index| Answer::json(runs_page(index * 50, 50, true, Some("c")));
    let page_one_again: Script = |seen, _| {
        let page = page_of(seen);
        Answer::json(spec_page(page, 50, Some(1), 1_000))
    };
    let raw_cursor: Script =
        |_, _| Answer::json(r#"{"has_more":true,"data":[{"id":1,"cursor":"c"}]}"#);
    let raw_page: Script = |_, _| Answer::json(r#"{"data":{"list":[{"id":1}],"nextPage":1}}"#);
    // A walk in time slices may see first that the server ignores the ranges it asks for.
    let repeated = |p: &PagingError| {
        matches!(
            p,
            PagingError::RepeatedCursor { .. }
                | PagingError::DuplicateItem { .. }
                | PagingError::OutOfRange { .. }
        )
    };
    let backwards = |p: &PagingError| matches!(p, PagingError::PageWentBackwards { .. });
    // (what the server does, the walk, the problems that may stop it)
    let cases: [(&str, Script, Walk, Expected<'_>); 9] = [
        ("the same page", same_page, Walk::Runs(1), &repeated),
        ("the same page", same_page, Walk::Runs(8), &repeated),
        (
            "new items, the same cursor",
            same_cursor,
            Walk::Runs(1),
            &repeated,
        ),
        (
            "new items, the same cursor",
            same_cursor,
            Walk::Runs(8),
            &repeated,
        ),
        (
            "nextPage 1 again",
            page_one_again,
            Walk::SpecFiles(1),
            &backwards,
        ),
        (
            "nextPage 1 again",
            page_one_again,
            Walk::SpecFiles(8),
            &backwards,
        ),
        ("raw: the same cursor", raw_cursor, Walk::Raw, &repeated),
        ("raw: nextPage 1 again", raw_page, Walk::Raw, &backwards),
        (
            "raw: new items, the same cursor",
            same_cursor,
            Walk::Raw,
            &repeated,
        ),
    ];
    let mut most = 0;
    for (server_does, script, kind, expected) in cases {
        let server = Hostile::start(script).await;
        let client = client(&server, RetryPolicy::none());
        let (_, error) = walk(&client, kind).await;
        let requests = server.count();
        match error {
            Some(Error::Paging { problem, .. }) => assert!(
                expected(&problem),
                "{server_does}, {kind:?}: stopped by {problem:?}"
            ),
            other => panic!("{server_does}, {kind:?}: {other:?}"),
        }
        let concurrency = match kind {
            Walk::Runs(n) | Walk::SpecFiles(n) => n,
            Walk::Raw => 1,
        };
        assert!(
            requests <= 2 * concurrency + 2,
            "{server_does}, {kind:?}: {requests} requests"
        );
        most = most.max(requests);
    }
    println!(
        "FIGURE repeated cursors and pages: 9 walks (sequential, time slices, page fan-out, raw), \
         each stopped by a PagingError within {most} requests at most"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_total_is_bounded_by_the_page_bound_in_requests_and_memory() {
    const TOTAL: u64 = 1_000_000_000_000;
    const MAX_PAGES: usize = 400;
    let server = Hostile::start(|seen, _| {
        let page = page_of(seen);
        Answer::json(spec_page(page, 50, Some(page + 1), TOTAL))
    })
    .await;
    let client = client(&server, RetryPolicy::none());
    for concurrency in [currents::DEFAULT_CONCURRENCY, 1] {
        let before = server.count();
        let range = currents::DateTime::from_timestamp(0, 0).expect("a time")
            ..currents::DateTime::from_timestamp(1_900_000_000, 0).expect("a time");
        let baseline = PEAK.current_usage();
        PEAK.reset_peak_usage();
        let mut pages = client
            .projects()
            .spec_files(&project(), range)
            .concurrency(concurrency)
            .max_pages(MAX_PAGES)
            .pages();
        let mut read = 0;
        let error = loop {
            match pages.next().await {
                Some(Ok(_)) => read += 1,
                Some(Err(error)) => break Some(error),
                None => break None,
            }
        };
        drop(pages);
        let peak = PEAK.peak_usage().saturating_sub(baseline);
        let requests = server.count() - before;
        assert!(
            matches!(
                error,
                Some(Error::Paging {
                    problem: PagingError::PageLimit { pages: MAX_PAGES },
                    ..
                })
            ),
            "concurrency {concurrency}: {error:?}"
        );
        assert!(read <= MAX_PAGES, "{read} pages");
        assert!(requests <= MAX_PAGES, "{requests} requests");
        assert!(
            peak < 100 * 1024 * 1024,
            "concurrency {concurrency}: a peak of {peak} bytes"
        );
        println!(
            "FIGURE total 10^12: concurrency {concurrency}, {requests} requests, {read} pages, \
             then PageLimit; peak {:.1} MiB above the baseline",
            peak as f64 / (1024.0 * 1024.0)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_zero_ends_at_once_for_every_list_and_concurrency() {
    let server = Hostile::start(|_, _| Answer::json(runs_page(0, 50, true, None))).await;
    let client = client(&server, RetryPolicy::none());
    let range = currents::DateTime::from_timestamp(0, 0).expect("a time")
        ..currents::DateTime::from_timestamp(1_900_000_000, 0).expect("a time");
    for concurrency in [1, 2, 8, 32] {
        let started = Instant::now();
        let runs = client
            .projects()
            .runs(&project())
            .limit(0)
            .concurrency(concurrency)
            .stream()
            .count()
            .await;
        let specs = client
            .projects()
            .spec_files(&project(), range.clone())
            .limit(0)
            .concurrency(concurrency)
            .stream()
            .count()
            .await;
        let projects = client
            .projects()
            .list()
            .limit(0)
            .concurrency(concurrency)
            .stream()
            .count()
            .await;
        assert_eq!(
            (runs, specs, projects),
            (0, 0, 0),
            "concurrency {concurrency}"
        );
        assert!(started.elapsed() < Duration::from_secs(1));
    }
    assert_eq!(server.count(), 0, "limit(0) sends nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_followed_only_for_a_read_within_the_origin() {
    let elsewhere = Hostile::start(|_, _| Answer::json(r#"{"status":"OK","data":{}}"#)).await;
    let other_origin = elsewhere.origin();
    let port = std::sync::OnceLock::<u16>::new();
    let port = Arc::new(port);
    let seen_port = port.clone();
    let server = Hostile::start(move |seen, _| {
        let mut parts = seen.target.trim_start_matches("/v1/").split('/');
        if parts.next() != Some("redirect") {
            return Answer::json(r#"{"status":"OK","data":{"landed":true}}"#);
        }
        let status = parts.next().and_then(|s| s.parse().ok()).unwrap_or(307);
        let port = seen_port.get().copied().unwrap_or_default();
        let location = match parts.next() {
            Some("same") => "/v1/landed?token=t".to_owned(),
            Some("other") => format!("{other_origin}/v1/landed?token=t"),
            Some("https") => format!("https://127.0.0.1:{port}/v1/landed"),
            _ => "http://user:pw@example.invalid/v1/landed#f".to_owned(),
        };
        Answer::status(status, vec![("location", location)])
    })
    .await;
    let base_port = server
        .origin()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port");
    port.set(base_port).expect("set once");
    let client = client(&server, RetryPolicy::none());
    let methods = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    let targets = ["same", "other", "https", "refused"];
    let (mut cells, mut followed) = (0, 0);
    for method in methods {
        for status in [301u16, 302, 303, 307, 308] {
            for target in targets {
                let mut request =
                    client.request(method.clone(), &format!("/redirect/{status}/{target}"));
                if ![Method::GET, Method::HEAD].contains(&method) {
                    request = request.json(&serde_json::json!({ "secret": "body-secret" }));
                }
                let outcome = request.send().await;
                let readable = [Method::GET, Method::HEAD].contains(&method);
                let cell = format!("{method} {status} {target}");
                match (readable && target == "same", outcome) {
                    (true, Ok(response)) => {
                        assert_eq!(response.meta().status(), 200, "{cell}");
                        followed += 1;
                    }
                    (
                        false,
                        Err(Error::Redirect {
                            status: got,
                            location,
                            ..
                        }),
                    ) => {
                        assert_eq!(got, status, "{cell}");
                        for secret in ["token", "pw", "user", "#"] {
                            assert!(!location.contains(secret), "{cell}: {location}");
                        }
                    }
                    (_, other) => panic!("{cell}: {other:?}"),
                }
                cells += 1;
            }
        }
    }
    assert_eq!(elsewhere.count(), 0, "nothing reached another origin");
    let landed = server
        .seen()
        .into_iter()
        .filter(|seen| seen.target.starts_with("/v1/landed"))
        .collect::<Vec<_>>();
    assert_eq!(landed.len(), followed);
    for seen in &landed {
        assert!(matches!(seen.method.as_str(), "GET" | "HEAD"), "{seen:?}");
        assert!(seen.body.is_empty(), "a body was redirected: {seen:?}");
    }
    println!(
        "FIGURE redirects: {cells} cells (6 methods x 301/302/303/307/308 x same origin, other \
         origin, other scheme, refused by the base-URL policy), {followed} followed, 0 requests \
         or bodies to another origin"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_server_read_is_sent_again_only_if_idempotent() {
    // (method, requests the server reads when it resets every connection after reading one)
    let cases = [
        (Method::GET, 3),
        (Method::HEAD, 3),
        (Method::PUT, 3),
        (Method::DELETE, 3),
        (Method::OPTIONS, 3),
        (Method::POST, 1),
        (Method::PATCH, 1),
    ];
    for (method, expected) in cases {
        let server = Hostile::start(|_, _| Answer::Reset).await;
        let client = client(&server, fast_retries());
        let mut request = client.request(method.clone(), "/things/t1");
        if [Method::POST, Method::PUT, Method::PATCH].contains(&method) {
            request = request.json(&serde_json::json!({ "name": "once" }));
        }
        let outcome = request.send().await;
        assert!(
            matches!(outcome, Err(Error::Transport { .. })),
            "{method}: {outcome:?}"
        );
        assert_eq!(server.count(), expected, "{method}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extreme_retry_after_is_an_answer_at_once_never_a_panic() {
    // (the longest Retry-After honoured, the server's, the call's timeout)
    let cases = [
        (Duration::MAX, "18446744073709551615", 5),
        (Duration::MAX, "Fri, 31 Dec 9999 23:59:59 GMT", 5),
        (Duration::from_secs(30), "99999999999", 5),
        (Duration::MAX, "3", 2),
        (Duration::from_secs(u64::MAX), "86400", 5),
    ];
    for (max, retry_after, timeout) in cases {
        let server = Hostile::start(move |_, _| {
            Answer::status(429, vec![("retry-after", retry_after.to_owned())])
        })
        .await;
        let client = client(&server, fast_retries().with_max_retry_after(max))
            .with_timeout(Duration::from_secs(timeout));
        let started = Instant::now();
        let outcome = client.request(Method::GET, "/things").send().await;
        assert!(
            matches!(outcome, Err(Error::Api { status: 429, .. })),
            "{retry_after}: {outcome:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{retry_after}: {:?}",
            started.elapsed()
        );
        assert_eq!(server.count(), 1, "{retry_after}");
        assert!(client.limits_status().cooling_down, "{retry_after}");
    }
}

/// Counts the retries the client's limits admitted (attempts after a call's first).
#[derive(Debug, Default)]
struct Retries(AtomicUsize);

impl currents::Hook for Retries {
    fn on_request(&self, attempt: &currents::AttemptInfo<'_>, _: &mut HeaderMap) {
        if attempt.number > 1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A future dropped after its `polls`-th pending poll; `true` if it finished first.
struct DropAfter<F: Future> {
    inner: Option<std::pin::Pin<Box<F>>>,
    polls: usize,
}

impl<F: Future> Future for DropAfter<F> {
    type Output = bool;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<bool> {
        let Some(inner) = self.inner.as_mut() else {
            return std::task::Poll::Ready(false);
        };
        if inner.as_mut().poll(cx).is_ready() {
            self.inner = None;
            return std::task::Poll::Ready(true);
        }
        self.polls -= 1;
        if self.polls == 0 {
            self.inner = None;
            return std::task::Poll::Ready(false);
        }
        std::task::Poll::Pending
    }
}

const MAX_IN_FLIGHT: usize = 2;
const BUDGET: u32 = 100;
const RETRY_COST: u32 = 5;

/// A scenario: what the server does, what runs beside the call (holding places), and the call.
struct Scenario {
    name: &'static str,
    script: fn(&Seen, usize) -> Answer,
    /// Calls started beside it: after how many milliseconds, and to where.
    beside: &'static [(u64, &'static str)],
    call: fn(Client) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>,
}

fn scenarios() -> Vec<Scenario> {
    fn get(
        client: Client,
        path: &'static str,
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async move {
            let _ = client.request(Method::GET, path).send().await;
        })
    }
    vec![
        Scenario {
            // The wedge: a retry that becomes the probe, then waits for a place that two slow
            // calls hold.
            name: "the probe waits for a place",
            // The call's first request comes first or second, beside the first slow one.
            script: |seen, index| match seen.target.as_str() {
                "/v1/slow" => Answer::json("{}").after(Duration::from_millis(1500)),
                "/v1/throttled" if index < 2 => {
                    Answer::status(429, vec![("retry-after", "1".into())])
                        .after(Duration::from_millis(200))
                }
                _ => Answer::json("{}"),
            },
            beside: &[(0, "/slow"), (100, "/slow")],
            call: |client| get(client, "/throttled"),
        },
        Scenario {
            name: "a retry in its backoff",
            script: |_, index| match index {
                0 => Answer::status(503, Vec::new()),
                _ => Answer::json("{}").after(Duration::from_millis(100)),
            },
            beside: &[],
            call: |client| {
                get(
                    client.with_retry(
                        RetryPolicy::default().with_base_delay(Duration::from_millis(400)),
                    ),
                    "/flaky",
                )
            },
        },
        Scenario {
            name: "a walk in time slices",
            script: |seen, _| {
                let after = seen
                    .query("starting_after")
                    .and_then(|c| c.trim_start_matches('c').parse::<usize>().ok())
                    .map_or(0, |n| n + 1);
                let more = after < 300;
                Answer::json(runs_page(after, 50, more, None)).after(Duration::from_millis(20))
            },
            beside: &[],
            call: |client| {
                Box::pin(async move {
                    let mut stream = client.projects().runs(&project()).concurrency(8).stream();
                    while stream.next().await.is_some() {}
                })
            },
        },
        Scenario {
            name: "a wait for a running run",
            // Running for three polls, finished at the fourth; the third answer is a 503.
            script: |seen, index| match (seen.target.as_str(), index) {
                ("/v1/runs/r1", 2) => Answer::status(503, Vec::new()),
                ("/v1/runs/r1", _) => {
                    let state = if index < 3 { "IN_PROGRESS" } else { "COMPLETE" };
                    Answer::json(run_answer(state, 20)).after(Duration::from_millis(20))
                }
                _ => Answer::json("{}"),
            },
            beside: &[],
            call: |client| {
                Box::pin(async move {
                    let options = WaitOptions {
                        poll: Duration::from_millis(30),
                        timeout: Duration::from_secs(5),
                    };
                    // Dropped or not, a wait that ends has seen the run finish.
                    let run = client.runs().wait_for(&run_id("r1"), options).await;
                    assert!(currents::is_finished(&run.expect("the finished run")));
                })
            },
        },
        Scenario {
            name: "a reset of failed machines in batches",
            // 200 failed machines: four batches, two at a time under the cap, the first
            // batch's first answer a 503.
            script: |seen, index| match (seen.method.as_str(), index) {
                ("GET", _) => Answer::json(run_answer("COMPLETE", 200)),
                ("PUT", 1) => Answer::status(503, Vec::new()),
                ("PUT", _) => {
                    Answer::json(r#"{"status":"OK","data":{}}"#).after(Duration::from_millis(20))
                }
                _ => Answer::json("{}"),
            },
            beside: &[],
            call: |client| {
                Box::pin(async move {
                    let options = ResetOptions::default();
                    let report = client.runs().reset_failed(&run_id("r1"), options).await;
                    let report = report.expect("every batch reset");
                    assert_eq!(report.batches.len(), 4);
                    assert_eq!(report.machines_reset().count(), 200);
                })
            },
        },
        Scenario {
            name: "a raw walk",
            script: |seen, _| {
                let page = page_of(seen);
                let next = (page < 5).then_some(page + 1);
                Answer::json(format!(
                    r#"{{"data":{{"list":[{{"id":{page}}}],"nextPage":{}}}}}"#,
                    next.map_or("false".to_owned(), |n| n.to_string())
                ))
                .after(Duration::from_millis(10))
            },
            beside: &[],
            call: |client| {
                Box::pin(async move {
                    let mut pages = client.request(Method::GET, "/list").pages();
                    while pages.next().await.is_some() {}
                })
            },
        },
    ]
}

/// A getRun answer: a demo run with `specs` specs, each failed on a machine of its own, in
/// the completion state `state`.
fn run_answer(state: &str, specs: usize) -> String {
    let mut run = serde_json::to_value(demo_run(7, specs).run).expect("a run as JSON");
    run["runId"] = "r1".into();
    run["completionState"] = state.into();
    for (n, spec) in run["specs"]
        .as_array_mut()
        .expect("a run's specs")
        .iter_mut()
        .enumerate()
    {
        spec["machineId"] = format!("m{n}").into();
        spec["results"]["exception"] = "Error: failed".into();
    }
    serde_json::json!({ "status": "OK", "data": run }).to_string()
}

/// Drops each scenario's call after its 1st, 2nd, ... pending poll, until it finishes first.
/// After each drop, once what ran beside it is done: every place is free, no cooldown or
/// probe is left, the budget holds all but what admitted retries spent, and a fresh call on
/// the client and on a clone is answered promptly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_drop_point_leaves_the_client_whole() {
    let (mut drop_points, mut scenarios_run) = (0, 0);
    for scenario in scenarios() {
        let mut polls = 1;
        loop {
            let server = Hostile::start(scenario.script).await;
            let retries = Arc::new(Retries::default());
            let client = Client::builder()
                .api_key(KEY)
                .base_url(server.base_url())
                .retry(fast_retries())
                .max_in_flight(MAX_IN_FLIGHT)
                .retry_budget(
                    currents::RetryBudget::default()
                        .with_capacity(BUDGET)
                        .with_retry_cost(RETRY_COST)
                        .with_timeout_retry_cost(RETRY_COST)
                        .with_success_refund(0),
                )
                .hook(retries.clone())
                .timeout(Duration::from_secs(10))
                .build()
                .expect("a client");
            let beside = scenario
                .beside
                .iter()
                .map(|&(delay, path)| {
                    let client = client.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(delay)).await;
                        client.request(Method::GET, path).send().await.is_ok()
                    })
                })
                .collect::<Vec<_>>();
            let finished = DropAfter {
                inner: Some(Box::pin((scenario.call)(client.clone()))),
                polls,
            }
            .await;
            for task in beside {
                assert!(
                    task.await.expect("a task"),
                    "{}: a call beside failed",
                    scenario.name
                );
            }
            let point = format!("{} after {polls} polls", scenario.name);
            eprintln!("{point}: finished {finished}");
            // Aborted fetch tasks end on the runtime's next turns.
            let settled = Instant::now();
            while client.limits_status().free_places < MAX_IN_FLIGHT
                && settled.elapsed() < Duration::from_secs(2)
            {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let status = client.limits_status();
            assert_eq!(status.free_places, MAX_IN_FLIGHT, "{point}: a place leaked");
            let spent = retries.0.load(Ordering::SeqCst) as u32 * RETRY_COST;
            if !finished {
                assert_eq!(
                    status.retry_tokens,
                    BUDGET - spent,
                    "{point}: tokens leaked"
                );
            }
            // Past any cooldown the scenario set (a second at most), a fresh call goes at once.
            let cooled = Instant::now();
            while client.limits_status().cooling_down && cooled.elapsed() < Duration::from_secs(2) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            for view in [client.clone(), client.with_timeout(Duration::from_secs(3))] {
                let asked = Instant::now();
                let answer = view.request(Method::GET, "/fresh").send().await;
                assert!(answer.is_ok(), "{point}: a fresh call failed: {answer:?}");
                assert!(asked.elapsed() < Duration::from_secs(2), "{point}: wedged");
            }
            assert!(!client.limits_status().cooling_down, "{point}");
            if finished {
                break;
            }
            drop_points += 1;
            polls += 1;
        }
        scenarios_run += 1;
    }
    println!(
        "FIGURE cancellation: {scenarios_run} scenarios, {drop_points} drop points, 0 wedged \
         clients, 0 leaked places or tokens"
    );
}
