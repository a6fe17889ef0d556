//! `$ref`s: which component schemas a part of a spec reaches, through the spec model's
//! reference walk.

use std::collections::BTreeSet;

use serde_json::Value;

pub(crate) use currents_spec::reached;

/// The names of the component schemas `node` reaches.
pub(crate) fn schemas(document: &Value, node: &Value) -> BTreeSet<String> {
    reached(document, node)
        .into_iter()
        .filter_map(|reference| {
            currents_spec::schema_name(&serde_json::json!({ "$ref": reference }))
        })
        .collect()
}
