//! A summary for every generated type: where the spec gives a schema no description, typify
//! documents the type by its name alone, and an inline schema's description (`nextPage`'s) is
//! repeated on every type made from a copy of it.
//!
//! The summary is derived from where the type is used, so it stays true when the spec changes:
//! "The `data` of an [`ActionDeleteResponse`]", or for a top-level body, "The answer of
//! `deleteAction`". A description shared by several types keeps
//! its text after the place that tells them apart.

use std::collections::{BTreeMap, BTreeSet};

use currents_spec::{Spec, schema_name};
use heck::ToUpperCamelCase;
use serde_json::Value;

/// Where a type appears inside another generated type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// A field, by its JSON name; `item` when the field is a list of the type.
    Field { name: String, item: bool },
    /// A tuple variant of an enum, by the variant's name.
    Variant(String),
}

/// Rewrites the docs of the types in `file`'s `types` module that have no summary of their
/// own. `document` names the operations that send or answer each top-level type.
pub(crate) fn add_to_types_module(
    file: &mut syn::File,
    document: &Value,
) -> Result<(), syn::Error> {
    let Some(items) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => {
            module.content.as_mut().map(|c| &mut c.1)
        }
        _ => None,
    }) else {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "progenitor emitted no `types` module",
        ));
    };
    let names: BTreeSet<String> = items
        .iter()
        .filter_map(|item| type_of(item).map(|(name, _)| name))
        .collect();
    let uses = uses(items, &names);
    let operations = operations(document);
    let mut summaries: BTreeMap<String, String> = BTreeMap::new();
    let mut places: BTreeMap<String, String> = BTreeMap::new();
    for item in items.iter() {
        let Some((name, attrs)) = type_of(item) else {
            continue;
        };
        let place = uses
            .get(&name)
            .map(describe_uses)
            .or_else(|| operations.get(&name).cloned());
        if let Some(place) = place {
            places.insert(name.clone(), place);
        }
        summaries.insert(name, doc_text(attrs));
    }
    // A first sentence that several types share does not tell them apart.
    let mut openings: BTreeMap<String, usize> = BTreeMap::new();
    for text in summaries.values().filter(|text| !text.is_empty()) {
        *openings.entry(first_sentence(text)).or_default() += 1;
    }
    for item in items.iter_mut() {
        let Some((name, _)) = type_of(item) else {
            continue;
        };
        let (Some(text), Some(place)) = (summaries.get(&name), places.get(&name)) else {
            continue;
        };
        let bare = text.is_empty() || text == &format!("`{name}`");
        let shared = !bare && openings.get(&first_sentence(text)).copied().unwrap_or(0) > 1;
        let summary = if bare {
            format!("{}.", capitalized(place))
        } else if shared {
            format!("{}: {}", capitalized(place), sentence_within(text))
        } else {
            continue;
        };
        set_doc(item, &summary);
    }
    Ok(())
}

/// The name and attributes of a struct or an enum.
fn type_of(item: &syn::Item) -> Option<(String, &[syn::Attribute])> {
    match item {
        syn::Item::Struct(item) => Some((item.ident.to_string(), &item.attrs)),
        syn::Item::Enum(item) => Some((item.ident.to_string(), &item.attrs)),
        _ => None,
    }
}

fn set_doc(item: &mut syn::Item, summary: &str) {
    let attrs = match item {
        syn::Item::Struct(item) => &mut item.attrs,
        syn::Item::Enum(item) => &mut item.attrs,
        _ => return,
    };
    attrs.retain(|attr| !attr.path().is_ident("doc"));
    attrs.insert(0, syn::parse_quote!(#[doc = #summary]));
}

/// The doc comment's text, its lines joined.
fn doc_text(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value().trim().to_owned()),
            _ => None,
        })
        .collect();
    lines.join("\n").trim().to_owned()
}

fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text,
    }
}

