//! Turns the merged Currents OpenAPI document into the Rust source of `currents-api`.
//!
//! Both `currents-api`'s build script and `cargo xtask gen` call [`generate`], so a spec that
//! the generator cannot handle is reported by `xtask gen` with a plain message, long before a
//! build script would panic on it.
//!
//! The source has two parts:
//! - `types`: progenitor (through typify) generates a type for each component schema, and every
//!   string enum in the document is made *open* (see [`OpenEnum`]): a value the spec does not
//!   list yet decodes as `Unknown(UnknownValue)` instead of failing the whole response. The
//!   spec's limits become constants on the types they constrain.
//! - `operations`: each operation described once, with a request type per operation; the
//!   client sends them and currents-fake routes and reads them.
//! - `servers`: the spec's server URLs and their base path.
//!
//! progenitor's own client is not kept: the `currents` crate sends the requests, because it
//! needs what progenitor's hooks cannot give it (a cap on the body before it is decoded, the
//! count of attempts, the answer's `data` as it was sent).

mod constructors;
mod limits;
mod open_enum;
mod operations;
mod servers;
mod settings;
mod summaries;

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;

pub use open_enum::{ALIASES, CLOSED, DESCRIPTIONS, OpenEnum, VARIANT_NAMES, find_open_enums};
pub use operations::WIRE_PATH;

/// The path at which the including crate exposes the generated `types` module; conversions
/// name the open enums by it.
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
    /// An operation (or a limit on a type) cannot be described in Rust.
    #[error("{pointer} cannot be generated: {reason}")]
    Operation {
        /// JSON pointer of the operation, parameter or schema.
        pointer: String,
        /// What is wrong with it.
        reason: String,
    },
    /// progenitor refused the document.
    #[error("progenitor rejected the document: {0}")]
    Progenitor(#[source] progenitor::Error),
    /// progenitor panicked; in 0.15 it does so instead of returning an error for some documents.
    #[error("progenitor panicked while generating the types: {0}")]
    Panic(String),
    /// The generated tokens are not valid Rust, which would be a generator bug.
    #[error("the generated code does not parse as Rust")]
    Syntax(#[source] syn::Error),
}

/// Generates the formatted Rust source for the types and the operations of a merged document.
pub fn generate(document: &Value) -> Result<String, Error> {
    // The whole document must read as OpenAPI 3.0, even though progenitor sees only its
    // components.
    serde_json::from_value::<openapiv3::OpenAPI>(document.clone()).map_err(Error::Parse)?;
    let open_enums = find_open_enums(document)?;
    let mut generator = progenitor::Generator::new(&settings::generation_settings(&open_enums));
    let components: openapiv3::OpenAPI =
        serde_json::from_value(components_only(document)).map_err(Error::Parse)?;

    // progenitor 0.15 asserts rather than returning errors for some documents. Catching the
    // panic turns it into an error that `xtask gen` can report before any build script runs.
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&components)))
        .map_err(|payload| Error::Panic(panic_message(payload.as_ref())))?
        .map_err(Error::Progenitor)?;

    let mut file: syn::File = syn::parse2(tokens).map_err(Error::Syntax)?;
    // Only the types: the client that comes with them has no operations to offer.
    file.items
        .retain(|item| matches!(item, syn::Item::Mod(module) if module.ident == "types"));
    open_enum::insert_into_types_module(&mut file, &open_enums).map_err(Error::Syntax)?;
    constructors::add_to_types_module(&mut file).map_err(Error::Syntax)?;
    summaries::add_to_types_module(&mut file, document).map_err(Error::Syntax)?;
    let operations = operations::tokens(document, generator.get_type_space(), &open_enums)?;
    for tokens in [operations, servers::tokens(document)?] {
        file.items.extend(
            syn::parse2::<syn::File>(tokens)
                .map_err(Error::Syntax)?
                .items,
        );
    }
    Ok(prettyplease::unparse(&file))
}

/// The document without its operations: what progenitor needs to generate the types.
fn components_only(document: &Value) -> Value {
    let mut components = document.clone();
    if let Some(map) = components.as_object_mut() {
        map.insert("paths".into(), Value::Object(serde_json::Map::new()));
    }
    components
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_owned())
}
