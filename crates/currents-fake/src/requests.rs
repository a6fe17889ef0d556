//! The request log, and the middleware that fills it, caps bodies and checks the API key.

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use futures_util::StreamExt as _;

use crate::{ApiError, Operation, server::App};

/// Request bodies above this size are refused with 413 before any handler sees them.
pub const MAX_REQUEST_BODY: usize = 64 * 1024;

/// How much of an oversized body is read and discarded before answering 413. Answering while
/// the client is still sending would reset the connection, and the client would never see the
/// 413; past this much, the connection is dropped anyway.
const MAX_DRAINED: usize = 8 * 1024 * 1024;

/// One request as the fake received it. The API key is redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, such as `PUT`.
    pub method: String,
    /// The path as sent, still percent-encoded, such as `/v1/runs/r%201/cancel`.
    pub path: String,
    /// The query string as sent, without the `?`, if there was one.
    pub query: Option<String>,
    /// Every header, lower-case names, in order; `authorization` shows only its scheme.
    pub headers: Vec<(String, String)>,
    /// The body; empty for requests without one.
    pub body: Bytes,
    /// The operation the request was for, if its method and path name one.
    pub operation: Option<Operation>,
}

impl RecordedRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The decoded query pairs, in order, with repeated keys kept.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or_default().as_bytes())
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Records every request, refuses oversized bodies, then requires `Authorization: Bearer <key>`.
pub(crate) async fn record_and_authorize(
    State(app): State<App>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let body = read_capped(body).await;
    // The route that takes the request names its operation (see `faults::inject`).
    let id = app.record(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: redacted(&parts.headers),
        body: body.clone().unwrap_or_default(),
        operation: None,
    });
    parts.extensions.insert(id);
    let Ok(body) = body else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is over the {MAX_REQUEST_BODY}-byte limit"),
        )
        .into_response();
    };
    if !authorized(&parts.headers, app.api_key()) {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing or invalid API key: send `Authorization: Bearer <key>` with a valid key",
        )
        .into_response();
    }
    // A request id the caller sent comes back on the answer, as gateways commonly do, so that
    // a client's answer metadata can be tested end to end.
    let request_id = parts.headers.get(REQUEST_ID).cloned();
    let mut response = next.run(Request::from_parts(parts, Body::from(body))).await;
    if let Some(id) = request_id {
        response.headers_mut().insert(REQUEST_ID, id);
    }
    response
}

/// The header that carries a request id.
const REQUEST_ID: &str = "x-request-id";

/// The body, or `Err` if it is over [`MAX_REQUEST_BODY`] (after draining it, up to a bound).
async fn read_capped(body: Body) -> Result<Bytes, ()> {
    let mut stream = body.into_data_stream();
    let (mut kept, mut seen) = (Vec::new(), 0usize);
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len();
        if seen <= MAX_REQUEST_BODY {
            kept.extend_from_slice(&chunk);
        } else if seen > MAX_DRAINED {
            break;
        }
    }
    if seen <= MAX_REQUEST_BODY {
        Ok(Bytes::from(kept))
    } else {
        Err(())
    }
}

fn authorized(headers: &HeaderMap, api_key: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .is_some_and(|(scheme, key)| scheme.eq_ignore_ascii_case("bearer") && key == api_key)
}

fn redacted(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if name == header::AUTHORIZATION {
                let scheme = value
                    .to_str()
                    .ok()
                    .and_then(|v| v.split(' ').next())
                    .unwrap_or_default();
                format!("{scheme} <redacted>")
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect()
}
