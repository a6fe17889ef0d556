//! The operations module: each operation of the spec described once, as Rust.
//!
//! It holds an `Operation` enum (id, method, path template, success status) and, per
//! operation, a request struct with one field per parameter and for the body. Each struct
//! implements `Request`: how it goes on the wire (path parameters, query pairs, body), how a
//! server reads it back, and which generated types its answer decodes to. The client builds
//! requests from these structs and currents-fake routes and parses them with them, so a
//! parameter renamed in the spec renames a field that both must follow, and a changed path or
//! method moves both.

use std::collections::{BTreeMap, BTreeSet};

use currents_spec::{Location as SpecLocation, PageStyle, Spec, schema_name};
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use typify::{TypeDetails, TypeSpace};

use crate::{Error, OpenEnum, limits};

/// The path at which `currents-api` keeps the hand-written half of the request machinery
/// (the `Request` trait, parameter encoding, `Method`).
pub const WIRE_PATH: &str = "crate::wire";

/// One operation, read from the spec.
struct Operation {
    id: String,
    ident: syn::Ident,
    method: syn::Ident,
    method_name: String,
    path: String,
    summary: String,
    description: Option<String>,
    success: u16,
    response: TokenStream,
    data: Option<TokenStream>,
    parameters: Vec<Parameter>,
    body: Option<Body>,
    pagination: Option<Paging>,
}

/// A list operation's pagination, for its generated `Paginated` impl.
struct Paging {
    style: PageStyle,
    /// The position field and the limit field with its `maximum` constant; `None` for a list
    /// answered whole.
    controls: Option<(syn::Ident, syn::Ident, syn::Ident)>,
    item: TokenStream,
    key: Option<syn::Ident>,
    /// A time-sliced list's item time field, and its range fields with whether each is
    /// required.
    time: Option<TimeSlicing>,
}

struct TimeSlicing {
    field: syn::Ident,
    start: (syn::Ident, bool),
    end: (syn::Ident, bool),
}

struct Parameter {
    name: String,
    field: syn::Ident,
    location: Location,
    required: bool,
    deprecated: bool,
    description: Option<String>,
    /// The type of one value: the field is this, an `Option` of it, or a `Vec` of it.
    value: TokenStream,
    kind: Kind,
    list: bool,
    schema: Value,
    /// The schema of one value (a list's items), whose rules its setter checks.
    value_schema: Value,
    /// Whether a generated setter sets it: an optional parameter that the walker of a list
    /// does not own (its position and page size).
    settable: bool,
}

/// What a parameter value is, which decides how its setter takes it and what it checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Location {
    Path,
    Query,
}

struct Body {
    ty: TokenStream,
    required: bool,
}

