//! Responses: the spec's `ErrorResponse` for every error, and the 1 MB limit on bodies that are
//! sent without gzip.

use axum::{
    Json,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use currents_api::types::ResponseStatus;
use serde::Serialize;

/// Currents refuses getRun and findRun answers above this size unless gzip is negotiated.
pub const UNCOMPRESSED_LIMIT: usize = 1_000_000;

/// An error answer: a status and a message a person can act on, sent as `ErrorResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `error` field of the body.
    pub message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn not_found(what: &str, value: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("{what}: '{value}'"))
    }

    pub(crate) fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "status": "FAILED", "error": self.message });
        (self.status, Json(body)).into_response()
    }
}

/// A success answer's envelope around its `data`.
pub(crate) fn ok(data: impl Serialize) -> serde_json::Value {
    serde_json::json!({ "status": ResponseStatus::Ok, "data": data })
}

/// A 200 JSON answer, or 413 when it is over the limit and the client did not accept gzip.
pub(crate) fn large_json(headers: &HeaderMap, body: &impl Serialize) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|error| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot encode the response: {error}"),
        )
    })?;
    if bytes.len() > UNCOMPRESSED_LIMIT && !accepts_gzip(headers) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Response size exceeds limits. Use Accept-Encoding: gzip header.",
        ));
    }
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// Whether `Accept-Encoding` lists gzip with a non-zero quality.
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|param| {
                param
                    .strip_prefix("q=")
                    .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0))
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn gzip_is_accepted_unless_its_quality_is_zero() {
        let accepts = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            accepts_gzip(&headers)
        };
        assert!(accepts("gzip"));
        assert!(accepts("br, GZIP;q=0.5"));
        assert!(accepts("*"));
        assert!(!accepts("identity"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
