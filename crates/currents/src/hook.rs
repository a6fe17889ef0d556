//! `Hook`: a service's own code around every attempt the client makes, to add headers (a
//! `traceparent`, a request id) and to watch what each attempt did.

use std::time::Duration;

use reqwest::{Method, StatusCode, header::HeaderMap};
use url::Url;

use crate::Endpoint;

/// Called around every attempt of every call, retries included, in the order the hooks were
/// added ([`ClientBuilder::hook`](crate::ClientBuilder::hook)).
///
/// A hook sees the request as it goes (the API key is not among its headers: it is added
/// after the hooks run, so no hook can leak it) and the outcome of each attempt. The client
/// keeps its own retries, caps and errors; a hook cannot change them.
///
/// ```
/// use currents::{AttemptInfo, AttemptOutcome, Hook};
/// use reqwest::header::{HeaderMap, HeaderValue};
///
/// #[derive(Debug)]
/// struct Traceparent;
///
/// impl Hook for Traceparent {
///     fn on_request(&self, _attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
///         let value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
///         headers.insert("traceparent", HeaderValue::from_static(value));
///     }
///
///     fn on_outcome(&self, attempt: &AttemptInfo<'_>, outcome: &AttemptOutcome<'_>) {
///         println!("{} attempt {}: {:?}", attempt.operation, attempt.number, outcome.status);
///     }
/// }
///
/// let client = currents::Client::builder()
///     .api_key("my-key")
///     .base_url(currents::LOCAL_URL)
///     .hook(Traceparent)
///     .build();
/// assert!(client.is_ok());
/// ```
pub trait Hook: Send + Sync + std::fmt::Debug + 'static {
    /// Before the attempt is sent: may add or change headers.
    fn on_request(&self, attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
        let _ = (attempt, headers);
    }

    /// After the attempt: its status and headers, or why it failed, and how long it took.
    fn on_outcome(&self, attempt: &AttemptInfo<'_>, outcome: &AttemptOutcome<'_>) {
        let _ = (attempt, outcome);
    }
}

/// A shared hook, so that a service can keep a handle on one it gave the client (to read what
/// it recorded, say).
impl<H: Hook + ?Sized> Hook for std::sync::Arc<H> {
    fn on_request(&self, attempt: &AttemptInfo<'_>, headers: &mut HeaderMap) {
        (**self).on_request(attempt, headers);
    }

    fn on_outcome(&self, attempt: &AttemptInfo<'_>, outcome: &AttemptOutcome<'_>) {
        (**self).on_outcome(attempt, outcome);
    }
}

/// Which attempt of which call.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AttemptInfo<'a> {
    /// The operation, or the route of a request built with `Client::request`.
    pub operation: &'a Endpoint,
    /// The HTTP method.
    pub method: &'a Method,
    /// The URL, path and query; it holds no secret (the key travels in a header).
    pub url: &'a Url,
    /// The attempt's number: 1 for the first, 2 for the first retry.
    pub number: u32,
    /// The attempt's own id, random, sent as its `x-request-id` header: the same in
    /// `on_request` and `on_outcome`, and on a transport error of this attempt
    /// ([`TransportError::request_id`](crate::TransportError::request_id)). A hook that sets
    /// its own `x-request-id` in `on_request` makes that the id from then on.
    pub id: &'a str,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AttemptOutcome<'a> {
    /// The status, when an answer came.
    pub status: Option<StatusCode>,
    /// The answer's headers, when an answer came.
    pub headers: Option<&'a HeaderMap>,
    /// From sending the request to the end of its body, or to the failure.
    pub duration: Duration,
    /// Why it failed, in OpenTelemetry's `error.type` terms: the status code for an error
    /// status, or `connect`, `timeout`, `body`, `too_large`, `cancelled`; `None` on success.
    pub error_type: Option<&'a str>,
}
