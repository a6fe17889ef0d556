//! Sending one request: attempts under the retry policy, the client's shared limits and the
//! total timeout, the hooks around each attempt, a capped body, error mapping, and a tracing
//! span per call in OpenTelemetry's HTTP client conventions.
//!
//! What goes on the wire comes from the generated request types (`currents_api::operations`):
//! the method and path template from the spec's operation table, the parameters and body from
//! the request. Nothing here names an operation, a path or a parameter.

use std::{
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use currents_api::operations::Request;
use reqwest::{Method, StatusCode, header};
use serde::Deserialize;
use serde_json::value::RawValue;
use tracing::{Instrument as _, field};
use url::Url;

use crate::{
    AttemptInfo, AttemptOutcome, Client, Endpoint, Error, Hook, Received, ResponseMeta, SizeLimit,
    error::TransportError,
    limits::Spending,
    redirect::{self, Hop},
    retry::{Reason, Verdict, is_retryable_status, is_retryable_transport, parse_retry_after},
};

/// The header each attempt's own id goes in ([`AttemptInfo::id`]).
const REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

/// One API call, before it is sent.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) operation: Endpoint,
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// Headers the caller gives ([`RawRequest::header`](crate::RawRequest::header)).
    pub(crate) headers: header::HeaderMap,
    pub(crate) body: Option<Vec<u8>>,
}

impl Call {
    /// The call for a request: the operation's method, the base URL with the path template
    /// filled in (each path parameter one encoded segment) and the query pairs, and the JSON
    /// body.
    pub(crate) fn new<R: Request>(base_url: &Url, request: &R) -> Call {
        let operation = Endpoint::from(R::OPERATION);
        let url = Call::url(base_url, request.path_segments(), request.query());
        let method = Method::from_bytes(R::OPERATION.method().as_str().as_bytes())
            .expect("the spec's methods are valid HTTP methods");
        let body = request.body().map(|body| {
            serde_json::to_vec(body).expect("a generated request body always serialises")
        });
        Call {
            operation,
            method,
            url,
            headers: header::HeaderMap::new(),
            body,
        }
    }

    /// The base URL with these path segments below it, each encoded as one segment, and
    /// these query pairs.
    pub(crate) fn url<P, Q, K, V>(base_url: &Url, segments: P, query: Q) -> Url
    where
        P: IntoIterator,
        P::Item: AsRef<str>,
        Q: IntoIterator,
        Q::Item: std::borrow::Borrow<(K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut url = base_url.clone();
        url.path_segments_mut()
            .expect("a validated base URL has a path")
            .pop_if_empty()
            .extend(segments);
        let mut query = query.into_iter().peekable();
        if query.peek().is_some() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }
}

/// A complete response, and what it took to get it.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) operation: Endpoint,
    pub(crate) status: StatusCode,
    pub(crate) headers: header::HeaderMap,
    pub(crate) body: Vec<u8>,
    pub(crate) attempts: u32,
    pub(crate) elapsed: Duration,
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
        let reply = self.successful()?;
        let decode_error = |source| reply.decode_error(source);
        // The typed decode checks the whole envelope; the raw one keeps `data` as sent.
        let response: R::Response = serde_json::from_slice(&reply.body).map_err(decode_error)?;
        let raw = serde_json::from_slice::<Envelope<'_>>(&reply.body)
            .map_err(decode_error)?
            .data
            .to_owned();
        Ok(Received::new(R::data(response), raw).with_meta(Arc::new(reply.meta())))
    }

    /// The reply, if its status is a success; else the error that status stands for.
    pub(crate) fn successful(self) -> Result<Reply, Error> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(self.into_error())
        }
    }

    /// The error for a successful answer whose body this client cannot read.
    pub(crate) fn decode_error(&self, source: serde_json::Error) -> Error {
        Error::Decode {
            operation: self.operation.clone(),
            status: self.status.as_u16(),
            source,
        }
    }

    /// The status, headers, attempts and time of the answer.
    pub(crate) fn meta(&self) -> ResponseMeta {
        ResponseMeta::new(
            self.status.as_u16(),
            self.headers.clone(),
            self.attempts,
            self.elapsed,
        )
    }

    /// The error an unsuccessful response stands for.
    pub(crate) fn into_error(self) -> Error {
        let response = Box::new(self.meta());
        error_of(self.operation, self.status, &self.body, response)
    }
}

/// The error an unsuccessful status stands for, with what its body says.
pub(crate) fn error_of(
    operation: Endpoint,
    status: StatusCode,
    body: &[u8],
    response: Box<ResponseMeta>,
) -> Error {
    let (message, code) = error_body(body);
    match status {
        StatusCode::NOT_FOUND => Error::NotFound {
            operation,
            message,
            code,
            response,
        },
        StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge {
            operation,
            limit: SizeLimit::Api,
        },
        status => Error::Api {
            operation,
            status: status.as_u16(),
            message,
            code,
            response,
        },
    }
}

