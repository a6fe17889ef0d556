//! Shared set-up for the end-to-end tests in `tests/`: a client pointed at a fake, and ways
//! to read what the fake received.

use std::time::Duration;

pub mod hostile;

/// The workspace README: its Rust examples are compiled and run as this crate's doc tests.
#[doc = include_str!("../../README.md")]
mod readme {}

use currents::{Client, MachineId, RetryPolicy, RunId};
use currents_fake::{FakeServer, Fault, Operation, PageFault, RecordedRequest};

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

/// Queues one paging fault per request of `operation`, in order; a request without one gets a
/// no-op delay, so that the next fault lands on the next request.
pub fn queue_page_faults(fake: &FakeServer, operation: Operation, faults: &[Option<PageFault>]) {
    for fault in faults {
        fake.push_fault(
            operation,
            match fault {
                Some(fault) => Fault::Page(*fault),
                None => Fault::Delay(Duration::ZERO),
            },
        );
    }
}

/// A runtime of two worker threads, for property tests that block on a walk per case.
pub fn two_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}
