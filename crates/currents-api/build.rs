//! Generates the client from the merged spec into `$OUT_DIR/codegen.rs`.
//!
//! `cargo xtask gen` runs the same generator on the same file and reports its errors plainly,
//! so a failure here means the spec was edited without running it.

use std::{env, fs, path::PathBuf};

/// `spec/currents.json`, copied into this package by `cargo xtask gen`, so that the package
/// builds on its own (from a registry, or vendored).
const SPEC: &str = "currents.json";

fn main() {
    // Only the spec and this script decide the output; listing them keeps cargo from
    // rerunning generation when any other file in the package changes.
    println!("cargo::rerun-if-changed={SPEC}");
    println!("cargo::rerun-if-changed=build.rs");

    let text = fs::read_to_string(SPEC)
        .unwrap_or_else(|error| panic!("cannot read {SPEC} ({error}); run `cargo xtask gen`"));
    let document: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{SPEC} is not JSON ({error}); run `cargo xtask gen`"));
    let code = currents_codegen::generate(&document).unwrap_or_else(|error| {
        panic!("cannot generate the client from {SPEC}: {error}; `cargo xtask gen` explains more")
    });

    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("codegen.rs");
    fs::write(&out, code).unwrap_or_else(|error| panic!("cannot write {}: {error}", out.display()));
}
