//! The servers module: the spec's server URLs, and the base path below which its operations'
//! paths are, so that the client's default URLs and the fake's base path come from the spec.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Error;

pub(crate) fn tokens(document: &Value) -> Result<TokenStream, Error> {
    let invalid = |reason: String| Error::Operation {
        pointer: "/servers".to_owned(),
        reason,
    };
    let mut consts = Vec::new();
    let mut base_paths = Vec::new();
    for server in document["servers"].as_array().into_iter().flatten() {
        let url = server["url"]
            .as_str()
            .ok_or_else(|| invalid("a server has no url".into()))?;
        let description = server["description"]
            .as_str()
            .ok_or_else(|| invalid(format!("server {url} has no description to name it by")))?;
        let name = format_ident!("{}", description.to_shouty_snake_case());
        consts.push(quote! { #[doc = #description] pub const #name: &str = #url; });
        let path = url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
            .unwrap_or("");
        base_paths.push(path.trim_end_matches('/').to_owned());
    }
    base_paths.dedup();
    let [base_path] = base_paths.as_slice() else {
        return Err(invalid(format!(
            "the servers must share one base path, but have {base_paths:?}"
        )));
    };
    Ok(quote! {
        /// The servers `spec/currents.json` lists, by their descriptions.
        pub mod servers {
            #( #consts )*
            /// The path every server's URL ends with; the operations' paths are below it.
            pub const BASE_PATH: &str = #base_path;
        }
    })
}
