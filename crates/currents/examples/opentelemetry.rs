//! Exporting the client's spans with OpenTelemetry: `tracing-opentelemetry` turns each
//! `currents.request` span into an OpenTelemetry client span named `GET /runs/{runId}`, with
//! the HTTP client conventions' attributes (`http.request.method`, `server.address`,
//! `url.full`, `http.response.status_code`, `http.request.resend_count`, `error.type`), and
//! each retry as an event on it.
//!
//! A service would export to its collector (with `opentelemetry-otlp`, say); this example keeps
//! the spans in memory and prints them, against a local fake:
//!
//! ```sh
//! cargo run -p currents --example opentelemetry
//! ```

use currents::{Client, RunId};
use currents_fake::{FakeServer, Fault, Operation, RunFixture};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use tracing_subscriber::{filter::Targets, layer::SubscriberExt as _};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    // Only the client's own spans and events; the HTTP stack's would join them otherwise.
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("currents-example")))
        .with(Targets::new().with_target("currents", tracing::Level::INFO));
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = FakeServer::builder()
        .runs([RunFixture::new("r1").project("p").build()])
        .start();
    let client = Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .build()?;
    // One throttled attempt first, so that the span shows a resend and a retry event.
    fake.push_fault(
        Operation::GetRun,
        Fault::Status {
            status: 429,
            retry_after: Some(currents_fake::RetryAfter::Seconds(0)),
        },
    );
    let run_id: RunId = "r1".parse()?;
    client.runs().get(&run_id).await?;

    provider.force_flush()?;
    let spans = exporter.get_finished_spans()?;
    for span in &spans {
        println!("{} ({:?})", span.name, span.span_kind);
        for attribute in &span.attributes {
            println!("  {} = {}", attribute.key, attribute.value);
        }
        for event in span.events.iter() {
            println!("  event: {}", event.name);
        }
    }
    let span = spans
        .iter()
        .find(|span| span.name == "GET /runs/{runId}")
        .ok_or("no request span was exported")?;
    let resends = span
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "http.request.resend_count")
        .map(|kv| kv.value.to_string());
    assert_eq!(resends.as_deref(), Some("1"), "one resend after the 429");
    Ok(())
}
