//! Open enums: string enums that keep values the spec does not list yet, and read every
//! spelling the API is known to send.
//!
//! Currents adds enum values before it documents them, and its production API spells some
//! values differently from its docs (`FAILED` for `failed`). A closed Rust enum would turn one
//! such value into a decode error for the whole response, so every string enum in the document
//! is generated as a `#[non_exhaustive]` enum with an `Unknown(UnknownValue)` variant (the
//! text opaque to patterns, readable with `as_str()`) and swapped in through progenitor's
//! `with_conversion`.
//!
//! A schema's `x-enum-aliases` object (added by `spec/overlay.json`) maps another spelling to
//! the listed value it stands for: `{"FAILED": "failed"}`. Both decode to one variant, and the
//! alias, the spelling production sends, is the one serialised.
//!
//! `x-enum-closed: true` exempts a schema: the `op` tag of each `RuleAction` variant must
//! match exactly, or every action would decode as the first variant.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use schemars::schema::{InstanceType, SchemaObject, SingleOrVec};
use serde_json::{Map, Value};

use crate::{Error, TYPES_PATH};

pub use currents_spec::ALIASES;

/// The extension that keeps an enum closed: a tag that tells the variants of a `oneOf`
/// apart must match exactly, and the union stays open through a catch-all variant instead.
pub const CLOSED: &str = "x-enum-closed";

/// The extension that says what each value means, one description per listed value; it
/// becomes each variant's docs.
pub const DESCRIPTIONS: &str = "x-enum-descriptions";

/// The extension that names the variants where a value is no Rust identifier (`1h`), one
/// name per `enum` entry (the convention of openapi-generator).
pub const VARIANT_NAMES: &str = "x-enum-varnames";

/// One open enum: a set of string values, and every place in the document that uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenEnum {
    /// The Rust type name.
    pub name: String,
    /// The values the spec lists, in its order, aliases included.
    pub values: Vec<String>,
    /// Whether the schema is `nullable`, which makes the field an `Option`.
    pub nullable: bool,
    /// JSON pointers of every schema with exactly these values, in document order.
    pub pointers: Vec<String>,
    /// Whether one of the places is a component schema of its own (`ActionStatus`), whose
    /// name the enum takes and whose generated type it replaces.
    pub replaces_component: bool,
    description: Option<String>,
    format: Option<String>,
    /// The schema's `x-` keys; typify compares them too when it looks for a conversion.
    extensions: Map<String, Value>,
    /// The schemas typify sees for this enum, one per distinct place: several when places
    /// that share a `title` list different values (see [`find_open_enums`]).
    keys: Vec<SchemaObject>,
}

/// One variant: the value the spec lists for it, and the other spelling production sends.
#[derive(Debug, Clone, PartialEq)]
struct Variant {
    ident: syn::Ident,
    listed: String,
    production: Option<String>,
}

impl Variant {
    /// The spelling that is serialised: production's where it differs.
    fn wire(&self) -> &str {
        self.production.as_deref().unwrap_or(&self.listed)
    }
}

impl OpenEnum {
    /// Every schema typify will meet for this enum, to swap each for it.
    pub(crate) fn schema_keys(&self) -> &[SchemaObject] {
        &self.keys
    }

    /// Takes in an enum with the same title: its values (the union, in order), aliases and
    /// places. One vocabulary named once must decode every value any of its places lists.
    fn absorb(&mut self, other: OpenEnum) -> Result<(), Error> {
        let conflict = |reason: String| Error::Enum {
            pointer: other.pointers[0].clone(),
            reason,
        };
        if self.nullable != other.nullable {
            return Err(conflict(format!(
                "it shares its title with {} but differs in being nullable",
                self.pointers[0]
            )));
        }
        for value in &other.values {
            if !self.values.contains(value) {
                self.values.push(value.clone());
            }
        }
        let theirs = other.extensions.get(ALIASES).and_then(Value::as_object);
        for (alias, listed) in theirs.into_iter().flatten() {
            let ours = self
                .extensions
                .entry(ALIASES)
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(ours) = ours.as_object_mut() else {
                return Err(conflict(format!("{ALIASES} must be an object")));
            };
            match ours.get(alias) {
                Some(known) if known != listed => {
                    return Err(conflict(format!(
                        "alias '{alias}' stands for {known} at {} but for {listed} here",
                        self.pointers[0]
                    )));
                }
                _ => {
                    ours.insert(alias.clone(), listed.clone());
                }
            }
        }
        self.pointers.extend(other.pointers);
        for key in other.keys {
            if !self.keys.contains(&key) {
                self.keys.push(key);
            }
        }
        Ok(())
    }

