//! Free-text identifiers sent in query strings and bodies: project ids, machine ids and tags.
//!
//! They are percent-encoded or JSON-encoded on the way out, so any character survives; only
//! values no server could mean are refused: empty ones and ones with control characters.

use super::{first_refused, validated_string};
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

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident, $subject:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Validates the value: non-empty, with no control characters.
            pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
                let value = value.into();
                check_text($subject, &value)?;
                Ok($name(value))
            }

            /// The value as sent to the API.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        validated_string!($name);
    };
}

text_id!(
    /// A Currents project id.
    ProjectId,
    "project id"
);
text_id!(
    /// The id of a CI machine that ran specs of a run; resetRun resets by machine.
    MachineId,
    "machine id"
);
text_id!(
    /// A run tag, such as `nightly`.
    Tag,
    "tag"
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
