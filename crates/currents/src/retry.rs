//! When to retry, and how long to wait first.
//!
//! | outcome | GET, HEAD, PUT, DELETE, OPTIONS, TRACE | POST, PATCH, any other |
//! | --- | --- | --- |
//! | 429 | retried | retried |
//! | 408, 502, 503, 504 | retried | no |
//! | connection refused | retried | retried |
//! | connection reset, a body cut off mid-way | retried | no |
//! | any other 4xx (including 413), 500, other 5xx | no | no |
//! | request-building errors, invalid input | no (nothing was sent) | no |
//!
//! The left column is the methods RFC 9110 calls idempotent. A POST (createAction) or a PATCH
//! is not: after a 502 or a reset connection it may have been applied, and a retry would apply
//! it again. It is retried only where the server cannot have applied it: a 429 refuses the
//! request, and a refused connection never sent it.
//!
//! The wait before retry `n` is full-jitter exponential backoff: a uniformly random duration
//! between zero and `min(max_delay, base_delay * 2^(n-1))`. A `Retry-After` header (seconds or
//! an HTTP date) replaces the backoff, capped at `max_retry_after`. Every call also has a total
//! timeout: a wait that would pass it is not started, and the last answer is returned at once.
//!
//! Every retry is also paid for from the client's retry budget, shared by all its clones
//! ([`RetryBudget`](crate::RetryBudget)); when it cannot be paid, the failure is the answer.
//! Each retry, and each one the budget refuses, is an `info` event with its reason.

use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

use crate::limits::RetryCost;

/// How many attempts a call makes and how long it waits between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, backoff from 200 ms up to 5 s, `Retry-After` honoured up to 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes exactly one attempt.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The total number of attempts, including the first (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff cap of the first retry; it doubles for each further retry.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest backoff before any retry.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` that is honoured; longer ones are cut to this.
    pub fn with_max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// The total number of attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The longest `Retry-After` that is honoured.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The upper bound of the backoff before retry `retry` (1 for the first retry).
    pub(crate) fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The wait before retry `retry`: the server's `Retry-After` (capped) if it sent one,
    /// otherwise `unit` (a number in `[0, 1)`) times the backoff cap.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_retry_after),
            None => self.backoff_cap(retry).mul_f64(unit.clamp(0.0, 1.0)),
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Keep this outcome.
    Done,
    /// Try again, after the server's `Retry-After` if it sent one, or else the backoff.
    Retry {
        retry_after: Option<Duration>,
        reason: Reason,
    },
}

/// Why an attempt is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// A retryable status.
    Status(u16),
    /// A transport failure, by its `error.type` (`connect`, `timeout`, `body`...).
    Transport(&'static str),
}

impl Reason {
    /// What a retry for this reason costs from the retry budget.
    pub(crate) fn cost(&self) -> RetryCost {
        match self {
            Reason::Transport("timeout" | "body") => RetryCost::Timeout,
            _ => RetryCost::Failure,
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Status(status) => write!(f, "HTTP {status}"),
            Reason::Transport(kind) => write!(f, "transport error ({kind})"),
        }
    }
}

impl RetryPolicy {
    /// Runs `attempt` (given the attempt number, from 1) until `verdict` says
    /// [`Verdict::Done`], the attempts run out, or `pay` refuses to pay for a retry (the
    /// client's retry budget), sleeping between attempts as the policy says. Returns the last
    /// outcome and how many attempts were made.
    ///
    /// A wait that would end after `deadline` is not started: the last outcome is returned
    /// then, since the call could not make another attempt in time.
    pub(crate) async fn retry<T, F, Fut>(
        &self,
        mut attempt: F,
        verdict: impl Fn(&T) -> Verdict,
        mut pay: impl FnMut(&Reason) -> bool,
        deadline: Option<tokio::time::Instant>,
    ) -> (T, u32)
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = T>,
    {
        let mut number = 1;
        loop {
            let outcome = attempt(number).await;
            match verdict(&outcome) {
                Verdict::Retry {
                    retry_after,
                    reason,
                } if number < self.max_attempts => {
                    let delay = self.delay(number, retry_after, fastrand::f64());
                    let now = tokio::time::Instant::now();
                    let past_deadline = deadline.is_some_and(|deadline| {
                        now.checked_add(delay).is_none_or(|wake| wake >= deadline)
                    });
                    if past_deadline {
                        tracing::info!(
                            attempt = number,
                            %reason,
                            wait_ms = delay.as_millis() as u64,
                            "not retrying: the wait would pass the call's timeout"
                        );
                        return (outcome, number);
                    }
                    if !pay(&reason) {
                        tracing::info!(
                            attempt = number,
                            %reason,
                            "not retrying: the client's retry budget is spent"
                        );
                        return (outcome, number);
                    }
                    tracing::info!(
                        attempt = number,
                        %reason,
                        wait_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    number += 1;
                }
                _ => return (outcome, number),
            }
        }
    }
}

/// Whether a request with this method may be applied twice with the effect of once (RFC 9110
/// section 9.2.2), and so may be sent again after the server may have read it.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// Whether a response status is worth another attempt of a request with this method.
pub(crate) fn is_retryable_status(method: &Method, status: StatusCode) -> bool {
    match status.as_u16() {
        429 => true,
        408 | 502 | 503 | 504 => is_idempotent(method),
        _ => false,
    }
}

/// Parses a `Retry-After` value: a number of seconds or an HTTP date, relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    match value.parse::<u64>() {
        Ok(seconds) => Some(Duration::from_secs(seconds)),
        Err(_) => httpdate::parse_http_date(value)
            .ok()
            .map(|at| at.duration_since(now).unwrap_or(Duration::ZERO)),
    }
}

