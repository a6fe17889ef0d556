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

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use typify::{TypeDetails, TypeSpace};

use crate::{Error, OpenEnum, limits};

/// The path at which `currents-api` keeps the hand-written half of the request machinery
/// (the `Request` trait, parameter encoding, `Method`).
pub const WIRE_PATH: &str = "crate::wire";

const METHODS: [(&str, &str); 5] = [
    ("get", "Get"),
    ("put", "Put"),
    ("post", "Post"),
    ("delete", "Delete"),
    ("patch", "Patch"),
];

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
    list: bool,
    schema: Value,
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
    let operations = read_operations(document, types, open_enums, &mut param_types)?;
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
    let version = document["info"]["version"].as_str().unwrap_or_default();

    Ok(quote! {
        /// Every operation of the Currents REST API, described once, from `spec/currents.json`.
        ///
        /// [`Operation`](crate::operations::Operation) names each one; each has a request type
        /// of its own name with a field per parameter, which implements
        /// [`Request`](crate::operations::Request): how it is sent, how a server reads it back,
        /// and what its answer decodes to.
        pub mod operations {
            pub use #wire::{Method, ParamError, ParamValue, Request, RequestParts};
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

            #( #param_value_impls )*
        }

        #component_limits
    })
}

fn read_operations(
    document: &Value,
    types: &TypeSpace,
    open_enums: &[OpenEnum],
    param_types: &mut BTreeSet<String>,
) -> Result<Vec<Operation>, Error> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        let shared = item["parameters"].as_array().cloned().unwrap_or_default();
        for (method_key, method) in METHODS {
            let Some(operation) = item.get(method_key) else {
                continue;
            };
            let pointer = format!("/paths/{}/{method_key}", escape(path));
            let id = operation["operationId"]
                .as_str()
                .ok_or_else(|| invalid(&pointer, "has no operationId"))?;
            let mut parameters = Vec::new();
            let declared = shared
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("/paths/{}/parameters/{i}", escape(path)), p))
                .chain(
                    operation["parameters"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .map(|(i, p)| (format!("{pointer}/parameters/{i}"), p)),
                );
            for (at, parameter) in declared {
                let (at, parameter) = resolve(document, &at, parameter);
                parameters.push(read_parameter(
                    document,
                    types,
                    open_enums,
                    &at,
                    parameter,
                    param_types,
                )?);
            }
            let mut fields = BTreeMap::new();
            for parameter in &parameters {
                if let Some(other) = fields.insert(parameter.field.to_string(), &parameter.name) {
                    return Err(invalid(
                        &pointer,
                        &format!(
                            "parameters '{other}' and '{}' both become field {}",
                            parameter.name, parameter.field
                        ),
                    ));
                }
            }
            let (success, response_schema) = success_response(document, &pointer, operation)?;
            let response = component_type(types, &pointer, response_schema)?;
            let data = data_type(types, response_schema)?;
            let body = match operation.get("requestBody") {
                None => None,
                Some(body) => {
                    let (_, body) = resolve(document, &format!("{pointer}/requestBody"), body);
                    let schema = &body["content"]["application/json"]["schema"];
                    Some(Body {
                        ty: component_type(types, &format!("{pointer}/requestBody"), schema)?,
                        required: body["required"] == Value::Bool(true),
                    })
                }
            };
            operations.push(Operation {
                id: id.to_owned(),
                ident: format_ident!("{}", id.to_upper_camel_case()),
                method: format_ident!("{method}"),
                method_name: method_key.to_uppercase(),
                path: path.clone(),
                summary: text(operation, "summary").unwrap_or_else(|| id.to_owned()),
                description: text(operation, "description"),
                success,
                response,
                data,
                parameters,
                body,
            });
        }
    }
    Ok(operations)
}

