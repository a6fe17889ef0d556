//! `Client` and its builder: auth, base URL, the HTTP client, hooks, timeouts, retries and
//! the limits its clones share.

use std::{fmt, sync::Arc, time::Duration};

use reqwest::header::{self, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};
use url::Url;

use crate::{
    Actions, Error, Hook, Instances, PRODUCTION_URL, Projects, RetryBudget, RetryPolicy, Tests,
    ValidationError,
    base_url::parse_base_url,
    limits::{DEFAULT_MAX_IN_FLIGHT, Limits},
    pages::DEFAULT_CONCURRENCY,
    runs::Runs,
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
    /// The most attempts in flight at once, over every clone of the client.
    pub max_in_flight: usize,
    /// The retry budget every clone of the client draws on.
    pub retry_budget: RetryBudget,
    /// How many pages a list walk has on their way at once, unless its query says otherwise.
    pub page_concurrency: usize,
    /// Whether the HTTP client was the caller's ([`ClientBuilder::http_client`]): then its own
    /// settings (proxy, roots, pool, connect timeout) apply, and `connect_timeout` does not.
    pub custom_http_client: bool,
}

/// A client for the Currents REST API. Cheap to clone: clones share connections and the
/// client's limits (requests in flight, the retry budget, a throttle's cooldown), so that
/// every task of a service that uses one client acts as one caller.
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
    overrides: Overrides,
}

/// What a view of the client made by [`Client::with_timeout`] or [`Client::with_retry`]
/// changes for its calls.
#[derive(Debug, Clone, Default)]
struct Overrides {
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    /// `Authorization`, `User-Agent` and `api-version`, added to every attempt after the hooks.
    identity: HeaderMap,
    hooks: Vec<Arc<dyn Hook>>,
    limits: Limits,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("api_key", &"<redacted>")
            .field("hooks", &self.inner.hooks)
            .field("timeout_override", &self.overrides.timeout)
            .field("retry_override", &self.overrides.retry)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client; only the API key is required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `CURRENTS_API_KEY` and, if set, `CURRENTS_API_URL`; the
    /// rest as [`Client::builder`] has it. For some parts from the environment and others
    /// from code, use [`ClientBuilder::api_key_from_env`] and
    /// [`ClientBuilder::base_url_from_env`].
    pub fn from_env() -> Result<Client, Error> {
        Client::builder()
            .api_key_from_env()
            .base_url_from_env()
            .build()
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

    /// The Webhooks operations: a project's HTTP webhooks.
    pub fn webhooks(&self) -> crate::Webhooks<'_> {
        crate::Webhooks::new(self)
    }

    /// The failure-context operation: a run's, an instance's or a test's, as JSON or Markdown.
    pub fn context(&self) -> crate::Context<'_> {
        crate::Context::new(self)
    }

    /// The Jira operations: the organization's Jira site, and issues from run tests.
    pub fn jira(&self) -> crate::Jira<'_> {
        crate::Jira::new(self)
    }

    /// The Actions operations: skip, quarantine and tag rules, and the tests they applied to.
    pub fn actions(&self) -> Actions<'_> {
        Actions::new(self)
    }

    /// The settings this client was built with (a view's overrides are not among them).
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A view of this client whose calls have another total timeout. It shares everything
    /// else (connections, hooks, limits); building it costs a clone.
    ///
    /// ```
    /// # fn main() -> Result<(), currents::Error> {
    /// # let client = currents::Client::builder().api_key("k").base_url(currents::LOCAL_URL).build()?;
    /// let patient = client.with_timeout(std::time::Duration::from_secs(120));
    /// // patient.runs().get(&run_id).await? waits up to two minutes, retries included.
    /// # Ok(()) }
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        let mut view = self.clone();
        view.overrides.timeout = Some(timeout);
        view
    }

    /// A view of this client whose calls retry by another policy ([`RetryPolicy::none`] for a
    /// call that must not be repeated). It shares everything else, the retry budget included.
    pub fn with_retry(&self, policy: RetryPolicy) -> Client {
        let mut view = self.clone();
        view.overrides.retry = Some(policy);
        view
    }

    /// What the limits this client shares with its clones hold now: free in-flight places,
    /// retry tokens, and whether a throttle's cooldown is on. A service can export these as
    /// metrics; a client that is idle has every place free and no cooldown.
    pub fn limits_status(&self) -> crate::LimitsStatus {
        self.inner.limits.status()
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The total timeout of this view's calls.
    pub(crate) fn timeout(&self) -> Duration {
        self.overrides.timeout.unwrap_or(self.inner.config.timeout)
    }

    /// The retry policy of this view's calls.
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        self.overrides
            .retry
            .as_ref()
            .unwrap_or(&self.inner.config.retry)
    }

    pub(crate) fn hooks(&self) -> &[Arc<dyn Hook>] {
        &self.inner.hooks
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Adds the client's own headers, replacing any a hook set.
    pub(crate) fn identify(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.inner.identity {
            headers.insert(name, value.clone());
        }
    }
}

