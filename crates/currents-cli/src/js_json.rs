//! `JSON.stringify(JSON.parse(text), null, 2)`, as Node.js computes it.
//!
//! `@currents/cmd` writes Playwright's `.last-run.json` that way, and a CI job that switches
//! tools must get the same bytes. JavaScript differs from `serde_json` in what it keeps: object
//! keys stay in the order they came (a repeated key keeps its first place and its last value),
//! except that integer-like keys move to the front in numeric order; every number is an IEEE
//! double, printed in the shortest form that reads back the same (`1.0` is `1`, `1e21` is
//! `1e+21`); strings are re-escaped minimally.

use std::fmt::{self, Write as _};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Reads JSON text as `JSON.parse` does.
pub(crate) fn parse(text: &str) -> Result<JsValue, serde_json::Error> {
    serde_json::from_str(text)
}

/// A value as JavaScript holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum JsValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<JsValue>),
    Object(Vec<(String, JsValue)>),
}

impl JsValue {
    /// `JSON.stringify(value, null, 2)`, without a final newline.
    pub(crate) fn stringify_pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    /// The value of an object's property, as JavaScript reads `value[key]`.
    pub(crate) fn property(&self, key: &str) -> Option<&JsValue> {
        match self {
            JsValue::Object(entries) => entries
                .iter()
                .find(|(known, _)| known == key)
                .map(|(_, value)| value),
            _ => None,
        }
    }

    /// Whether JavaScript treats the value as true in a condition.
    pub(crate) fn is_truthy(&self) -> bool {
        match self {
            JsValue::Null => false,
            JsValue::Bool(value) => *value,
            JsValue::Number(number) => *number != 0.0 && !number.is_nan(),
            JsValue::String(text) => !text.is_empty(),
            JsValue::Array(_) | JsValue::Object(_) => true,
        }
    }

    fn write(&self, out: &mut String, depth: usize) {
        match self {
            JsValue::Null => out.push_str("null"),
            JsValue::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            JsValue::Number(number) => write_number(out, *number),
            JsValue::String(text) => write_string(out, text),
            JsValue::Array(items) if items.is_empty() => out.push_str("[]"),
            JsValue::Object(entries) if entries.is_empty() => out.push_str("{}"),
            JsValue::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    out.push_str(if index == 0 { "\n" } else { ",\n" });
                    indent(out, depth + 1);
                    item.write(out, depth + 1);
                }
                out.push('\n');
                indent(out, depth);
                out.push(']');
            }
            JsValue::Object(entries) => {
                out.push('{');
                for (index, (key, value)) in property_order(entries).into_iter().enumerate() {
                    out.push_str(if index == 0 { "\n" } else { ",\n" });
                    indent(out, depth + 1);
                    write_string(out, key);
                    out.push_str(": ");
                    value.write(out, depth + 1);
                }
                out.push('\n');
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n("  ", depth));
}

/// JavaScript's own-property order: array-index keys ascending, then the rest as inserted.
fn property_order(entries: &[(String, JsValue)]) -> Vec<&(String, JsValue)> {
    let mut indices = entries
        .iter()
        .filter_map(|entry| array_index(&entry.0).map(|index| (index, entry)))
        .collect::<Vec<_>>();
    indices.sort_by_key(|(index, _)| *index);
    indices
        .into_iter()
        .map(|(_, entry)| entry)
        .chain(
            entries
                .iter()
                .filter(|entry| array_index(&entry.0).is_none()),
        )
        .collect()
}

/// The key as an array index: the canonical decimal form of an integer below 2³² − 1.
fn array_index(key: &str) -> Option<u32> {
    let index = key.parse::<u32>().ok()?;
    (index != u32::MAX && index.to_string() == key).then_some(index)
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript's `Number::toString`, for the finite numbers JSON can hold.
fn write_number(out: &mut String, number: f64) {
    if number == 0.0 {
        // JSON.stringify(-0) is "0".
        out.push('0');
        return;
    }
    if number < 0.0 {
        out.push('-');
    }
    // Rust prints the shortest digits that read back to the same double, as JavaScript does.
    let scientific = format!("{:e}", number.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` always has an exponent");
    let digits = mantissa.replace('.', "");
    let k = digits.len() as i64;
    let n = exponent.parse::<i64>().expect("the exponent is an integer") + 1;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (whole, fraction) = digits.split_at(n as usize);
        let _ = write!(out, "{whole}.{fraction}");
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        let sign = if n - 1 < 0 { '-' } else { '+' };
        if rest.is_empty() {
            let _ = write!(out, "{first}e{sign}{}", (n - 1).abs());
        } else {
            let _ = write!(out, "{first}.{rest}e{sign}{}", (n - 1).abs());
        }
    }
}

impl<'de> Deserialize<'de> for JsValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsVisitor)
    }
}

struct JsVisitor;

impl<'de> Visitor<'de> for JsVisitor {
    type Value = JsValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<JsValue, E> {
        Ok(JsValue::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<JsValue, E> {
        Ok(JsValue::Bool(value))
    }

    // JavaScript reads every number as a double, losing what a double cannot hold.
    fn visit_i64<E>(self, value: i64) -> Result<JsValue, E> {
        Ok(JsValue::Number(value as f64))
    }

    fn visit_u64<E>(self, value: u64) -> Result<JsValue, E> {
        Ok(JsValue::Number(value as f64))
    }

    fn visit_f64<E>(self, value: f64) -> Result<JsValue, E> {
        Ok(JsValue::Number(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<JsValue, E> {
        Ok(JsValue::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<JsValue, E> {
        Ok(JsValue::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(JsValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsValue, A::Error> {
        let mut entries: Vec<(String, JsValue)> = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, JsValue>()? {
            // JSON.parse keeps a repeated key where it first appeared, with its last value.
            match entries.iter_mut().find(|(known, _)| *known == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key, value)),
            }
        }
        Ok(JsValue::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(value: f64) -> String {
        let mut out = String::new();
        write_number(&mut out, value);
        out
    }

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        for (value, printed) in [
            (1.0, "1"),
            (-0.0, "0"),
            (1.5, "1.5"),
            (100.0, "100"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (123456789012345680000.0, "123456789012345680000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (1.25e-7, "1.25e-7"),
            (-2.5, "-2.5"),
            (0.1 + 0.2, "0.30000000000000004"),
        ] {
            assert_eq!(number(value), printed, "{value}");
        }
    }
}
