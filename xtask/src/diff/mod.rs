//! The API diff: what changed between two specs, in a reviewer's words, and for whom it breaks.
//!
//! Operations are matched by `operationId`, parameters by where they go and their name, and
//! schemas by their component name; every change is one [`Change`] with a JSON pointer into the
//! spec and a [`Class`] from the table in [`rules`]. Where the inputs of both specs are known
//! (their fragments), a change the fragments do not explain is marked as the overlay's.

mod command;
mod compare;
mod report;
mod rules;

use serde_json::Value;

pub(crate) use command::{FailOn, Since, run};
pub(crate) use report::{markdown, text};
pub(crate) use rules::{Class, classify};

/// One change between two specs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Change {
    /// Where it is listed: an operation, or a component schema.
    pub(crate) owner: Owner,
    /// JSON pointer of the change: into the new spec, or into the old one for what was removed.
    pub(crate) pointer: String,
    pub(crate) kind: Kind,
    pub(crate) source: Source,
}

impl Change {
    pub(crate) fn class(&self) -> Class {
        classify(&self.kind)
    }
}

/// What a change is listed under.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Owner {
    /// An operation, by `operationId`.
    Operation(String),
    /// A component schema, by name.
    Schema(String),
}

/// Where a change comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    /// A fragment, as published.
    Fragment,
    /// `spec/overlay.json`: the fragments are the same there.
    Overlay,
    /// The inputs of the older spec are not known (no git history), so either.
    Unknown,
}

/// Whether a schema describes what a client sends or what it receives; it decides whether a
/// new required field, say, breaks callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Side {
    Request,
    Response,
}

/// What changed. `at` names a field or parameter as a reader would: `groups[].specCount`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    OperationAdded {
        method: String,
        path: String,
    },
    OperationRemoved {
        method: String,
        path: String,
    },
    OperationMoved {
        from: String,
        to: String,
    },
    ParameterAdded {
        name: String,
        location: String,
        required: bool,
    },
    ParameterRemoved {
        name: String,
        location: String,
    },
    ParameterRenamed {
        from: String,
        to: String,
        location: String,
    },
    ParameterRequired {
        name: String,
        location: String,
        required: bool,
    },
    BodyAdded {
        required: bool,
    },
    BodyRemoved,
    BodyRequired {
        required: bool,
    },
    FieldAdded {
        at: String,
        side: Side,
        required: bool,
    },
    FieldRemoved {
        at: String,
        side: Side,
    },
    FieldRequired {
        at: String,
        side: Side,
        required: bool,
    },
    Nullable {
        at: String,
        side: Side,
        nullable: bool,
    },
    TypeChanged {
        at: String,
        from: String,
        to: String,
    },
    EnumValueAdded {
        at: String,
        value: String,
    },
    EnumValueRemoved {
        at: String,
        value: String,
    },
    AliasAdded {
        at: String,
        alias: String,
        of: String,
    },
    AliasRemoved {
        at: String,
        alias: String,
    },
    Limit {
        at: String,
        keyword: String,
        from: Option<String>,
        to: Option<String>,
    },
    Renamed {
        at: String,
        from: String,
        to: String,
    },
    ResponseAdded {
        status: String,
    },
    ResponseRemoved {
        status: String,
    },
    SchemaAdded,
    SchemaRemoved,
    Description {
        at: String,
    },
    Other {
        at: String,
        key: String,
    },
}

/// The changes from `old` to `new`, sorted by owner and pointer. `fragments` holds the
/// fragments-only merges of both sides, where they are known, to tell the overlay's changes
/// apart.
pub(crate) fn diff(
    old: &Value,
    new: &Value,
    fragments: Option<(&Value, &Value)>,
) -> Result<Vec<Change>, currents_spec::SpecError> {
    let mut changes = compare::changes(old, new)?;
    for change in &mut changes {
        change.source = match fragments {
            None => Source::Unknown,
            Some((old_fragments, new_fragments)) => {
                if old_fragments.pointer(&change.pointer) == new_fragments.pointer(&change.pointer)
                {
                    Source::Overlay
                } else {
                    Source::Fragment
                }
            }
        };
    }
    changes.sort();
    changes.dedup();
    Ok(changes)
}

/// How many changes of each class, counting a change listed under several owners once.
pub(crate) fn counts(changes: &[Change]) -> [(Class, usize); 3] {
    let mut unique = changes
        .iter()
        .map(|change| (change.pointer.as_str(), &change.kind))
        .collect::<Vec<_>>();
    unique.sort();
    unique.dedup();
    [Class::Breaking, Class::Additive, Class::Documentation].map(|class| {
        (
            class,
            unique
                .iter()
                .filter(|(_, kind)| classify(kind) == class)
                .count(),
        )
    })
}

#[cfg(test)]
mod tests;
