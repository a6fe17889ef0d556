//! Secrets: the API key never shows, on any surface. Figure: surfaces scanned, occurrences.
//!
//! It has its own test binary because it captures tracing output with a thread-local
//! subscriber, and tracing caches callsite interest process-wide: other tests hitting the
//! same callsites on other threads at the same time would make the capture miss events.

use currents::prelude::*;
use std::{
    io::Write,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use currents::{Client, Error, RetryPolicy, SizeLimit, WaitOptions};
use currents_fake::{FakeServer, Fault, Operation, RunFixture, demo::demo_run};
use integration_tests::run_id;

const KEY: &str = "sk-live-7f3a9c1e5b2d4f60SECRET";

/// Collects everything the tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every way an error shows itself: Display, Debug, pretty Debug and each source.
fn renderings(error: &Error) -> Vec<String> {
    let mut shown = vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        shown.push(cause.to_string());
        shown.push(format!("{cause:?}"));
        source = cause.source();
    }
    shown
}

/// The `currents` binary, built next to this test by `cargo test --workspace` or
/// `cargo build -p currents-cli`.
fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let binary = dir.join("currents");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build -p currents-cli` first",
        binary.display()
    );
    binary
}

#[tokio::test(flavor = "current_thread")]
async fn the_key_appears_on_no_surface() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let large = demo_run(1, 2_200);
    let large_id = large.run.run_id.clone();
    let fake = FakeServer::builder()
        .api_key(KEY)
        .runs([
            RunFixture::new("running").status("running").build(),
            RunFixture::new("done").build(),
            large,
        ])
        .start();
    let base = fake.base_url();
    let build = |url: &str, configure: fn(currents::ClientBuilder) -> currents::ClientBuilder| {
        configure(
            Client::builder()
                .api_key(KEY)
                .base_url(url)
                .retry(RetryPolicy::none()),
        )
        .build()
        .expect("client")
    };
    let ok = build(&base, |b| b);

    let mut errors: Vec<(&str, Error)> = Vec::new();
    let project = "p".parse().expect("valid");
    errors.push((
        "validation",
        ok.runs()
            .find(&project)
            .tags([""])
            .send()
            .await
            .expect_err("bad tag"),
    ));
    errors.push((
        "not found",
        ok.runs().get(&run_id("missing")).await.expect_err("404"),
    ));
    let wrong_key = Client::builder()
        .api_key(format!("{KEY}-wrong"))
        .base_url(&base)
        .build()
        .expect("client");
    errors.push((
        "api",
        wrong_key
            .runs()
            .get(&run_id("done"))
            .await
            .expect_err("401"),
    ));
    let capped = build(&base, |b| b.max_response_bytes(10_000));
    errors.push((
        "too large",
        capped
            .runs()
            .get(&run_id(&large_id))
            .await
            .expect_err("over the cap"),
    ));
    fake.push_fault(
        Operation::GetRun,
        Fault::Status {
            status: 413,
            retry_after: None,
        },
    );
    errors.push((
        "too large",
        ok.runs().get(&run_id("done")).await.expect_err("413"),
    ));
    let hurried = build(&base, |b| b.timeout(Duration::from_nanos(1)));
    errors.push((
        "timeout",
        hurried
            .runs()
            .get(&run_id("done"))
            .await
            .expect_err("timeout"),
    ));
    let wait = WaitOptions {
        poll: Duration::from_millis(10),
        timeout: Duration::from_millis(30),
    };
    errors.push((
        "wait timeout",
        ok.runs()
            .wait_for(&run_id("running"), wait)
            .await
            .expect_err("never done"),
    ));
    let closed = build("http://127.0.0.1:9/v1", |b| b);
    errors.push((
        "transport",
        closed
            .runs()
            .get(&run_id("done"))
            .await
            .expect_err("refused"),
    ));
    fake.push_fault(
        Operation::GetRun,
        Fault::Body {
            status: 200,
            bytes: b"not json".to_vec(),
        },
    );
    errors.push((
        "decode",
        ok.runs().get(&run_id("done")).await.expect_err("not JSON"),
    ));
    for (kind, error) in &errors {
        let variant = match error {
            Error::Validation(_) => "validation",
            Error::NotFound { .. } => "not found",
            Error::Api { .. } => "api",
            Error::TooLarge {
                limit: SizeLimit::Api | SizeLimit::Client(_),
                ..
            } => "too large",
            Error::Timeout { .. } => "timeout",
            Error::WaitTimeout { .. } => "wait timeout",
            Error::Transport { .. } => "transport",
            Error::Decode { .. } => "decode",
            _ => "a new variant: add it here",
        };
        assert_eq!(*kind, variant, "{error:?}");
    }

    let mut surfaces = vec![
        format!("{ok:?}"),
        format!("{:?}", ok.config()),
        format!("{ok:#?}"),
    ];
    surfaces.push(format!("{:?}", Client::builder().api_key(KEY)));
    for (_, error) in &errors {
        surfaces.extend(renderings(error));
    }
    let logs =
        String::from_utf8(captured.0.lock().expect("log buffer").clone()).expect("UTF-8 logs");
    assert!(
        logs.contains("currents.request"),
        "the request spans were captured"
    );
    surfaces.push(logs);

    // The CLI at its most verbose, through success and every kind of failure.
    let cli = cli_binary();
    for args in [
        &["-vv", "runs", "get", "done"][..],
        &["-vv", "runs", "get", "missing"],
        &[
            "-vv",
            "runs",
            "find",
            "--project",
            "p",
            "--branch",
            "bad branch",
        ],
        &["-vv", "runs", "summary", "done", "--output", "table"],
        &[
            "-vv",
            "runs",
            "wait",
            "running",
            "--timeout",
            "50ms",
            "--poll",
            "10ms",
        ],
        &["-vv", "runs", "delete", "done"],
        &["--help"],
    ] {
        let output = tokio::process::Command::new(&cli)
            .args(args)
            .env("CURRENTS_API_KEY", KEY)
            .env("CURRENTS_API_URL", &base)
            .output()
            .await
            .expect("run currents");
        surfaces.push(String::from_utf8_lossy(&output.stdout).into_owned());
        surfaces.push(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let unauthorized = tokio::process::Command::new(&cli)
        .args([
            "-vv",
            "runs",
            "get",
            "done",
            "--api-key",
            &format!("{KEY}-wrong"),
        ])
        .env("CURRENTS_API_URL", &base)
        .output()
        .await
        .expect("run currents");
    surfaces.push(String::from_utf8_lossy(&unauthorized.stderr).into_owned());

    let leaks = surfaces
        .iter()
        .filter(|s| s.contains(KEY) || s.contains("7f3a9c1e5b2d4f60"))
        .collect::<Vec<_>>();
    println!(
        "FIGURE secrets: {} surfaces scanned, {} occurrences of the key",
        surfaces.len(),
        leaks.len()
    );
    assert!(leaks.is_empty(), "the key leaked: {leaks:#?}");
}
