//! The hand-written half of the generated operations: what a request is on the wire, and how a
//! server reads one back. The generated request types implement [`Request`] with nothing but
//! calls to this module, so the encoding rules live here once.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, de::DeserializeOwned};

use crate::operations::Operation;

/// An HTTP method the spec uses: the spec model's, so that the generator, the client and the
/// fake name methods one way.
pub use currents_spec::Method;

/// One operation's request: its parameters and body, as the spec describes them.
///
/// The generated request types (one per operation, such as `operations::GetRun`) implement it;
/// a client sends [`Request::path_segments`], [`Request::query`] and [`Request::body`], and a
/// server reads the same request back with [`Request::from_parts`].
pub trait Request: Sized {
    /// The operation this request is for.
    const OPERATION: Operation;
    /// The JSON body's type; `()` for an operation without one.
    type Body: Serialize + DeserializeOwned;
    /// The type of a successful answer.
    type Response: Serialize + DeserializeOwned;
    /// The type of the answer's `data`.
    type Data: Serialize + DeserializeOwned;

    /// The path parameters, by their names in the path template, encoded as text.
    fn path_params(&self) -> Vec<(&'static str, String)>;

    /// The query pairs, in the spec's order; a list parameter repeats its name.
    fn query(&self) -> Vec<(&'static str, String)>;

    /// The JSON body, if the request has one.
    fn body(&self) -> Option<&Self::Body>;

    /// The answer's `data`.
    fn data(response: Self::Response) -> Self::Data;

    /// Reads the request back from its parts, as a server receives them.
    fn from_parts(parts: &RequestParts<'_>) -> Result<Self, ParamError>;

    /// The path below the base URL, one segment each, path parameters filled in (not encoded:
    /// each is one segment, whatever it holds).
    fn path_segments(&self) -> Vec<String> {
        let params = self.path_params();
        Self::OPERATION
            .path()
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(|segment| match template_param(segment) {
                Some(name) => params
                    .iter()
                    .find(|(param, _)| *param == name)
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default(),
                None => segment.to_owned(),
            })
            .collect()
    }
}

/// A value that can be a path or query parameter: written as text, and read back from it.
pub trait ParamValue: Sized {
    /// The text sent for the value.
    fn to_param(&self) -> String;
    /// Reads the value from its text, or says why it cannot.
    fn from_param(text: &str) -> Result<Self, String>;
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }

    fn from_param(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        self.to_string()
    }

    fn from_param(text: &str) -> Result<Self, String> {
        text.parse().map_err(|_| "is not true or false".to_owned())
    }
}

impl ParamValue for i64 {
    fn to_param(&self) -> String {
        self.to_string()
    }

    fn from_param(text: &str) -> Result<Self, String> {
        text.parse().map_err(|_| "is not an integer".to_owned())
    }
}

impl ParamValue for f64 {
    fn to_param(&self) -> String {
        self.to_string()
    }

    fn from_param(text: &str) -> Result<Self, String> {
        text.parse().map_err(|_| "is not a number".to_owned())
    }
}

impl ParamValue for DateTime<Utc> {
    /// RFC 3339 in UTC, with as many fractional digits as the value has.
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    fn from_param(text: &str) -> Result<Self, String> {
        DateTime::parse_from_rfc3339(text)
            .map(|at| at.with_timezone(&Utc))
            .map_err(|_| "is not an RFC 3339 date-time".to_owned())
    }
}

/// A request as a server receives it: path parameters (decoded), query pairs (decoded, in
/// order) and the body.
#[derive(Clone, Copy, Debug)]
pub struct RequestParts<'a> {
    /// The path parameters, by name.
    pub path: &'a [(String, String)],
    /// The query pairs.
    pub query: &'a [(String, String)],
    /// The body, empty if there is none.
    pub body: &'a [u8],
}

impl RequestParts<'_> {
    /// A path parameter.
    pub fn path<T: ParamValue>(&self, name: &str) -> Result<T, ParamError> {
        let value = self
            .path
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
            .ok_or_else(|| ParamError::new("path parameter", name, None, "is missing"))?;
        T::from_param(value)
            .map_err(|reason| ParamError::new("path parameter", name, Some(value), &reason))
    }