    /// The schema typify compares against; it ignores metadata such as `description`.
    fn schema_key(&self) -> SchemaObject {
        let instance_type = if self.nullable {
            SingleOrVec::Vec(vec![InstanceType::String, InstanceType::Null])
        } else {
            SingleOrVec::Single(Box::new(InstanceType::String))
        };
        SchemaObject {
            instance_type: Some(instance_type),
            format: self.format.clone(),
            enum_values: Some(self.values.iter().cloned().map(Value::String).collect()),
            extensions: self.extensions.clone().into_iter().collect(),
            ..SchemaObject::default()
        }
    }

    /// The type that replaces the schema wherever it appears.
    pub(crate) fn rust_type(&self) -> String {
        let path = format!("{TYPES_PATH}::{}", self.name);
        if self.nullable {
            format!("::std::option::Option<{path}>")
        } else {
            path
        }
    }

    /// Other spellings, as (alias, listed value), in the order the schema gives them.
    fn aliases(&self) -> Vec<(&str, &str)> {
        currents_spec::aliases_in(&self.extensions)
    }

    fn tokens(&self) -> Result<TokenStream, Error> {
        let name = format_ident!("{}", self.name);
        let variants = self.variants()?;
        let idents = variants.iter().map(|v| &v.ident).collect::<Vec<_>>();
        let wire = variants.iter().map(Variant::wire).collect::<Vec<_>>();
        let wire = &wire;
        let described = self.extensions.get(DESCRIPTIONS);
        // Where production spells some values otherwise, each variant says which spelling it
        // sends, so that a column of `as_str()` values is not read as one convention.
        let recorded = variants.iter().any(|variant| variant.production.is_some());
        let variant_docs = variants.iter().map(|variant| {
            let spelling = match &variant.production {
                Some(production) => format!(
                    "`{production}`, as production sends it; the docs spell it `{}`.",
                    variant.listed
                ),
                None if recorded => format!(
                    "`{}`, as the spec lists it: no recorded answer shows production \
                     spelling it otherwise.",
                    variant.listed
                ),
                None => format!("`{}`", variant.listed),
            };
            match described
                .and_then(|descriptions| descriptions.get(&variant.listed))
                .and_then(Value::as_str)
            {
                Some(meaning) => format!("{spelling}: {meaning}"),
                None => spelling,
            }
        });
        let spellings = variants.iter().map(|variant| {
            let listed = &variant.listed;
            match &variant.production {
                Some(production) => quote! { #listed | #production },
                None => quote! { #listed },
            }
        });
        let places = self
            .pointers
            .iter()
            .map(|pointer| format!("`#{pointer}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let summary = self
            .description
            .clone()
            .unwrap_or_else(|| format!("Values of {places}."));
        let open_doc = format!(
            "Open enum for {places}: every known spelling decodes to its variant, and a value \
             the spec does not list decodes as [`{}::Unknown`] and serialises back unchanged. \
             It is `#[non_exhaustive]`: a value a later spec lists is a new variant, which a \
             `match` must already handle with a wildcard.",
            self.name
        );

        Ok(quote! {
            #[doc = #summary]
            #[doc = ""]
            #[doc = #open_doc]
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #idents, )*
                /// A value this version of the spec does not list, kept as received. Its text
                /// is opaque to patterns: make such a value with `From<&str>` to compare it.
                Unknown(crate::UnknownValue),
            }

            impl #name {
                /// Every value this version of the spec lists, as it is sent.
                pub const KNOWN: &'static [&'static str] = &[ #( #wire ),* ];

                /// The value as it is sent: production's spelling where a recorded answer
                /// shows it to differ from the spec's, else the spec's, and an unknown value
                /// as it was received. Each variant's docs say which spelling it has.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#idents => #wire, )*
                        Self::Unknown(value) => value.as_str(),
                    }
                }

                fn known(value: &str) -> ::std::option::Option<Self> {
                    match value {
                        #( #spellings => ::std::option::Option::Some(Self::#idents), )*
                        _ => ::std::option::Option::None,
                    }
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    Self::known(value)
                        .unwrap_or_else(|| Self::Unknown(crate::UnknownValue(value.to_owned())))
                }
            }

            impl ::std::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    Self::known(&value).unwrap_or(Self::Unknown(crate::UnknownValue(value)))
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;

                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    ::std::result::Result::Ok(Self::from(value))
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(
                    &self,
                    serializer: S,
                ) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::std::result::Result<Self, D::Error> {
                    <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)
                        .map(Self::from)
                }
            }
        })
    }

    /// The variants: one per listed value that is not an alias, with its production spelling.
    fn variants(&self) -> Result<Vec<Variant>, Error> {
        let reject = |reason: String| Error::Enum {
            pointer: self.pointers[0].clone(),
            reason,
        };
        let aliases = self.aliases();
        let mut production: BTreeMap<&str, &str> = BTreeMap::new();
        for (alias, listed) in &aliases {
            if !self.values.iter().any(|value| value == alias) {
                return Err(reject(format!(
                    "alias '{alias}' must also be listed in `enum`, so that validators accept it"
                )));
            }
            if aliases.iter().any(|(other, _)| other == listed)
                || !self.values.iter().any(|v| v == listed)
            {
                return Err(reject(format!(
                    "alias '{alias}' must stand for a listed value that is not itself an alias, not '{listed}'"
                )));
            }
            if let Some(earlier) = production.insert(listed, alias) {
                return Err(reject(format!(
                    "'{listed}' has two aliases, '{earlier}' and '{alias}'; one spelling is serialised"
                )));
            }
        }
        let names = self.extensions.get(VARIANT_NAMES).and_then(Value::as_array);
        if names.is_some_and(|names| names.len() != self.values.len()) {
            return Err(reject(format!(
                "{VARIANT_NAMES} must name each of the {} values of `enum`",
                self.values.len()
            )));
        }
        let mut seen = BTreeMap::new();
        self.values
            .iter()
            .enumerate()
            .filter(|(_, value)| !production.values().any(|alias| alias == value))
            .map(|(index, value)| {
                let ident = names
                    .and_then(|names| names[index].as_str())
                    .map_or_else(|| value.to_upper_camel_case(), str::to_owned);
                if ident == "Unknown" {
                    return Err(reject(format!(
                        "value '{value}' would shadow the Unknown variant"
                    )));
                }
                if let Some(other) = seen.insert(ident.clone(), value) {
                    return Err(reject(format!(
                        "values '{other}' and '{value}' both become variant {ident}; \
                         declare one as an alias of the other in {ALIASES}"
                    )));
                }
                let ident = syn::parse_str::<syn::Ident>(&ident)
                    .map_err(|_| reject(format!("value '{value}' gives no Rust identifier")))?;
                Ok(Variant {
                    ident,
                    listed: value.clone(),
                    production: production
                        .get(value.as_str())
                        .map(|alias| (*alias).to_owned()),
                })
            })
            .collect()
    }
}

