//! Requests to any route below the base URL, for what the spec does not describe yet
//! (`currents api`): the same auth, gzip, retries, limits, size cap and typed errors as the
//! operations, with the path checked so that it cannot leave the base URL.

use currents_api::operations::Operation;
use reqwest::{
    Method, StatusCode,
    header::{self, HeaderMap, HeaderName, HeaderValue},
};
use serde_json::Value;

use crate::{
    Client, DEFAULT_MAX_PAGES, Endpoint, Error, Pages, ResponseMeta, ValidationError,
    pages::{Raw, walk_raw},
    transport::{Call, error_of},
};

/// A checked path below the base URL: its segments, and its query's pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    segments: Vec<String>,
    query: Vec<(String, String)>,
}

/// A request to a route given by its method and path: [`Client::request`].
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a> {
    client: &'a Client,
    method: Method,
    request: Result<Target, ValidationError>,
    path: String,
    query: Vec<(String, String)>,
    headers: Result<HeaderMap, ValidationError>,
    body: Option<Vec<u8>>,
}

/// The answer to a [`RawRequest`]: its status, its headers and its body as received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// The body, decompressed.
    pub body: Vec<u8>,
    meta: ResponseMeta,
    operation: Endpoint,
}

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.meta.status()
    }

    /// The typed error this answer's status stands for, as [`RawRequest::send`] returns it;
    /// `None` for a success.
    pub fn error(&self) -> Option<Error> {
        let status = StatusCode::from_u16(self.meta.status()).ok()?;
        (!status.is_success()).then(|| {
            error_of(
                self.operation.clone(),
                status,
                &self.body,
                Box::new(self.meta.clone()),
            )
        })
    }

    /// The status, headers, request id, attempts and time of the answer.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The headers of the answer.
    pub fn headers(&self) -> &HeaderMap {
        self.meta.headers()
    }

    /// The body as JSON.
    pub fn json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// The path's segments and its query's pairs, or why it is not a path below the base URL: it
/// must start with `/`, and hold no scheme, host, fragment, `.` or `..` segment, backslash or
/// control character, so that the request goes where the path says and nowhere else. A query
/// (`/projects?limit=5`) is kept, as `gh api` keeps it.
pub(crate) fn check_target(target: &str) -> Result<Target, ValidationError> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if query.chars().any(|c| c.is_control() || c == '#') {
        return Err(ValidationError::new(
            "path",
            target,
            "its query must not contain a fragment (#) or control characters",
        ));
    }
    let query = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    Ok(Target {
        segments: check_path(path)?,
        query,
    })
}

fn check_path(path: &str) -> Result<Vec<String>, ValidationError> {
    let refuse = |rule: &str| Err(ValidationError::new("path", path, rule.to_owned()));
    if !path.starts_with('/') || path.starts_with("//") {
        return refuse(
            "must be a path below the base URL, starting with one /, such as /projects (not a URL)",
        );
    }
    if let Some(c) = path
        .chars()
        .find(|c| c.is_control() || matches!(c, '\\' | '?' | '#'))
    {
        return Err(ValidationError::new(
            "path",
            path,
            format!("must not contain {c:?}"),
        ));
    }
    // Each segment is decoded, and encoded again as one segment when the URL is built, so
    // that `%2e%2e` cannot become `..` on the way.
    let segments = path[1..]
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            percent_encoding::percent_decode_str(segment)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect::<Vec<_>>();
    if segments.iter().any(|s| s == "." || s == "..") {
        return refuse("must not have '.' or '..' segments, which would leave the path it names");
    }
    if segments.first().is_some_and(|s| s.contains(':')) {
        return refuse("must not start with a scheme; give a path below the base URL");
    }
    Ok(segments)
}