/// The `error` of an `ErrorResponse`, whatever its `status`; otherwise a short description
/// of the body, never the body itself.
pub(crate) fn error_message(body: &[u8]) -> String {
    error_body(body).0
}

/// The `error` and `code` of an `ErrorResponse`.
fn error_body(body: &[u8]) -> (String, Option<String>) {
    match serde_json::from_slice::<currents_api::types::ErrorResponse>(body) {
        Ok(response) => (response.error, response.code),
        Err(_) if body.is_empty() => ("the response had no body".to_owned(), None),
        Err(_) => (
            format!(
                "the response was not an ErrorResponse ({} bytes)",
                body.len()
            ),
            None,
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

    pub(crate) async fn send(&self, call: Call) -> Result<Reply, Error> {
        let operation = call.operation.clone();
        // OpenTelemetry's HTTP client conventions; tracing-opentelemetry reads `otel.*`.
        let span = tracing::info_span!(
            "currents.request",
            otel.name = %format_args!("{} {}", call.method, operation.path()),
            otel.kind = "client",
            currents.operation = %operation,
            http.request.method = %call.method,
            server.address = call.url.host_str().unwrap_or_default(),
            server.port = call.url.port_or_known_default().unwrap_or_default(),
            url.full = %call.url,
            http.response.status_code = field::Empty,
            http.request.resend_count = field::Empty,
            error.type = field::Empty,
            duration_ms = field::Empty,
        );
        let started = Instant::now();
        let timeout = self.timeout();
        let result = tokio::time::timeout(timeout, self.attempts(&call, &span, started))
            .instrument(span.clone())
            .await
            .unwrap_or_else(|_| {
                Err(Error::Timeout {
                    operation: operation.clone(),
                    after: timeout,
                })
            });
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(reply) => {
                span.record("http.response.status_code", reply.status.as_u16());
                if !reply.status.is_success() {
                    span.record("error.type", reply.status.as_str());
                }
                tracing::debug!(parent: &span, status = reply.status.as_u16(), "{operation} answered")
            }
            Err(error) => {
                span.record("error.type", error_type_of(error));
                tracing::debug!(parent: &span, "{operation} failed: {error}")
            }
        }
        result
    }

    async fn attempts(
        &self,
        call: &Call,
        span: &tracing::Span,
        started: Instant,
    ) -> Result<Reply, Error> {
        let spending = Spending::new(self.limits());
        let deadline = tokio::time::Instant::now().checked_add(self.timeout());
        let policy = self.retry_policy();
        let (outcome, attempts) = policy
            .retry(
                |attempt| {
                    if attempt > 1 {
                        span.record("http.request.resend_count", attempt - 1);
                    }
                    self.attempt(call, attempt, &spending)
                },
                |outcome| match outcome {
                    Ok((status, headers, _)) if is_retryable_status(&call.method, *status) => {
                        Verdict::Retry {
                            retry_after: retry_after_of(headers),
                            reason: Reason::Status(status.as_u16()),
                        }
                    }
                    Err(AttemptError::Transport(error, _))
                        if is_retryable_transport(&call.method, error) =>
                    {
                        Verdict::Retry {
                            retry_after: None,
                            reason: Reason::Transport(transport_error_type(error)),
                        }
                    }
                    _ => Verdict::Done,
                },
                |reason| spending.pay(reason.cost()),
                deadline,
            )
            .await;
        match outcome {
            Ok((status, headers, body)) => {
                if status.is_success() {
                    spending.succeeded();
                }
                Ok(Reply {
                    operation: call.operation.clone(),
                    status,
                    headers,
                    body,
                    attempts,
                    elapsed: started.elapsed(),
                })
            }
            Err(AttemptError::Transport(error, request_id)) => Err(Error::Transport {
                operation: call.operation.clone(),
                source: TransportError { error, request_id },
            }),
            Err(AttemptError::Final(error)) => Err(error),
        }
    }

    /// One attempt, once the client's limits admit it: the hooks' headers and ours, then the
    /// status, the headers and the whole (capped) body.
    async fn attempt(&self, call: &Call, number: u32, spending: &Spending<'_>) -> AttemptResult {
        let admission = self.limits().admit().await;
        // A retry counts as spent once it is admitted: one dropped while it waits for the
        // cooldown or a place gives its tokens back.
        spending.sent();
        // Random, so that two identical calls in flight at once are told apart.
        let id = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let info = AttemptInfo {
            operation: &call.operation,
            method: &call.method,
            url: &call.url,
            number,
            id: &id,
        };
        let mut headers = header::HeaderMap::new();
        if let Ok(value) = header::HeaderValue::from_str(&id) {
            headers.insert(REQUEST_ID, value);
        }
        // The caller's own come next, so that a request id or content type of theirs wins.
        headers.extend(call.headers.clone());
        for hook in self.hooks() {
            hook.on_request(&info, &mut headers);
        }
        // Added after the hooks, so that no hook sees the key or sends another one.
        self.identify(&mut headers);
        // A hook may send a request id of its own (a trace's, say): then that is the id.
        let id = headers
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or(&id)
            .to_owned();
        let info = AttemptInfo { id: &id, ..info };
        if call.body.is_some() {
            headers
                .entry(header::CONTENT_TYPE)
                .or_insert(header::HeaderValue::from_static("application/json"));
        }
        let mut watch = Watch {
            hooks: self.hooks(),
            info,
            sent: Instant::now(),
            reported: false,
        };
        let result = self.exchange(call, headers, &id).await;
        watch.report(&result);
        if let Ok((StatusCode::TOO_MANY_REQUESTS, headers, _)) = &result
            && let Some(wait) = retry_after_of(headers)
        {
            admission.throttled(wait.min(self.retry_policy().max_retry_after()));
        }
        result
    }

    async fn exchange(&self, call: &Call, headers: header::HeaderMap, id: &str) -> AttemptResult {
        let transport = |error| AttemptError::Transport(error, id.to_owned());
        let mut url = call.url.clone();
        let mut hops = 0;
        let mut response = loop {
            let mut request = self
                .http()
                .request(call.method.clone(), url.clone())
                .headers(headers.clone());
            if let Some(body) = &call.body {
                request = request.body(body.clone());
            }
            let response = request.send().await.map_err(transport)?;
            let base = &self.config().base_url;
            let status = response.status();
            match redirect::decide(&call.method, base, &url, status, response.headers(), hops) {
                Hop::Answer => break response,
                Hop::Follow(next) => {
                    tracing::debug!(status = status.as_u16(), "following a redirect");
                    (url, hops) = (next, hops + 1);
                }
                Hop::Refuse {
                    status,
                    location,
                    reason,
                } => {
                    return Err(AttemptError::Final(Error::Redirect {
                        operation: call.operation.clone(),
                        status,
                        location,
                        reason,
                    }));
                }
            }
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let cap = self.config().max_response_bytes;
        // reqwest decodes gzip as it streams, so this caps the decoded size: a small
        // compressed body that expands without end stops at the cap.
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > cap {
                return Err(AttemptError::Final(Error::TooLarge {
                    operation: call.operation.clone(),
                    limit: SizeLimit::Client(cap),
                }));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, headers, body))
    }
}

type AttemptResult = Result<(StatusCode, header::HeaderMap, Vec<u8>), AttemptError>;

#[derive(Debug)]
enum AttemptError {
    /// The request or its answer could not be transferred; with the attempt's id.
    Transport(reqwest::Error, String),
    Final(Error),
}

/// Tells the hooks how an attempt ended; dropped before that (the call timed out or was
/// cancelled mid-attempt), it tells them it was cancelled.
struct Watch<'a> {
    hooks: &'a [Arc<dyn Hook>],
    info: AttemptInfo<'a>,
    sent: Instant,
    reported: bool,
}

