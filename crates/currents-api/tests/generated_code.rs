//! Pins the generated code, one snapshot per area, so that every spec or generator change is a
//! small, reviewable diff: a change to one schema or one operation changes its own snapshot.
//!
//! The areas:
//! - `types-<schema>`: a component schema's type, the types nested in it (typify names them
//!   after it), their conversions and the spec's limits on them;
//! - `open-enum-<enum>`: an open enum, with its spellings, aliases and conversions (an enum
//!   can be shared by several schemas and parameters, so it is an area of its own);
//! - `types-shared`: the types that belong to no one schema (titled strings, `error`);
//! - `operations-<operation>`: an operation's request type, its `Request` impl, its
//!   pagination (`Paginated`, or `Single` for one answer) and its `params` setters;
//! - `operations`: the operation table (`Operation`) and what every request shares;
//! - `servers`: the spec's server URLs.
//!
//! After `cargo xtask gen` changes the spec this test fails with the diffs; review them with
//! `cargo insta review` and commit the accepted snapshots with the spec. A snapshot whose area
//! no longer exists fails the test too, so a removed schema or operation cannot leave one
//! behind.

use std::{
    collections::BTreeMap,
    panic::{AssertUnwindSafe, catch_unwind},
};

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};
use syn::{Item, Type};

/// The longest snapshot a reviewer should have to read.
const MAX_LINES: usize = 2_500;

/// Which module of the generated file an item is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Module {
    Types,
    Operations,
    /// The `params` module of `operations`: a setters trait per operation.
    Params,
    Servers,
    /// Items outside the modules: the limits, as constants on the types.
    File,
}

/// What the areas are made of: the schemas and operations of the spec, by their Rust names.
struct Names {
    /// Component schemas' type names, longest first, so that the first prefix found is the
    /// most specific (`InstanceTestAttempt` before `InstanceTest` before `Instance`).
    schemas: Vec<String>,
    /// Operations' request type names.
    operations: Vec<String>,
}

impl Names {
    fn from_spec() -> Names {
        let spec: serde_json::Value =
            serde_json::from_str(currents_api::SPEC).expect("the spec is JSON");
        let mut schemas = spec["components"]["schemas"]
            .as_object()
            .expect("the spec has schemas")
            .keys()
            .map(|name| name.to_upper_camel_case())
            .collect::<Vec<_>>();
        schemas.sort_by_key(|name| std::cmp::Reverse(name.len()));
        let operations = currents_api::operations::Operation::ALL
            .iter()
            .map(|operation| operation.id().to_upper_camel_case())
            .collect();
        Names {
            schemas,
            operations,
        }
    }
}

