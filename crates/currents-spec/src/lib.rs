//! The merged Currents OpenAPI document (`spec/currents.json`) as one typed model.
//!
//! Everything that reads the spec reads it here: `currents-codegen` generates the operations
//! and pagination from [`Spec`], `cargo xtask gen` validates the merged document and compares
//! it with the committed one through it, and `currents-fake` checks requests and renders
//! answers with its resolver and alias table. So there is one `$ref` resolver
//! ([`resolve`]), one JSON-pointer escape ([`pointer`](mod@pointer)) and one reading of `x-enum-aliases`
//! ([`aliases`]), and an OpenAPI feature the API starts to use is taught once.

mod aliases;
mod model;
pub mod pointer;
mod reference;

pub use aliases::{ALIASES, alias_map, aliases, aliases_in, listed_for};
pub use model::{
    Answer, Body, ITEM_KEY, ITEM_TIME, Location, Method, Operation, PageStyle, Pagination,
    Parameter, RANGE_END, RANGE_START, Segment, Spec, SpecError,
};
pub use model::{CURSOR as CURSOR_PARAMETER, PAGE as PAGE_PARAMETER};
pub use reference::{
    Located, all as all_refs, component, reached, resolve, schema_name, target, unresolved,
};
