//! The API key never shows: not in Debug of the client or its config, not in any error's
//! Display, Debug or source chain, and not in tracing output at the most verbose level.

use std::{
    io::Write,
    sync::{Arc, Mutex},
    time::Duration,
};

use currents::{Client, Error, RetryPolicy, WaitOptions};
use currents_fake::{FakeServer, RunFixture, demo::demo_run};
use integration_tests::{run_id, serve_raw};

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

fn client(
    base_url: &str,
    configure: impl FnOnce(currents::ClientBuilder) -> currents::ClientBuilder,
) -> Client {
    configure(
        Client::builder()
            .api_key(KEY)
            .base_url(base_url)
            .retry(RetryPolicy::none()),
    )
    .build()
    .expect("client")
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

#[tokio::test(flavor = "current_thread")]
async fn the_key_appears_in_no_debug_error_or_log_output() {
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
    let ok = client(&base, |b| b);

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
    let capped = client(&base, |b| b.max_response_bytes(10_000));
    errors.push((
        "too large",
        capped
            .runs()
            .get(&run_id(&large_id))
            .await
            .expect_err("over the cap"),
    ));
    let hurried = client(&base, |b| b.timeout(Duration::from_nanos(1)));
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
    let closed = client("http://127.0.0.1:9/v1", |b| b);
    errors.push((
        "transport",
        closed
            .runs()
            .get(&run_id("done"))
            .await
            .expect_err("refused"),
    ));
    let garbage = client(
        &serve_raw(
            b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot json!",
            1,
        ),
        |b| b,
    );
    errors.push((
        "decode",
        garbage
            .runs()
            .get(&run_id("done"))
            .await
            .expect_err("not JSON"),
    ));
    for (kind, error) in &errors {
        let variant = match error {
            Error::Validation(_) => "validation",
            Error::NotFound { .. } => "not found",
            Error::Api { .. } => "api",
            Error::TooLarge { .. } => "too large",
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
        format!("{:#?}", ok),
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

    let leaks = surfaces
        .iter()
        .filter(|surface| surface.contains(KEY) || surface.contains("7f3a9c1e5b2d4f60"))
        .collect::<Vec<_>>();
    assert!(leaks.is_empty(), "the key leaked: {leaks:#?}");
    println!(
        "secrets: {} surfaces scanned, 0 occurrences of the key",
        surfaces.len()
    );
}