    /// A required query parameter.
    pub fn query<T: ParamValue>(&self, name: &str) -> Result<T, ParamError> {
        self.optional_query(name)?
            .ok_or_else(|| ParamError::new("query parameter", name, None, "is required"))
    }

    /// An optional query parameter, given at most once.
    pub fn optional_query<T: ParamValue>(&self, name: &str) -> Result<Option<T>, ParamError> {
        let mut values = self.query_values(name);
        let Some(value) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(ParamError::new(
                "query parameter",
                name,
                None,
                "takes one value, but was given more",
            ));
        }
        T::from_param(value)
            .map(Some)
            .map_err(|reason| ParamError::new("query parameter", name, Some(value), &reason))
    }

    /// Every value of a list query parameter (its name repeated), in order.
    pub fn query_list<T: ParamValue>(
        &self,
        name: &str,
        required: bool,
    ) -> Result<Vec<T>, ParamError> {
        let values = self
            .query_values(name)
            .map(|value| {
                T::from_param(value).map_err(|reason| {
                    ParamError::new("query parameter", name, Some(value), &reason)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if required && values.is_empty() {
            return Err(ParamError::new(
                "query parameter",
                name,
                None,
                "is required",
            ));
        }
        Ok(values)
    }

    /// The JSON body.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, ParamError> {
        self.optional_body()?
            .ok_or_else(|| ParamError::new("body", "", None, "is required"))
    }

    /// The JSON body, if there is one.
    pub fn optional_body<T: DeserializeOwned>(&self) -> Result<Option<T>, ParamError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(self.body)
            .map(Some)
            .map_err(|error| ParamError::new("body", "", None, &error.to_string()))
    }

    fn query_values<'b>(&'b self, name: &'b str) -> impl Iterator<Item = &'b str> + 'b {
        self.query
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A request part that does not read as its parameter's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    /// Where it was: `path parameter`, `query parameter` or `body`.
    pub location: &'static str,
    /// The parameter's name; empty for the body.
    pub name: String,
    /// The refused value, where there was one.
    pub value: Option<String>,
    /// Why it was refused.
    pub reason: String,
}

impl ParamError {
    fn new(location: &'static str, name: &str, value: Option<&str>, reason: &str) -> Self {
        ParamError {
            location,
            name: name.to_owned(),
            value: value.map(str::to_owned),
            reason: reason.to_owned(),
        }
    }
}

impl ParamError {
    /// A query parameter's value that breaks the spec's rule for it.
    pub fn query(name: &str, value: &str, reason: String) -> Self {
        ParamError {
            location: "query parameter",
            name: name.to_owned(),
            value: Some(value.to_owned()),
            reason,
        }
    }
}

/// A request being built whose setters never fail: [`Setters::set`] applies a change, and the
/// first change refused is kept, to be returned when the request is sent. The generated
/// `params` traits give every such builder of an operation's request one setter per optional
/// parameter, each checking the spec's rules for its value.
pub trait Setters<R>: Sized {
    /// Applies `change` to the request, unless an earlier change was refused.
    fn set(self, change: impl FnOnce(&mut R) -> Result<(), ParamError>) -> Self;
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.location)?;
        if !self.name.is_empty() {
            write!(f, " `{}`", self.name)?;
        }
        if let Some(value) = &self.value {
            write!(f, " {value:?}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for ParamError {}

impl Operation {
    /// The operation with this `operationId`, compared without regard to case.
    pub fn from_id(id: &str) -> Option<Operation> {
        Operation::ALL
            .into_iter()
            .find(|operation| operation.id().eq_ignore_ascii_case(id))
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The parameter name of a template segment `{name}`.
fn template_param(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}
