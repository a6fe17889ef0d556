//! The spec's limits as constants beside the types they constrain, so that code which must keep
//! to a limit (the client batching machine ids, the fake refusing a long branch) reads it from
//! the spec instead of copying it.

use std::collections::BTreeMap;

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use typify::TypeSpace;

use crate::Error;

/// Associated constants for the constraints of `schema`, the schema of `subject` (as the docs
/// name it: "`machineId`", "this type"): `{PREFIX}_MAX_ITEMS` and so on, or `MAX_ITEMS` for an
/// empty prefix; an array's item constraints get `_ITEM_` in their names.
pub(crate) fn consts(prefix: &str, subject: &str, schema: &Value) -> TokenStream {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}_{name}")
        }
    };
    let mut items = Vec::new();
    for (keyword, name) in [
        ("maxLength", "MAX_LENGTH"),
        ("minLength", "MIN_LENGTH"),
        ("maxItems", "MAX_ITEMS"),
        ("minItems", "MIN_ITEMS"),
    ] {
        if let Some(value) = schema.get(keyword).and_then(Value::as_u64) {
            let ident = format_ident!("{}", join(name));
            let value = value as usize;
            let doc = format!("The spec's `{keyword}` for {subject}.");
            items.push(quote! { #[doc = #doc] pub const #ident: usize = #value; });
        }
    }
    for (keyword, name) in [
        ("maximum", "MAXIMUM"),
        ("minimum", "MINIMUM"),
        ("default", "DEFAULT"),
    ] {
        let Some(value) = schema.get(keyword) else {
            continue;
        };
        let ident = format_ident!("{}", join(name));
        let doc = format!("The spec's `{keyword}` for {subject}.");
        match (schema["type"].as_str(), value.as_i64(), value.as_f64()) {
            (Some("integer"), Some(value), _) => {
                items.push(quote! { #[doc = #doc] pub const #ident: i64 = #value; });
            }
            (Some("number"), _, Some(value)) => {
                items.push(quote! { #[doc = #doc] pub const #ident: f64 = #value; });
            }
            _ => {}
        }
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        let ident = format_ident!("{}", join("PATTERN"));
        let doc = format!("The spec's `pattern` for {subject} (ECMA-262).");
        items.push(quote! { #[doc = #doc] pub const #ident: &'static str = #pattern; });
    }
    if schema["type"] == "array" && schema["items"].get("$ref").is_none() {
        let item_prefix = join("ITEM");
        let item_subject = format!("the items of {subject}");
        items.push(consts(&item_prefix, &item_subject, &schema["items"]));
    }
    quote!( #( #items )* )
}

/// `impl` blocks with the limits of the components: one per object component with constrained
/// properties, and one per titled, constrained schema that the generator made a named type of
/// (`Exact`, `Text`).
pub(crate) fn component_tokens(document: &Value, types: &TypeSpace) -> Result<TokenStream, Error> {
    let named = types.iter_types().map(|ty| ty.name()).collect::<Vec<_>>();
    let has_type = |name: &str| named.iter().any(|known| known == name);
    let mut blocks = Vec::new();
    let mut titled: BTreeMap<String, (String, TokenStream)> = BTreeMap::new();
    for (component, schema) in document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        object_limits(
            &component.to_upper_camel_case(),
            schema,
            &has_type,
            &mut blocks,
        );
        collect_titled(
            &format!("/components/schemas/{component}"),
            schema,
            &has_type,
            &mut titled,
        )?;
    }
    for (name, (_, tokens)) in titled {
        let ident = format_ident!("{name}");
        blocks.push(quote! { impl crate::types::#ident { #tokens } });
    }
    Ok(quote!( #( #blocks )* ))
}

/// The limits of an object type's properties, and of the inline objects among them, whose
/// types typify names after their place (`RuleActionTag.details` is `RuleActionTagDetails`).
fn object_limits(
    type_name: &str,
    schema: &Value,
    has_type: &impl Fn(&str) -> bool,
    blocks: &mut Vec<TokenStream>,
) {
    let properties = schema["properties"].as_object().into_iter().flatten();
    let mut consts_of = Vec::new();
    for (name, property) in properties.filter(|(_, property)| property.get("$ref").is_none()) {
        let tokens = consts(&name.to_shouty_snake_case(), &format!("`{name}`"), property);
        if !tokens.is_empty() {
            consts_of.push(tokens);
        }
        if property.get("properties").is_some() {
            let nested = format!("{type_name}{}", name.to_upper_camel_case());
            object_limits(&nested, property, has_type, blocks);
        }
    }
    if !consts_of.is_empty() && has_type(type_name) {
        let ident = format_ident!("{type_name}");
        blocks.push(quote! { impl crate::types::#ident { #( #consts_of )* } });
    }
}

/// Every titled schema under `node` with constraints and a generated type of its own name. The
/// same title must mean the same constraints everywhere, since it names one type.
fn collect_titled(
    pointer: &str,
    node: &Value,
    has_type: &impl Fn(&str) -> bool,
    titled: &mut BTreeMap<String, (String, TokenStream)>,
) -> Result<(), Error> {
    match node {
        Value::Object(map) => {
            if let Some(title) = map.get("title").and_then(Value::as_str) {
                let name = title.to_upper_camel_case();
                let tokens = consts("", "this type", node);
                if !tokens.is_empty() && has_type(&name) {
                    match titled.get(&name) {
                        Some((first, known)) if known.to_string() != tokens.to_string() => {
                            return Err(Error::Operation {
                                pointer: pointer.to_owned(),
                                reason: format!(
                                    "its title {title} names the type of {first} too, with other constraints"
                                ),
                            });
                        }
                        Some(_) => {}
                        None => {
                            titled.insert(name, (pointer.to_owned(), tokens));
                        }
                    }
                }
            }
            for (key, child) in map {
                if key != "enum" && key != "example" && key != "default" {
                    collect_titled(&format!("{pointer}/{key}"), child, has_type, titled)?;
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_titled(&format!("{pointer}/{index}"), child, has_type, titled)?;
            }
        }
        _ => {}
    }
    Ok(())
}
