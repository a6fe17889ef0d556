//! The one error type of the crate, and the validation error it wraps.
//!
//! Display is one short line with no response body and never the API key; the underlying
//! cause, where there is one, is in [`std::error::Error::source`].

use std::{borrow::Cow, fmt, time::Duration};

use currents_api::{
    operations::{Operation, ParamError},
    types::{RunStatus, error::ConversionError},
};

use crate::Endpoint;

use crate::ResponseMeta;

/// Input that was refused before any request was sent.
///
/// It names what was checked, the value, and the rule it breaks:
/// `branch filter 'release /x': character ' ' at position 8 is not allowed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    subject: Cow<'static, str>,
    /// `None` where the refusal did not keep the text (a generated type's conversion).
    value: Option<String>,
    rule: String,
}

impl ValidationError {
    pub(crate) fn new(
        subject: &'static str,
        value: impl Into<String>,
        rule: impl Into<String>,
    ) -> Self {
        ValidationError {
            subject: Cow::Borrowed(subject),
            value: Some(value.into()),
            rule: rule.into(),
        }
    }

    /// What was validated, such as `run id`, `branch filter` or, for a value the spec's rule
    /// for a parameter refuses, the parameter's name (`tags[]`).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The refused value, unchanged; empty where the refusal did not keep it (the conversion
    /// of a generated constrained string).
    pub fn value(&self) -> &str {
        self.value.as_deref().unwrap_or_default()
    }

    /// The rule the value breaks.
    pub fn rule(&self) -> &str {
        &self.rule
    }
}

/// A parameter value the spec's rule refuses, from a generated setter.
impl From<ParamError> for ValidationError {
    fn from(error: ParamError) -> Self {
        ValidationError {
            subject: Cow::Owned(error.name),
            value: error.value,
            rule: error.reason,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::Validation(error)
    }
}

/// A generated constrained string (`"...".parse::<CreateActionRequestName>()?`) that refused
/// its text: the spec's rule is the message. The text itself is not in the conversion error,
/// so it is not shown.
impl From<ConversionError> for ValidationError {
    fn from(error: ConversionError) -> Self {
        ValidationError {
            subject: Cow::Borrowed("value"),
            value: None,
            rule: error.to_string(),
        }
    }
}

impl From<ConversionError> for Error {
    fn from(error: ConversionError) -> Self {
        Error::Validation(error.into())
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Escaping keeps a control character in the value from garbling a log line.
        match &self.value {
            Some(value) => write!(
                f,
                "{} '{}': {}",
                self.subject,
                value.escape_debug(),
                self.rule
            ),
            None => write!(f, "{}: {}", self.subject, self.rule),
        }
    }
}

impl std::error::Error for ValidationError {}

/// Everything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input was invalid; no request was sent. The message is in the Display; the
    /// [`ValidationError`] is here to be matched, not a cause to print again.
    #[error("invalid input: {0}")]
    Validation(ValidationError),

    /// Some batches of a reset failed ([`Runs::reset_failed`](crate::Runs::reset_failed));
    /// the report holds every batch, the failed ones with their errors. Its Display says how
    /// many failed; its source is the first failure.
    #[error(transparent)]
    PartialReset(Box<crate::ResetReport>),

