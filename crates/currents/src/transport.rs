//! Sending one operation: attempts under the retry policy and the total timeout, a capped
//! body, error mapping, and a tracing span per operation.

use std::time::{Duration, Instant, SystemTime};

use reqwest::{Method, StatusCode, header};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::value::RawValue;
use tracing::{Instrument as _, field};
use url::Url;

use crate::{
    Client, Error, Received, SizeLimit,
    retry::{Verdict, is_retryable_status, is_retryable_transport, parse_retry_after},
};

/// One API call, before it is sent.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) body: Option<Vec<u8>>,
}

/// A complete response, and how many attempts it took.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
    pub(crate) attempts: u32,
}

impl Reply {
    /// Decodes a success body, or maps an error status to its [`Error`].
    pub(crate) fn decode<T: DeserializeOwned>(self, operation: &'static str) -> Result<T, Error> {
        if !self.status.is_success() {
            return Err(self.into_error(operation));
        }
        serde_json::from_slice(&self.body).map_err(|source| Error::Decode {
            operation,
            status: self.status,
            source,
        })
    }

    /// Decodes a success body into `R` and keeps its `data` as received, for
    /// [`Received`]; or maps an error status to its [`Error`].
    pub(crate) fn decode_with_data<R: DeserializeOwned, T>(
        self,
        operation: &'static str,
        data: impl FnOnce(R) -> T,
    ) -> Result<Received<T>, Error> {
        /// The envelope every answer shares, with `data` left as text.
        #[derive(Deserialize)]
        struct Envelope<'a> {
            #[serde(borrow)]
            data: &'a RawValue,
        }
        if !self.status.is_success() {
            return Err(self.into_error(operation));
        }
        let status = self.status;
        let decode_error = |source| Error::Decode {
            operation,
            status,
            source,
        };
        let raw = serde_json::from_slice::<Envelope<'_>>(&self.body)
            .map_err(decode_error)?
            .data
            .to_owned();
        let response: R = self.decode(operation)?;
        Ok(Received::new(data(response), raw))
    }

    /// The error an unsuccessful response stands for.
    pub(crate) fn into_error(self, operation: &'static str) -> Error {
        let message = error_message(&self.body);
        match self.status {
            StatusCode::NOT_FOUND => Error::NotFound { operation, message },
            StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge {
                operation,
                limit: SizeLimit::Api,
            },
            status => Error::Api {
                operation,
                status,
                message,
            },
        }
    }
}

/// The `error` of an `ErrorResponse`, whatever its `status`; otherwise a short description
/// of the body, never the body itself.
pub(crate) fn error_message(body: &[u8]) -> String {
    match serde_json::from_slice::<currents_api::types::ErrorResponse>(body) {
        Ok(response) => response.error,
        Err(_) if body.is_empty() => "the response had no body".to_owned(),
        Err(_) => format!(
            "the response was not an ErrorResponse ({} bytes)",
            body.len()
        ),
    }
}

impl Client {
    /// Sends a call with retries, within the total timeout.
    pub(crate) async fn send(&self, call: Call) -> Result<Reply, Error> {
        let span = tracing::info_span!(
            "currents.request",
            operation = call.operation,
            method = %call.method,
            attempt = field::Empty,
            status = field::Empty,
            duration_ms = field::Empty,
        );
        let started = Instant::now();
        let timeout = self.config().timeout;
        let operation = call.operation;
        let result = tokio::time::timeout(timeout, self.attempts(&call, &span))
            .instrument(span.clone())
            .await
            .unwrap_or(Err(Error::Timeout {
                operation,
                after: timeout,
            }));
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(reply) => {
                tracing::debug!(parent: &span, status = reply.status.as_u16(), "{operation} answered")
            }
            Err(error) => tracing::debug!(parent: &span, "{operation} failed: {error}"),
        }
        result
    }

    async fn attempts(&self, call: &Call, span: &tracing::Span) -> Result<Reply, Error> {
        let (outcome, attempts) = self
            .config()
            .retry
            .retry(
                |attempt| {
                    span.record("attempt", attempt);
                    self.attempt(call)
                },
                |outcome| match outcome {
                    Ok((status, headers, _)) if is_retryable_status(*status) => {
                        Verdict::Retry(retry_after_of(headers))
                    }
                    Err(AttemptError::Transport(error)) if is_retryable_transport(error) => {
                        Verdict::Retry(None)
                    }
                    _ => Verdict::Done,
                },
            )
            .await;
        match outcome {
            Ok((status, _, body)) => {
                span.record("status", status.as_u16());
                Ok(Reply {
                    status,
                    body,
                    attempts,
                })
            }
            Err(AttemptError::Transport(source)) => Err(Error::Transport {
                operation: call.operation,
                source,
            }),
            Err(AttemptError::Final(error)) => Err(error),
        }
    }

    /// One attempt: the status, the headers and the whole (capped) body.
    async fn attempt(
        &self,
        call: &Call,
    ) -> Result<(StatusCode, header::HeaderMap, Vec<u8>), AttemptError> {
        let mut request = self.http().request(call.method.clone(), call.url.clone());
        request = request.header(
            "api-version",
            <currents_api::Client as currents_api::ClientInfo<()>>::api_version(),
        );
        if let Some(body) = &call.body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let mut response = request.send().await.map_err(AttemptError::Transport)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let cap = self.config().max_response_bytes;
        // reqwest decodes gzip as it streams, so this caps the decoded size: a small
        // compressed body that expands without end stops at the cap.
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(AttemptError::Transport)? {
            if body.len() + chunk.len() > cap {
                return Err(AttemptError::Final(Error::TooLarge {
                    operation: call.operation,
                    limit: SizeLimit::Client(cap),
                }));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, headers, body))
    }
}

#[derive(Debug)]
enum AttemptError {
    Transport(reqwest::Error),
    Final(Error),
}

fn retry_after_of(headers: &header::HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}