/// Whether a transport error may be retried: the request may not have been processed, or
/// the answer was lost on the way. Errors building the request never are, and a method that is
/// not idempotent only if it never reached the server.
pub(crate) fn is_retryable_transport(method: &Method, error: &reqwest::Error) -> bool {
    if !is_idempotent(method) {
        return error.is_connect();
    }
    !error.is_builder()
        && (error.is_connect() || error.is_request() || error.is_body() || error.is_decode())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_retry_after_wins() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff_cap(1), Duration::from_millis(200));
        assert_eq!(policy.backoff_cap(3), Duration::from_millis(800));
        assert_eq!(policy.backoff_cap(30), Duration::from_secs(5));
        assert_eq!(policy.delay(2, None, 0.5), Duration::from_millis(200));
        assert_eq!(
            policy.delay(2, Some(Duration::from_secs(7)), 0.5),
            Duration::from_secs(7)
        );
        assert_eq!(
            policy.delay(2, Some(Duration::from_secs(700)), 0.5),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sat, 28 Nov 2026 12:00:00 GMT").expect("date");
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Sat, 28 Nov 2026 12:00:09 GMT", now),
            Some(Duration::from_secs(9))
        );
        assert_eq!(
            parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    /// RELIABILITY.md's backoff figure: 1,000 sequences of up to 8 attempts under tokio's
    /// paused clock, each wait within the full-jitter bound, and a `Retry-After` honoured exactly.
    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn backoff_stays_within_full_jitter_bounds_and_honours_retry_after() {
        use std::sync::{Arc, Mutex};

        let policy = RetryPolicy::default().with_max_attempts(8);
        let mut rng = fastrand::Rng::with_seed(7);
        let (mut sequences, mut delays, mut out_of_bounds) = (0, 0, Vec::new());
        for sequence in 0..1_000 {
            // Each attempt asks for a retry, some with a Retry-After of up to a minute.
            let plan = (0..8)
                .map(|_| rng.bool().then(|| Duration::from_secs(rng.u64(0..60))))
                .collect::<Vec<_>>();
            let times = Arc::new(Mutex::new(Vec::new()));
            let (_, made) = policy
                .retry(
                    |attempt| {
                        times
                            .lock()
                            .expect("times")
                            .push(tokio::time::Instant::now());
                        async move { attempt }
                    },
                    |attempt| Verdict::Retry {
                        retry_after: plan[*attempt as usize - 1],
                        reason: Reason::Status(503),
                    },
                    |_| true,
                    None,
                )
                .await;
            let times = times.lock().expect("times").clone();
            assert_eq!(made as usize, times.len());
            for (index, pair) in times.windows(2).enumerate() {
                let waited = pair[1] - pair[0];
                let retry = index as u32 + 1;
                let ok = match plan[index] {
                    Some(retry_after) => waited == retry_after.min(Duration::from_secs(30)),
                    None => waited <= policy.backoff_cap(retry),
                };
                delays += 1;
                if !ok {
                    out_of_bounds.push(format!(
                        "sequence {sequence} retry {retry}: waited {waited:?}, plan {:?}",
                        plan[index]
                    ));
                }
            }
            sequences += 1;
        }
        println!(
            "FIGURE backoff: {sequences} sequences, {delays} delays, {} out of bounds (paused clock)",
            out_of_bounds.len()
        );
        assert!(out_of_bounds.is_empty(), "{out_of_bounds:#?}");
    }

    #[test]
    fn the_status_table() {
        let retried = |method: Method| {
            (100..600)
                .filter_map(|code| StatusCode::from_u16(code).ok())
                .filter(|s| is_retryable_status(&method, *s))
                .map(|s| s.as_u16())
                .collect::<Vec<_>>()
        };
        let idempotent = [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
            Method::TRACE,
        ];
        for method in idempotent {
            assert_eq!(
                retried(method.clone()),
                [408, 429, 502, 503, 504],
                "{method}"
            );
        }
        let unsafe_methods = [Method::POST, Method::PATCH, Method::CONNECT];
        for method in unsafe_methods {
            assert_eq!(retried(method.clone()), [429], "{method}");
        }
    }

    /// A wait that would end at or after the deadline is not started; the outcome it would
    /// have retried is the answer, at once, whatever the `Retry-After` or its maximum.
    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_wait_past_the_deadline_returns_the_last_outcome_at_once() {
        let started = tokio::time::Instant::now();
        let deadline = Some(started + Duration::from_secs(10));
        // (the policy's maximum Retry-After, the server's, attempts made, time taken)
        let cases = [
            (Duration::from_secs(30), Duration::from_secs(4), 3, 8),
            (Duration::from_secs(30), Duration::from_secs(5), 2, 5),
            (Duration::from_secs(30), Duration::from_secs(9), 2, 9),
            (Duration::from_secs(30), Duration::from_secs(10), 1, 0),
            (Duration::MAX, Duration::MAX, 1, 0),
            (Duration::MAX, Duration::from_secs(u64::MAX), 1, 0),
        ];
        for (max, retry_after, attempts, seconds) in cases {
            let policy = RetryPolicy::default()
                .with_max_attempts(3)
                .with_max_retry_after(max);
            let begun = tokio::time::Instant::now();
            let (_, made) = policy
                .retry(
                    |attempt| async move { attempt },
                    |_| Verdict::Retry {
                        retry_after: Some(retry_after),
                        reason: Reason::Status(429),
                    },
                    |_| true,
                    deadline.map(|_| begun + Duration::from_secs(10)),
                )
                .await;
            assert_eq!(
                (made, begun.elapsed()),
                (attempts, Duration::from_secs(seconds)),
                "max {max:?}, Retry-After {retry_after:?}"
            );
        }
    }
}