/// Finds every string enum in the document, merging identical ones into one type.
///
/// A type used in one place is named like typify would name it (`Run.status` becomes
/// `RunStatus`); one shared by several places takes the words their names end with in common
/// (`RunResponse.status` and `RunDeleteResponse.status` share `ResponseStatus`).
pub fn find_open_enums(document: &Value) -> Result<Vec<OpenEnum>, Error> {
    let mut found = Vec::new();
    walk(document, &mut Vec::new(), &mut found);

    let mut merged: Vec<OpenEnum> = Vec::new();
    for (pointer, schema) in found {
        let candidate = open_enum_at(document, &pointer, schema);
        match merged
            .iter_mut()
            .find(|known| known.keys[0] == candidate.keys[0])
        {
            Some(known) => known.pointers.push(pointer),
            None => merged.push(candidate),
        }
    }
    // Places with the same title are one vocabulary, even where their lists differ.
    let title_of = |open_enum: &OpenEnum| {
        open_enum.pointers.iter().find_map(|pointer| {
            document
                .pointer(pointer)
                .and_then(|schema| schema.get("title"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
    };
    let mut titled: Vec<OpenEnum> = Vec::new();
    for open_enum in merged {
        let title = title_of(&open_enum);
        match titled
            .iter_mut()
            .find(|known| title.is_some() && title_of(known) == title)
        {
            Some(known) => known.absorb(open_enum)?,
            None => titled.push(open_enum),
        }
    }
    let mut merged = titled;

    let component_names: Vec<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .keys()
                .map(|name| name.to_upper_camel_case())
                .collect()
        })
        .unwrap_or_default();
    let mut taken: Vec<String> = Vec::new();
    for open_enum in &mut merged {
        // A component of its own names the type; then a `title`; then the places it is used.
        let component = open_enum.pointers.iter().find_map(|pointer| {
            match currents_spec::pointer::tokens(pointer).as_slice() {
                [components, schemas, name]
                    if components == "components" && schemas == "schemas" =>
                {
                    Some(name.to_upper_camel_case())
                }
                _ => None,
            }
        });
        let title = open_enum.pointers.iter().find_map(|pointer| {
            document
                .pointer(pointer)
                .and_then(|schema| schema.get("title"))
                .and_then(Value::as_str)
                .map(str::to_upper_camel_case)
        });
        let names = open_enum
            .pointers
            .iter()
            .map(|pointer| type_name_at(document, pointer))
            .collect::<Vec<_>>();
        open_enum.replaces_component = component.is_some();
        open_enum.name = component
            .or(title)
            .or_else(|| shared_suffix(&names))
            .unwrap_or_else(|| names[0].clone());
        let clashes = taken.contains(&open_enum.name)
            || (!open_enum.replaces_component && component_names.contains(&open_enum.name));
        if clashes {
            return Err(Error::Enum {
                pointer: open_enum.pointers[0].clone(),
                reason: format!("its type name {} is already taken", open_enum.name),
            });
        }
        taken.push(open_enum.name.clone());
        open_enum.variants()?;
    }
    Ok(merged)
}

/// Adds the open enums to the generated `types` module, where the conversions point.
pub(crate) fn insert_into_types_module(
    file: &mut syn::File,
    open_enums: &[OpenEnum],
) -> Result<(), syn::Error> {
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
        _ => None,
    }) else {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "progenitor emitted no `types` module",
        ));
    };
    for open_enum in open_enums {
        let tokens = open_enum
            .tokens()
            .map_err(|error| syn::Error::new(proc_macro2::Span::call_site(), error))?;
        items.extend(syn::parse2::<syn::File>(tokens)?.items);
    }
    Ok(())
}

