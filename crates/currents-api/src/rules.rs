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
            Some(Outside::Last(c)) => {
                format!("a prefix needs at least one character before the trailing {c:?}")
            }
            Some(Outside::NotLast(position, c)) => {
                format!("{c:?} at position {position} is not allowed; {c:?} may only come last")
            }
            Some(Outside::Refused(position, c)) => format!(
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

/// Where a value leaves a pattern of one character class repeated (`^[...]+$`), which may
/// end with one optional character (`^[...]+\*?$`, a prefix filter's `*`).
#[derive(Debug, PartialEq)]
pub(crate) enum Outside {
    /// The character at this 1-based position is not in the class.
    Refused(usize, char),
    /// The optional last character, where it is not last.
    NotLast(usize, char),
    /// The optional last character alone, with nothing before it.
    Last(char),
}

/// For a pattern of one character class repeated, the first character that the class refuses,
/// so that the error names it; `None` for any other pattern.
fn first_outside(source: &str, value: &str) -> Option<Outside> {
    let body = source.strip_prefix('^')?.strip_suffix('$')?;
    let (body, last) = match body.strip_suffix('?') {
        Some(rest) => {
            let last = rest.chars().last()?;
            let rest = &rest[..rest.len() - last.len_utf8()];
            (rest.strip_suffix('\\').unwrap_or(rest), Some(last))
        }
        None => (body, None),
    };
    let class = body.strip_suffix('+')?;
    if !(class.starts_with('[') && class.ends_with(']')) {
        return None;
    }
    let single = regress::Regex::new(&format!("^{class}$")).ok()?;
    let core = last
        .and_then(|last| value.strip_suffix(last))
        .unwrap_or(value);
    if core.is_empty() {
        return last.map(Outside::Last);
    }
    let mut buffer = [0; 4];
    let (index, c) = core
        .chars()
        .enumerate()
        .find(|(_, c)| single.find(c.encode_utf8(&mut buffer)).is_none())?;
    Some(if Some(c) == last {
        Outside::NotLast(index + 1, c)
    } else {
        Outside::Refused(index + 1, c)
    })
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

    #[test]
    fn a_character_outside_the_class_is_named() {
        let branch = "^[!-)+-~]+\\*?$";
        let text = "^[^\\x00-\\x1F]+$";
        for (source, value, outside) in [
            (branch, "release/*", None),
            (branch, "main", None),
            (branch, "rel ease", Some(Outside::Refused(4, ' '))),
            (branch, "re*lease", Some(Outside::NotLast(3, '*'))),
            (branch, "release**", Some(Outside::NotLast(8, '*'))),
            (branch, "*", Some(Outside::Last('*'))),
            (text, "a\u{7}", Some(Outside::Refused(2, '\u{7}'))),
            (text, "*", None),
            // Not one class repeated: nothing to name.
            ("^v[0-9]+$", "vx", None),
        ] {
            assert_eq!(
                first_outside(source, value),
                outside,
                "{value} against {source}"
            );
        }
    }
}
