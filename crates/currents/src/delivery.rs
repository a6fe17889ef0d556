//! Receiving a webhook: the delivery Currents POSTs to a hook, checked against a secret the
//! hook's own headers carry and against the age of its `x-timestamp`, as n8n's Currents node
//! checks it. Currents signs nothing, so the secret header is the receiver's only proof.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use currents_api::types::WebhookDelivery;
use reqwest::header::{HeaderMap, HeaderName};
use secrecy::{ExposeSecret as _, SecretString};
use subtle::ConstantTimeEq as _;

use crate::RunId;

/// How old a delivery may be, and how far ahead of the receiver's clock: 10 minutes, n8n's.
pub const DEFAULT_DELIVERY_TOLERANCE: Duration = Duration::from_secs(10 * 60);

/// The header Currents dates each delivery with, in epoch milliseconds.
const TIMESTAMP: HeaderName = HeaderName::from_static("x-timestamp");

/// Checks deliveries: the secret a hook was created with in its `headers`, compared in constant
/// time, and the `x-timestamp`'s distance from now, within a tolerance.
///
/// ```
/// use currents::{DeliveryVerifier, reqwest::header::HeaderName};
///
/// // The hook was created with headers {"x-hook-secret": "s3cret"}.
/// let verifier = DeliveryVerifier::new(HeaderName::from_static("x-hook-secret"), "s3cret");
/// assert!(!format!("{verifier:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct DeliveryVerifier {
    header: HeaderName,
    secret: SecretString,
    tolerance: Duration,
}

impl std::fmt::Debug for DeliveryVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliveryVerifier")
            .field("header", &self.header)
            .field("secret", &"[redacted]")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// A delivery that passed the checks.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The run, from the end of `runUrl` (the delivery carries no run id of its own).
    pub run_id: RunId,
    /// When Currents sent it, from `x-timestamp`.
    pub sent_at: SystemTime,
    /// What Currents sent.
    pub body: WebhookDelivery,
}

/// Why a delivery was refused. No variant holds the secret or the header's value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The secret header is missing.
    #[error("the delivery has no {header} header")]
    MissingSecret {
        /// The header's name.
        header: HeaderName,
    },
    /// The secret header does not hold the secret.
    #[error("the delivery's {header} header does not hold the secret")]
    WrongSecret {
        /// The header's name.
        header: HeaderName,
    },
    /// There is no `x-timestamp`, or it is not epoch milliseconds.
    #[error("the delivery's x-timestamp is missing or not epoch milliseconds")]
    BadTimestamp,
    /// It was sent longer ago than the tolerance: a replay, or a delivery held back.
    #[error("the delivery was sent {age:?} ago, more than the tolerance of {tolerance:?}")]
    Stale {
        /// How long ago it was sent.
        age: Duration,
        /// The tolerance it is over.
        tolerance: Duration,
    },
    /// It is dated further ahead of this clock than the tolerance.
    #[error("the delivery is dated {ahead:?} ahead, more than the tolerance of {tolerance:?}")]
    FromTheFuture {
        /// How far ahead.
        ahead: Duration,
        /// The tolerance it is over.
        tolerance: Duration,
    },
    /// The body is not a delivery.
    #[error("the delivery's body is not a webhook delivery")]
    Body(#[source] serde_json::Error),
    /// `runUrl` does not end in a run id.
    #[error("the delivery's runUrl does not end in a run id")]
    NoRunId,
}

impl DeliveryVerifier {
    /// A verifier for hooks created with `secret` in `header` (the hook's `headers`), with the
    /// [default tolerance](DEFAULT_DELIVERY_TOLERANCE).
    pub fn new(header: HeaderName, secret: impl Into<String>) -> Self {
        DeliveryVerifier {
            header,
            secret: SecretString::from(secret.into()),
            tolerance: DEFAULT_DELIVERY_TOLERANCE,
        }
    }

    /// How old, or how far ahead, a delivery may be.
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks a delivery's headers and body, now.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery, DeliveryError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// Checks a delivery as of `now`: the secret first, so that nothing of an unproven request
    /// is read, then its age, then its body.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Delivery, DeliveryError> {
        let given = headers
            .get(&self.header)
            .ok_or_else(|| DeliveryError::MissingSecret {
                header: self.header.clone(),
            })?;
        let expected = self.secret.expose_secret().as_bytes();
        if !bool::from(given.as_bytes().ct_eq(expected)) {
            return Err(DeliveryError::WrongSecret {
                header: self.header.clone(),
            });
        }
        let sent_ms = headers
            .get(TIMESTAMP)
            .and_then(|value| value.to_str().ok())
            .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|text| text.parse::<u64>().ok())
            .ok_or(DeliveryError::BadTimestamp)?;
        let sent_at = UNIX_EPOCH
            .checked_add(Duration::from_millis(sent_ms))
            .ok_or(DeliveryError::BadTimestamp)?;
        match now.duration_since(sent_at) {
            Ok(age) if age > self.tolerance => {
                return Err(DeliveryError::Stale {
                    age,
                    tolerance: self.tolerance,
                });
            }
            Err(ahead) if ahead.duration() > self.tolerance => {
                return Err(DeliveryError::FromTheFuture {
                    ahead: ahead.duration(),
                    tolerance: self.tolerance,
                });
            }
            _ => {}
        }
        let body: WebhookDelivery = serde_json::from_slice(body).map_err(DeliveryError::Body)?;
        let run_id = run_id_of(&body.run_url).ok_or(DeliveryError::NoRunId)?;
        Ok(Delivery {
            run_id,
            sent_at,
            body,
        })
    }
}

