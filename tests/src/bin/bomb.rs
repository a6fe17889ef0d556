//! Downloads a gzip decompression bomb with a default client and reports the outcome and this
//! process's peak memory, so that the reliability test can measure it in isolation.
//!
//! Prints one line: `outcome=<error variant> wire_bytes=<n> expanded_bytes=<n> peak_rss_kib=<n>`.

use currents::{Error, SizeLimit};
use currents_fake::{FakeServer, Fault, Operation, RunFixture};

const EXPANDED: usize = 100 * 1024 * 1024;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let fake = FakeServer::builder().runs([RunFixture::new("r1")]).start();
    fake.push_fault(Operation::GetRun, Fault::GzipBomb(EXPANDED));
    let client = integration_tests::client(&fake);
    let outcome = match client.runs().get(&integration_tests::run_id("r1")).await {
        Err(Error::TooLarge {
            limit: SizeLimit::Client(_),
            ..
        }) => "TooLarge".to_owned(),
        Err(other) => format!("unexpected:{other}"),
        Ok(_) => "decoded".to_owned(),
    };
    let wire = currents_fake::gzip_bomb_len(EXPANDED);
    println!(
        "outcome={outcome} wire_bytes={wire} expanded_bytes={EXPANDED} peak_rss_kib={}",
        peak_rss_kib()
    );
}

/// The peak resident set size, from /proc (Linux).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
