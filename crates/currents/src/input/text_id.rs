//! Free-text identifiers sent in query strings and bodies: project ids, machine ids, CI build
//! ids and tags.
//!
//! They are percent-encoded or JSON-encoded on the way out, so any character survives; only
//! values no server could mean are refused: empty ones and ones with control characters.

use super::{checked_string, first_refused};
use crate::ValidationError;

/// The rule for free text: non-empty, with no control characters.
pub(crate) fn check_text(subject: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Err(ValidationError::new(subject, value, "must not be empty"));
    }
    if let Some((position, c)) = first_refused(value, |c| !c.is_control()) {
        let rule = format!("control character {c:?} at position {position} is not allowed");
        return Err(ValidationError::new(subject, value, rule));
    }
    Ok(())
}

checked_string!(
    /// A Currents project id: non-empty, with no control characters.
    ProjectId,
    "project id",
    check_text
);
checked_string!(
    /// The id of a CI machine that ran specs of a run; resetRun resets by machine. Non-empty,
    /// with no control characters.
    MachineId,
    "machine id",
    check_text
);
checked_string!(
    /// A CI build id, such as `web-app-1234-1`, which runs recorded by one CI build share:
    /// non-empty, with no control characters.
    CiBuildId,
    "CI build id",
    check_text
);
checked_string!(
    /// A run tag, such as `nightly`: non-empty, with no control characters.
    Tag,
    "tag",
    check_text
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_and_control_characters_are_refused() {
        assert_eq!(
            ProjectId::new("").expect_err("empty").to_string(),
            "project id '': must not be empty"
        );
        assert_eq!(
            MachineId::new("m\u{7}1").expect_err("bell").to_string(),
            "machine id 'm\\u{7}1': control character '\\u{7}' at position 2 is not allowed"
        );
        assert_eq!(
            Tag::new("a & b = #?").map(|t| t.to_string()),
            Ok("a & b = #?".to_owned())
        );
    }
}
