//! Fault injection: queued per operation, each fault is used by one request.
//!
//! Faults model what goes wrong between a client and Currents: throttling and outages
//! (a status, with `Retry-After`), slowness, dropped connections, bodies cut short by a proxy,
//! garbage, decompression bombs, and the worst case for retries: the operation was applied but
//! its answer was lost. Paging faults model a list that answers wrongly: `has_more` that lies,
//! a repeated cursor, a short page.

use std::{collections::VecDeque, io::Write as _, str::FromStr, time::Duration};

use axum::{
    body::{Body, Bytes, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use flate2::{Compression, write::GzEncoder};

use crate::{
    ApiError, Operation,
    outage::Effect,
    paging::PageFault,
    server::{App, RecordId},
};

/// A `Retry-After` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`
    Seconds(u64),
    /// `Retry-After: <HTTP date>`, this long from when the response is sent.
    Date(Duration),
}

/// What goes wrong with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status with an `ErrorResponse`, without applying the operation.
    Status {
        /// The status.
        status: u16,
        /// A `Retry-After` header to send with it.
        retry_after: Option<RetryAfter>,
    },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Close the connection without answering, without applying the operation.
    Close,
    /// Apply the operation, then send only the first `n` bytes of the body with the full
    /// `Content-Length`, and close.
    Truncate(usize),
    /// Answer with this status and these bytes as a JSON body, without applying the operation.
    Body {
        /// The status.
        status: u16,
        /// The body, sent as is.
        bytes: Vec<u8>,
    },
    /// Answer 200 with a gzip body that expands to this many bytes of zeros.
    GzipBomb(usize),
    /// Apply the operation, then answer this status (say 502) instead: the answer is lost.
    AppliedThenStatus(u16),
    /// Apply the operation, then close the connection without answering.
    AppliedThenClose,
    /// Answer a list request with this paging fault; other operations ignore it.
    Page(PageFault),
}

impl FromStr for Fault {
    type Err = String;

    /// Parses `status:503`, `status:429:retry-after=2`, `delay:2s` (ms or s), `close`,
    /// `truncate:100`, `garbage`, `empty`, `gzip-bomb:104857600`, `applied-then:502`,
    /// `applied-then-close`, and the paging faults `lying-has-more`, `repeated-cursor` and
    /// `short-page:3`.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let mut parts = value.split(':');
        let kind = parts.next().unwrap_or_default();
        let arg = parts.next();
        let number = |text: Option<&str>| -> Result<u64, String> {
            text.and_then(|t| t.parse().ok())
                .ok_or_else(|| format!("fault '{value}' needs a number"))
        };
        Ok(match kind {
            "status" => Fault::Status {
                status: number(arg)? as u16,
                retry_after: match parts.next() {
                    Some(extra) => Some(RetryAfter::Seconds(number(
                        extra.strip_prefix("retry-after="),
                    )?)),
                    None => None,
                },
            },
            "delay" => {
                let text = arg.unwrap_or_default();
                Fault::Delay(match text.strip_suffix("ms") {
                    Some(ms) => Duration::from_millis(number(Some(ms))?),
                    None => Duration::from_secs(number(text.strip_suffix('s'))?),
                })
            }
            "close" => Fault::Close,
            "truncate" => Fault::Truncate(number(arg)? as usize),
            "garbage" => Fault::Body {
                status: 200,
                bytes: b"<html>502 Bad Gateway</html>".to_vec(),
            },
            "empty" => Fault::Body {
                status: 200,
                bytes: Vec::new(),
            },
            "gzip-bomb" => Fault::GzipBomb(number(arg)? as usize),
            "applied-then" => Fault::AppliedThenStatus(number(arg)? as u16),
            "applied-then-close" => Fault::AppliedThenClose,
            "lying-has-more" => Fault::Page(PageFault::LyingHasMore),
            "repeated-cursor" => Fault::Page(PageFault::RepeatedCursor),
            "short-page" => Fault::Page(PageFault::ShortPage(number(arg)? as usize)),
            _ => return Err(format!("unknown fault '{value}'")),
        })
    }
}

