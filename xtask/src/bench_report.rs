//! `cargo xtask bench-report`: the ratios BENCHMARKS.md reports, from criterion's results.
//!
//! Every figure is a ratio of two medians measured in the same `cargo bench -p currents` run,
//! read from `target/criterion/<group>/<bench>/new/estimates.json`.

use std::{fmt::Write as _, fs, path::Path};

use anyhow::Context as _;
use serde_json::Value;

/// (group, measured, baseline, what the ratio means)
const RATIOS: [(&str, &str, &str, &str); 9] = [
    (
        "decode_small",
        "typed",
        "ignored_any",
        "decode 50 specs: typed / IgnoredAny (goal <= 2.5)",
    ),
    (
        "decode_small",
        "typed",
        "value",
        "decode 50 specs: typed / Value (goal < 1)",
    ),
    (
        "decode_large",
        "typed",
        "ignored_any",
        "decode 2,000 specs: typed / IgnoredAny (goal <= 2.5)",
    ),
    (
        "decode_large",
        "typed",
        "value",
        "decode 2,000 specs: typed / Value (goal < 1)",
    ),
    (
        "get_small",
        "facade",
        "raw_reqwest",
        "getRun 50 specs: client / raw reqwest (goal <= 1.10)",
    ),
    (
        "get_large",
        "facade",
        "raw_reqwest",
        "getRun 2,000 specs: client / raw reqwest (goal <= 1.10)",
    ),
    (
        "reset_1000",
        "facade_sequential",
        "raw_sequential",
        "reset 1,000 machines, 16 requests: client sequential / raw sequential",
    ),
    (
        "reset_1000",
        "raw_sequential",
        "facade_concurrent_4",
        "reset 1,000 machines: speedup of 4 concurrent batches over raw sequential",
    ),
    (
        "reset_1000",
        "facade_concurrent_4",
        "facade_sequential",
        "reset 1,000 machines: concurrent / sequential client",
    ),
];

pub(crate) fn run(root: &Path) -> anyhow::Result<String> {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let criterion = target.join("criterion");
    let median = |group: &str, bench: &str| -> anyhow::Result<f64> {
        let path = criterion
            .join(group)
            .join(bench)
            .join("new")
            .join("estimates.json");
        let text = fs::read_to_string(&path).with_context(|| {
            format!(
                "no results at {}; run `cargo bench -p currents` first",
                path.display()
            )
        })?;
        let estimates: Value = serde_json::from_str(&text)?;
        estimates["median"]["point_estimate"]
            .as_f64()
            .with_context(|| format!("{} has no median", path.display()))
    };
    let mut report = String::from(
        "| figure | measured (median) | baseline (median) | ratio |\n| --- | --- | --- | --- |\n",
    );
    for (group, measured, baseline, label) in RATIOS {
        let (m, b) = (median(group, measured)?, median(group, baseline)?);
        writeln!(
            report,
            "| {label} | {} | {} | {:.2} |",
            micros(m),
            micros(b),
            m / b
        )?;
    }
    Ok(report)
}

fn micros(nanos: f64) -> String {
    if nanos >= 1_000_000.0 {
        format!("{:.2} ms", nanos / 1_000_000.0)
    } else {
        format!("{:.1} µs", nanos / 1_000.0)
    }
}
