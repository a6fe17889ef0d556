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

checked_string!(
    /// A Jira issue's key, such as `PROJ-123`.
    ///
    /// It goes in a URL path, so it must be non-empty, must not be `.` or `..`, and must not
    /// contain `/`, `\`, `?`, `#`, `%`, whitespace or control characters.
    JiraIssueKey,
    "Jira issue key",
    check_segment
);

/// A webhook id is a UUID v4 (`8-4-4-4-12` hex digits, `4` opening the third group, one of
/// `8`, `9`, `a`, `b` the fourth), which the API requires of it.
fn check_hook_id(subject: &'static str, value: &str) -> Result<(), ValidationError> {
    let groups = value.split('-').collect::<Vec<_>>();
    let shaped = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b', 'A', 'B']);
    if shaped {
        Ok(())
    } else {
        Err(ValidationError::new(
            subject,
            value,
            "must be a UUID v4, such as 6b0fcbfa-0001-4001-8000-000000000001",
        ))
    }
}

checked_string!(
    /// A webhook's id: a UUID v4, such as `6b0fcbfa-0001-4001-8000-000000000001`.
    HookId,
    "webhook id",
    check_hook_id
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_ids_are_uuid_v4() {
        let cases = [
            ("6b0fcbfa-0001-4001-8000-000000000001", true),
            ("6B0FCBFA-0001-4001-B000-000000000001", true),
            ("6b0fcbfa-0001-1001-8000-000000000001", false),
            ("6b0fcbfa-0001-4001-c000-000000000001", false),
            ("6b0fcbfa00014001800000000000001", false),
            ("../webhooks", false),
            ("", false),
        ];
        for (value, taken) in cases {
            assert_eq!(HookId::new(value).is_ok(), taken, "{value}");
        }
    }

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
