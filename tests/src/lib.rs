//! Shared set-up for the end-to-end tests in `tests/`: a client pointed at a fake, and ways
//! to read what the fake received.

use std::time::Duration;

/// The workspace README: its Rust examples are compiled and run as this crate's doc tests.
#[doc = include_str!("../../README.md")]
mod readme {}

use currents::{Client, MachineId, RetryPolicy, RunId};
use currents_fake::{FakeServer, RecordedRequest};

/// A client for the fake, with short retry waits so retry tests stay fast.
pub fn client(fake: &FakeServer) -> Client {
    client_with(
        fake,
        RetryPolicy::default().with_base_delay(Duration::from_millis(5)),
    )
}

/// A client for the fake with a given retry policy.
pub fn client_with(fake: &FakeServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .retry(retry)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client for the fake")
}

/// A run id that the test knows to be valid.
pub fn run_id(id: &str) -> RunId {
    id.parse().expect("a valid run id")
}

/// Machine ids `m0` .. `m{count-1}`.
pub fn machines(count: usize) -> Vec<MachineId> {
    (0..count)
        .map(|n| MachineId::new(format!("m{n}")).expect("a valid machine id"))
        .collect()
}

/// The requests the fake received whose path ends with `suffix`.
pub fn requests_to(fake: &FakeServer, suffix: &str) -> Vec<RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|request| request.path.ends_with(suffix))
        .collect()
}
