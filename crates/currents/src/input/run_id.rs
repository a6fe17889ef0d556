//! `RunId`: a run id that is safe to put in a URL path.

use super::{first_refused, validated_string};
use crate::ValidationError;

/// A run id, such as `6ae7fbfcb889dbcfc28f4a98`.
///
/// It must be non-empty, must not be `.` or `..`, and must not contain `/`, `\`, `?`, `#`,
/// `%`, whitespace or control characters. Those would change which URL is requested: the
/// generated client sends `/runs/../reset` for the id `..`, which the server reads as `/reset`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(String);

impl RunId {
    /// Validates a run id.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        let refuse = |rule: String| Err(ValidationError::new("run id", value.clone(), rule));
        if value.is_empty() {
            return refuse("must not be empty".into());
        }
        if value == "." || value == ".." {
            return refuse("'.' and '..' are path segments, not run ids".into());
        }
        let allowed = |c: char| {
            !matches!(c, '/' | '\\' | '?' | '#' | '%') && !c.is_whitespace() && !c.is_control()
        };
        if let Some((position, c)) = first_refused(&value, allowed) {
            return refuse(format!(
                "character {:?} at position {position} is not allowed (no /, \\, ?, #, %, whitespace or control characters)",
                c
            ));
        }
        Ok(RunId(value))
    }

    /// The id as sent to the API.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A run id the API gave (in an answer), kept as given: it is the server's name for the
    /// run, whatever it holds.
    pub(crate) fn from_api(value: String) -> Self {
        RunId(value)
    }
}

validated_string!(RunId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_would_change_the_url_are_refused_with_the_rule() {
        for (value, rule) in [
            ("", "must not be empty"),
            (".", "'.' and '..' are path segments"),
            ("..", "'.' and '..' are path segments"),
            ("a/b", "character '/' at position 2 is not allowed"),
            ("a\\b", "character '\\\\' at position 2 is not allowed"),
            ("ab?c", "character '?' at position 3"),
            ("#", "character '#' at position 1"),
            ("100%", "character '%' at position 4"),
            ("a b", "character ' ' at position 2"),
            ("a\nb", "character '\\n' at position 2"),
        ] {
            let error = RunId::new(value).expect_err(value);
            assert!(error.rule().contains(rule), "{value:?}: {error}");
            assert_eq!(error.value(), value);
        }
    }

    #[test]
    fn ordinary_ids_are_kept_as_given() {
        for value in [
            "6ae7fbfcb889dbcfc28f4a98",
            "run-1",
            "ü.π",
            "a..b",
            ".hidden",
        ] {
            assert_eq!(
                RunId::new(value).map(|id| id.to_string()),
                Ok(value.to_owned())
            );
        }
    }
}
