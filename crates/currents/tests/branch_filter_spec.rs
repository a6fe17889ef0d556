//! `BranchFilter` accepts exactly the strings that the spec's own `BranchFilterQueryValue`
//! accepts, so the validator and `spec/currents.json` cannot drift apart.

use std::sync::LazyLock;

use currents::{BranchFilter, MAX_BRANCH_FILTER_LEN};
use proptest::prelude::*;
use regex::Regex;
use serde_json::Value;

/// The two `oneOf` patterns and max lengths, read once from the merged spec.
static SPEC_VARIANTS: LazyLock<Vec<(Regex, usize)>> = LazyLock::new(spec_variants);

fn spec_variants() -> Vec<(Regex, usize)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/currents.json");
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read the spec")).expect("JSON");
    spec.pointer("/components/schemas/BranchFilterQueryValue/oneOf")
        .and_then(Value::as_array)
        .expect("BranchFilterQueryValue is a oneOf")
        .iter()
        .map(|variant| {
            let pattern = variant["pattern"].as_str().expect("a pattern");
            let max = variant["maxLength"].as_u64().expect("a maxLength") as usize;
            (
                Regex::new(pattern).expect("the spec's pattern compiles"),
                max,
            )
        })
        .collect()
}

fn spec_accepts(variants: &[(Regex, usize)], value: &str) -> bool {
    variants
        .iter()
        .any(|(pattern, max)| pattern.is_match(value) && value.chars().count() <= *max)
}

/// Strings built mostly from the characters that matter: the pattern's range edges, `*`,
/// space, control characters and non-ASCII, at lengths around the limit.
fn candidates() -> impl Strategy<Value = String> {
    let interesting = prop::sample::select(vec![
        'a', 'Z', '0', '/', '.', '-', '_', '!', ')', '+', '~', '*', '*', ' ', '(', '\t', '\n',
        '\u{7f}', 'é', '日',
    ]);
    let short = prop::collection::vec(interesting.clone(), 0..12)
        .prop_map(|chars| chars.into_iter().collect());
    let long = (240usize..260, interesting, prop::bool::ANY).prop_map(|(len, last, star)| {
        let mut value = "b".repeat(len);
        value.push(last);
        if star {
            value.push('*');
        }
        value
    });
    prop_oneof![4 => short, 1 => long, 1 => ".{0,20}"]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    #[test]
    fn accepts_exactly_what_the_spec_accepts(value in candidates()) {
        prop_assert_eq!(BranchFilter::new(value.as_str()).is_ok(), spec_accepts(&SPEC_VARIANTS, &value), "{:?}", value);
    }
}

#[test]
fn the_limit_constant_is_the_spec_limit() {
    assert!(
        SPEC_VARIANTS
            .iter()
            .all(|(_, max)| *max == MAX_BRANCH_FILTER_LEN)
    );
}
