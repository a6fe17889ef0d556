//! `cargo xtask bench-report`: the ratios BENCHMARKS.md reports, from criterion's results.
//!
//! Every figure is a ratio of two medians measured in the same
//! `cargo bench -p currents -p currents-cli` run,
//! read from `target/criterion/<group>/<bench>/new/estimates.json`, plus the peak memory of a
//! walk by list length (`target/criterion/list_memory.json`) and the shared limits' requests per
//! call (`target/criterion/shared_limits.json`). With `--runs N` it runs the
//! benchmarks N times itself and reports each ratio's median and range over the runs: criterion
//! times one side and then the other, so a single run's ratio moves with the machine.

use std::{fmt::Write as _, fs, path::Path, process::Command};

use anyhow::Context as _;
use serde_json::Value;

/// (group, measured, baseline, what the ratio means)
const RATIOS: [(&str, &str, &str, &str); 14] = [
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
    (
        "list_10000",
        "facade_stream",
        "raw_sequential",
        "list 10,000 runs, 200 pages: client stream / raw sequential loop (goal <= 1.0)",
    ),
    (
        "runs_2000_at_50ms",
        "cli",
        "raw_sequential",
        "CLI runs list, 2,000 runs at 50 ms a request: time slices / raw sequential cursor walk (goal <= 0.35)",
    ),
    (
        "runs_10000_at_50ms",
        "cli",
        "raw_sequential",
        "CLI runs list, 10,000 runs at 50 ms a request: time slices / raw sequential cursor walk (goal <= 0.2)",
    ),
    (
        "runs_one_page_at_50ms",
        "cli",
        "cli_sequential",
        "CLI runs list, one page at 50 ms: parallel / sequential walk (goal <= 1.05)",
    ),
    (
        "spec_files_2000_at_50ms",
        "cli",
        "raw_sequential",
        "CLI spec-files, 2,000 items at 50 ms a request: parallel pages / raw sequential page walk (goal <= 0.35)",
    ),
];

/// The report of the last benchmark run, or of `runs` fresh runs.
pub(crate) fn run(root: &Path, runs: Option<usize>) -> anyhow::Result<String> {
    let Some(runs) = runs else {
        let figures = read(root)?;
        let mut report = String::from(
            "| figure | measured (median) | baseline (median) | ratio |\n| --- | --- | --- | --- |\n",
        );
        for figure in figures {
            writeln!(
                report,
                "| {} | {} | {} | {:.2} |",
                figure.label, figure.measured, figure.baseline, figure.ratio
            )?;
        }
        return Ok(report);
    };
    let mut all: Vec<Vec<Figure>> = Vec::new();
    for run in 1..=runs {
        eprintln!("benchmark run {run} of {runs}");
        // criterion's own output goes to stderr, so that stdout is the report alone.
        let status = Command::new(env!("CARGO"))
            .args(["bench", "--locked", "-p", "currents", "-p", "currents-cli"])
            .current_dir(root)
            .stdout(std::io::stderr())
            .status()
            .context("cannot run cargo bench")?;
        anyhow::ensure!(status.success(), "cargo bench failed in run {run}");
        all.push(read(root)?);
    }
    let mut report = format!(
        "| figure | median ratio over {runs} runs | range | each run |\n| --- | --- | --- | --- |\n"
    );
    for (index, figure) in all[0].iter().enumerate() {
        let mut ratios = all.iter().map(|run| run[index].ratio).collect::<Vec<_>>();
        let each = ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(", ");
        ratios.sort_by(f64::total_cmp);
        writeln!(
            report,
            "| {} | {:.2} | {:.2}–{:.2} | {each} |",
            figure.label,
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1]
        )?;
    }
    Ok(report)
}

/// One figure of a run: what was measured against what.
struct Figure {
    label: String,
    measured: String,
    baseline: String,
    ratio: f64,
}