/// Configures a [`Client`]. The key is held as a secret: it is never printed.
#[derive(Debug)]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    /// Set when the key was asked of the environment, which did not have it, so that the
    /// error names the variable.
    api_key_env_missing: bool,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    max_response_bytes: usize,
    http_client: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
    max_in_flight: usize,
    retry_budget: RetryBudget,
    page_concurrency: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            api_key_env_missing: false,
            base_url: PRODUCTION_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: concat!("currents-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http_client: None,
            hooks: Vec::new(),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            retry_budget: RetryBudget::default(),
            page_concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer <key>`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self.api_key_env_missing = false;
        self
    }

    /// The API key from `CURRENTS_API_KEY`. If it is not set, [`build`](Self::build) fails
    /// with an error that names the variable (unless a later [`api_key`](Self::api_key) sets
    /// one).
    pub fn api_key_from_env(self) -> Self {
        self.api_key_from(std::env::var(API_KEY_ENV).ok())
    }

    fn api_key_from(self, key: Option<String>) -> Self {
        match key {
            Some(key) => self.api_key(key),
            None => ClientBuilder {
                api_key: None,
                api_key_env_missing: true,
                ..self
            },
        }
    }

    /// The base URL from `CURRENTS_API_URL`, if it is set; otherwise the base URL stays as it
    /// is.
    pub fn base_url_from_env(self) -> Self {
        self.base_url_from(std::env::var(API_URL_ENV).ok())
    }

    fn base_url_from(self, url: Option<String>) -> Self {
        match url {
            Some(url) => self.base_url(url),
            None => self,
        }
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

    /// The time to establish a connection (for the client's own HTTP client; one given to
    /// [`http_client`](Self::http_client) keeps its own).
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

    /// Sends through this HTTP client instead of one of the client's own: a service's client
    /// with its proxy, root certificates, client certificate, pool settings or default headers.
    /// The facade keeps its own auth, retries, timeouts, caps and errors on top of it. Build it
    /// with gzip on (reqwest's default when its `gzip` feature is enabled, as this crate does),
    /// so that large answers stay within the API's limit, and with
    /// [`redirect_policy`](crate::redirect_policy), so that this client decides every redirect.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adds a [`Hook`], run around every attempt after the hooks added before it.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// The most attempts in flight at once, over every clone of the client; 32 by default. An
    /// attempt beyond it waits for a place (within its call's timeout).
    pub fn max_in_flight(mut self, attempts: usize) -> Self {
        self.max_in_flight = attempts.max(1);
        self
    }

    /// How many pages a list walk has on their way at once, unless its query sets
    /// [`Query::concurrency`](crate::Query::concurrency); [`DEFAULT_CONCURRENCY`] by default,
    /// and `1` walks every list one page after another. Every page is an attempt within
    /// [`ClientBuilder::max_in_flight`] either way.
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.page_concurrency = pages.max(1);
        self
    }

    /// The retry budget every clone of the client draws on; [`RetryBudget::unlimited`] turns
    /// it off.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = budget;
        self
    }

    /// Validates the settings and builds the client. No request is sent.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = parse_base_url(&self.base_url)?;
        let key = match (self.api_key, self.api_key_env_missing) {
            (Some(key), _) => key,
            (None, true) => {
                return Err(ValidationError::new(
                    API_KEY_ENV,
                    "",
                    "must be set to a Currents API key",
                )
                .into());
            }
            (None, false) => {
                return Err(ValidationError::new(
                    "api key",
                    "",
                    "is required; set it with api_key or api_key_from_env",
                )
                .into());
            }
        };
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
        let user_agent = HeaderValue::try_from(self.user_agent.as_str()).map_err(|_| {
            ValidationError::new(
                "user agent",
                self.user_agent.clone(),
                "must be visible ASCII without line breaks",
            )
        })?;
        let mut identity = HeaderMap::new();
        identity.insert(header::AUTHORIZATION, authorization);
        identity.insert(header::USER_AGENT, user_agent);
        // The spec's version, as progenitor's clients send it.
        identity.insert(
            "api-version",
            HeaderValue::from_static(currents_api::operations::API_VERSION),
        );

        let custom_http_client = self.http_client.is_some();
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .gzip(true)
                .redirect(crate::redirect_policy())
                .build()
                .map_err(|source| {
                    ValidationError::new(
                        "client settings",
                        "",
                        format!("the HTTP client cannot be built: {source}"),
                    )
                })?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                identity,
                hooks: self.hooks,
                limits: Limits::new(self.max_in_flight, self.retry_budget),
                config: Config {
                    base_url,
                    timeout: self.timeout,
                    connect_timeout: self.connect_timeout,
                    retry: self.retry,
                    user_agent: self.user_agent,
                    max_response_bytes: self.max_response_bytes,
                    max_in_flight: self.max_in_flight,
                    retry_budget: self.retry_budget,
                    page_concurrency: self.page_concurrency,
                    custom_http_client,
                },
            }),
            overrides: Overrides::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each part may come from the environment or from code, the later setter winning; a key
    /// asked of an environment without one is named by its variable.
    #[test]
    fn parts_come_from_the_environment_or_from_code() {
        let local = "http://127.0.0.1:4000/v1";
        let cases = [
            (
                Client::builder().api_key_from(Some("k".into())),
                Ok(PRODUCTION_URL),
            ),
            (
                Client::builder()
                    .api_key_from(Some("k".into()))
                    .base_url_from(Some(local.into())),
                Ok(local),
            ),
            (
                Client::builder()
                    .base_url(local)
                    .api_key("k")
                    .base_url_from(None),
                Ok(local),
            ),
            (
                Client::builder().api_key_from(None).api_key("k"),
                Ok(PRODUCTION_URL),
            ),
            (Client::builder().api_key_from(None), Err(API_KEY_ENV)),
            (Client::builder(), Err("api key")),
        ];
        for (builder, expected) in cases {
            let built = builder.build();
            match (&built, expected) {
                (Ok(client), Ok(url)) => {
                    assert_eq!(client.config().base_url.as_str().trim_end_matches('/'), url)
                }
                (Err(Error::Validation(refused)), Err(field)) => {
                    assert!(refused.to_string().starts_with(field), "{refused}");
                }
                _ => panic!("{built:?}, expected {expected:?}"),
            }
        }
    }
}
