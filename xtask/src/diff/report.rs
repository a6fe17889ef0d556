//! The diff for people: one line per change on the terminal, and a Markdown report for a pull
//! request (a summary line, then a table per operation and per schema).

use std::{collections::BTreeMap, fmt::Write as _};

use serde_json::Value;

use super::{Change, Class, Kind, Owner, Side, Source, counts};
use crate::refs;

/// One line per change, after a summary line; nothing at all when nothing changed.
pub(crate) fn text(changes: &[Change]) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let mut out = format!("API changes: {}\n", summary(changes));
    for (owner, changes) in by_owner(changes) {
        for line in rows(&changes) {
            let _ = writeln!(
                out,
                "  {}: {}: {} [{}]{}",
                owner_name(&owner),
                line.class.as_str(),
                line.what,
                line.pointer,
                match line.source {
                    Source::Overlay => " (overlay)",
                    _ => "",
                }
            );
        }
    }
    out
}

/// A Markdown report comparing `before` with `after` (how each is named), for a pull request.
pub(crate) fn markdown(
    changes: &[Change],
    before: &str,
    after: &str,
    new_spec: &Value,
    old_spec: &Value,
) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        let _ = writeln!(
            out,
            "## API changes: none\n\n{before} → {after}: the API is the same."
        );
        return out;
    }
    let _ = writeln!(
        out,
        "## API changes: {}\n\n{before} → {after}. *Breaking* changes may break callers of this \
         client; *additive* ones break nothing; *documentation* ones change only words. *Where* \
         is a JSON pointer into the spec (into the older one, for what was removed); *from* says \
         whether a fragment or `spec/overlay.json` made the change.",
        summary(changes)
    );
    let reached_by = reached_by(new_spec, old_spec);
    for (owner, changes) in by_owner(changes) {
        let heading = match &owner {
            Owner::Operation(id) => {
                match operation_line(new_spec, id).or_else(|| operation_line(old_spec, id)) {
                    Some(line) => format!("Operation `{id}`: `{line}`"),
                    None => format!("Operation `{id}`"),
                }
            }
            Owner::Schema(name) => match reached_by.get(name) {
                Some(ids) => format!("Schema `{name}` (reached by {})", ids.join(", ")),
                None => format!("Schema `{name}`"),
            },
        };
        let _ = writeln!(
            out,
            "\n### {heading}\n\n| class | change | where | from |\n| --- | --- | --- | --- |"
        );
        for line in rows(&changes) {
            let source = match line.source {
                Source::Fragment => "fragment",
                Source::Overlay => "overlay",
                Source::Unknown => "?",
            };
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {source} |",
                line.class.as_str(),
                line.what.replace('|', "\\|"),
                line.pointer
            );
        }
    }
    out
}