fn read(root: &Path) -> anyhow::Result<Vec<Figure>> {
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
                "no results at {}; run `cargo bench -p currents -p currents-cli` first",
                path.display()
            )
        })?;
        let estimates: Value = serde_json::from_str(&text)?;
        estimates["median"]["point_estimate"]
            .as_f64()
            .with_context(|| format!("{} has no median", path.display()))
    };
    let mut figures = Vec::new();
    for (group, measured, baseline, label) in RATIOS {
        let (m, b) = (median(group, measured)?, median(group, baseline)?);
        figures.push(Figure {
            label: label.to_owned(),
            measured: micros(m),
            baseline: micros(b),
            ratio: m / b,
        });
    }
    // The memory figures: the peak of a walk over 10,000 runs against one over 1,000, for each
    // way of walking.
    let (path, walks) = results(&criterion, "list_memory.json")?;
    for (name, goal) in [("sequential", "~1.0"), ("parallel", "<= 1.5")] {
        let walk = |runs: u64| -> anyhow::Result<(f64, u64)> {
            let walk = walks
                .iter()
                .find(|walk| walk["runs"] == runs && walk["walk"] == name)
                .with_context(|| format!("{} has no {name} walk of {runs} runs", path.display()))?;
            Ok((
                walk["peak_bytes"].as_f64().unwrap_or(f64::NAN),
                walk["requests"].as_u64().unwrap_or(0),
            ))
        };
        let ((small, _), (large, requests)) = (walk(1_000)?, walk(10_000)?);
        figures.push(Figure {
            label: format!(
                "list 10,000 / 1,000 runs: peak memory of the {name} walk ({requests} requests for 10,000; goal {goal})"
            ),
            measured: format!("{:.0} KiB", large / 1024.0),
            baseline: format!("{:.0} KiB", small / 1024.0),
            ratio: large / small,
        });
    }
    figures.extend(shared_limits(&criterion)?);
    Ok(figures)
}

/// The shared-limit figures: requests per call for one shared client, against a client per
/// task in the same run, and the calls that succeeded.
fn shared_limits(criterion: &Path) -> anyhow::Result<Vec<Figure>> {
    let (path, scenarios) = results(criterion, "shared_limits.json")?;
    let mut figures = Vec::new();
    for (name, what, target) in [
        (
            "throttled",
            "64 calls over 2 s, 429 Retry-After 1 for 1.5 s",
            "<= 1.3",
        ),
        ("down", "200 calls, 503 to everything", "<= 1.6"),
        ("blips", "200 calls, 503 to one request in ten", "~1.1"),
    ] {
        let scenario = scenarios
            .iter()
            .find(|s| s["scenario"] == name)
            .with_context(|| format!("{} has no scenario {name}", path.display()))?;
        let number = |key: &str| scenario[key].as_f64().unwrap_or(f64::NAN);
        let calls = number("calls");
        figures.push(Figure {
            label: format!("{what}: requests per call, one shared client (goal {target})"),
            measured: format!("{} requests", number("requests")),
            baseline: format!(
                "{} requests, a client per task",
                number("baseline_requests")
            ),
            ratio: number("requests") / calls,
        });
        figures.push(Figure {
            label: format!("{what}: calls that succeeded, one shared client"),
            measured: format!("{} of {calls}", number("succeeded")),
            baseline: format!(
                "{} of {calls}, a client per task",
                number("baseline_succeeded")
            ),
            ratio: number("succeeded"),
        });
    }
    Ok(figures)
}

/// The results a benchmark that criterion does not time wrote to `target/criterion/<file>`.
fn results(criterion: &Path, file: &str) -> anyhow::Result<(std::path::PathBuf, Vec<Value>)> {
    let path = criterion.join(file);
    let text = fs::read_to_string(&path).with_context(|| {
        format!(
            "no results at {}; run `cargo bench -p currents -p currents-cli` first",
            path.display()
        )
    })?;
    let results = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a JSON list", path.display()))?;
    Ok((path, results))
}

fn micros(nanos: f64) -> String {
    if nanos >= 1_000_000.0 {
        format!("{:.2} ms", nanos / 1_000_000.0)
    } else {
        format!("{:.1} µs", nanos / 1_000.0)
    }
}
