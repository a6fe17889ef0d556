//! `Client` and its builder: auth, base URL, timeouts, retries and limits.

use std::{fmt, sync::Arc, time::Duration};

use reqwest::header::{self, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};
use url::Url;

use crate::{
    Actions, Error, Instances, PRODUCTION_URL, Projects, RetryPolicy, Tests, ValidationError,
    base_url::parse_base_url, runs::Runs,
};

/// The environment variable that holds the API key, as Currents' own tools name it.
pub const API_KEY_ENV: &str = "CURRENTS_API_KEY";
/// The environment variable that overrides the base URL, as Currents' own tools name it.
pub const API_URL_ENV: &str = "CURRENTS_API_URL";

/// The default total time for one call, retries and waits included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default cap on a decoded response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The settings of a [`Client`]. It holds no secret, so it can be printed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The API's base URL, without a trailing slash.
    pub base_url: Url,
    /// The total time for one call, retries included.
    pub timeout: Duration,
    /// The time to establish a connection.
    pub connect_timeout: Duration,
    /// When and how calls are retried.
    pub retry: RetryPolicy,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// The cap on a decoded response body, in bytes.
    pub max_response_bytes: usize,
}

/// A client for the Currents REST API. Cheap to clone: clones share connections.
///
/// ```
/// # fn main() -> Result<(), currents::Error> {
/// let client = currents::Client::builder()
///     .api_key("my-key")
///     .base_url(currents::LOCAL_URL)
///     .build()?;
/// assert!(!format!("{client:?}").contains("my-key"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

impl Client {
    /// Starts configuring a client; only the API key is required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `CURRENTS_API_KEY` and, if set, `CURRENTS_API_URL`.
    pub fn from_env() -> Result<Client, Error> {
        let mut builder = Client::builder();
        match std::env::var(API_KEY_ENV) {
            Ok(key) => builder = builder.api_key(key),
            Err(_) => {
                return Err(ValidationError::new(
                    API_KEY_ENV,
                    "",
                    "must be set to a Currents API key",
                )
                .into());
            }
        }
        if let Ok(url) = std::env::var(API_URL_ENV) {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The run operations: get, find, cancel, reset, delete, and the helpers built on them.
    pub fn runs(&self) -> Runs<'_> {
        Runs::new(self)
    }

    /// The project operations: projects, a project's runs, and its metrics.
    pub fn projects(&self) -> Projects<'_> {
        Projects::new(self)
    }

    /// The instance operation: one spec file run on one machine, with its tests.
    pub fn instances(&self) -> Instances<'_> {
        Instances::new(self)
    }

    /// The test operations: one test's results over time, and test signatures.
    pub fn tests(&self) -> Tests<'_> {
        Tests::new(self)
    }

    /// The Actions operations: skip, quarantine and tag rules.
    pub fn actions(&self) -> Actions<'_> {
        Actions::new(self)
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }
}

/// Configures a [`Client`]. The key is held as a secret: it is never printed.
#[derive(Debug)]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    max_response_bytes: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            base_url: PRODUCTION_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: concat!("currents-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer <key>`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The base URL; [`PRODUCTION_URL`] by default. https, or http on loopback.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The total time for one call, retries and their waits included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// When and how calls are retried; [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The cap on a decoded response body, in bytes; 16 MiB by default.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Validates the settings and builds the client. No request is sent.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = parse_base_url(&self.base_url)?;
        let key = self.api_key.ok_or_else(|| {
            ValidationError::new("api key", "", "is required; set it with api_key")
        })?;
        let mut authorization = HeaderValue::try_from(format!("Bearer {}", key.expose_secret()))
            .ok()
            .filter(|_| !key.expose_secret().trim().is_empty())
            .ok_or_else(|| {
                ValidationError::new(
                    "api key",
                    "<redacted>",
                    "must be non-empty visible ASCII without line breaks",
                )
            })?;
        // Marked sensitive so that reqwest and hyper never print it.
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, authorization);
        // The spec's version, as progenitor's clients send it.
        headers.insert(
            "api-version",
            HeaderValue::from_static(currents_api::operations::API_VERSION),
        );

        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(self.user_agent.clone())
            .connect_timeout(self.connect_timeout)
            .gzip(true)
            .build()
            .map_err(|source| {
                ValidationError::new(
                    "client settings",
                    "",
                    format!("the HTTP client cannot be built: {source}"),
                )
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                config: Config {
                    base_url,
                    timeout: self.timeout,
                    connect_timeout: self.connect_timeout,
                    retry: self.retry,
                    user_agent: self.user_agent,
                    max_response_bytes: self.max_response_bytes,
                },
            }),
        })
    }
}
