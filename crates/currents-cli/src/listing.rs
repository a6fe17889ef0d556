//! Printing a list as it arrives: one JSON line per item as the API sent it (NDJSON) for
//! scripts, or aligned rows for people. Each page is printed before the next one is waited
//! for, so a long list starts at once and a reader that stops early stops the walk.
//!
//! On a terminal, rows fit its width (`$COLUMNS`, else the terminal's own): cells are measured
//! in display columns (a CJK character or an emoji takes two), long ones end in `…`, and the
//! widest columns give way first. A pipe or file gets whole cells.

use std::io::{self, Write as _};

use console::{Alignment, measure_text_width, pad_str, truncate_str};
use currents::{Error, Items};
use futures_util::StreamExt as _;

use crate::{cli::Format, exit::Stop, terminal};

/// The columns of a list's table: a header and a width each (the last one takes the rest).
pub(crate) struct Columns<T> {
    pub(crate) header: &'static [(&'static str, usize)],
    pub(crate) row: fn(&T) -> Vec<String>,
}

/// Prints every item of `items`; returns how many were printed.
pub(crate) async fn print<T>(
    items: Items<T>,
    format: Format,
    columns: &Columns<T>,
) -> Result<usize, Stop> {
    let mut items = items;
    let mut count = 0;
    let layout = Layout::new(columns.header, terminal::width());
    let mut stdout = io::stdout().lock();
    let header = columns
        .header
        .iter()
        .map(|(name, _)| name.to_string())
        .collect::<Vec<_>>();
    while let Some(item) = items.next().await {
        let item = item.map_err(|error: Error| Stop::from(error))?;
        match format {
            Format::Json => writeln!(stdout, "{}", item.raw())?,
            Format::Table => {
                // The header waits for the first answer, so that a failed call prints none.
                if count == 0 {
                    writeln!(stdout, "{}", layout.line(&header))?;
                }
                writeln!(stdout, "{}", layout.line(&(columns.row)(&item)))?;
            }
        }
        count += 1;
        // Flushed per item, so that a pipe sees each line as it comes.
        stdout.flush()?;
    }
    if format == Format::Table && count == 0 {
        writeln!(stdout, "{}", layout.line(&header))?;
        writeln!(stdout, "(none)")?;
    }
    Ok(count)
}

/// The narrowest a column is made to fit, and the least the last column keeps.
const MIN_COLUMN: usize = 6;
const GAP: usize = 2;

/// Column widths for one table: each column but the last has a width; the last takes what is
/// left of the terminal, or everything in a pipe.
#[derive(Debug, PartialEq, Eq)]
struct Layout {
    widths: Vec<usize>,
    last: Option<usize>,
}

impl Layout {
    fn new(header: &[(&str, usize)], total: Option<usize>) -> Layout {
        let leading = &header[..header.len().saturating_sub(1)];
        let mut widths = leading
            .iter()
            .map(|(name, width)| (*width).max(measure_text_width(name)))
            .collect::<Vec<_>>();
        let Some(total) = total else {
            return Layout { widths, last: None };
        };
        let used = |widths: &[usize]| widths.iter().sum::<usize>() + GAP * widths.len();
        // The widest columns give way first, down to a few characters each.
        while used(&widths) + MIN_COLUMN > total {
            let Some(widest) = (0..widths.len())
                .filter(|&column| widths[column] > MIN_COLUMN)
                .max_by_key(|&column| widths[column])
            else {
                break;
            };
            widths[widest] -= 1;
        }
        let last = total.saturating_sub(used(&widths)).max(1);
        Layout {
            widths,
            last: Some(last),
        }
    }

    /// One row: each cell made safe, cut to its column with `…`, and padded by display width.
    fn line(&self, cells: &[String]) -> String {
        let mut text = String::new();
        for (index, cell) in cells.iter().enumerate() {
            let cell = terminal::safe(cell);
            match self.widths.get(index) {
                Some(&width) => {
                    let cut = truncate_str(&cell, width, "…");
                    text.push_str(&pad_str(&cut, width, Alignment::Left, None));
                    text.push_str(&" ".repeat(GAP));
                }
                None => match self.last {
                    Some(width) => text.push_str(&truncate_str(&cell, width, "…")),
                    None => text.push_str(&cell),
                },
            }
        }
        text.trim_end().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &[(&str, usize)] = &[("RUN", 26), ("STATUS", 10), ("BRANCH", 22), ("TAGS", 0)];

    #[test]
    fn rows_fit_the_width_by_display_columns() {
        // (terminal width, cells): every line fits (or is as narrow as the columns go), and
        // the last column starts at the same display column in the header and in the row.
        let cases: [(usize, [&str; 4]); 5] = [
            (
                80,
                ["6ae7fbfcb889dbcfc28f4a98", "FAILED", "main", "nightly"],
            ),
            (80, ["r1", "PASSED", "機能/ログイン画面の改善", "タグ,夜間"]),
            (
                60,
                [
                    "r1",
                    "PASSED",
                    "feature/🚀-rocket-launch-pad",
                    "🌙 nightly, 🚀 release",
                ],
            ),
            (
                40,
                [
                    "6ae7fbfcb889dbcfc28f4a98",
                    "FAILED",
                    "release/2026-12",
                    "a, b, c",
                ],
            ),
            (
                20,
                ["6ae7fbfcb889dbcfc28f4a98", "FAILED", "release/2026-12", "a"],
            ),
        ];
        let narrowest = 3 * (MIN_COLUMN + GAP) + 1;
        for (width, cells) in cases {
            let layout = Layout::new(HEADER, Some(width));
            let line = layout.line(&cells.map(str::to_owned));
            assert!(
                measure_text_width(&line) <= width.max(narrowest),
                "{width}: {line}"
            );
            // With one character in the last column, the width before it is the others'.
            let before_last = |cells: [&str; 3]| {
                let [a, b, c] = cells.map(str::to_owned);
                measure_text_width(&layout.line(&[a, b, c, "X".into()])) - 1
            };
            assert_eq!(
                before_last([cells[0], cells[1], cells[2]]),
                before_last(["RUN", "STATUS", "BRANCH"]),
                "{width}: {line}"
            );
        }
    }

    #[test]
    fn a_pipe_gets_whole_cells() {
        let layout = Layout::new(HEADER, None);
        let long = "x".repeat(100);
        let line = layout.line(&["r1".into(), "PASSED".into(), "main".into(), long.clone()]);
        assert!(line.ends_with(&long));
    }
}