/// `text` continuing a sentence: its first letter in lower case unless it starts a word in
/// capitals ("URL"), and a full stop at its end.
fn sentence_within(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain([second]).chain(chars).collect()
        }
        _ => text.to_owned(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Every place each type of `names` appears in another: a field of a struct or of an enum's
/// struct variant, or a tuple variant.
fn uses(
    items: &[syn::Item],
    names: &BTreeSet<String>,
) -> BTreeMap<String, BTreeSet<(Place, String)>> {
    let mut found: BTreeMap<String, BTreeSet<(Place, String)>> = BTreeMap::new();
    for item in items {
        match item {
            syn::Item::Struct(item) => {
                record_fields(&mut found, names, &item.ident.to_string(), &item.fields)
            }
            syn::Item::Enum(item) => {
                for variant in &item.variants {
                    let owner = format!("{}::{}", item.ident, variant.ident);
                    match &variant.fields {
                        syn::Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                            for (used, _) in mentioned(&unnamed.unnamed[0].ty, false) {
                                if names.contains(&used) && item.ident != used {
                                    let place = Place::Variant(variant.ident.to_string());
                                    found
                                        .entry(used)
                                        .or_default()
                                        .insert((place, item.ident.to_string()));
                                }
                            }
                        }
                        named @ syn::Fields::Named(_) => {
                            record_fields(&mut found, names, &owner, named)
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// The places of the types of `names` among `fields`, owned by `owner`.
fn record_fields(
    found: &mut BTreeMap<String, BTreeSet<(Place, String)>>,
    names: &BTreeSet<String>,
    owner: &str,
    fields: &syn::Fields,
) {
    for field in fields {
        let Some(ident) = &field.ident else {
            continue;
        };
        let name = json_name(field)
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
        for (used, item) in mentioned(&field.ty, false) {
            if names.contains(&used) && used != owner {
                let place = Place::Field {
                    name: name.clone(),
                    item,
                };
                found
                    .entry(used)
                    .or_default()
                    .insert((place, owner.to_owned()));
            }
        }
    }
}

/// The JSON name serde gives a field (`#[serde(rename = "...")]`).
fn json_name(field: &syn::Field) -> Option<String> {
    let mut renamed = None;
    for attr in field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
    {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let text: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(text.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    renamed
}

/// The last segment of every path a type names, with whether it sits inside a `Vec`.
fn mentioned(ty: &syn::Type, in_list: bool) -> Vec<(String, bool)> {
    let syn::Type::Path(path) = ty else {
        return Vec::new();
    };
    let Some(last) = path.path.segments.last() else {
        return Vec::new();
    };
    let mut found = vec![(last.ident.to_string(), in_list)];
    if let syn::PathArguments::AngleBracketed(arguments) = &last.arguments {
        let is_list = last.ident == "Vec";
        for argument in &arguments.args {
            if let syn::GenericArgument::Type(inner) = argument {
                found.extend(mentioned(inner, in_list || is_list));
            }
        }
    }
    found
}

/// "the `list` of a [`SpecFilesResponseData`]", each place once, its owners together.
fn describe_uses(uses: &BTreeSet<(Place, String)>) -> String {
    let mut by_place: BTreeMap<&Place, Vec<String>> = BTreeMap::new();
    for (place, owner) in uses {
        by_place
            .entry(place)
            .or_default()
            .push(format!("{} [`{owner}`]", article(owner)));
    }
    let phrases: Vec<String> = by_place
        .into_iter()
        .map(|(place, owners)| {
            let owners = listed(&owners);
            match place {
                Place::Field { name, item: false } => format!("the `{name}` of {owners}"),
                Place::Field { name, item: true } => format!("an item of the `{name}` of {owners}"),
                Place::Variant(variant) => format!("the `{variant}` form of {owners}"),
            }
        })
        .collect();
    phrases.join(", and ")
}

fn article(name: &str) -> &'static str {
    if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

fn listed(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

/// "the answer of `getRun`" for each top-level body, by its type name.
fn operations(document: &Value) -> BTreeMap<String, String> {
    let mut found: BTreeMap<String, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    let Ok(spec) = Spec::read(document) else {
        return BTreeMap::new();
    };
    for operation in spec.operations() {
        // The id, not the path: a moved path changes the operation's snapshot, not its types'.
        let at = format!("`{}`", operation.id);
        let body = operation
            .body
            .as_ref()
            .and_then(|body| body.schema)
            .and_then(schema_name);
        let answer = operation
            .success()
            .and_then(|answer| answer.schema)
            .and_then(schema_name);
        for (name, role) in [
            (body, "the body of a request to"),
            (answer, "the answer of"),
        ] {
            if let Some(name) = name {
                let roles = found.entry(name.to_upper_camel_case()).or_default();
                roles.entry(role).or_default().push(at.clone());
            }
        }
    }
    found
        .into_iter()
        .map(|(name, roles)| {
            let phrases: Vec<String> = roles
                .into_iter()
                .map(|(role, operations)| format!("{role} {}", listed(&operations)))
                .collect();
            (name, phrases.join(", and "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::generate;

    #[test]
    fn every_type_gets_a_summary_of_its_own() {
        let next_page = json!({ "description": "Next page or false", "oneOf": [
            { "type": "integer" }, { "type": "boolean" } ] });
        let document = json!({
            "openapi": "3.0.2",
            "info": { "title": "t", "version": "1" },
            "servers": [{ "url": "http://localhost/v1", "description": "Local" }],
            "paths": { "/things/{id}": { "put": {
                "operationId": "putThing",
                "parameters": [{ "name": "id", "in": "path", "required": true,
                    "schema": { "type": "string" } }],
                "requestBody": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Change" } } } },
                "responses": { "200": { "description": "ok", "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Thing" } } } } }
            } } },
            "components": { "schemas": {
                "Thing": { "type": "object", "properties": {
                    "data": { "type": "object", "properties": {
                        "parts": { "type": "array", "items": { "$ref": "#/components/schemas/Part" } },
                        "nextPage": next_page } },
                    "rule": { "$ref": "#/components/schemas/Rule" } } },
                "Other": { "description": "Another list.", "type": "object", "properties": {
                    "nextPage": next_page } },
                "Change": { "type": "object", "properties": { "name": { "type": "string" } } },
                "Part": { "description": "One part, as described.", "type": "object",
                    "properties": { "id": { "type": "string" } } },
                "Rule": { "oneOf": [{ "$ref": "#/components/schemas/Skip" },
                    { "$ref": "#/components/schemas/Tag" }] },
                "Tag": { "type": "object", "properties": { "tag": { "type": "string" } },
                    "required": ["tag"] },
                "Skip": { "type": "object", "properties": { "skip": { "type": "boolean" } },
                    "required": ["skip"] }
            } }
        });
        let code = generate(&document).expect("generates");
        // Each type's summary: (the type, its doc line).
        let cases = [
            ("Thing", "///The answer of `putThing`."),
            ("Change", "///The body of a request to `putThing`."),
            ("ThingData", "///The `data` of a [`Thing`]."),
            ("Rule", "///The `rule` of a [`Thing`]."),
            ("Skip", "///The `Skip` form of a [`Rule`]."),
            ("Part", "///One part, as described."),
            (
                "ThingDataNextPage",
                "///The `nextPage` of a [`ThingData`]: next page or false.",
            ),
            (
                "OtherNextPage",
                "///The `nextPage` of an [`Other`]: next page or false.",
            ),
        ];
        for (name, doc) in cases {
            let declared = code
                .lines()
                .position(|line| {
                    let line = line.trim_start();
                    line.starts_with("pub ") && line.ends_with(&format!(" {name} {{"))
                })
                .unwrap_or_else(|| panic!("{name} is generated:\n{code}"));
            let docs: Vec<&str> = code.lines().take(declared).collect();
            let summary = docs
                .iter()
                .map(|line| line.trim_start())
                .rev()
                .find(|line| line.starts_with("///"));
            assert_eq!(summary, Some(doc), "{name}");
        }
    }
}
