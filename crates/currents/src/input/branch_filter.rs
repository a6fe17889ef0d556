//! `BranchFilter`: findRun's branch filter, exactly the language of the spec's
//! `BranchFilterQueryValue`.

use currents_api::types::Exact;

use super::{first_refused, validated_string};
use crate::ValidationError;

/// The longest filter the API accepts, counted in characters and including a trailing `*`:
/// the spec's `maxLength` (the same for exact and prefix filters).
pub const MAX_BRANCH_FILTER_LEN: usize = Exact::MAX_LENGTH;

/// An exact branch name, or a prefix followed by one trailing `*` (`release/*`).
///
/// The characters are printable ASCII except space and `*` (the spec's `^[!-)+-~]+$`), and the
/// whole filter is at most [`MAX_BRANCH_FILTER_LEN`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BranchFilter {
    /// Matches the branch with exactly this name.
    Exact(String),
    /// Matches every branch that starts with the prefix; holds the filter with its `*`.
    Prefix(String),
}

impl BranchFilter {
    /// Validates a filter; a trailing `*` makes it a prefix filter.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        let refuse = |rule: String| Err(ValidationError::new("branch filter", value.clone(), rule));
        let length = value.chars().count();
        if length > MAX_BRANCH_FILTER_LEN {
            return refuse(format!(
                "it is {length} characters long; at most {MAX_BRANCH_FILTER_LEN} are allowed"
            ));
        }
        let (name, is_prefix) = match value.strip_suffix('*') {
            Some(name) => (name, true),
            None => (value.as_str(), false),
        };
        if name.is_empty() {
            return refuse(if is_prefix {
                "a prefix needs at least one character before the trailing '*'".into()
            } else {
                "must not be empty".into()
            });
        }
        if let Some((position, c)) = first_refused(name, |c| matches!(c, '!'..=')' | '+'..='~')) {
            let rule = if c == '*' {
                format!("'*' at position {position} is not allowed; '*' may only come last")
            } else {
                format!("character {c:?} at position {position} is not allowed")
            };
            return refuse(rule);
        }
        Ok(if is_prefix {
            BranchFilter::Prefix(value)
        } else {
            BranchFilter::Exact(value)
        })
    }

    /// The filter as sent to the API, with the `*` of a prefix filter.
    pub fn as_str(&self) -> &str {
        match self {
            BranchFilter::Exact(value) | BranchFilter::Prefix(value) => value,
        }
    }
}

validated_string!(BranchFilter);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_names_the_value_the_character_and_its_position() {
        let error = BranchFilter::new("release /x").expect_err("space");
        assert_eq!(
            error.to_string(),
            "branch filter 'release /x': character ' ' at position 8 is not allowed"
        );
    }

    #[test]
    fn exact_and_prefix_filters() {
        assert_eq!(
            BranchFilter::new("main"),
            Ok(BranchFilter::Exact("main".into()))
        );
        assert_eq!(
            BranchFilter::new("release/*"),
            Ok(BranchFilter::Prefix("release/*".into()))
        );
        for (value, rule) in [
            ("", "must not be empty"),
            ("*", "at least one character before"),
            ("a**", "'*' at position 2 is not allowed"),
            ("a*b", "'*' at position 2"),
            ("été", "character 'é' at position 1"),
        ] {
            let error = BranchFilter::new(value).expect_err(value);
            assert!(error.rule().contains(rule), "{value:?}: {error}");
        }
        assert!(BranchFilter::new("b".repeat(250)).is_ok());
        assert!(BranchFilter::new(format!("{}*", "b".repeat(249))).is_ok());
        assert!(BranchFilter::new(format!("{}*", "b".repeat(250))).is_err());
    }
}
