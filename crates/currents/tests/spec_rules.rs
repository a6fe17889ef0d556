//! The client's input rules accept exactly what the spec's own `pattern`s and `maxLength`s
//! accept, so that the two cannot drift apart. The spec's rules are read from the generated
//! constants, and matched with an ECMA-262 engine (regress), as the spec means them.

use std::sync::LazyLock;

use currents::{
    BranchFilter, MAX_BRANCH_FILTER_LEN, MachineId, ProjectId, RunId, Tag,
    api::{
        operations::{FindRun, GetRun},
        types::{Exact, Prefix, ResetRunRequest},
    },
};
use proptest::prelude::*;
use regress::Regex;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the spec's pattern compiles")
}

static BRANCH: LazyLock<[(Regex, usize); 2]> = LazyLock::new(|| {
    [
        (regex(Exact::PATTERN), Exact::MAX_LENGTH),
        (regex(Prefix::PATTERN), Prefix::MAX_LENGTH),
    ]
});
static RUN_ID: LazyLock<Regex> = LazyLock::new(|| regex(GetRun::RUN_ID_PATTERN));
static PROJECT_ID: LazyLock<Regex> = LazyLock::new(|| regex(FindRun::PROJECT_ID_PATTERN));
static TAG: LazyLock<Regex> = LazyLock::new(|| regex(FindRun::TAGS_ITEM_PATTERN));
static MACHINE_ID: LazyLock<Regex> =
    LazyLock::new(|| regex(ResetRunRequest::MACHINE_ID_ITEM_PATTERN));

fn matches(regex: &Regex, value: &str) -> bool {
    regex.find(value).is_some()
}

fn spec_accepts_branch(value: &str) -> bool {
    BRANCH
        .iter()
        .any(|(pattern, max)| matches(pattern, value) && value.chars().count() <= *max)
}

/// Strings built mostly from the characters that matter: the pattern's range edges, `*`,
/// space, control characters, the URL's special characters and other whitespace, at lengths
/// around the branch limit.
fn candidates() -> impl Strategy<Value = String> {
    let interesting = prop::sample::select(vec![
        'a', 'Z', '0', '/', '.', '-', '_', '!', ')', '+', '~', '*', '*', ' ', '(', '\t', '\n',
        '\u{7f}', '\u{85}', '\u{a0}', '\u{2028}', '\u{3000}', '\u{feff}', '?', '#', '%', '\\', 'é',
        '日',
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
    fn each_rule_accepts_exactly_what_the_spec_accepts(value in candidates()) {
        prop_assert_eq!(BranchFilter::new(value.as_str()).is_ok(), spec_accepts_branch(&value), "branch {:?}", value);
        // `.` and `..` are the client's own refusal: a URL path cannot carry them as a segment.
        let path_segment = value != "." && value != "..";
        prop_assert_eq!(RunId::new(value.as_str()).is_ok(), matches(&RUN_ID, &value) && path_segment, "run id {:?}", value);
        prop_assert_eq!(ProjectId::new(value.as_str()).is_ok(), matches(&PROJECT_ID, &value), "project id {:?}", value);
        prop_assert_eq!(Tag::new(value.as_str()).is_ok(), matches(&TAG, &value), "tag {:?}", value);
        prop_assert_eq!(MachineId::new(value.as_str()).is_ok(), matches(&MACHINE_ID, &value), "machine id {:?}", value);
    }
}

#[test]
fn the_branch_limit_is_the_spec_limit() {
    assert_eq!(MAX_BRANCH_FILTER_LEN, Exact::MAX_LENGTH);
    assert_eq!(MAX_BRANCH_FILTER_LEN, Prefix::MAX_LENGTH);
}