/// The type an item defines or implements, by its last path segment. An impl for a standard
/// type (`impl From<Text> for String`) is about the generated type in its trait.
fn subject(item: &Item) -> Option<String> {
    let last = |ty: &Type| match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    match item {
        Item::Struct(item) => Some(item.ident.to_string()),
        Item::Enum(item) => Some(item.ident.to_string()),
        Item::Type(item) => Some(item.ident.to_string()),
        Item::Impl(item) => {
            let own = last(&item.self_ty)?;
            if own != "String" {
                return Some(own);
            }
            let (trait_path, _) = item.trait_.as_ref()?;
            match &trait_path.segments.last()?.arguments {
                syn::PathArguments::AngleBracketed(arguments) => {
                    arguments.args.iter().find_map(|argument| match argument {
                        syn::GenericArgument::Type(ty) => last(ty),
                        _ => None,
                    })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The operation a `params` item is for: `ListProjectRuns` for the trait
/// `ListProjectRunsParams` and for its blanket impl.
fn params_of(item: &Item) -> Option<String> {
    let name = match item {
        Item::Trait(item) => item.ident.to_string(),
        Item::Impl(item) => {
            let (path, _) = item.trait_.as_ref()?;
            path.segments.last()?.ident.to_string()
        }
        _ => return None,
    };
    name.strip_suffix("Params").map(str::to_owned)
}

/// The names of the open enums: the enums with an `Unknown` variant.
fn open_enums(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(item) if item.variants.iter().any(|v| v.ident == "Unknown") => {
                Some(item.ident.to_string())
            }
            _ => None,
        })
        .collect()
}

fn area(module: Module, item: &Item, names: &Names, open: &[String]) -> String {
    let subject = subject(item);
    match module {
        Module::Servers => "servers".into(),
        Module::Params => match params_of(item) {
            Some(name) if names.operations.contains(&name) => {
                format!("operations-{}", name.to_snake_case())
            }
            _ => "operations".into(),
        },
        Module::Operations => match subject {
            Some(name) if names.operations.contains(&name) => {
                format!("operations-{}", name.to_snake_case())
            }
            _ => "operations".into(),
        },
        Module::Types | Module::File => match subject {
            Some(name) if open.contains(&name) => format!("open-enum-{}", name.to_snake_case()),
            Some(name) => names
                .schemas
                .iter()
                .find(|schema| name.starts_with(schema.as_str()))
                .map_or_else(
                    || "types-shared".into(),
                    |schema| format!("types-{}", schema.to_snake_case()),
                ),
            None => "types-shared".into(),
        },
    }
}

/// The generated file, split into its areas, each rendered on its own.
fn areas(code: &str) -> BTreeMap<String, String> {
    let file = syn::parse_file(code).expect("the generated code parses");
    let names = Names::from_spec();
    let mut modules = Vec::new();
    for item in file.items {
        match item {
            Item::Mod(module) => {
                let which = match module.ident.to_string().as_str() {
                    "types" => Module::Types,
                    "operations" => Module::Operations,
                    "servers" => Module::Servers,
                    other => panic!("an unexpected module `{other}` in the generated code"),
                };
                let (_, items) = module.content.expect("generated modules are inline");
                for item in items {
                    match item {
                        // Each `params` trait is its operation's: it goes with its request.
                        Item::Mod(params) if params.ident == "params" => {
                            let (_, items) = params.content.expect("generated modules are inline");
                            modules.push((Module::Params, items));
                        }
                        item => modules.push((which, vec![item])),
                    }
                }
            }
            item => modules.push((Module::File, vec![item])),
        }
    }
    let open = modules
        .iter()
        .flat_map(|(_, items)| open_enums(items))
        .collect::<Vec<_>>();
    let mut grouped: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for (module, items) in modules {
        for item in items {
            grouped
                .entry(area(module, &item, &names, &open))
                .or_default()
                .push(item);
        }
    }
    grouped
        .into_iter()
        .map(|(area, items)| {
            let file = syn::File {
                shebang: None,
                frontmatter: None,
                attrs: Vec::new(),
                items,
            };
            (area, prettyplease::unparse(&file))
        })
        .collect()
}

#[test]
fn generated_code_matches_the_reviewed_snapshots() {
    let areas = areas(include_str!(concat!(env!("OUT_DIR"), "/codegen.rs")));
    let too_long = areas
        .iter()
        .map(|(area, code)| (area, code.lines().count()))
        .filter(|(_, lines)| *lines > MAX_LINES)
        .collect::<Vec<_>>();
    assert!(
        too_long.is_empty(),
        "areas over {MAX_LINES} lines; split them finer: {too_long:?}"
    );

    // Every area is compared before the test fails, so that one run shows every diff.
    let mismatched = areas
        .iter()
        .filter(|(area, code)| {
            catch_unwind(AssertUnwindSafe(|| {
                insta::assert_snapshot!(area.as_str(), code.as_str());
            }))
            .is_err()
        })
        .map(|(area, _)| area.clone())
        .collect::<Vec<_>>();
    assert!(
        mismatched.is_empty(),
        "generated code differs from the reviewed snapshots in {mismatched:?}"
    );

    let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let stale = std::fs::read_dir(&snapshots)
        .expect("the snapshots folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| {
            let area = name
                .strip_prefix("generated_code__")?
                .strip_suffix(".snap")?;
            (!areas.contains_key(area)).then_some(name)
        })
        .collect::<Vec<_>>();
    assert!(
        stale.is_empty(),
        "snapshots of areas the generated code no longer has; delete them: {stale:?}"
    );
}
