//! Reading what a command is given in a file, or on stdin for `-`: a raw text, or a JSON body
//! decoded into its spec type.

use std::{
    io::{self, Read as _},
    path::Path,
};

use serde::de::DeserializeOwned;

use crate::exit::{Failure, Stop};

/// A file's text, or stdin's for `-`; a file that cannot be read is invalid input of `flag`.
pub(crate) fn read_text(flag: &str, path: &Path) -> Result<String, Stop> {
    if path == Path::new("-") {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text)?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|error| {
        Failure::invalid(format!(
            "{flag} {}: cannot read it: {error}",
            path.display()
        ))
        .into()
    })
}

/// The JSON body of a create or update, from a file or stdin (`-`), decoded into its type. A
/// field that does not fit is named with its path.
pub(crate) fn read_body<T: DeserializeOwned>(path: &Path) -> Result<T, Stop> {
    let text = read_text("--file", path)?;
    let mut decoder = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut decoder).map_err(|error| {
        Failure::invalid(format!(
            "--file {}: field {} is invalid: {}",
            path.display(),
            error.path(),
            error.inner()
        ))
        .into()
    })
}