/// Keys whose values are data, not schemas: an `example` may look like a schema.
const NOT_SCHEMAS: [&str; 4] = ["enum", "example", "examples", "default"];

fn walk<'a>(node: &'a Value, pointer: &mut Vec<String>, found: &mut Vec<(String, &'a Value)>) {
    match node {
        Value::Object(map) => {
            let is_string_enum = map.get("type").and_then(Value::as_str) == Some("string")
                && map.get("enum").is_some_and(Value::is_array)
                && map.get(CLOSED) != Some(&Value::Bool(true));
            if is_string_enum {
                found.push((currents_spec::pointer::from_tokens(pointer), node));
            }
            for (key, child) in map {
                if !NOT_SCHEMAS.contains(&key.as_str()) {
                    pointer.push(key.clone());
                    walk(child, pointer, found);
                    pointer.pop();
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointer.push(index.to_string());
                walk(child, pointer, found);
                pointer.pop();
            }
        }
        _ => {}
    }
}

fn open_enum_at(document: &Value, pointer: &str, schema: &Value) -> OpenEnum {
    let text = |key: &str| schema.get(key).and_then(Value::as_str).map(str::to_owned);
    let mut open_enum = OpenEnum {
        name: type_name_at(document, pointer),
        values: schema["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        nullable: schema.get("nullable").and_then(Value::as_bool) == Some(true),
        pointers: vec![pointer.to_owned()],
        replaces_component: false,
        description: text("description"),
        format: text("format"),
        extensions: schema
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, _)| key.starts_with("x-"))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
        keys: Vec::new(),
    };
    open_enum.keys.push(open_enum.schema_key());
    open_enum
}

