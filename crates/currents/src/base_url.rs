//! The base URL policy: https anywhere, plain http only on this machine.

use currents_api::servers;
use url::{Host, Url};

use crate::ValidationError;

/// The production API.
pub const PRODUCTION_URL: &str = servers::PRODUCTION_API;
/// The staging API.
pub const STAGING_URL: &str = servers::STAGING_API;
/// A local API, such as `currents-fake`.
pub const LOCAL_URL: &str = servers::LOCAL_DEVELOPMENT;

/// Checks a base URL and returns it without a trailing slash.
///
/// The API key travels in every request, so plain http is refused except on loopback, where
/// it never leaves the machine. Credentials in the URL are refused: they would end up in logs,
/// and the key belongs in `api_key`.
pub(crate) fn parse_base_url(value: &str) -> Result<Url, ValidationError> {
    let refuse = |shown: &str, rule: &str| Err(ValidationError::new("base URL", shown, rule));
    let Ok(mut url) = Url::parse(value) else {
        return refuse(
            value,
            "is not an absolute URL such as https://api.currents.dev/v1",
        );
    };
    if !url.username().is_empty() || url.password().is_some() {
        // Never echo what might be a password.
        let _ = url.set_password(None);
        let _ = url.set_username("");
        let shown = format!(
            "{}://<user-info>@{}",
            url.scheme(),
            &url[url::Position::BeforeHost..]
        );
        return refuse(
            &shown,
            "must not contain user info; pass the API key with api_key instead",
        );
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return refuse(
                value,
                "plain http is only allowed for loopback hosts; use https",
            );
        }
        _ => {
            return refuse(
                value,
                "the scheme must be https (or http for loopback hosts)",
            );
        }
    }
    if url.host().is_none() {
        return refuse(value, "must name a host");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return refuse(value, "must not have a query or a fragment");
    }
    let trimmed = url.path().trim_end_matches('/').to_owned();
    url.set_path(&trimmed);
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_on_loopback() {
        for (input, expected) in [
            (
                "https://api.currents.dev/v1/",
                "https://api.currents.dev/v1",
            ),
            ("https://api.currents.dev/v1", "https://api.currents.dev/v1"),
            ("http://localhost:4000/v1//", "http://localhost:4000/v1"),
            ("http://127.0.0.2:9/v1", "http://127.0.0.2:9/v1"),
            ("http://[::1]:4000/v1", "http://[::1]:4000/v1"),
        ] {
            assert_eq!(
                parse_base_url(input).map(|u| u.to_string()),
                Ok(expected.to_owned()),
                "{input}"
            );
        }
        for (input, rule) in [
            (
                "http://api.currents.dev/v1",
                "plain http is only allowed for loopback",
            ),
            (
                "http://10.0.0.1/v1",
                "plain http is only allowed for loopback",
            ),
            ("ftp://api.currents.dev/v1", "the scheme must be https"),
            ("https://api.currents.dev/v1?x=1", "query"),
            ("api.currents.dev/v1", "is not an absolute URL"),
        ] {
            let error = parse_base_url(input).expect_err(input);
            assert!(error.rule().contains(rule), "{input}: {error}");
        }
    }

    #[test]
    fn user_info_is_refused_without_echoing_it() {
        let error = parse_base_url("https://me:s3cret@api.currents.dev/v1").expect_err("user info");
        assert_eq!(error.value(), "https://<user-info>@api.currents.dev/v1");
        assert!(!error.to_string().contains("s3cret"));
    }
}