fn summary(changes: &[Change]) -> String {
    counts(changes)
        .iter()
        .map(|(class, count)| format!("{count} {}", class.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn by_owner(changes: &[Change]) -> BTreeMap<Owner, Vec<&Change>> {
    let mut owners: BTreeMap<Owner, Vec<&Change>> = BTreeMap::new();
    for change in changes {
        owners.entry(change.owner.clone()).or_default().push(change);
    }
    owners
}

fn owner_name(owner: &Owner) -> String {
    match owner {
        Owner::Operation(id) => id.clone(),
        Owner::Schema(name) => format!("schema {name}"),
    }
}

/// One row of a report.
struct Row {
    class: Class,
    what: String,
    pointer: String,
    source: Source,
}

/// The rows of one owner: one per change, except that description changes share one row.
fn rows(changes: &[&Change]) -> Vec<Row> {
    let (descriptions, others): (Vec<&&Change>, Vec<&&Change>) = changes
        .iter()
        .partition(|change| matches!(change.kind, Kind::Description { .. }));
    let mut rows = others
        .into_iter()
        .map(|change| Row {
            class: change.class(),
            what: words(&change.kind),
            pointer: change.pointer.clone(),
            source: change.source,
        })
        .collect::<Vec<_>>();
    if let Some(first) = descriptions.first() {
        let what = match (&first.kind, descriptions.len()) {
            (Kind::Description { at }, 1) => description(at),
            (_, n) => format!("{n} descriptions changed"),
        };
        let source = if descriptions
            .iter()
            .all(|change| change.source == first.source)
        {
            first.source
        } else {
            Source::Fragment
        };
        rows.push(Row {
            class: Class::Documentation,
            what,
            pointer: first.pointer.clone(),
            source,
        });
    }
    rows
}

/// `description changed`, `summary changed`, or `description of `f` changed`.
fn description(at: &str) -> String {
    match at {
        "" => "description changed".to_owned(),
        "summary" => "summary changed".to_owned(),
        at => format!("description of `{at}` changed"),
    }
}

fn side(side: &Side) -> &'static str {
    match side {
        Side::Request => "request",
        Side::Response => "response",
    }
}

/// A change in a reviewer's words.
fn words(kind: &Kind) -> String {
    let required = |yes: &bool| if *yes { "required" } else { "optional" };
    let field = |at: &String| {
        if at.is_empty() {
            "the body".to_owned()
        } else {
            format!("`{at}`")
        }
    };
    match kind {
        Kind::OperationAdded { method, path } => format!("operation added: `{method} {path}`"),
        Kind::OperationRemoved { method, path } => format!("operation removed: `{method} {path}`"),
        Kind::OperationMoved { from, to } => format!("moved from `{from}` to `{to}`"),
        Kind::ParameterAdded {
            name,
            location,
            required: yes,
        } => {
            format!("{location} parameter `{name}` added, {}", required(yes))
        }
        Kind::ParameterRemoved { name, location } => {
            format!("{location} parameter `{name}` removed")
        }
        Kind::ParameterRenamed { from, to, location } => {
            format!("{location} parameter `{from}` renamed to `{to}`")
        }
        Kind::ParameterRequired {
            name,
            location,
            required: yes,
        } => {
            format!("{location} parameter `{name}` is now {}", required(yes))
        }
        Kind::BodyAdded { required: yes } => format!("request body added, {}", required(yes)),
        Kind::BodyRemoved => "request body removed".to_owned(),
        Kind::BodyRequired { required: yes } => format!("request body is now {}", required(yes)),
        Kind::FieldAdded {
            at,
            side: s,
            required: yes,
        } => {
            format!("{} field {} added, {}", side(s), field(at), required(yes))
        }
        Kind::FieldRemoved { at, side: s } => format!("{} field {} removed", side(s), field(at)),
        Kind::FieldRequired {
            at,
            side: s,
            required: yes,
        } => {
            format!("{} field {} is now {}", side(s), field(at), required(yes))
        }
        Kind::Nullable {
            at,
            side: s,
            nullable,
        } => format!(
            "{} field {} {}",
            side(s),
            field(at),
            if *nullable {
                "may now be null"
            } else {
                "may no longer be null"
            }
        ),
        Kind::TypeChanged { at, from, to } => {
            format!("type of {} changed from `{from}` to `{to}`", field(at))
        }
        Kind::EnumValueAdded { at, value } => {
            format!("enum value `{value}` added to {}", field(at))
        }
        Kind::EnumValueRemoved { at, value } => {
            format!("enum value `{value}` removed from {}", field(at))
        }
        Kind::AliasAdded { at, alias, of } => {
            format!("`{alias}` now also spells `{of}` in {}", field(at))
        }
        Kind::AliasRemoved { at, alias } => {
            format!("spelling `{alias}` no longer known in {}", field(at))
        }
        Kind::Limit {
            at,
            keyword,
            from,
            to,
        } => match (from, to) {
            (Some(from), Some(to)) => format!(
                "`{keyword}` of {} changed from `{from}` to `{to}`",
                field(at)
            ),
            (None, Some(to)) => format!("`{keyword}` of {} set to `{to}`", field(at)),
            (Some(from), None) => format!("`{keyword}` of {} (`{from}`) removed", field(at)),
            (None, None) => format!("`{keyword}` of {} changed", field(at)),
        },
        Kind::Renamed { at, from, to } => format!(
            "title of {} (the generated type's name) changed from `{from}` to `{to}`",
            field(at)
        ),
        Kind::ResponseAdded { status } => format!("response `{status}` added"),
        Kind::ResponseRemoved { status } => format!("response `{status}` removed"),
        Kind::SchemaAdded => "schema added".to_owned(),
        Kind::SchemaRemoved => "schema removed".to_owned(),
        Kind::Description { at } => description(at),
        Kind::Other { at, key } => format!("`{key}` of {} changed", field(at)),
    }
}

/// `METHOD /path` of an operation, by id.
fn operation_line(spec: &Value, id: &str) -> Option<String> {
    crate::fragments::operations(spec)
        .find(|(_, _, operation)| operation["operationId"] == id)
        .map(|(path, method, _)| format!("{} {path}", method.to_uppercase()))
}

/// For each component schema, the operations that reach it, in either spec.
fn reached_by(new: &Value, old: &Value) -> BTreeMap<String, Vec<String>> {
    let mut reached: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for spec in [new, old] {
        for (_, _, operation) in crate::fragments::operations(spec) {
            let Some(id) = operation["operationId"].as_str() else {
                continue;
            };
            for name in refs::schemas(spec, operation) {
                let ids = reached.entry(name).or_default();
                if !ids.iter().any(|known| known == id) {
                    ids.push(id.to_owned());
                }
            }
        }
    }
    reached.values_mut().for_each(|ids| ids.sort());
    reached
}
