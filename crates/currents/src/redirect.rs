//! Redirects, decided by the client rather than by the HTTP library: a GET or HEAD is followed
//! a few hops within the base URL's origin, and every other redirect is a typed error.
//!
//! A redirect to another origin could carry a request's body (a 307 or 308 re-sends it, and
//! a webhook's body may hold a receiver's secret) or lead a request to plain http on another
//! host, which the base-URL policy refuses. The API itself does not redirect, so there is
//! nothing to gain from following one.

use reqwest::{Method, StatusCode, header};
use url::Url;

/// How many redirects one attempt follows at most.
pub const MAX_REDIRECTS: usize = 5;

/// The redirect policy to install in a [`reqwest::Client`] given to
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client): it follows nothing, so
/// that every redirect reaches this client, which follows a GET or HEAD within the base URL's
/// origin and refuses the rest with [`Error::Redirect`](crate::Error::Redirect).
///
/// Without it the HTTP client's own policy runs first: reqwest's default follows up to ten
/// hops to any origin, and a 307 or 308 sends the request's body to wherever it points.
///
/// ```
/// let http = currents::reqwest::Client::builder()
///     .redirect(currents::redirect_policy())
///     .build()?;
/// # Ok::<(), currents::reqwest::Error>(())
/// ```
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::none()
}

/// What to do with an answer that may be a redirect.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Hop {
    /// Not a redirect: the answer is the answer.
    Answer,
    /// Ask for this URL instead.
    Follow(Url),
    /// A redirect that is not followed, and why.
    Refuse {
        status: u16,
        location: String,
        reason: &'static str,
    },
}

/// Decides a redirect from `from`, the URL just asked for, as hop number `hops` (from 0).
pub(crate) fn decide(
    method: &Method,
    base: &Url,
    from: &Url,
    status: StatusCode,
    headers: &header::HeaderMap,
    hops: usize,
) -> Hop {
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return Hop::Answer;
    }
    let refuse = |location: String, reason| Hop::Refuse {
        status: status.as_u16(),
        location,
        reason,
    };
    let Some(location) = headers
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| from.join(value).ok())
    else {
        return refuse(String::new(), "its Location is missing or not a URL");
    };
    let shown = sanitised(&location);
    if !matches!(*method, Method::GET | Method::HEAD) {
        return refuse(shown, "only a GET or HEAD is redirected");
    }
    if location.origin() != base.origin() {
        return refuse(shown, "it leaves the base URL's origin");
    }
    if hops >= MAX_REDIRECTS {
        return refuse(shown, "too many redirects");
    }
    Hop::Follow(location)
}

/// A location as an error may show it: scheme, host, port and path, without user info, query
/// or fragment, which may hold a signed token.
fn sanitised(location: &Url) -> String {
    let mut shown = location.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_read_within_the_origin_is_followed() {
        let base = Url::parse("https://api.currents.dev/v1").expect("base");
        let from = Url::parse("https://api.currents.dev/v1/runs/r1").expect("from");
        let at = |location: &str| {
            let mut headers = header::HeaderMap::new();
            headers.insert(
                header::LOCATION,
                header::HeaderValue::from_str(location).expect("a header value"),
            );
            headers
        };
        let follow = |url: &str| Hop::Follow(Url::parse(url).expect("url"));
        let refuse = |location: &str, reason| Hop::Refuse {
            status: 307,
            location: location.to_owned(),
            reason,
        };
        // (method, status, Location, hops so far, decision)
        let cases = [
            (Method::GET, 200, "/v1/x", 0, Hop::Answer),
            (Method::GET, 304, "/v1/x", 0, Hop::Answer),
            (
                Method::GET,
                307,
                "/v1/runs/r2",
                0,
                follow("https://api.currents.dev/v1/runs/r2"),
            ),
            (
                Method::HEAD,
                307,
                "r2",
                4,
                follow("https://api.currents.dev/v1/runs/r2"),
            ),
            (
                Method::GET,
                307,
                "r2",
                5,
                refuse("https://api.currents.dev/v1/runs/r2", "too many redirects"),
            ),
            (
                Method::POST,
                307,
                "/v1/runs/r2?token=s3cret",
                0,
                refuse(
                    "https://api.currents.dev/v1/runs/r2",
                    "only a GET or HEAD is redirected",
                ),
            ),
            (
                Method::GET,
                307,
                "http://api.currents.dev/v1/runs/r2",
                0,
                refuse(
                    "http://api.currents.dev/v1/runs/r2",
                    "it leaves the base URL's origin",
                ),
            ),
            (
                Method::GET,
                307,
                "https://me:pw@evil.example:8443/x#f",
                0,
                refuse(
                    "https://evil.example:8443/x",
                    "it leaves the base URL's origin",
                ),
            ),
        ];
        for (method, status, location, hops, expected) in cases {
            let status = StatusCode::from_u16(status).expect("status");
            let decided = decide(&method, &base, &from, status, &at(location), hops);
            assert_eq!(decided, expected, "{method} {status} {location}");
        }
        let without = decide(
            &Method::GET,
            &base,
            &from,
            StatusCode::FOUND,
            &header::HeaderMap::new(),
            0,
        );
        assert!(
            matches!(without, Hop::Refuse { status: 302, ref location, .. } if location.is_empty())
        );
    }

    /// The "http downgrade" column of the redirect table. The hostile server in
    /// `tests/tests/hostile.rs` speaks plain HTTP only, so an `https` base URL, the only one a
    /// downgrade can leave, is decided here, cell by cell, by the same function the transport
    /// calls for every hop.
    #[test]
    fn a_downgrade_to_plain_http_is_refused_for_every_method_and_status() {
        let base = Url::parse("https://api.currents.dev/v1").expect("base");
        let from = Url::parse("https://api.currents.dev/v1/runs/r1").expect("from");
        let mut headers = header::HeaderMap::new();
        headers.insert(
            header::LOCATION,
            header::HeaderValue::from_static("http://api.currents.dev/v1/runs/r2?key=k"),
        );
        let methods = [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
            Method::POST,
            Method::PATCH,
        ];
        for method in methods {
            for status in [301, 302, 303, 307, 308] {
                let status = StatusCode::from_u16(status).expect("status");
                let decided = decide(&method, &base, &from, status, &headers, 0);
                assert!(
                    matches!(
                        &decided,
                        Hop::Refuse { location, .. }
                            if location == "http://api.currents.dev/v1/runs/r2"
                    ),
                    "{method} {status}: {decided:?}"
                );
            }
        }
    }
}
