//! Standing conditions, for load tests of a client's shared limits: the API throttling, down,
//! failing now and then, or slow, for every request while set and before any queued fault.
//! The fake also counts the requests it is handling at once, so that a test can hold a client
//! to its cap on requests in flight.

use std::{
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::ApiError;

/// How the API behaves for every request while it is set ([`FakeServer::set_outage`]).
///
/// [`FakeServer::set_outage`]: crate::FakeServer::set_outage
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outage {
    /// Every request answers 429 with `Retry-After: <retry_after>` (seconds), until `lasting`
    /// has passed since the outage was set; then the API answers normally again.
    Throttle {
        /// How long the throttle lasts.
        lasting: Duration,
        /// The `Retry-After` it sends, in seconds.
        retry_after: u64,
    },
    /// Every request answers this status (503, say).
    Down {
        /// The status.
        status: u16,
    },
    /// One request in `every` (the `every`th, the `2 × every`th, ...) answers `status`.
    Blips {
        /// How often.
        every: usize,
        /// The status.
        status: u16,
    },
    /// Every request waits this long before it is handled.
    Latency(Duration),
}

/// An outage as it is set, with what it has seen.
#[derive(Debug)]
pub(crate) struct Standing {
    outage: Outage,
    since: Instant,
    seen: AtomicUsize,
}

impl Standing {
    pub(crate) fn new(outage: Outage) -> Self {
        Standing {
            outage,
            since: Instant::now(),
            seen: AtomicUsize::new(0),
        }
    }

    /// What the outage does to the next request: answer it instead of the API, delay it, or
    /// let it through.
    pub(crate) fn apply(&self) -> Effect {
        let number = self.seen.fetch_add(1, Ordering::Relaxed) + 1;
        match self.outage {
            Outage::Throttle {
                lasting,
                retry_after,
            } if self.since.elapsed() < lasting => {
                let mut response = refuse(429, "injected outage: throttled");
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                Effect::Answer(response)
            }
            Outage::Down { status } => Effect::Answer(refuse(status, "injected outage: down")),
            Outage::Blips { every, status } if every > 0 && number.is_multiple_of(every) => {
                Effect::Answer(refuse(status, "injected outage: a blip"))
            }
            Outage::Latency(delay) => Effect::Delay(delay),
            _ => Effect::Pass,
        }
    }
}

/// What a standing outage does to one request.
#[derive(Debug)]
pub(crate) enum Effect {
    Answer(Response),
    Delay(Duration),
    Pass,
}

fn refuse(status: u16, message: &str) -> Response {
    ApiError::new(
        StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
        message,
    )
    .into_response()
}

/// The requests being handled at once, and the most there have been.
#[derive(Debug, Default)]
pub(crate) struct Concurrency {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Concurrency {
    /// Counts a request in until the guard is dropped.
    pub(crate) fn enter(&self) -> InFlight<'_> {
        let now = self.now.fetch_add(1, Ordering::AcqRel) + 1;
        self.peak.fetch_max(now, Ordering::AcqRel);
        InFlight(self)
    }

    pub(crate) fn peak(&self) -> usize {
        self.peak.load(Ordering::Acquire)
    }
}

/// One request being handled.
#[derive(Debug)]
pub(crate) struct InFlight<'a>(&'a Concurrency);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::AcqRel);
    }
}
