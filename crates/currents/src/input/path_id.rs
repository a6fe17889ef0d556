//! Ids that go in a URL path (run, action, instance, test signature): one safe segment each.

use super::{checked_string, first_refused};
use crate::ValidationError;

/// The rule for an id that goes in a URL path as one segment: non-empty, not `.` or `..`, and
/// without `/`, `\`, `?`, `#`, `%`, whitespace or control characters. Those would change which
/// URL is requested: `/runs/../reset` for the run id `..` is read by a server as `/reset`.
pub(crate) fn check_segment(subject: &'static str, value: &str) -> Result<(), ValidationError> {
    let refuse = |rule: String| Err(ValidationError::new(subject, value, rule));
    if value.is_empty() {
        return refuse("must not be empty".into());
    }
    if value == "." || value == ".." {
        return refuse(format!("'.' and '..' are path segments, not {subject}s"));
    }
    let allowed = |c: char| {
        !matches!(c, '/' | '\\' | '?' | '#' | '%') && !c.is_whitespace() && !c.is_control()
    };
    if let Some((position, c)) = first_refused(value, allowed) {
        return refuse(format!(
            "character {c:?} at position {position} is not allowed (no /, \\, ?, #, %, whitespace or control characters)"
        ));
    }
    Ok(())
}

checked_string!(
    /// A run id, such as `6ae7fbfcb889dbcfc28f4a98`.
    ///
    /// It goes in a URL path, so it must be non-empty, must not be `.` or `..`, and must not
    /// contain `/`, `\`, `?`, `#`, `%`, whitespace or control characters.
    RunId,
    "run id",
    check_segment
);
checked_string!(
    /// An action id (a skip, quarantine or tag rule), such as `507f1f77bcf86cd799439011`.
    ///
    /// It goes in a URL path, so it must be non-empty, must not be `.` or `..`, and must not
    /// contain `/`, `\`, `?`, `#`, `%`, whitespace or control characters.
    ActionId,
    "action id",
    check_segment
);
checked_string!(
    /// An instance id: one spec file run on one machine.
    ///
    /// It goes in a URL path, so it must be non-empty, must not be `.` or `..`, and must not
    /// contain `/`, `\`, `?`, `#`, `%`, whitespace or control characters.
    InstanceId,
    "instance id",
    check_segment
);
checked_string!(
    /// A test's signature: Currents' stable id for one test of one spec file of a project.
    ///
    /// It goes in a URL path, so it must be non-empty, must not be `.` or `..`, and must not
    /// contain `/`, `\`, `?`, `#`, `%`, whitespace or control characters.
    TestSignature,
    "test signature",
    check_segment
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_would_change_the_url_are_refused_with_the_rule() {
        for (value, rule) in [
            ("", "must not be empty"),
            (".", "'.' and '..' are path segments, not run ids"),
            ("..", "'.' and '..' are path segments, not run ids"),
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
