//! Server text made harmless for a terminal. Commit messages, author names, spec names, test
//! titles, errors and action names come from whoever pushed them, and a terminal obeys control
//! sequences wherever they appear: OSC 52 writes the clipboard, OSC 8 hides a link behind other
//! words, `CSI 2J` clears the screen. Everything printed for a person passes through [`safe`],
//! the library's sanitiser. [`width`] is how wide the terminal is, for tables.

use std::io::{self, IsTerminal as _};

pub(crate) use currents::terminal_safe as safe;

/// The width a table may take: stdout's terminal's, which `$COLUMNS` overrides; none when
/// stdout is not a terminal.
pub(crate) fn width() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    let columns = std::env::var("COLUMNS").ok();
    columns
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|&columns| columns > 0)
        .or_else(|| {
            let (_, columns) = console::Term::stdout().size_checked()?;
            Some(usize::from(columns))
        })
}