fn read_parameter(
    document: &Value,
    types: &TypeSpace,
    open_enums: &[OpenEnum],
    at: &str,
    parameter: &Value,
    param_types: &mut BTreeSet<String>,
) -> Result<Parameter, Error> {
    let name = parameter["name"]
        .as_str()
        .ok_or_else(|| invalid(at, "has no name"))?;
    let location = match parameter["in"].as_str() {
        Some("path") => Location::Path,
        Some("query") => Location::Query,
        other => {
            return Err(invalid(
                at,
                &format!("is in {other:?}; only path and query parameters are supported"),
            ));
        }
    };
    let (schema_at, schema) = resolve(document, &format!("{at}/schema"), &parameter["schema"]);
    let list = schema["type"] == "array";
    let (value_at, value_schema) = if list {
        resolve(document, &format!("{schema_at}/items"), &schema["items"])
    } else {
        (schema_at.clone(), schema)
    };
    let reference = if list {
        &schema["items"]
    } else {
        &parameter["schema"]
    };
    let (value, generated) = value_type(types, open_enums, &value_at, value_schema, reference)?;
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
        required: parameter["required"] == Value::Bool(true),
        deprecated: parameter["deprecated"] == Value::Bool(true),
        description: text(parameter, "description"),
        value,
        list,
        schema: schema.clone(),
    })
}

/// The Rust type of one parameter value, and whether it is a generated type (rather than one
/// of the standard ones `ParamValue` already knows).
fn value_type(
    types: &TypeSpace,
    open_enums: &[OpenEnum],
    at: &str,
    schema: &Value,
    reference: &Value,
) -> Result<(TokenStream, bool), Error> {
    if let Some(open_enum) = open_enums
        .iter()
        .find(|e| e.pointers.iter().any(|p| p == at))
    {
        let name = format_ident!("{}", open_enum.name);
        return Ok((quote!(types::#name), true));
    }
    if reference.get("$ref").is_some() {
        return Ok((component_type(types, at, reference)?, true));
    }
    let standard = match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("string"), Some("date-time")) => {
            quote!(::chrono::DateTime<::chrono::offset::Utc>)
        }
        (Some("string"), _) => quote!(::std::string::String),
        (Some("integer"), _) => quote!(i64),
        (Some("number"), _) => quote!(f64),
        (Some("boolean"), _) => quote!(bool),
        _ => {
            return Err(invalid(
                at,
                "is not a string, number, boolean, enum, component or list of them",
            ));
        }
    };
    Ok((standard, false))
}

/// The generated type of a `$ref` to a component schema.
fn component_type(types: &TypeSpace, at: &str, schema: &Value) -> Result<TokenStream, Error> {
    let name = schema["$ref"]
        .as_str()
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
        .ok_or_else(|| {
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
    let Some(name) = response["$ref"]
        .as_str()
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
    else {
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
        .map_err(|error| invalid(name, &format!("the type of its data: {error}")))?;
    Ok(Some(data.ident()))
}

/// The first 2xx response: its status and its JSON schema.
fn success_response<'a>(
    document: &'a Value,
    at: &str,
    operation: &'a Value,
) -> Result<(u16, &'a Value), Error> {
    let (status, response) = operation["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .find(|(status, _)| status.starts_with('2'))
        .ok_or_else(|| invalid(at, "has no 2xx response"))?;
    let status = status.parse().map_err(|_| {
        invalid(
            at,
            &format!("has a success status '{status}' that is not a number"),
        )
    })?;
    let (_, response) = resolve(document, at, response);
    Ok((status, &response["content"]["application/json"]["schema"]))
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

/// Follows a local `$ref`, returning the target and its JSON pointer; anything else is itself.
fn resolve<'a>(document: &'a Value, at: &str, node: &'a Value) -> (String, &'a Value) {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix('#'))
    {
        Some(pointer) => match document.pointer(pointer) {
            Some(target) => (pointer.to_owned(), target),
            None => (at.to_owned(), node),
        },
        None => (at.to_owned(), node),
    }
}

fn text(node: &Value, key: &str) -> Option<String> {
    node.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
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