    /// The API answered with an error status.
    #[error(
        "{operation} failed with HTTP {status}: {message}{}",
        code_suffix(code)
    )]
    Api {
        /// The operation, or the route of a request built with `Client::request`.
        operation: Endpoint,
        /// The HTTP status.
        status: u16,
        /// The `error` field of the API's `ErrorResponse`, or a description of the body.
        message: String,
        /// The `code` field of the `ErrorResponse`, such as `insufficient_scope`.
        code: Option<String>,
        /// The answer's status, headers (`WWW-Authenticate`, `Retry-After`), request id and
        /// attempts.
        response: Box<ResponseMeta>,
    },

    /// What was asked for (or a run matching the query) does not exist: HTTP 404.
    #[error("{operation}: not found: {message}")]
    NotFound {
        /// The operation, or the route of a request built with `Client::request`.
        operation: Endpoint,
        /// What the API said.
        message: String,
        /// The `code` field of the `ErrorResponse`, if it had one.
        code: Option<String>,
        /// The answer's status, headers, request id and attempts.
        response: Box<ResponseMeta>,
    },

    /// The response was too large: the API's HTTP 413, or a body over the client's cap.
    #[error("{operation}: the response is larger than {limit}")]
    TooLarge {
        /// The operation, or the route of a request built with `Client::request`.
        operation: Endpoint,
        /// Which limit was hit.
        limit: SizeLimit,
    },

    /// The call did not finish within the client's total timeout.
    #[error("{operation} timed out after {after:?}")]
    Timeout {
        /// The operation, or the route of a request built with `Client::request`.
        operation: Endpoint,
        /// The timeout that expired.
        after: Duration,
    },

    /// `wait_for` reached its deadline while the run was still running.
    #[error(
        "run {run_id} {} after waiting {waited:?}",
        match last_status {
            Some(status) => format!("was still {status}"),
            None => "did not answer a poll in time".to_owned(),
        }
    )]
    WaitTimeout {
        /// The run waited for.
        run_id: String,
        /// How long `wait_for` waited.
        waited: Duration,
        /// The status the run had at the last poll; `None` if no poll answered in time.
        last_status: Option<RunStatus>,
    },

    /// The request or the response body could not be transferred.
    #[error("{operation}: the connection failed")]
    Transport {
        /// The operation, or the route of a request built with `Client::request`.
        operation: Endpoint,
        /// What failed.
        #[source]
        source: TransportError,
    },

    /// The API answered with a redirect that the client does not follow: one for a method
    /// other than GET or HEAD, to another origin, or past the hop limit (see
    /// [`redirect_policy`](crate::redirect_policy)).
    #[error("{operation}: HTTP {status} redirect to {location} not followed: {reason}")]
    Redirect {
        /// The operation, or the route of a request built with `Client::request`.
        operation: Endpoint,
        /// The redirect's status.
        status: u16,
        /// Where it pointed, without user info, query or fragment; empty if it named no URL.
        location: String,
        /// Why it was not followed.
        reason: &'static str,
    },

    /// A list's pages did not add up: walking on could loop or repeat items, so the walk stopped.
    #[error("{operation}: paging stopped: {problem}")]
    Paging {
        /// The list operation.
        operation: Endpoint,
        /// What the pages did.
        problem: PagingError,
    },

    /// The response body did not decode into the documented type.
    #[error("{operation}: the HTTP {status} response body did not decode")]
    Decode {
        /// The operation, or the route of a request built with `Client::request`.
        operation: Endpoint,
        /// The HTTP status of the response.
        status: u16,
        /// Why decoding failed; it names the line and column, not the body.
        #[source]
        source: serde_json::Error,
    },
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_deref()
        .map(|code| format!(" ({})", code.escape_debug()))
        .unwrap_or_default()
}

impl Error {
    /// The API's answer, for an error the API answered with (an error status, not found):
    /// its status, headers, request id and how many attempts the call made.
    pub fn response(&self) -> Option<&ResponseMeta> {
        match self {
            Error::Api { response, .. } | Error::NotFound { response, .. } => Some(response),
            _ => None,
        }
    }

    /// The `code` of the API's `ErrorResponse` (`insufficient_scope`, say), when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } | Error::NotFound { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// Why a request or its answer could not be transferred: a connection refused or reset, a body
/// cut off. Its [`source`](std::error::Error::source) chain has the details; the HTTP library
/// underneath is not part of this crate's API.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) error: reqwest::Error,
    pub(crate) request_id: String,
}

impl TransportError {
    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.error.is_connect()
    }

    /// Whether the answer's body was cut off or could not be decoded (gzip, say).
    pub fn is_body(&self) -> bool {
        self.error.is_body() || self.error.is_decode()
    }

    /// The id the failed attempt was sent with (its `x-request-id` header, and
    /// [`AttemptInfo::id`](crate::AttemptInfo::id) in the hooks), to find it in a proxy's or
    /// the server's logs.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// Why a walk over a paginated list stopped before its end. Each would otherwise make the walk
/// loop, or yield an item twice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingError {
    /// The next page's cursor is one that was already followed.
    RepeatedCursor {
        /// The cursor.
        cursor: String,
    },
    /// A cursor list said there was more, but its last item carried no cursor to go on from.
    MissingCursor,
    /// A page-number list pointed at a page that is not after the current one.
    PageWentBackwards {
        /// The page just read.
        from: i64,
        /// The page it pointed at next.
        to: i64,
    },
    /// A page-number list answered a page with fewer items than asked for and yet pointed at
    /// a next page: the list changed while it was read, and the items it shifted past would
    /// be skipped without a word.
    ShortPage {
        /// The page.
        page: i64,
        /// How many items it had.
        items: usize,
        /// How many were asked for.
        limit: i64,
    },
    /// An item came again: on the page before, or twice on one page.
    DuplicateItem {
        /// The item's id (its run id, project id, signature or cursor).
        id: String,
    },
    /// The walk read its configured number of pages and the list still said there was more.
    PageLimit {
        /// The page bound.
        pages: usize,
    },
    /// A page-number list said it held a different number of items than its first page did:
    /// it changed while it was read, so its pages no longer start where they did, and an item
    /// could be skipped or come twice.
    ListChanged {
        /// The page that said so.
        page: i64,
        /// The total the first page gave.
        was: u64,
        /// The total this page gives.
        now: u64,
    },
    /// An item of a list walked in time slices carried no time (`createdAt`), so the walk
    /// could not tell which slice it belongs to.
    MissingTime {
        /// The item's id, if it has one.
        id: Option<String>,
    },
    /// A list walked in time slices answered an item outside the time range it was asked
    /// for: it does not select by that range, so cutting it by time would read it again and
    /// again.
    OutOfRange {
        /// The item's id, if it has one.
        id: Option<String>,
        /// The item's time.
        time: chrono::DateTime<chrono::Utc>,
    },
}

