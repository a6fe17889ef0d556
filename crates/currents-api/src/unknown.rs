//! `UnknownValue`: what an open enum holds for a value this version of the spec does not list.

use std::fmt;

/// A value of an open enum that this version of the spec does not list, kept as it was
/// received: readable with [`as_str`](Self::as_str), but opaque, so that no caller can match
/// on its text. A `match` that handled `RunStatus::Unknown(v) if v.as_str() == "errored"`
/// would silently stop matching when a later spec lists `errored` as a variant of its own;
/// make such values with `RunStatus::from("errored")` and compare whole values instead.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UnknownValue(pub(crate) String);

impl UnknownValue {
    /// The value as it was received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UnknownValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<UnknownValue> for String {
    fn from(value: UnknownValue) -> Self {
        value.0
    }
}
