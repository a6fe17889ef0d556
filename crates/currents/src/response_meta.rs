//! `ResponseMeta`: what an answer said besides its body, and what it took to get it.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// The headers that carry a request id, in the order they are looked for.
const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "request-id"];

/// The HTTP status and headers of an answer, its request id, and how many attempts and how much
/// time the call took (retries and their waits included). A successful answer has it
/// ([`Received::meta`](crate::Received::meta), [`Page::meta`](crate::Page)), and so does an
/// API error ([`Error::response`](crate::Error::response)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    status: u16,
    headers: HeaderMap,
    attempts: u32,
    elapsed: Duration,
}

impl ResponseMeta {
    pub(crate) fn new(status: u16, headers: HeaderMap, attempts: u32, elapsed: Duration) -> Self {
        ResponseMeta {
            status,
            headers,
            attempts,
            elapsed,
        }
    }

    /// The HTTP status of the last attempt.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers of the last attempt's answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The id the API gave the request (`x-request-id` or `request-id`), when it sent one:
    /// the thing to quote to Currents' support.
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| self.headers.get(*name)?.to_str().ok())
    }

    /// How many attempts the call made: 1 when it needed no retry.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How long the call took, from its first attempt to its answer, waits included.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}