impl fmt::Display for PagingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PagingError::RepeatedCursor { cursor } => {
                write!(f, "the cursor '{}' came back", cursor.escape_debug())
            }
            PagingError::MissingCursor => f.write_str("an item has no cursor to go on from"),
            PagingError::PageWentBackwards { from, to } => {
                write!(f, "page {from} pointed back at page {to}")
            }
            PagingError::ShortPage { page, items, limit } => write!(
                f,
                "page {page} had {items} of {limit} items and yet pointed at another page"
            ),
            PagingError::DuplicateItem { id } => {
                write!(f, "item '{}' came twice", id.escape_debug())
            }
            PagingError::PageLimit { pages } => {
                write!(f, "{pages} pages were read and the list says there is more")
            }
            PagingError::ListChanged { page, was, now } => write!(
                f,
                "page {page} said the list holds {now} items, where the first page said {was}"
            ),
            PagingError::MissingTime { id: Some(id) } => {
                write!(f, "item '{}' has no time", id.escape_debug())
            }
            PagingError::MissingTime { id: None } => f.write_str("an item has no time"),
            PagingError::OutOfRange { id, time } => write!(
                f,
                "item '{}' of {} is outside the time range asked for",
                id.as_deref().unwrap_or_default().escape_debug(),
                time.to_rfc3339()
            ),
        }
    }
}

/// The limit a too-large response exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SizeLimit {
    /// The API's own limit (1 MB uncompressed): it answered HTTP 413.
    Api,
    /// The client's cap on a decoded body, in bytes.
    Client(usize),
}

impl fmt::Display for SizeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeLimit::Api => f.write_str("the API allows (HTTP 413)"),
            SizeLimit::Client(bytes) => write!(f, "the client's cap of {bytes} bytes"),
        }
    }
}

impl Error {
    /// The HTTP status of the response that caused the error, where there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Redirect { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::NotFound { .. } => Some(404),
            Error::TooLarge {
                limit: SizeLimit::Api,
                ..
            } => Some(413),
            Error::Transport { source, .. } => source.error.status().map(|status| status.as_u16()),
            _ => None,
        }
    }

    /// The operation the error comes from; `None` for input refused before any request, for
    /// a wait that ran out of time, and for a route the spec does not describe (see
    /// [`Error::endpoint`]).
    pub fn operation(&self) -> Option<Operation> {
        self.endpoint().and_then(Endpoint::operation)
    }

    /// The operation or route the error comes from; `None` for input refused before any
    /// request, and for a wait that ran out of time.
    pub fn endpoint(&self) -> Option<&Endpoint> {
        match self {
            Error::Api { operation, .. }
            | Error::NotFound { operation, .. }
            | Error::TooLarge { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Paging { operation, .. }
            | Error::Decode { operation, .. } => Some(operation),
            _ => None,
        }
    }

    /// Whether the input was refused by this client, before any request was sent. The API's
    /// own refusals are [`Error::is_server_refusal`].
    pub fn is_validation(&self) -> bool {
        matches!(self, Error::Validation(_))
    }

    /// Whether the API throttled the call: HTTP 429, still, after the client's retries. A
    /// reset of one batch that is throttled is this too.
    pub fn is_throttled(&self) -> bool {
        self.status() == Some(429)
    }

    /// Whether what the call named does not exist: HTTP 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// Whether the API refused the request as it was sent: HTTP 400, 409 or 422 (its own
    /// checks of the input, or a state that forbids the change). Sending it again unchanged
    /// gets the same answer.
    pub fn is_server_refusal(&self) -> bool {
        matches!(
            self,
            Error::Api {
                status: 400 | 409 | 422,
                ..
            }
        )
    }

    /// Whether the same call may succeed if it is made again later: HTTP 429, 500, 502, 503
    /// and 504, a timeout of the call, and a failed connection or transfer. These are what the
    /// client retried already, so a caller who tries again should wait first.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            Error::Timeout { .. } | Error::Transport { .. } => true,
            _ => false,
        }
    }

    /// Whether a request timeout or a `wait_for` deadline expired.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::WaitTimeout { .. })
    }
}
