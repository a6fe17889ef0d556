//! Sending one request: attempts under the retry policy and the total timeout, a capped body,
//! error mapping, and a tracing span per operation.
//!
//! What goes on the wire comes from the generated request types (`currents_api::operations`):
//! the method and path template from the spec's operation table, the parameters and body from
//! the request. Nothing here names an operation, a path or a parameter.

use std::time::{Duration, Instant, SystemTime};

use currents_api::operations::{Operation, Request};
use reqwest::{Method, StatusCode, header};
use serde::Deserialize;
use serde_json::value::RawValue;
use tracing::{Instrument as _, field};
use url::Url;

use crate::{
    Client, Error, Received, SizeLimit,
    error::TransportError,
    retry::{Verdict, is_retryable_status, is_retryable_transport, parse_retry_after},
};

/// One API call, before it is sent.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) operation: Operation,
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) body: Option<Vec<u8>>,
}

impl Call {
    /// The call for a request: the operation's method, the base URL with the path template
    /// filled in (each path parameter one encoded segment) and the query pairs, and the JSON
    /// body.
    pub(crate) fn new<R: Request>(base_url: &Url, request: &R) -> Call {
        let operation = R::OPERATION;
        let mut url = base_url.clone();
        url.path_segments_mut()
            .expect("a validated base URL has a path")
            .pop_if_empty()
            .extend(request.path_segments());
        let query = request.query();
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let method = Method::from_bytes(operation.method().as_str().as_bytes())
            .expect("the spec's methods are valid HTTP methods");
        let body = request.body().map(|body| {
            serde_json::to_vec(body).expect("a generated request body always serialises")
        });
        Call {
            operation,
            method,
            url,
            body,
        }
    }
}

/// A complete response, and how many attempts it took.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) operation: Operation,
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
    pub(crate) attempts: u32,
}

impl Reply {
    /// The answer's `data`, typed and as received; or the error an unsuccessful status stands
    /// for.
    pub(crate) fn received<R: Request>(self) -> Result<Received<R::Data>, Error> {
        /// The envelope every answer shares, with `data` left as text.
        #[derive(Deserialize)]
        struct Envelope<'a> {
            #[serde(borrow)]
            data: &'a RawValue,
        }
        if !self.status.is_success() {
            return Err(self.into_error());
        }
        let decode_error = |source| Error::Decode {
            operation: self.operation,
            status: self.status.as_u16(),
            source,
        };
        // The typed decode checks the whole envelope; the raw one keeps `data` as sent.
        let response: R::Response = serde_json::from_slice(&self.body).map_err(decode_error)?;
        let raw = serde_json::from_slice::<Envelope<'_>>(&self.body)
            .map_err(decode_error)?
            .data
            .to_owned();
        Ok(Received::new(R::data(response), raw))
    }

    /// The error an unsuccessful response stands for.
    pub(crate) fn into_error(self) -> Error {
        let operation = self.operation;
        let message = error_message(&self.body);
        match self.status {
            StatusCode::NOT_FOUND => Error::NotFound { operation, message },
            StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge {
                operation,
                limit: SizeLimit::Api,
            },
            status => Error::Api {
                operation,
                status: status.as_u16(),
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
    /// Sends a request with retries, within the total timeout.
    pub(crate) async fn execute<R: Request>(&self, request: &R) -> Result<Reply, Error> {
        self.send(Call::new(&self.config().base_url, request)).await
    }

    /// Sends a request and decodes its answer's `data`.
    pub(crate) async fn fetch<R: Request>(&self, request: &R) -> Result<Received<R::Data>, Error> {
        self.execute(request).await?.received::<R>()
    }

    async fn send(&self, call: Call) -> Result<Reply, Error> {
        let operation = call.operation;
        let span = tracing::info_span!(
            "currents.request",
            operation = operation.id(),
            method = %call.method,
            attempt = field::Empty,
            status = field::Empty,
            duration_ms = field::Empty,
        );
        let started = Instant::now();
        let timeout = self.config().timeout;
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
                    Ok((status, headers, _)) if is_retryable_status(&call.method, *status) => {
                        Verdict::Retry(retry_after_of(headers))
                    }
                    Err(AttemptError::Transport(error))
                        if is_retryable_transport(&call.method, error) =>
                    {
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
                    operation: call.operation,
                    status,
                    body,
                    attempts,
                })
            }
            Err(AttemptError::Transport(source)) => Err(Error::Transport {
                operation: call.operation,
                source: TransportError(source),
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