impl Watch<'_> {
    fn report(&mut self, result: &AttemptResult) {
        self.reported = true;
        let error_type = match result {
            Ok((status, _, _)) if status.is_client_error() || status.is_server_error() => {
                Some(status.as_str())
            }
            Ok(_) => None,
            Err(AttemptError::Transport(error, _)) => Some(transport_error_type(error)),
            Err(AttemptError::Final(error)) => Some(error_type_of(error)),
        };
        let (status, headers) = match result {
            Ok((status, headers, _)) => (Some(*status), Some(headers)),
            Err(_) => (None, None),
        };
        let outcome = AttemptOutcome {
            status,
            headers,
            duration: self.sent.elapsed(),
            error_type,
        };
        for hook in self.hooks {
            hook.on_outcome(&self.info, &outcome);
        }
    }
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        if !self.reported {
            let outcome = AttemptOutcome {
                status: None,
                headers: None,
                duration: self.sent.elapsed(),
                error_type: Some("cancelled"),
            };
            for hook in self.hooks {
                hook.on_outcome(&self.info, &outcome);
            }
        }
    }
}

/// OpenTelemetry's `error.type` for a transport failure.
fn transport_error_type(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else {
        "transport"
    }
}

/// OpenTelemetry's `error.type` for a call's error.
fn error_type_of(error: &Error) -> &'static str {
    match error {
        Error::Timeout { .. } => "timeout",
        Error::TooLarge { .. } => "too_large",
        Error::Transport { source, .. } => transport_error_type(&source.error),
        Error::Decode { .. } => "decode",
        Error::Redirect { .. } => "redirect",
        Error::Validation(_) => "validation",
        _ => "api",
    }
}

fn retry_after_of(headers: &header::HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}
