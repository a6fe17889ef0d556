//! Printing a list as it arrives: one JSON line per item as the API sent it (NDJSON) for
//! scripts, or aligned rows for people. Each page is printed before the next one is waited
//! for, so a long list starts at once and a reader that stops early stops the walk.

use std::io::{self, Write as _};

use currents::{Error, Items};
use futures_util::StreamExt as _;

use crate::{cli::Format, exit::Stop, terminal};

/// The columns of a list's table: a header and a width each (the last one is not padded).
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
    let mut stdout = io::stdout().lock();
    if format == Format::Table {
        let header = columns
            .header
            .iter()
            .map(|(name, _)| name.to_string())
            .collect::<Vec<_>>();
        writeln!(stdout, "{}", line(&header, columns.header))?;
    }
    while let Some(item) = items.next().await {
        let item = item.map_err(|error: Error| Stop::from(error))?;
        match format {
            Format::Json => writeln!(stdout, "{}", item.raw())?,
            Format::Table => writeln!(stdout, "{}", line(&(columns.row)(&item), columns.header))?,
        }
        count += 1;
        // Flushed per item, so that a pipe sees each line as it comes.
        stdout.flush()?;
    }
    if format == Format::Table && count == 0 {
        writeln!(stdout, "(none)")?;
    }
    Ok(count)
}

fn line(cells: &[String], header: &[(&str, usize)]) -> String {
    let mut text = String::new();
    for (index, (cell, (_, width))) in cells.iter().zip(header).enumerate() {
        let cell = terminal::safe(cell);
        if index + 1 == header.len() {
            text.push_str(&cell);
        } else {
            text.push_str(&format!("{cell:<width$}  "));
        }
    }
    text.trim_end().to_owned()
}
