//! Pins the generated client, so that every spec or generator change is a reviewable diff.
//!
//! After `cargo xtask gen` changes the spec this test fails with the diff; review it with
//! `cargo insta review` and commit the accepted snapshot with the spec.

#[test]
fn generated_code_matches_the_reviewed_snapshot() {
    let code = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    insta::assert_snapshot!("codegen", code);
}