/// The spec's operation for a method and path, if it describes one.
fn operation_of(method: &Method, segments: &[String]) -> Option<Operation> {
    Operation::ALL.into_iter().find(|operation| {
        let template = operation
            .path()
            .split('/')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>();
        operation.method().as_str() == method.as_str()
            && template.len() == segments.len()
            && template
                .iter()
                .zip(segments)
                .all(|(part, segment)| part.starts_with('{') || part == segment)
    })
}

impl Client {
    /// A request to any route below the base URL, by method and path (`/projects`,
    /// `/sessions`), for routes the spec does not describe yet. A route the spec describes is
    /// named by its operation in errors and spans. The path must stay below the base URL:
    /// a URL, a scheme, a `.` or `..` segment or a fragment is refused before anything is
    /// sent. A query may follow the path (`/projects?limit=5`), or be added with
    /// [`RawRequest::query`].
    pub fn request(&self, method: Method, path: &str) -> RawRequest<'_> {
        RawRequest {
            client: self,
            method,
            request: check_target(path),
            path: path.split('?').next().unwrap_or(path).to_owned(),
            query: Vec::new(),
            headers: Ok(HeaderMap::new()),
            body: None,
        }
    }
}

/// Headers the client sends itself: the key, and the framing of the request and its answer.
const CLIENT_HEADERS: [HeaderName; 7] = [
    header::AUTHORIZATION,
    header::PROXY_AUTHORIZATION,
    header::HOST,
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::CONNECTION,
    header::ACCEPT_ENCODING,
];

/// A header the caller may send: a valid name that is not the client's own, and a valid value.
/// The value is never named in the error, as a header may carry a secret.
fn check_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), ValidationError> {
    let refuse = |rule: &str| ValidationError::new("header", name, rule.to_owned());
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| refuse("is not a valid header name"))?;
    if CLIENT_HEADERS.contains(&name) {
        return Err(refuse(
            "is sent by the client itself (the key, the host and the body's framing)",
        ));
    }
    let value = HeaderValue::from_str(value.trim())
        .map_err(|_| refuse("its value must be visible ASCII, without control characters"))?;
    Ok((name, value))
}