/// The operations module for the merged document. `types` is progenitor's type space for the
/// document's components; `open_enums` are the enums generated beside it.
pub(crate) fn tokens(
    document: &Value,
    types: &TypeSpace,
    open_enums: &[OpenEnum],
) -> Result<TokenStream, Error> {
    let mut param_types = BTreeSet::new();
    let spec = Spec::read(document).map_err(|error| invalid(&error.pointer, &error.reason))?;
    let operations = read_operations(&spec, types, open_enums, &mut param_types)?;
    let wire: syn::Path = syn::parse_str(WIRE_PATH).expect("a valid path");

    let idents = operations.iter().map(|op| &op.ident).collect::<Vec<_>>();
    let count = operations.len();
    let ids = operations.iter().map(|op| op.id.as_str());
    let methods = operations.iter().map(|op| &op.method);
    let paths = operations.iter().map(|op| op.path.as_str());
    let successes = operations.iter().map(|op| op.success);
    let variant_docs = operations
        .iter()
        .map(|op| format!("`{} {}`: {}", op.method_name, op.path, op.summary));
    let requests = operations
        .iter()
        .map(|op| request_tokens(op, &wire))
        .collect::<Result<Vec<_>, _>>()?;
    let pagings = operations.iter().map(paging_tokens);
    let params = operations.iter().filter_map(params_tokens);
    let param_value_impls = param_types.iter().map(|ty| {
        let ty: TokenStream = ty.parse().expect("a type the generator wrote");
        quote! {
            impl #wire::ParamValue for #ty {
                fn to_param(&self) -> ::std::string::String {
                    ::std::string::ToString::to_string(self)
                }

                fn from_param(text: &str) -> ::std::result::Result<Self, ::std::string::String> {
                    text.parse().map_err(|error| ::std::string::ToString::to_string(&error))
                }
            }
        }
    });
    let component_limits = limits::component_tokens(document, types)?;
    let version = spec.version();

    Ok(quote! {
        /// Every operation of the Currents REST API, described once, from `spec/currents.json`.
        ///
        /// [`Operation`](crate::operations::Operation) names each one; each has a request type
        /// of its own name with a field per parameter, which implements
        /// [`Request`](crate::operations::Request): how it is sent, how a server reads it back,
        /// and what its answer decodes to.
        pub mod operations {
            pub use #wire::{Method, ParamError, ParamValue, Request, RequestParts, Setters};
            pub use crate::paging::{ItemKey, ItemTime, Next, PageStyle, Paginated, Position, Single, TimeRange, raw_cursor, raw_total};
            use crate::types;

            /// The spec's `info.version`, which a client sends as its `api-version` header.
            pub const API_VERSION: &str = #version;

            /// An operation of the Currents REST API. A new operation in the spec is a new
            /// variant, which every exhaustive `match` must then handle.
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum Operation {
                #( #[doc = #variant_docs] #idents, )*
            }

            impl Operation {
                /// Every operation, by path and then method.
                pub const ALL: [Operation; #count] = [ #( Operation::#idents, )* ];

                /// The spec's `operationId`, such as `getRun`.
                pub const fn id(self) -> &'static str {
                    match self { #( Operation::#idents => #ids, )* }
                }

                /// The HTTP method.
                pub const fn method(self) -> Method {
                    match self { #( Operation::#idents => Method::#methods, )* }
                }

                /// The path template, below the base URL: `/runs/{runId}`.
                pub const fn path(self) -> &'static str {
                    match self { #( Operation::#idents => #paths, )* }
                }

                /// The status of a successful answer.
                pub const fn success_status(self) -> u16 {
                    match self { #( Operation::#idents => #successes, )* }
                }
            }

            #( #requests )*

            #( #pagings )*

            #( #param_value_impls )*

            /// The optional parameters of each operation, as setters on anything that builds
            /// its request ([`Setters`]): one trait per operation, `ListProjectRunsParams` for
            /// `listProjectRuns`, so that a list takes exactly the filters the spec gives it.
            /// Each setter checks the spec's rules for its value (`pattern`, lengths, bounds).
            pub mod params {
                use super::*;

                #( #params )*
            }
        }

        #component_limits
    })
}

fn read_operations(
    spec: &Spec<'_>,
    types: &TypeSpace,
    open_enums: &[OpenEnum],
    param_types: &mut BTreeSet<String>,
) -> Result<Vec<Operation>, Error> {
    let mut operations = Vec::new();
    for operation in spec.operations() {
        let pointer = &operation.pointer;
        let id = operation.id.as_str();
        let mut parameters = Vec::new();
        let controls = operation
            .pagination
            .as_ref()
            .map(|pagination| pagination.controls.clone())
            .unwrap_or_default();
        for parameter in &operation.parameters {
            parameters.push(read_parameter(
                types,
                open_enums,
                parameter,
                &controls,
                param_types,
            )?);
        }
        let mut fields = BTreeMap::new();
        for parameter in &parameters {
            if let Some(other) = fields.insert(parameter.field.to_string(), &parameter.name) {
                return Err(invalid(
                    pointer,
                    &format!(
                        "parameters '{other}' and '{}' both become field {}",
                        parameter.name, parameter.field
                    ),
                ));
            }
        }
        let success = operation
            .success()
            .ok_or_else(|| invalid(pointer, "has no 2xx response"))?;
        let status = success.code().ok_or_else(|| {
            invalid(
                pointer,
                &format!(
                    "has a success status '{}' that is not a number",
                    success.status
                ),
            )
        })?;
        let response_schema = success.schema.unwrap_or(&Value::Null);
        let response = component_type(types, pointer, response_schema)?;
        let data = data_type(types, response_schema)?;
        let body = match &operation.body {
            None => None,
            Some(body) => Some(Body {
                ty: component_type(types, &body.at.pointer, body.schema.unwrap_or(&Value::Null))?,
                required: body.required,
            }),
        };
        let pagination = match &operation.pagination {
            None => None,
            Some(pagination) => Some(read_pagination(types, pointer, pagination, &parameters)?),
        };
        operations.push(Operation {
            id: id.to_owned(),
            ident: format_ident!("{}", id.to_upper_camel_case()),
            method: format_ident!("{}", operation.method.name()),
            method_name: operation.method.as_str().to_owned(),
            path: operation.path.clone(),
            summary: operation.summary.unwrap_or(id).to_owned(),
            description: operation.description.map(str::to_owned),
            success: status,
            response,
            data,
            parameters,
            body,
            pagination,
        });
    }
    Ok(operations)
}

fn read_parameter(
    types: &TypeSpace,
    open_enums: &[OpenEnum],
    parameter: &currents_spec::Parameter<'_>,
    controls: &[String],
    param_types: &mut BTreeSet<String>,
) -> Result<Parameter, Error> {
    let at = &parameter.at.pointer;
    let name = parameter.name.as_str();
    let location = match parameter.location {
        SpecLocation::Path => Location::Path,
        SpecLocation::Query => Location::Query,
        other => {
            return Err(invalid(
                at,
                &format!(
                    "is in {}; only path and query parameters are supported",
                    other.as_str()
                ),
            ));
        }
    };
    let (reference, value_schema) = parameter.value_schema();
    let (value, kind, generated) = value_type(
        types,
        open_enums,
        &value_schema.pointer,
        value_schema.value,
        reference,
    )?;
    if let Some(pattern) = value_schema.value.get("pattern").and_then(Value::as_str)
        && let Err(error) = regress::Regex::new(pattern)
    {
        return Err(invalid(
            &value_schema.pointer,
            &format!("has a pattern that is not ECMA-262: {error}"),
        ));
    }
    if generated {
        // A generated type learns to be a parameter value from its `FromStr` and `Display`.
        param_types.insert(value.to_string());
    }
    let field = name.trim_end_matches("[]").to_snake_case();
    let field = syn::parse_str::<syn::Ident>(&field)
        .or_else(|_| syn::parse_str::<syn::Ident>(&format!("r#{field}")))
        .map_err(|_| invalid(at, &format!("'{name}' gives no Rust field name")))?;
    Ok(Parameter {
        name: name.to_owned(),
        field,
        location,
        required: parameter.required,
        deprecated: parameter.deprecated,
        description: parameter.description.map(str::to_owned),
        value,
        kind,
        list: parameter.items.is_some(),
        schema: parameter.schema.value.clone(),
        value_schema: value_schema.value.clone(),
        settable: !parameter.required
            && location == Location::Query
            && !controls.iter().any(|control| control == name),
    })
}

/// The Rust type of one parameter value, what kind of value it is, and whether it is a
/// generated type (rather than one of the standard ones `ParamValue` already knows).
fn value_type(
    types: &TypeSpace,
    open_enums: &[OpenEnum],
    at: &str,
    schema: &Value,
    reference: &Value,
) -> Result<(TokenStream, Kind, bool), Error> {
    if let Some(open_enum) = open_enums
        .iter()
        .find(|e| e.pointers.iter().any(|p| p == at))
    {
        let name = format_ident!("{}", open_enum.name);
        return Ok((quote!(types::#name), Kind::Other, true));
    }
    if reference.get("$ref").is_some() {
        return Ok((component_type(types, at, reference)?, Kind::Other, true));
    }
    let (standard, kind) = match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("string"), Some("date-time")) => (
            quote!(::chrono::DateTime<::chrono::offset::Utc>),
            Kind::Other,
        ),
        (Some("string"), _) => (quote!(::std::string::String), Kind::Text),
        (Some("integer"), _) => (quote!(i64), Kind::Integer),
        (Some("number"), _) => (quote!(f64), Kind::Other),
        (Some("boolean"), _) => (quote!(bool), Kind::Other),
        _ => {
            return Err(invalid(
                at,
                "is not a string, number, boolean, enum, component or list of them",
            ));
        }
    };
    Ok((standard, kind, false))
}

/// A list's pagination: the item type, the fields its walker sets and the largest page.
fn read_pagination(
    types: &TypeSpace,
    at: &str,
    pagination: &currents_spec::Pagination<'_>,
    parameters: &[Parameter],
) -> Result<Paging, Error> {
    let key = pagination
        .key
        .map(|key| format_ident!("{}", key.to_snake_case()));
    let item = component_type(types, at, pagination.item_ref)?;
    let (Some(position), Some(limit)) = (&pagination.position, &pagination.limit) else {
        return Ok(Paging {
            style: pagination.style,
            controls: None,
            item,
            key,
            time: None,
        });
    };
    let parameter = |name: &str| {
        parameters
            .iter()
            .find(|parameter| parameter.name == name)
            .ok_or_else(|| invalid(at, &format!("pages with '{name}', which it does not take")))
    };
    let limit = parameter(limit)?;
    if limit.schema.get("maximum").is_none() {
        return Err(invalid(
            at,
            &format!(
                "pages with '{}', which has no maximum, so a walk cannot ask for full pages",
                limit.name
            ),
        ));
    }
    let limit_const = format_ident!("{}_MAXIMUM", limit.field.to_string().to_shouty_snake_case());
    let time = match pagination.time {
        None => None,
        Some(field) => Some(time_slicing(at, pagination.style, field, &parameter)?),
    };
    Ok(Paging {
        style: pagination.style,
        controls: Some((
            parameter(position)?.field.clone(),
            limit.field.clone(),
            limit_const,
        )),
        item,
        key,
        time,
    })
}

/// A time-sliced list's fields: it must be a cursor list whose range parameters are
/// date-times, or a walk could not cut it.
fn time_slicing<'p>(
    at: &str,
    style: PageStyle,
    field: &str,
    parameter: &impl Fn(&str) -> Result<&'p Parameter, Error>,
) -> Result<TimeSlicing, Error> {
    if style != PageStyle::Cursor {
        return Err(invalid(
            at,
            &format!(
                "names {} '{field}', but only a cursor list is cut into time slices",
                currents_spec::ITEM_TIME
            ),
        ));
    }
    let bound = |name: &str| {
        let parameter = parameter(name)?;
        if parameter.schema["format"] != "date-time" || parameter.list {
            return Err(invalid(
                at,
                &format!("is cut into time slices by '{name}', which is not one date-time"),
            ));
        }
        Ok((parameter.field.clone(), parameter.required))
    };
    Ok(TimeSlicing {
        field: format_ident!("{}", field.to_snake_case()),
        start: bound(currents_spec::RANGE_START)?,
        end: bound(currents_spec::RANGE_END)?,
    })
}

/// The generated type of a `$ref` to a component schema.
fn component_type(types: &TypeSpace, at: &str, schema: &Value) -> Result<TokenStream, Error> {
    let name = schema_name(schema).ok_or_else(|| {
        invalid(
            at,
            "must be a $ref to a component schema, so that its generated type has a name",
        )
    })?;
    let type_name = name.to_upper_camel_case();
    if !types.iter_types().any(|ty| ty.name() == type_name) {
        return Err(invalid(
            at,
            &format!("names {name}, which has no generated type"),
        ));
    }
    let ident = format_ident!("{type_name}");
    Ok(quote!(types::#ident))
}

/// The type of the `data` member of a success response, where it has one.
fn data_type(types: &TypeSpace, response: &Value) -> Result<Option<TokenStream>, Error> {
    let Some(name) = schema_name(response) else {
        return Ok(None);
    };
    let type_name = name.to_upper_camel_case();
    let Some(ty) = types.iter_types().find(|ty| ty.name() == type_name) else {
        return Ok(None);
    };
    let TypeDetails::Struct(details) = ty.details() else {
        return Ok(None);
    };
    let Some((_, data)) = details.properties().find(|(name, _)| *name == "data") else {
        return Ok(None);
    };
    let data = types
        .get_type(&data)
        .map_err(|error| invalid(&name, &format!("the type of its data: {error}")))?;
    Ok(Some(data.ident()))
}

fn request_tokens(op: &Operation, wire: &syn::Path) -> Result<TokenStream, Error> {
    let Operation {
        id,
        ident,
        method_name,
        path,
        summary,
        ..
    } = op;
    let mut struct_doc = vec![format!("`{id}`: `{method_name} {path}`. {summary}.")];
    if let Some(description) = &op.description {
        struct_doc.push(String::new());
        struct_doc.extend(description.lines().map(str::to_owned));
    }
    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_fields = Vec::new();
    let mut path_params = Vec::new();
    let mut query = Vec::new();
    let mut parsed = Vec::new();
    for parameter in &op.parameters {
        let Parameter {
            name, field, value, ..
        } = parameter;
        let ty = match (parameter.list, parameter.required) {
            (true, _) => quote!(::std::vec::Vec<#value>),
            (false, true) => quote!(#value),
            (false, false) => quote!(::std::option::Option<#value>),
        };
        let where_ = match parameter.location {
            Location::Path => "path",
            Location::Query => "query",
        };
        let doc = format!(
            "`{name}` ({where_}{}): {}",
            if parameter.required { ", required" } else { "" },
            parameter.description.as_deref().unwrap_or("no description")
        );
        let deprecated = parameter
            .deprecated
            .then(|| quote!(#[deprecated = "the spec deprecates this parameter"]));
        fields.push(quote! { #[doc = #doc] #deprecated pub #field: #ty, });
        if parameter.required && !parameter.list {
            new_args.push(quote!(#field: impl ::std::convert::Into<#value>));
            new_fields.push(quote!(#field: #field.into(),));
        } else if parameter.list {
            new_fields.push(quote!(#field: ::std::vec::Vec::new(),));
        } else {
            new_fields.push(quote!(#field: ::std::option::Option::None,));
        }
        match (parameter.location, parameter.list, parameter.required) {
            (Location::Path, _, _) => {
                path_params.push(quote!((#name, #wire::ParamValue::to_param(&self.#field)),));
                parsed.push(quote!(#field: parts.path(#name)?,));
            }
            (Location::Query, true, required) => {
                query.push(quote! {
                    query.extend(self.#field.iter().map(|value| (#name, #wire::ParamValue::to_param(value))));
                });
                parsed.push(quote!(#field: parts.query_list(#name, #required)?,));
            }
            (Location::Query, false, true) => {
                query.push(quote!(query.push((#name, #wire::ParamValue::to_param(&self.#field)));));
                parsed.push(quote!(#field: parts.query(#name)?,));
            }
            (Location::Query, false, false) => {
                query.push(quote! {
                    if let ::std::option::Option::Some(value) = &self.#field {
                        query.push((#name, #wire::ParamValue::to_param(value)));
                    }
                });
                parsed.push(quote!(#field: parts.optional_query(#name)?,));
            }
        }
    }
    let (body_type, body_get) = match &op.body {
        Some(Body { ty, required: true }) => {
            fields.push(quote! { #[doc = "The request body."] pub body: #ty, });
            new_args.push(quote!(body: #ty));
            new_fields.push(quote!(body,));
            parsed.push(quote!(body: parts.body()?,));
            (ty.clone(), quote!(::std::option::Option::Some(&self.body)))
        }
        Some(Body {
            ty,
            required: false,
        }) => {
            fields.push(quote! { #[doc = "The request body, if any."] pub body: ::std::option::Option<#ty>, });
            new_fields.push(quote!(body: ::std::option::Option::None,));
            parsed.push(quote!(body: parts.optional_body()?,));
            (ty.clone(), quote!(self.body.as_ref()))
        }
        None => (quote!(()), quote!(::std::option::Option::None)),
    };
    let response = &op.response;
    let (data_type, data_get) = match &op.data {
        Some(data) => (data.clone(), quote!(response.data)),
        None => (response.clone(), quote!(response)),
    };
    let query_fn = if query.is_empty() {
        quote!({ ::std::vec::Vec::new() })
    } else {
        quote!({
            let mut query = ::std::vec::Vec::new();
            #( #query )*
            query
        })
    };
    let parameter_limits = op
        .parameters
        .iter()
        .map(|p| {
            let prefix = p.field.to_string().to_shouty_snake_case();
            limits::consts(&prefix, &format!("`{}`", p.name), &p.schema)
        })
        .collect::<Vec<_>>();
    let new_doc =
        format!("A `{id}` request with its required parameters; set the others on the fields.");
    let needs_allow = op.parameters.iter().any(|p| p.deprecated);
    let allow = needs_allow.then(|| quote!(#[allow(deprecated)]));
    Ok(quote! {
        #( #[doc = #struct_doc] )*
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub struct #ident {
            #( #fields )*
        }

        impl #ident {
            #[doc = #new_doc]
            #allow
            pub fn new( #( #new_args ),* ) -> Self {
                Self { #( #new_fields )* }
            }

            #( #parameter_limits )*
        }

        impl #wire::Request for #ident {
            const OPERATION: Operation = Operation::#ident;
            type Body = #body_type;
            type Response = #response;
            type Data = #data_type;

            fn path_params(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                ::std::vec::Vec::from([ #( #path_params )* ])
            }

            #allow
            fn query(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> #query_fn

            fn body(&self) -> ::std::option::Option<&Self::Body> {
                #body_get
            }

            fn data(response: Self::Response) -> Self::Data {
                #data_get
            }

            #allow
            fn from_parts(parts: &#wire::RequestParts<'_>) -> ::std::result::Result<Self, #wire::ParamError> {
                ::std::result::Result::Ok(Self { #( #parsed )* })
            }
        }
    })
}

/// A list's `Paginated` impl, or `Single` for an operation with one answer.
fn paging_tokens(op: &Operation) -> TokenStream {
    let ident = &op.ident;
    let Some(Paging {
        style,
        controls,
        item,
        key,
        time,
    }) = &op.pagination
    else {
        return quote! { impl Single for #ident {} };
    };
    let style = format_ident!(
        "{}",
        match style {
            PageStyle::Cursor => "Cursor",
            PageStyle::Number => "Number",
            _ => "Whole",
        }
    );
    let (max_limit, set_page) = match controls {
        Some((position, limit, limit_const)) => {
            let place = if style == "Cursor" {
                quote!(Position::After(cursor) => ::std::option::Option::Some(cursor.clone()),)
            } else {
                quote!(Position::Page(page) => ::std::option::Option::Some(*page),)
            };
            (
                quote!(Self::#limit_const),
                quote! {
                    self.#limit = ::std::option::Option::Some(limit);
                    self.#position = match position {
                        #place
                        _ => ::std::option::Option::None,
                    };
                },
            )
        }
        // Answered whole: there is no page to ask for.
        None => (quote!(i64::MAX), quote!(let _ = (position, limit);)),
    };
    let key = match key {
        Some(key) => quote!(ItemKey::item_key(&item.#key)),
        None => quote!({
            let _ = item;
            ::std::option::Option::None
        }),
    };
    let sliced = sliced_tokens(time.as_ref());
    quote! {
        impl Paginated for #ident {
            type Item = #item;
            const STYLE: PageStyle = PageStyle::#style;
            const MAX_LIMIT: i64 = #max_limit;

            fn set_page(&mut self, position: &Position, limit: i64) {
                #set_page
            }

            fn key(item: &Self::Item) -> ::std::option::Option<::std::string::String> {
                #key
            }

            #sliced
        }
    }
}

/// The time-slicing members of a list's `Paginated` impl, if its items name a time.
fn sliced_tokens(time: Option<&TimeSlicing>) -> TokenStream {
    let Some(TimeSlicing { field, start, end }) = time else {
        return TokenStream::new();
    };
    // A required bound is always the request's own; an optional one may be open.
    let read = |(ident, required): &(syn::Ident, bool)| {
        if *required {
            quote!(::std::option::Option::Some(self.#ident))
        } else {
            quote!(self.#ident)
        }
    };
    let write = |(ident, required): &(syn::Ident, bool), from: TokenStream| {
        if *required {
            quote! {
                if let ::std::option::Option::Some(at) = #from {
                    self.#ident = at;
                }
            }
        } else {
            quote! {
                if #from.is_some() {
                    self.#ident = #from;
                }
            }
        }
    };
    let (read_start, read_end) = (read(start), read(end));
    let write_start = write(start, quote!(range.start));
    let write_end = write(end, quote!(range.end));
    quote! {
        const SLICED: bool = true;

        fn time(item: &Self::Item) -> ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>> {
            ItemTime::item_time(&item.#field)
        }

        fn range(&self) -> TimeRange {
            TimeRange::new(#read_start, #read_end)
        }

        fn set_range(&mut self, range: TimeRange) {
            #write_start
            #write_end
        }
    }
}

/// The setters of an operation's optional parameters, if it has any.
fn params_tokens(op: &Operation) -> Option<TokenStream> {
    let settable = op
        .parameters
        .iter()
        .filter(|p| p.settable)
        .collect::<Vec<_>>();
    if settable.is_empty() {
        return None;
    }
    let ident = &op.ident;
    let trait_ident = format_ident!("{}Params", op.ident);
    let trait_doc = format!(
        "The optional parameters of `{}` ([`{ident}`]), one setter each.",
        op.id
    );
    let setters = settable
        .iter()
        .map(|parameter| setter_tokens(ident, parameter));
    Some(quote! {
        #[doc = #trait_doc]
        pub trait #trait_ident: Setters<#ident> {
            #( #setters )*
        }

        impl<S: Setters<#ident>> #trait_ident for S {}
    })
}

fn setter_tokens(request: &syn::Ident, parameter: &Parameter) -> TokenStream {
    let Parameter {
        name,
        field,
        value,
        kind,
        list,
        ..
    } = parameter;
    let rules = &parameter.value_schema;
    // The rules are the request type's constants (see `limits::consts`), named once.
    let limit = |keyword: &str, suffix: &str| {
        rules.get(keyword).map(|_| {
            let infix = if *list { "_ITEM" } else { "" };
            let name = format_ident!(
                "{}{infix}_{suffix}",
                field
                    .to_string()
                    .trim_start_matches("r#")
                    .to_shouty_snake_case()
            );
            quote!(::std::option::Option::Some(#request::#name))
        })
    };
    let none = || quote!(::std::option::Option::None);
    let check = match kind {
        Kind::Text => {
            let (min, max) = (
                limit("minLength", "MIN_LENGTH"),
                limit("maxLength", "MAX_LENGTH"),
            );
            let pattern = limit("pattern", "PATTERN");
            if pattern.is_none() && min.is_none() && max.is_none() {
                quote!()
            } else {
                let (pattern_static, pattern) = match pattern {
                    Some(_) => {
                        let source = format_ident!(
                            "{}{}_PATTERN",
                            field
                                .to_string()
                                .trim_start_matches("r#")
                                .to_shouty_snake_case(),
                            if *list { "_ITEM" } else { "" }
                        );
                        (
                            quote! {
                                static PATTERN: crate::rules::Pattern = ::std::sync::LazyLock::new(|| {
                                    ::regress::Regex::new(#request::#source)
                                        .expect("the generator compiled this pattern")
                                });
                            },
                            quote!(::std::option::Option::Some((#request::#source, &PATTERN))),
                        )
                    }
                    None => (quote!(), none()),
                };
                let (min, max) = (min.unwrap_or_else(none), max.unwrap_or_else(none));
                quote! {
                    #pattern_static
                    crate::rules::check_text(#name, &value, #pattern, #min, #max)?;
                }
            }
        }
        Kind::Integer => match (limit("minimum", "MINIMUM"), limit("maximum", "MAXIMUM")) {
            (None, None) => quote!(),
            (min, max) => {
                let (min, max) = (min.unwrap_or_else(none), max.unwrap_or_else(none));
                quote!(crate::rules::check_number(#name, value, #min, #max)?;)
            }
        },
        Kind::Other => quote!(),
    };
    let doc = format!(
        "`{name}`: {}",
        parameter.description.as_deref().unwrap_or("no description")
    );
    let deprecated = parameter
        .deprecated
        .then(|| quote!(#[deprecated = "the spec deprecates this parameter"] #[allow(deprecated)]));
    let takes = if *kind == Kind::Text {
        quote!(impl ::std::convert::Into<#value>)
    } else {
        quote!(#value)
    };
    if *list {
        quote! {
            #[doc = #doc]
            #deprecated
            fn #field<T: ::std::convert::Into<#value>>(self, values: impl ::std::iter::IntoIterator<Item = T>) -> Self {
                let values = values.into_iter().map(::std::convert::Into::into).collect::<::std::vec::Vec<#value>>();
                self.set(move |request| {
                    for value in values {
                        #check
                        request.#field.push(value);
                    }
                    ::std::result::Result::Ok(())
                })
            }
        }
    } else {
        let into = (*kind == Kind::Text).then(|| quote!(let value = value.into();));
        quote! {
            #[doc = #doc]
            #deprecated
            fn #field(self, value: #takes) -> Self {
                #into
                self.set(move |request| {
                    #check
                    request.#field = ::std::option::Option::Some(value);
                    ::std::result::Result::Ok(())
                })
            }
        }
    }
}

fn invalid(at: &str, reason: &str) -> Error {
    Error::Operation {
        pointer: at.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{Error, generate};

    fn document(operation: serde_json::Value) -> serde_json::Value {
        json!({
            "openapi": "3.0.2",
            "info": { "title": "t", "version": "1" },
            "servers": [{ "url": "http://localhost/v1", "description": "Local" }],
            "paths": { "/things/{id}": { "get": operation } },
            "components": { "schemas": { "Thing": { "type": "object", "properties": {
                "data": { "type": "object", "properties": { "id": { "type": "string" } } } } } } }
        })
    }

    fn ok_response() -> serde_json::Value {
        json!({ "200": { "description": "ok", "content": { "application/json": {
            "schema": { "$ref": "#/components/schemas/Thing" } } } } })
    }

    #[test]
    fn an_operation_becomes_a_variant_and_a_request_type() {
        let code = generate(&document(json!({
            "operationId": "getThing",
            "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": "tags[]", "in": "query", "schema": { "type": "array", "items": { "type": "string" } } },
                { "name": "limit", "in": "query", "schema": { "type": "integer", "maximum": 50 } }
            ],
            "responses": ok_response()
        })))
        .expect("generates");
        for expected in [
            "GetThing,",
            "pub struct GetThing {",
            "pub tags: ::std::vec::Vec<::std::string::String>,",
            "pub limit: ::std::option::Option<i64>,",
            "pub const LIMIT_MAXIMUM: i64 = 50i64;",
            // `data` is not required, so it may be absent.
            "type Data = ::std::option::Option<types::ThingData>;",
            "Operation::GetThing => \"/things/{id}\",",
        ] {
            assert!(code.contains(expected), "{expected} is missing:\n{code}");
        }
    }

    #[test]
    fn what_cannot_be_described_is_refused_with_its_pointer() {
        let inline = generate(&document(json!({
            "operationId": "getThing",
            "responses": { "200": { "description": "ok", "content": { "application/json": {
                "schema": { "type": "object" } } } } }
        })))
        .expect_err("an inline response has no type name");
        assert!(
            matches!(&inline, Error::Operation { pointer, .. } if pointer == "/paths/~1things~1{id}/get"),
            "{inline}"
        );
        let clash = generate(&document(json!({
            "operationId": "getThing",
            "parameters": [
                { "name": "tags", "in": "query", "schema": { "type": "string" } },
                { "name": "tags[]", "in": "query", "schema": { "type": "string" } }
            ],
            "responses": ok_response()
        })))
        .expect_err("two parameters, one field");
        assert!(
            clash
                .to_string()
                .contains("parameters 'tags' and 'tags[]' both become field tags"),
            "{clash}"
        );
    }
}
