//! `Endpoint`: what a call was made to. An operation of the spec, or, for a request built with
//! [`Client::request`](crate::Client::request), a method and a path the spec may not know.

use std::fmt;

use currents_api::operations::Operation;

/// What a call was made to: errors, hooks and spans name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// An operation of the spec.
    Operation(Operation),
    /// A route called by its method and path, which the spec does not describe.
    Route {
        /// The HTTP method, such as `GET`.
        method: String,
        /// The path below the base URL, such as `/sessions`, without its query.
        path: String,
    },
}

impl Endpoint {
    /// The operation, for a call to an operation of the spec.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Endpoint::Operation(operation) => Some(*operation),
            Endpoint::Route { .. } => None,
        }
    }

    /// The path template (`/runs/{runId}`), or the route's path.
    pub fn path(&self) -> &str {
        match self {
            Endpoint::Operation(operation) => operation.path(),
            Endpoint::Route { path, .. } => path,
        }
    }

    /// The operation's id (`getRun`), or the route's method and path (`GET /sessions`).
    pub fn id(&self) -> String {
        self.to_string()
    }
}

impl From<Operation> for Endpoint {
    fn from(operation: Operation) -> Self {
        Endpoint::Operation(operation)
    }
}

impl PartialEq<Operation> for Endpoint {
    fn eq(&self, other: &Operation) -> bool {
        self.operation() == Some(*other)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Operation(operation) => write!(f, "{operation}"),
            Endpoint::Route { method, path } => write!(f, "{method} {}", path.escape_debug()),
        }
    }
}
