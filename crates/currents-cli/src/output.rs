//! Rendering results: the API's data, exactly as received, for scripts; aligned text for
//! people.

use std::io::{self, Write};

use comfy_table::{ContentArrangement, Row, Table, presets::NOTHING};
use std::time::Duration;

use chrono::{DateTime, Local, SecondsFormat, Utc};
use currents::{CancelOutcome, Received, ResetReport, Run, RunSummary, api::types::RunGroup};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{cli::Format, terminal};

/// Writes one result to stdout in the chosen format.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub(crate) format: Format,
}

impl Output {
    pub(crate) fn run(&self, run: &Received<Run>) -> io::Result<()> {
        match self.format {
            // Every field the API sent, in its own spelling, byte for byte.
            Format::Json => text_out(&format!("{}\n", run.raw())),
            Format::Table => table_out(&run_table(run)),
        }
    }

    /// Any other answer: its `data` as received for scripts, `table` of it for people.
    pub(crate) fn data<T>(
        &self,
        data: &Received<T>,
        table: impl FnOnce(&T) -> String,
    ) -> io::Result<()> {
        match self.format {
            Format::Json => text_out(&format!("{}\n", data.raw())),
            Format::Table => table_out(&table(data)),
        }
    }

    pub(crate) fn summary(&self, summary: &RunSummary, run: &Run) -> io::Result<()> {
        match self.format {
            Format::Json => json_out(summary),
            Format::Table => table_out(&run_table(run)),
        }
    }

    pub(crate) fn cancel(&self, run_id: &str, outcome: &CancelOutcome) -> io::Result<()> {
        let (value, text) = match outcome {
            CancelOutcome::Cancelled { run_id: named, at } => {
                let run_id = named.as_ref().map_or(run_id, |id| id.as_str());
                (
                    json!({ "outcome": "cancelled", "runId": run_id, "cancelledAt": at }),
                    match at {
                        Some(at) => format!("Cancelled run {run_id} at {}", at.to_rfc3339()),
                        None => format!("Cancelled run {run_id}"),
                    },
                )
            }
            CancelOutcome::AlreadyCancelled { message } => (
                json!({ "outcome": "alreadyCancelled", "runId": run_id, "message": message }),
                format!("Run {run_id} was already cancelled or had finished: {message}"),
            ),
            // CancelOutcome is non-exhaustive; a new outcome prints its debug form.
            other => (
                json!({ "outcome": format!("{other:?}") }),
                format!("{other:?}"),
            ),
        };
        match self.format {
            Format::Json => json_out(&value),
            Format::Table => table_out(&format!("{text}\n")),
        }
    }

    pub(crate) fn reset(&self, run_id: &str, report: &ResetReport) -> io::Result<()> {
        let batches = report
            .batches
            .iter()
            .map(|batch| {
                let machines = batch
                    .machines
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>();
                match &batch.outcome {
                    Ok(data) => json!({ "machines": machines, "data": data }),
                    Err(error) => json!({ "machines": machines, "error": error.to_string() }),
                }
            })
            .collect::<Vec<_>>();
        match self.format {
            Format::Json => json_out(&json!({ "runId": run_id, "batches": batches })),
            Format::Table => {
                let mut text = match report.batches.len() {
                    0 => format!("Run {run_id}: no failed specs to reset\n"),
                    n => format!("Run {run_id}: {n} reset request(s)\n"),
                };
                for (index, batch) in report.batches.iter().enumerate() {
                    let outcome = match &batch.outcome {
                        Ok(data) => format!("ok {}", Value::Object(data.clone())),
                        Err(error) => format!("FAILED: {error}"),
                    };
                    text.push_str(&format!(
                        "  batch {}: {} machine(s): {outcome}\n",
                        index + 1,
                        batch.machines.len()
                    ));
                }
                table_out(&text)
            }
        }
    }

    /// What a command did, when the API answers no data worth printing.
    pub(crate) fn done(&self, value: &Value, text: &str) -> io::Result<()> {
        match self.format {
            Format::Json => json_out(value),
            Format::Table => table_out(&format!("{text}\n")),
        }
    }

    pub(crate) fn deleted(&self, run_id: &str) -> io::Result<()> {
        match self.format {
            Format::Json => json_out(&json!({ "runId": run_id, "deleted": true })),
            Format::Table => table_out(&format!("Deleted run {run_id}\n")),
        }
    }
}

fn json_out(value: &impl Serialize) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    text_out(&text)
}

