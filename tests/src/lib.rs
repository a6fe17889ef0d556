//! Shared set-up for the end-to-end tests in `tests/`: a client pointed at a fake, and ways
//! to read what the fake received.

use std::time::Duration;

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

/// Serves `response` as raw bytes to each of the next `connections` connections on an
/// ephemeral loopback port, and returns a base URL for it. For responses the fake never
/// sends, such as a body that is not JSON.
pub fn serve_raw(response: &'static [u8], connections: usize) -> String {
    use std::io::{BufRead as _, BufReader, Write as _};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("bound");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections).flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            // Read the request head; the tests send no bodies here.
            while reader.read_line(&mut line).is_ok_and(|read| read > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = (&stream).write_all(response);
        }
    });
    format!("http://{addr}/v1")
}