/// The run id a run's dashboard URL ends in: `https://app.currents.dev/run/<runId>`.
fn run_id_of(run_url: &str) -> Option<RunId> {
    let path = run_url.split(['?', '#']).next()?;
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    RunId::new(last).ok()
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    const SECRET: HeaderName = HeaderName::from_static("x-hook-secret");
    const BODY: &[u8] = br#"{"event":"RUN_FINISH","runUrl":"https://app.currents.dev/run/6ae7fbfcb889dbcf","failures":2}"#;

    fn headers(secret: Option<&str>, timestamp: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in [(SECRET, secret), (TIMESTAMP, timestamp)] {
            if let Some(value) = value {
                headers.insert(name, HeaderValue::from_str(value).expect("a header value"));
            }
        }
        headers
    }

    #[test]
    fn deliveries_are_checked_by_secret_then_age_then_body() {
        let now = UNIX_EPOCH + Duration::from_millis(1_800_000_000_000);
        let minutes_ago = |minutes: u64| (1_800_000_000_000 - minutes * 60_000).to_string();
        let verifier = DeliveryVerifier::new(SECRET, "s3cret");
        let ahead = (1_800_000_000_000_u64 + 11 * 60_000).to_string();
        // (the secret header, x-timestamp, the body, the outcome)
        type Case<'a> = (Option<&'a str>, Option<&'a str>, &'a [u8], &'a str);
        let cases: [Case<'_>; 11] = [
            (Some("s3cret"), Some(&minutes_ago(0)), BODY, "ok"),
            (Some("s3cret"), Some(&minutes_ago(9)), BODY, "ok"),
            (Some("s3cret"), Some(&minutes_ago(11)), BODY, "Stale"),
            (Some("s3cret"), Some(&ahead), BODY, "FromTheFuture"),
            (Some("wrong"), Some(&minutes_ago(0)), BODY, "WrongSecret"),
            (Some("s3cre"), Some(&minutes_ago(0)), BODY, "WrongSecret"),
            (None, Some(&minutes_ago(0)), BODY, "MissingSecret"),
            (Some("s3cret"), None, BODY, "BadTimestamp"),
            (Some("s3cret"), Some("-5"), BODY, "BadTimestamp"),
            (
                Some("s3cret"),
                Some("99999999999999999999999"),
                BODY,
                "BadTimestamp",
            ),
            (
                Some("s3cret"),
                Some(&minutes_ago(0)),
                b"{\"event\":1}",
                "Body",
            ),
        ];
        for (secret, timestamp, body, expected) in cases {
            let outcome = verifier.verify_at(&headers(secret, timestamp), body, now);
            let seen = match &outcome {
                Ok(delivery) => {
                    assert_eq!(delivery.run_id.as_str(), "6ae7fbfcb889dbcf");
                    assert_eq!(delivery.body.failures, Some(2));
                    "ok"
                }
                Err(DeliveryError::Stale { .. }) => "Stale",
                Err(DeliveryError::FromTheFuture { .. }) => "FromTheFuture",
                Err(DeliveryError::WrongSecret { .. }) => "WrongSecret",
                Err(DeliveryError::MissingSecret { .. }) => "MissingSecret",
                Err(DeliveryError::BadTimestamp) => "BadTimestamp",
                Err(DeliveryError::Body(_)) => "Body",
                Err(DeliveryError::NoRunId) => "NoRunId",
            };
            assert_eq!(seen, expected, "{secret:?} {timestamp:?}");
            if let Err(error) = outcome {
                assert!(!error.to_string().contains("s3cret"), "{error}");
            }
        }
    }

    #[test]
    fn the_run_id_is_the_end_of_the_run_url() {
        let cases = [
            ("https://app.currents.dev/run/abc123", Some("abc123")),
            ("https://app.currents.dev/run/abc123/", Some("abc123")),
            (
                "https://app.currents.dev/run/abc123?tab=specs",
                Some("abc123"),
            ),
            ("https://app.currents.dev/run/..", None),
            ("", None),
        ];
        for (url, expected) in cases {
            assert_eq!(
                run_id_of(url).as_ref().map(RunId::as_str),
                expected,
                "{url}"
            );
        }
    }
}