impl RawRequest<'_> {
    /// Adds a query parameter (repeat it for a list).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a header (repeat a name for several values). One the client sends itself
    /// (`Authorization`, `Host`, `Content-Length`, `Transfer-Encoding`, `Connection`,
    /// `Accept-Encoding`), or an invalid name or value, fails the request when it is sent; a
    /// request id or content type given here replaces the client's.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Ok(headers) = &mut self.headers {
            match check_header(name, value) {
                Ok((name, value)) => {
                    headers.append(name, value);
                }
                Err(refused) => self.headers = Err(refused),
            }
        }
        self
    }

    /// Sends this JSON as the body.
    pub fn json(mut self, body: &Value) -> Self {
        self.body = Some(serde_json::to_vec(body).expect("a JSON value serialises"));
        self
    }

    /// Checks the path, then sends the request under the client's retry policy (by method,
    /// as its table says) and limits. An error status is the same typed error as an
    /// operation's.
    pub async fn send(self) -> Result<RawResponse, Error> {
        let response = self.send_any_status().await?;
        match response.error() {
            Some(error) => Err(error),
            None => Ok(response),
        }
    }

    /// As [`send`](Self::send), but an error status is an answer too, with its body, as
    /// `gh api` prints it; [`RawResponse::error`] tells the error it stands for. Invalid
    /// input, a transport failure or a body over the cap are still errors.
    pub async fn send_any_status(self) -> Result<RawResponse, Error> {
        let client = self.client;
        let reply = client.send(self.into_call()?).await?;
        let meta = reply.meta();
        Ok(RawResponse {
            body: reply.body,
            meta,
            operation: reply.operation,
        })
    }

    /// The items of a `GET` of a list, page after page, as `gh api --paginate` follows them:
    /// the first answer's envelope says how the list pages (a cursor list's `has_more`, a
    /// page-number list's `nextPage`), and each next page is asked for with the spec's
    /// position parameter. The walk is the spec's lists' own, with the same checks: a repeated
    /// cursor or page, or more than [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES) pages, stop
    /// it with [`Error::Paging`]. Any other method is refused before anything is sent.
    pub fn pages(self) -> Pages<Value> {
        let client = self.client.clone();
        if self.method != Method::GET {
            let refused = ValidationError::new(
                "method",
                self.method.as_str(),
                "pages are followed for a GET only",
            );
            let refused = futures_util::stream::once(async move { Err(Error::from(refused)) });
            return Pages::new(futures_util::StreamExt::boxed(refused));
        }
        match self.into_call() {
            Ok(call) => walk_raw(Raw { client, call }, DEFAULT_MAX_PAGES),
            Err(error) => {
                let refused = futures_util::stream::once(async move { Err(error) });
                Pages::new(futures_util::StreamExt::boxed(refused))
            }
        }
    }

    /// The call this request stands for, once its path is checked.
    fn into_call(self) -> Result<Call, Error> {
        let Target {
            segments,
            mut query,
        } = self.request?;
        let headers = self.headers?;
        query.extend(self.query);
        let operation = match operation_of(&self.method, &segments) {
            Some(operation) => Endpoint::Operation(operation),
            None => Endpoint::Route {
                method: self.method.to_string(),
                path: self.path.clone(),
            },
        };
        Ok(Call {
            operation,
            method: self.method,
            url: Call::url(&self.client.config().base_url, &segments, &query),
            headers,
            body: self.body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_after_the_path_is_kept() {
        let Target { segments, query } =
            check_target("/webhooks?projectId=p&x=a%20b").expect("a path");
        assert_eq!(segments, ["webhooks"]);
        assert_eq!(
            query,
            [
                ("projectId".to_owned(), "p".to_owned()),
                ("x".to_owned(), "a b".to_owned())
            ]
        );
        assert!(check_target("https://example.com/v1?x=1").is_err());
    }

    #[test]
    fn only_paths_below_the_base_url_are_taken() {
        let cases = [
            ("/projects", Some(vec!["projects"])),
            ("/runs/abc/cancel", Some(vec!["runs", "abc", "cancel"])),
            ("/projects/", Some(vec!["projects"])),
            ("https://evil.example/v1/projects", None),
            ("//evil.example/projects", None),
            ("projects", None),
            ("/runs/../projects", None),
            ("/runs/./x", None),
            ("/runs/%2e%2e", None),
            ("/runs/a%20b", Some(vec!["runs", "a b"])),
            ("/projects#top", None),
            ("/a\\b", None),
            ("/x\n", None),
            ("/javascript:alert", None),
        ];
        for (path, segments) in cases {
            let checked = check_target(path).ok().map(|target| target.segments);
            let expected = segments.map(|s| s.into_iter().map(str::to_owned).collect::<Vec<_>>());
            assert_eq!(checked, expected, "{path}");
        }
    }

    #[test]
    fn headers_the_client_owns_or_cannot_send_are_refused_without_their_value() {
        let cases = [
            ("x-team", "warden", true),
            ("X-Request-Id", "trace-1", true),
            ("content-type", "application/merge-patch+json", true),
            ("Authorization", "Bearer secret-value", false),
            ("proxy-authorization", "Basic secret-value", false),
            ("host", "evil.example", false),
            ("content-length", "5", false),
            ("accept-encoding", "br", false),
            ("bad name", "x", false),
            ("x-team", "line\nbreak secret-value", false),
        ];
        for (name, value, taken) in cases {
            match check_header(name, value) {
                Ok(_) => assert!(taken, "{name}"),
                Err(refused) => {
                    assert!(!taken, "{name}: {refused}");
                    assert!(!refused.to_string().contains("secret-value"), "{refused}");
                    assert!(refused.to_string().contains(name.trim()), "{refused}");
                }
            }
        }
    }
}