/// Names a schema location: the component (or the operation, for inline schemas under
/// `paths`) followed by each property on the way down, and `Item` for array items.
fn type_name_at(document: &Value, pointer: &str) -> String {
    let tokens = currents_spec::pointer::tokens(pointer);
    let tokens_all = tokens.clone();
    let (base, rest) = match tokens.as_slice() {
        [first, _, name, rest @ ..] if first == "components" => (name.clone(), rest),
        [first, path, method, rest @ ..] if first == "paths" => {
            let operation_id = document
                .pointer(&currents_spec::pointer::from_tokens(&tokens[..3]))
                .and_then(|operation| operation.get("operationId"))
                .and_then(Value::as_str)
                .map_or_else(|| format!("{method} {path}"), str::to_owned);
            (operation_id, rest)
        }
        _ => (pointer.to_owned(), &[][..]),
    };
    let mut name = base.to_upper_camel_case();
    let mut tokens = rest.iter();
    let mut at = tokens_before(&tokens_all, rest);
    while let Some(token) = tokens.next() {
        at.push(token.clone());
        match token.as_str() {
            // An inline parameter is named by its own name: `GetSpecFilesOrder`.
            "parameters" => {
                if let Some(index) = tokens.next() {
                    at.push(index.clone());
                    let parameter_name = document
                        .pointer(&currents_spec::pointer::from_tokens(&at))
                        .and_then(|parameter| parameter.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    name.push_str(&parameter_name.trim_end_matches("[]").to_upper_camel_case());
                }
            }
            "properties" => {
                if let Some(property) = tokens.next() {
                    name.push_str(&property.to_upper_camel_case());
                }
            }
            "items" => name.push_str("Item"),
            _ => {}
        }
    }
    name
}

/// The tokens of `all` before its tail `rest`.
fn tokens_before(all: &[String], rest: &[String]) -> Vec<String> {
    all[..all.len() - rest.len()].to_vec()
}

/// The PascalCase words that every name ends with, if there are any.
fn shared_suffix(names: &[String]) -> Option<String> {
    if names.len() < 2 {
        return None;
    }
    let words = names
        .iter()
        .map(|name| split_words(name))
        .collect::<Vec<_>>();
    let mut suffix: Vec<&str> = Vec::new();
    for depth in 1.. {
        let mut candidates = words
            .iter()
            .map(|w| w.len().checked_sub(depth).map(|i| w[i]));
        let Some(Some(word)) = candidates.next() else {
            break;
        };
        if candidates.any(|candidate| candidate != Some(word)) {
            break;
        }
        suffix.insert(0, word);
    }
    (!suffix.is_empty()).then(|| suffix.concat())
}

fn split_words(name: &str) -> Vec<&str> {
    let starts = name
        .char_indices()
        .filter(|(_, c)| c.is_ascii_uppercase())
        .map(|(i, _)| i)
        .chain([name.len()])
        .collect::<Vec<_>>();
    starts.windows(2).map(|w| &name[w[0]..w[1]]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_schema_location() {
        let document = serde_json::json!({
            "components": { "schemas": {
                "Run": { "properties": {
                    "status": { "type": "string", "enum": ["passed", "timedOut"] },
                    "groups": { "items": { "properties": {
                        "kind": { "type": "string", "enum": ["a"] }
                    }}}
                }},
                "RunResponse": { "properties": { "status": { "type": "string", "enum": ["OK"] } } },
                "RunDeleteResponse": { "properties": { "status": { "type": "string", "enum": ["OK"] } } }
            }}
        });
        let found = find_open_enums(&document).expect("enums are valid");
        let names = found.iter().map(|e| e.name.as_str()).collect::<Vec<_>>();
        // Document order: object keys are sorted, so `groups` comes before `status`.
        assert_eq!(names, ["RunGroupsItemKind", "RunStatus", "ResponseStatus"]);
        assert_eq!(found[2].pointers.len(), 2);
    }

    #[test]
    fn places_with_one_title_share_one_type_with_every_value() {
        let document = serde_json::json!({
            "components": { "schemas": {
                "Run": { "properties": { "status": { "type": "string", "title": "RunStatus",
                    "enum": ["passed", "failed", "errored"] } } },
                "RunFeedItem": { "properties": { "status": { "type": "string", "title": "RunStatus",
                    "enum": ["passed", "failed", "FAILED"], "x-enum-aliases": { "FAILED": "failed" } } } },
                "ActionStatus": { "type": "string", "enum": ["active"] }
            }}
        });
        let found = find_open_enums(&document).expect("one vocabulary");
        let status = found
            .iter()
            .find(|e| e.name == "RunStatus")
            .expect("RunStatus");
        assert_eq!(status.values, ["passed", "failed", "errored", "FAILED"]);
        assert_eq!(
            status.schema_keys().len(),
            2,
            "each place is swapped for the type"
        );
        let variants = status.variants().expect("variants");
        assert_eq!(
            variants.iter().map(Variant::wire).collect::<Vec<_>>(),
            ["passed", "FAILED", "errored"]
        );
        let action = found
            .iter()
            .find(|e| e.name == "ActionStatus")
            .expect("a component enum");
        assert!(action.replaces_component);
    }

    #[test]
    fn a_value_named_unknown_is_refused() {
        let document = serde_json::json!({
            "components": { "schemas": { "Job": { "properties": {
                "state": { "type": "string", "enum": ["done", "unknown"] }
            }}}}
        });
        let error = find_open_enums(&document).expect_err("Unknown is reserved");
        assert_eq!(
            error.to_string(),
            "the enum at /components/schemas/Job/properties/state cannot be generated: \
             value 'unknown' would shadow the Unknown variant"
        );
    }

    fn status_enum(aliases: Value) -> Value {
        serde_json::json!({
            "components": { "schemas": { "Run": { "properties": {
                "status": { "type": "string", "enum": ["passed", "failed", "PASSED", "FAILING"],
                            "x-enum-aliases": aliases }
            }}}}
        })
    }

    #[test]
    fn an_alias_joins_its_listed_value_and_is_the_spelling_serialised() {
        let found = find_open_enums(&status_enum(serde_json::json!({ "PASSED": "passed" })))
            .expect("valid aliases");
        let variants = found[0].variants().expect("variants");
        let summary = variants
            .iter()
            .map(|v| (v.ident.to_string(), v.listed.as_str(), v.wire()))
            .collect::<Vec<_>>();
        assert_eq!(
            summary,
            [
                ("Passed".to_owned(), "passed", "PASSED"),
                ("Failed".to_owned(), "failed", "failed"),
                ("Failing".to_owned(), "FAILING", "FAILING"),
            ]
        );
        // typify looks conversions up by the whole schema, extensions included.
        assert!(found[0].schema_keys()[0].extensions.contains_key(ALIASES));
    }

    #[test]
    fn a_described_value_documents_its_variant() {
        let document = serde_json::json!({ "components": { "schemas": { "Order": {
            "type": "string", "enum": ["title", "executions"],
            DESCRIPTIONS: { "title": "by title, alphabetically." } } } } });
        let found = find_open_enums(&document).expect("a valid enum");
        let code = found[0].tokens().expect("tokens").to_string();
        assert!(
            code.contains("`title`: by title, alphabetically."),
            "{code}"
        );
        assert!(
            code.contains("\"`executions`\""),
            "an undescribed value keeps its spelling: {code}"
        );
    }

    #[test]
    fn aliases_that_cannot_be_realised_are_refused_with_the_reason() {
        for (aliases, reason) in [
            (
                serde_json::json!({ "FAILED": "failed" }),
                "alias 'FAILED' must also be listed",
            ),
            (
                serde_json::json!({ "PASSED": "done" }),
                "must stand for a listed value",
            ),
            (
                serde_json::json!({ "PASSED": "passed", "FAILING": "passed" }),
                "'passed' has two aliases",
            ),
        ] {
            let error =
                find_open_enums(&status_enum(aliases.clone())).expect_err("invalid aliases");
            assert!(error.to_string().contains(reason), "{aliases}: {error}");
        }
        let error = find_open_enums(&serde_json::json!({ "components": { "schemas": { "Run": {
            "properties": { "status": { "type": "string", "enum": ["failed", "FAILED"] } } } } } }))
        .expect_err("two spellings, no alias");
        assert!(
            error
                .to_string()
                .contains("declare one as an alias of the other"),
            "{error}"
        );
    }
}