/// Injects the next queued fault of the request's operation, if there is one. Each route has
/// its own, with the operation it serves; it also names that operation in the request log.
pub(crate) async fn inject(
    State((app, operation)): State<(App, Operation)>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(id) = request.extensions().get::<RecordId>() {
        app.attribute(*id, operation);
    }
    let _in_flight = app.concurrency().enter();
    match app.outage_effect() {
        Effect::Answer(response) => return response,
        Effect::Delay(delay) => tokio::time::sleep(delay).await,
        Effect::Pass => {}
    }
    let Some(fault) = app.next_fault(operation) else {
        return next.run(request).await;
    };
    let mut request = request;
    match fault {
        Fault::Page(page) => {
            // The handler applies it: only it knows the page.
            request.extensions_mut().insert(page);
            next.run(request).await
        }
        Fault::Status {
            status,
            retry_after,
        } => {
            let mut response = error(status, format!("injected fault: HTTP {status}"));
            if let Some(value) =
                retry_after.and_then(|r| HeaderValue::from_str(&retry_after_value(&r)).ok())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::Delay(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Fault::Close => closed(),
        Fault::Truncate(keep) => {
            let response = next.run(request).await;
            let (mut parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            let head = bytes.slice(..keep.min(bytes.len()));
            let stream = futures_util::stream::iter([
                Ok(head),
                Err(std::io::Error::other("injected: body cut off")),
            ]);
            Response::from_parts(parts, Body::from_stream(stream))
        }
        Fault::Body { status, bytes } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
        }
        Fault::GzipBomb(expanded) => {
            let headers = [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_ENCODING, "gzip"),
            ];
            (StatusCode::OK, headers, gzip_zeros(expanded)).into_response()
        }
        Fault::AppliedThenStatus(status) => {
            let _applied = next.run(request).await;
            error(
                status,
                format!("injected fault: the operation was applied, then HTTP {status}"),
            )
        }
        Fault::AppliedThenClose => {
            let _applied = next.run(request).await;
            closed()
        }
    }
}

fn error(status: u16, message: String) -> Response {
    ApiError::new(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
        message,
    )
    .into_response()
}

/// A response whose body fails before its first byte: hyper drops the connection without
/// sending anything, so the client sees it closed before the response.
fn closed() -> Response {
    let stream = futures_util::stream::iter([Err::<Bytes, _>(std::io::Error::other(
        "injected: connection closed",
    ))]);
    Response::new(Body::from_stream(stream))
}

fn retry_after_value(retry_after: &RetryAfter) -> String {
    match retry_after {
        RetryAfter::Seconds(seconds) => seconds.to_string(),
        RetryAfter::Date(after) => httpdate::fmt_http_date(std::time::SystemTime::now() + *after),
    }
}

/// How many bytes [`Fault::GzipBomb`] sends for `expanded` bytes of zeros.
pub fn gzip_bomb_len(expanded: usize) -> usize {
    gzip_zeros(expanded).len()
}

/// A gzip stream of `expanded` zero bytes: about a thousandth of that on the wire (deflate
/// cannot compress better than about 1:1032).
fn gzip_zeros(expanded: usize) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; 64 * 1024];
    let mut left = expanded;
    while left > 0 {
        let chunk = left.min(zeros.len());
        encoder
            .write_all(&zeros[..chunk])
            .expect("writing to a Vec cannot fail");
        left -= chunk;
    }
    encoder.finish().expect("finishing a Vec cannot fail")
}

/// The queues of faults, one per operation.
#[derive(Debug, Default)]
pub(crate) struct Faults(std::collections::HashMap<Operation, VecDeque<Fault>>);

impl Faults {
    pub(crate) fn push(&mut self, operation: Operation, fault: Fault) {
        self.0.entry(operation).or_default().push_back(fault);
    }

    pub(crate) fn pop(&mut self, operation: Operation) -> Option<Fault> {
        self.0.get_mut(&operation)?.pop_front()
    }

    pub(crate) fn pending(&self) -> usize {
        self.0.values().map(VecDeque::len).sum()
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

/// Parses a `--fault OPERATION=FAULT` flag of the binary.
pub fn parse_fault_flag(value: &str) -> Result<(Operation, Fault), String> {
    let (operation, fault) = value
        .split_once('=')
        .ok_or_else(|| format!("'{value}' is not OPERATION=FAULT"))?;
    let operation = Operation::from_id(operation).ok_or_else(|| {
        format!("unknown operation '{operation}'; use an operationId such as getRun")
    })?;
    Ok((operation, fault.parse()?))
}
