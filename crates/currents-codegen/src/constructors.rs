//! Generated structs that survive additive changes: each is `#[non_exhaustive]`, so a field
//! the spec adds breaks no caller's struct expression or pattern, and each gets a constructor
//! for its required fields (in the order the struct declares them) and a `with_` setter for
//! every field (`set_` takes an `Option`), which is how code outside `currents-api` builds
//! or changes one: `CreateActionRequest::new(action, matcher, name).with_description("...")`.

use quote::{format_ident, quote};

/// Marks every struct with named fields in the `types` module `#[non_exhaustive]` and gives it
/// a constructor and setters.
pub(crate) fn add_to_types_module(file: &mut syn::File) -> Result<(), syn::Error> {
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
    let mut impls = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(structure) = item else {
            continue;
        };
        let syn::Fields::Named(fields) = &structure.fields else {
            continue;
        };
        structure.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        impls.push(constructor(&structure.ident, fields));
    }
    for tokens in impls {
        items.push(syn::parse2(tokens)?);
    }
    Ok(())
}

fn constructor(ident: &syn::Ident, fields: &syn::FieldsNamed) -> proc_macro2::TokenStream {
    let mut arguments = Vec::new();
    let mut values = Vec::new();
    let mut setters = Vec::new();
    let mut required_names = Vec::new();
    for field in &fields.named {
        let name = field.ident.as_ref().expect("named fields have names");
        let ty = &field.ty;
        let bare = name.to_string().trim_start_matches("r#").to_owned();
        let with = format_ident!("with_{bare}");
        if let Some(inner) = option_inner(ty) {
            values.push(quote!(#name: ::std::option::Option::None));
            let set = format_ident!("set_{bare}");
            setters.push(setter(
                &with,
                &format!("Sets `{name}`."),
                quote!(impl ::std::convert::Into<#inner>),
                quote!(self.#name = ::std::option::Option::Some(value.into())),
            ));
            setters.push(setter(
                &set,
                &format!("Sets `{name}`, or clears it with `None`."),
                quote!(::std::option::Option<#inner>),
                quote!(self.#name = value),
            ));
            continue;
        }
        let doc = if let Some(default) = serde_default(field) {
            // The value serde gives an absent field is the one a new value starts with: the
            // schema's `default` (`includeContextInComment: true`), or the type's.
            values.push(match default {
                Some(function) => quote!(#name: #function()),
                None => quote!(#name: ::std::default::Default::default()),
            });
            format!("Sets `{name}`.")
        } else {
            arguments.push(quote!(#name: impl ::std::convert::Into<#ty>));
            values.push(quote!(#name: #name.into()));
            required_names.push(format!("`{name}`"));
            format!("Replaces `{name}`.")
        };
        setters.push(setter(
            &with,
            &doc,
            quote!(impl ::std::convert::Into<#ty>),
            quote!(self.#name = value.into()),
        ));
    }
    let new_doc = if required_names.is_empty() {
        format!("A `{ident}` with no fields set; set them with the `with_` setters.")
    } else {
        format!(
            "A `{ident}` with its required fields ({}); set the others with the `with_` setters.",
            required_names.join(", ")
        )
    };
    // Clippy's limit: a schema with more required fields than this is rare, and still built
    // with one call.
    let allow = (arguments.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #ident {
            #[doc = #new_doc]
            #allow
            pub fn new( #( #arguments ),* ) -> Self {
                Self { #( #values ),* }
            }

            #( #setters )*
        }
    }
}

/// A consuming setter: `pub fn with_x(mut self, value: T) -> Self`.
fn setter(
    ident: &syn::Ident,
    doc: &str,
    takes: proc_macro2::TokenStream,
    assign: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    quote! {
        #[doc = #doc]
        #[must_use]
        pub fn #ident(mut self, value: #takes) -> Self {
            #assign;
            self
        }
    }
}

/// `T` for a field of type `Option<T>` (however the path to `Option` is written).
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// How serde fills the field in when it is absent: `Some(None)` for `#[serde(default)]`,
/// `Some(Some(function))` for `#[serde(default = "function")]`, `None` if it does not.
fn serde_default(field: &syn::Field) -> Option<Option<syn::ExprPath>> {
    let mut found = None;
    for attr in field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
    {
        let _ = attr.parse_nested_meta(|meta| {
            let is_default = meta.path.is_ident("default");
            if meta.input.peek(syn::Token![=]) {
                let value: syn::Expr = meta.value()?.parse()?;
                if is_default
                    && let syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) = value
                {
                    found = Some(text.parse::<syn::ExprPath>().ok());
                }
            } else if is_default {
                found = Some(None);
            }
            Ok(())
        });
    }
    found
}
