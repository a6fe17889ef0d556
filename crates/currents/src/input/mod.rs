//! Validated inputs: each is checked once, when it is made, so an invalid value never reaches
//! a request.

mod branch_filter;
mod path_id;
mod text_id;

pub use branch_filter::{BranchFilter, MAX_BRANCH_FILTER_LEN};
pub(crate) use path_id::check_segment;
pub use path_id::{ActionId, HookId, InstanceId, JiraIssueKey, RunId, TestSignature};
pub(crate) use text_id::check_text;
pub use text_id::{CiBuildId, MachineId, ProjectId, Tag};

/// A string newtype checked by `$check` when it is made: `new`, `as_str`, `from_api` for a value
/// the API gave (kept as given: it is the server's name for the thing), and the conversions of
/// [`validated_string!`].
macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $subject:literal, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Validates the value.
            pub fn new(value: impl Into<String>) -> Result<Self, crate::ValidationError> {
                let value = value.into();
                $check($subject, &value)?;
                Ok($name(value))
            }

            /// The value as sent to the API.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            #[allow(dead_code)]
            pub(crate) fn from_api(value: String) -> Self {
                $name(value)
            }
        }

        crate::input::validated_string!($name);
    };
}
pub(crate) use checked_string;

/// Implements the conversions every validated string shares.
macro_rules! validated_string {
    ($name:ident) => {
        impl std::str::FromStr for $name {
            type Err = crate::ValidationError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = crate::ValidationError;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<String> for $name {
            type Error = crate::ValidationError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.as_str().to_owned()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Self::new(value).map_err(serde::de::Error::custom)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use validated_string;

/// Converts a value into a generated type that enforces the spec's rule for it (a pattern, a
/// length). The facade's own checks come first and name the offending character; this is the
/// spec's word, so that a rule the spec tightens is never sent past.
pub(crate) fn spec_checked<T>(
    subject: &'static str,
    value: &str,
) -> Result<T, crate::ValidationError>
where
    T: for<'a> TryFrom<&'a str, Error = currents_api::types::error::ConversionError>,
{
    T::try_from(value)
        .map_err(|error| crate::ValidationError::new(subject, value, error.to_string()))
}

/// The 1-based position and the character of the first `char` that `allowed` refuses.
pub(crate) fn first_refused(value: &str, allowed: impl Fn(char) -> bool) -> Option<(usize, char)> {
    value
        .chars()
        .enumerate()
        .find(|(_, c)| !allowed(*c))
        .map(|(index, c)| (index + 1, c))
}