/// Text for a person: server text in it cannot act on the terminal.
fn table_out(text: &str) -> io::Result<()> {
    text_out(&terminal::safe(text))
}

fn text_out(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// The failed specs a run's view lists; the rest are counted, so that a run with hundreds
/// fits a screen.
const MAX_FAILED_SPECS: usize = 20;

/// One run for people: what it is, how it went, and which specs failed on which machine.
pub(crate) fn run_table(run: &Run) -> String {
    let summary = RunSummary::from(run);
    let commit = run.meta.as_ref().and_then(|meta| meta.commit.as_ref());
    let branch = commit.and_then(|c| c.branch.as_deref()).unwrap_or("-");
    let sha = commit
        .and_then(|c| c.sha.as_deref())
        .map_or("-", |sha| &sha[..sha.len().min(7)]);
    let message = commit.and_then(|c| c.message.as_deref()).unwrap_or("");
    let duration = summary.duration.map_or_else(
        || "-".to_owned(),
        |d| humantime::format_duration(Duration::from_secs(d.as_secs())).to_string(),
    );
    let tests = summary.tests;
    let specs = summary.specs;
    let mut text = String::new();
    for (label, value) in [
        ("Run", run.run_id.clone()),
        ("Project", run.project_id.clone()),
        (
            "Status",
            format!("{} ({})", run.status, run.completion_state),
        ),
        ("Branch", branch.to_owned()),
        (
            "Commit",
            format!("{sha} {}", message.lines().next().unwrap_or(""))
                .trim_end()
                .to_owned(),
        ),
        (
            "Created",
            // Whole seconds, in the local time zone (`$TZ`).
            run.created_at
                .with_timezone(&Local)
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
        ("Duration", duration),
        (
            "Tests",
            format!(
                "{} total: {} passed, {} failed, {} pending, {} skipped, {} flaky",
                tests.total, tests.passed, tests.failed, tests.pending, tests.skipped, tests.flaky
            ),
        ),
        (
            "Specs",
            format!(
                "{} total: {} passed, {} failed, {} running, {} queued",
                specs.total, specs.passed, specs.failed, specs.running, specs.queued
            ),
        ),
    ] {
        let line = format!("{label:<9} {value}");
        let line = match terminal::width() {
            Some(width) => console::truncate_str(&line, width, "…").into_owned(),
            None => line,
        };
        text.push_str(&line);
        text.push('\n');
    }
    let groups = groups_table(run);
    if !groups.is_empty() {
        text.push_str("\nGroups\n");
        text.push_str(&groups);
    }
    if !summary.failed_specs.is_empty() {
        let rows = summary
            .failed_specs
            .iter()
            .take(MAX_FAILED_SPECS)
            .map(|spec| {
                vec![
                    spec.spec.clone(),
                    spec.machine_id.clone().unwrap_or_else(|| "-".into()),
                    spec.instance_id.clone().unwrap_or_else(|| "-".into()),
                    spec.failures.to_string(),
                    spec.exception
                        .as_deref()
                        .and_then(|e| e.lines().next())
                        .unwrap_or("")
                        .to_owned(),
                ]
            })
            .collect::<Vec<_>>();
        text.push_str("\nFailed specs\n");
        text.push_str(&table(
            &["SPEC", "MACHINE", "INSTANCE", "FAILED TESTS", "EXCEPTION"],
            rows,
        ));
        let more = summary.failed_specs.len().saturating_sub(MAX_FAILED_SPECS);
        if more > 0 {
            text.push_str(&format!("{more} more (use --output json)\n"));
        }
    }
    text
}

/// One cell of a group's row, if the group has that value.
type GroupCell = fn(&RunGroup) -> Option<String>;

/// The run's groups, one row each. A column shows only when some group has its value:
/// production answers carry fields (specs, instances, duration, coverage) the docs omit.
fn groups_table(run: &Run) -> String {
    let columns: [(&str, GroupCell); 8] = [
        ("GROUP", |g| g.group_id.clone()),
        ("PLATFORM", |g| {
            let platform = g.platform.as_ref()?;
            let browser = [&platform.browser_name, &platform.browser_version]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ");
            Some(browser).filter(|b| !b.is_empty())
        }),
        ("SPECS", |g| g.spec_count.map(|n| n.to_string())),
        ("INSTANCES", |g| {
            let instances = g.instances.as_ref()?;
            Some(format!(
                "{}/{} complete",
                instances.complete.unwrap_or(0),
                instances.overall.unwrap_or(0)
            ))
        }),
        ("TESTS", |g| {
            let tests = g.tests.as_ref()?;
            let total = tests.tests.or(tests.overall)?;
            Some(format!(
                "{total} total: {} passed, {} failed, {} flaky",
                tests.passes.unwrap_or(0),
                tests.failures.unwrap_or(0),
                tests.flaky.unwrap_or(0)
            ))
        }),
        ("DURATION", |g| {
            let ms = u64::try_from(g.duration_ms?).ok()?;
            Some(humantime::format_duration(Duration::from_secs(ms / 1000)).to_string())
        }),
        ("COVERAGE", |g| {
            g.coverage_enabled
                .map(|on| if on { "on" } else { "off" }.to_owned())
        }),
        ("TAGS", |g| {
            g.tags
                .as_ref()
                .filter(|t| !t.is_empty())
                .map(|t| t.join(", "))
        }),
    ];
    let cells = run
        .groups
        .iter()
        .map(|group| columns.map(|(_, cell)| cell(group)))
        .collect::<Vec<_>>();
    let shown = (0..columns.len())
        .filter(|&column| cells.iter().any(|row| row[column].is_some()))
        .collect::<Vec<_>>();
    if cells.is_empty() {
        return String::new();
    }
    let header = shown.iter().map(|&c| columns[c].0).collect::<Vec<_>>();
    let rows = cells
        .into_iter()
        .map(|row| {
            shown
                .iter()
                .map(|&c| row[c].clone().unwrap_or_else(|| "-".into()))
                .collect()
        })
        .collect();
    table(&header, rows)
}

/// Labelled lines, the labels aligned: `Name      value`.
pub(crate) fn fields(rows: &[(&str, String)]) -> String {
    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(label, value)| format!("{label:<width$} {}\n", terminal::safe(value)))
        .collect()
}

/// A time in a table, as people read it: how long ago (`3h ago`) within a month, the local
/// date (`$TZ`) before that, and the local time for one in the future.
pub(crate) fn ago(at: DateTime<Utc>) -> String {
    ago_from(Utc::now(), at)
}

fn ago_from(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    let local = at.with_timezone(&Local);
    match now.signed_duration_since(at).num_seconds() {
        seconds if seconds < 0 => local.format("%Y-%m-%d %H:%M").to_string(),
        seconds if seconds < MINUTE => "just now".to_owned(),
        seconds if seconds < HOUR => format!("{}m ago", seconds / MINUTE),
        seconds if seconds < DAY => format!("{}h ago", seconds / HOUR),
        seconds if seconds < 30 * DAY => format!("{}d ago", seconds / DAY),
        _ => local.format("%Y-%m-%d").to_string(),
    }
}

/// Left-aligned columns with a header, no borders, no trailing spaces.
pub(crate) fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut table = Table::new();
    table.load_style(NOTHING).force_no_tty().set_header(header);
    // On a terminal the table fits its width: long cells are cut to one line with `…`.
    let width = terminal::width();
    if let Some(width) = width {
        // The outer padding (one column) is removed below, so the table may take one more.
        let width = u16::try_from(width + 1).unwrap_or(u16::MAX);
        table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width)
            .set_truncation_indicator("…");
    }
    // Cells are made safe before layout, so that their widths are those of what is shown.
    for row in rows {
        let mut row = Row::from(row.iter().map(|cell| terminal::safe(cell)));
        if width.is_some() {
            row.max_height(1);
        }
        table.add_row(row);
    }
    // The preset pads every cell by one space; the outer padding only indents the table.
    let mut text = String::new();
    for line in table.lines() {
        text.push_str(line.strip_prefix(' ').unwrap_or(&line).trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_how_long_ago() {
        let now = DateTime::parse_from_rfc3339("2026-12-03T12:00:00Z")
            .expect("a time")
            .to_utc();
        // (seconds before now, what a table shows); the dates are local, so UTC here.
        let cases = [
            (0, "just now"),
            (59, "just now"),
            (60, "1m ago"),
            (3_599, "59m ago"),
            (3_600, "1h ago"),
            (86_399, "23h ago"),
            (86_400, "1d ago"),
            (29 * 86_400, "29d ago"),
        ];
        for (seconds, shown) in cases {
            let at = now - chrono::TimeDelta::seconds(seconds);
            assert_eq!(ago_from(now, at), shown, "{seconds} s");
        }
        // Far from now either way, the arithmetic saturates rather than panics.
        assert!(!ago_from(now, DateTime::<Utc>::MIN_UTC).is_empty());
        assert!(!ago_from(now, DateTime::<Utc>::MAX_UTC).is_empty());
    }
}
