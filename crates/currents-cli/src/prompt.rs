//! Asking before a destructive command, where there is a terminal to ask on.

use std::io::{self, BufRead as _, IsTerminal as _, Write as _};

use crate::exit::{Failure, Stop};

/// On a terminal, asks `question` and goes on only on yes; elsewhere, a destructive command
/// needs `--yes`, and this refuses with `refused` (what was not done).
pub(crate) fn confirm(question: &str, refused: &str) -> Result<(), Stop> {
    if !io::stdin().is_terminal() {
        return Err(Failure::invalid(format!(
            "refusing without --yes: stdin is not a terminal to confirm on; {refused}"
        ))
        .into());
    }
    eprint!("{question} [y/N] ");
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES") {
        Ok(())
    } else {
        Err(Failure::invalid(format!("not confirmed; {refused}")).into())
    }
}
