//! The spec's rules for a parameter value (`pattern`, `minLength`, `maxLength`, `minimum`,
//! `maximum`), checked by the generated setters before a value joins a request.

use std::sync::LazyLock;

use crate::wire::ParamError;

/// A compiled `pattern` (ECMA-262, as the spec writes it).
pub(crate) type Pattern = LazyLock<regress::Regex>;

/// Checks a text value against its parameter's rules.
pub(crate) fn check_text(
    name: &str,
    value: &str,
    pattern: Option<(&str, &Pattern)>,
    min_length: Option<usize>,
    max_length: Option<usize>,
) -> Result<(), ParamError> {
    let refuse = |reason: String| Err(ParamError::query(name, value, reason));
    let length = value.chars().count();
    if let Some(min) = min_length
        && length < min
    {
        return refuse(format!(
            "it is {length} characters long; at least {min} are required"
        ));
    }
    if let Some(max) = max_length
        && length > max
    {
        return refuse(format!(
            "it is {length} characters long; at most {max} are allowed"
        ));
    }
    if let Some((source, pattern)) = pattern
        && pattern.find(value).is_none()
    {
        if value.is_empty() {
            return refuse("must not be empty".to_owned());
        }
        return refuse(match first_outside(source, value) {
            Some((position, c)) => format!(
                "character {c:?} at position {position} is not allowed (the spec's pattern is {source})"
            ),
            None => format!("it does not match the spec's pattern {source}"),
        });
    }
    Ok(())
}

/// Checks a number against its parameter's `minimum` and `maximum`.
pub(crate) fn check_number(
    name: &str,
    value: i64,
    minimum: Option<i64>,
    maximum: Option<i64>,
) -> Result<(), ParamError> {
    let refuse = |reason: String| Err(ParamError::query(name, &value.to_string(), reason));
    match (minimum, maximum) {
        (Some(min), _) if value < min => refuse(format!("must be at least {min}")),
        (_, Some(max)) if value > max => refuse(format!("must be at most {max}")),
        _ => Ok(()),
    }
}

/// For a pattern of one character class repeated (`^[...]+$`), the first character (1-based
/// position) that the class refuses, so that the error names it.
fn first_outside(source: &str, value: &str) -> Option<(usize, char)> {
    let class = source.strip_prefix('^')?.strip_suffix("+$")?;
    if !(class.starts_with('[') && class.ends_with(']')) {
        return None;
    }
    let single = regress::Regex::new(&format!("^{class}$")).ok()?;
    let mut buffer = [0; 4];
    value
        .chars()
        .enumerate()
        .find(|(_, c)| single.find(c.encode_utf8(&mut buffer)).is_none())
        .map(|(index, c)| (index + 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    static TEXT: Pattern =
        LazyLock::new(|| regress::Regex::new("^[^\\x00-\\x1F]+$").expect("valid"));

    #[test]
    fn a_value_outside_the_rules_is_refused_with_the_rule() {
        let text = Some(("^[^\\x00-\\x1F]+$", &TEXT));
        for (value, max, reason) in [
            (
                "a\u{7}b",
                None,
                "character '\\u{7}' at position 2 is not allowed",
            ),
            ("", None, "must not be empty"),
            (
                "abcd",
                Some(3),
                "it is 4 characters long; at most 3 are allowed",
            ),
        ] {
            let error = check_text("search", value, text, None, max).expect_err(value);
            assert!(
                error.reason.starts_with(reason),
                "{value}: {}",
                error.reason
            );
            assert_eq!(
                (error.name.as_str(), error.value.as_deref()),
                ("search", Some(value))
            );
        }
        assert!(check_text("search", "fine", text, None, Some(4)).is_ok());
        assert_eq!(
            check_number("limit", 0, Some(1), Some(50))
                .expect_err("low")
                .reason,
            "must be at least 1"
        );
        assert!(check_number("limit", 50, Some(1), Some(50)).is_ok());
    }
}
