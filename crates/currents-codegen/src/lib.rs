//! Turns the merged Currents OpenAPI document into the Rust source of `currents-api`.
//!
//! Both `currents-api`'s build script and `cargo xtask gen` call [`generate`], so a spec that
//! the generator cannot handle is reported by `xtask gen` with a plain message, long before a
//! build script would panic on it.
//!
//! Besides running progenitor, this crate makes every string enum in the document *open*: a
//! value the spec does not list yet decodes as `Unknown(String)` and serialises back unchanged,
//! instead of failing the whole response. See [`open_enum`].

mod open_enum;
mod settings;

use std::panic::{AssertUnwindSafe, catch_unwind};

pub use open_enum::{ALIASES, OpenEnum, find_open_enums};

/// The path at which the including crate exposes the generated `types` module.
///
/// Conversions name the open enums by an absolute path, because typify emits the same type
/// name inside `types` and inside its nested `types::builder` module.
pub const TYPES_PATH: &str = "crate::types";

/// Why the Rust source could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is not an OpenAPI 3.0 document that `openapiv3` can read.
    #[error("the document is not a valid OpenAPI 3.0 document")]
    Parse(#[source] serde_json::Error),
    /// A string enum cannot become a Rust enum (a value with no identifier, or two values
    /// with the same one).
    #[error("the enum at {pointer} cannot be generated: {reason}")]
    Enum {
        /// JSON pointer of the enum schema.
        pointer: String,
        /// What is wrong with it.
        reason: String,
    },
    /// progenitor refused the document.
    #[error("progenitor rejected the document: {0}")]
    Progenitor(#[source] progenitor::Error),
    /// progenitor panicked; in 0.15 it does so instead of returning an error for some documents.
    #[error("progenitor panicked while generating the client: {0}")]
    Panic(String),
    /// The generated tokens are not valid Rust, which would be a generator bug.
    #[error("the generated code does not parse as Rust")]
    Syntax(#[source] syn::Error),
}

/// Generates the formatted Rust source for the client and its types from a merged document.
pub fn generate(document: &serde_json::Value) -> Result<String, Error> {
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(document.clone()).map_err(Error::Parse)?;
    let open_enums = find_open_enums(document)?;
    let mut generator = progenitor::Generator::new(&settings::generation_settings(&open_enums));

    // progenitor 0.15 asserts rather than returning errors for some documents (for example
    // when one operation's error responses have different schemas). Catching the panic turns
    // it into an error that `xtask gen` can report before any build script runs.
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&spec)))
        .map_err(|payload| Error::Panic(panic_message(payload.as_ref())))?
        .map_err(Error::Progenitor)?;

    let mut file: syn::File = syn::parse2(tokens).map_err(Error::Syntax)?;
    open_enum::insert_into_types_module(&mut file, &open_enums).map_err(Error::Syntax)?;
    Ok(prettyplease::unparse(&file))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_owned())
}
