//! How each kind of change affects this client's callers: the classification table.
//!
//! Breaking means code or requests that worked before may not now: something is removed, a
//! request needs something it did not, a constraint is narrower, a value is gone, or a type is
//! different. Additive means everything that worked still works. Documentation means only the
//! words changed.
//!
//! The classes hold for Rust callers of the generated code as well as on the wire, because of
//! how it is generated: structs are `#[non_exhaustive]` and built with constructors (the
//! required fields) and setters, so a new answer field or optional request field breaks no
//! build, while a new required one changes the constructor; each optional parameter is a
//! setter, so a new one is additive and a removed one breaks its callers' builds; and enums
//! are open and `#[non_exhaustive]`.

use super::{Kind, Side};

/// How a change affects callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    Breaking,
    Additive,
    Documentation,
}

impl Class {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Documentation => "documentation",
        }
    }
}

/// The table: one arm per kind of change.
pub(crate) fn classify(kind: &Kind) -> Class {
    use Class::{Additive, Breaking, Documentation};
    match kind {
        Kind::OperationAdded { .. } => Additive,
        Kind::OperationRemoved { .. } | Kind::OperationMoved { .. } => Breaking,
        // A new optional parameter changes no request that worked; a required one does.
        Kind::ParameterAdded { required, .. } => required_breaks(*required),
        Kind::ParameterRemoved { .. } | Kind::ParameterRenamed { .. } => Breaking,
        Kind::ParameterRequired { required, .. } => required_breaks(*required),
        Kind::BodyAdded { required } | Kind::BodyRequired { required } => {
            required_breaks(*required)
        }
        Kind::BodyRemoved => Breaking,
        // A field a request must now send breaks it; one an answer now has does not.
        Kind::FieldAdded { side, required, .. } => match side {
            Side::Request => required_breaks(*required),
            Side::Response => Additive,
        },
        Kind::FieldRemoved { .. } => Breaking,
        // Required in a request, or optional in an answer, asks more of the caller.
        Kind::FieldRequired { side, required, .. } => match side {
            Side::Request => required_breaks(*required),
            Side::Response => required_breaks(!*required),
        },
        // An answer that may now be null, or a request that may no longer send null.
        Kind::Nullable { side, nullable, .. } => match side {
            Side::Request => required_breaks(!*nullable),
            Side::Response => required_breaks(*nullable),
        },
        Kind::TypeChanged { .. } => Breaking,
        // Enums are open and #[non_exhaustive]: an unknown value decodes, every match on one
        // already has a wildcard, and no pattern names an unknown value's text, so a new
        // value breaks neither decoding nor a caller's build nor a caller's match.
        Kind::EnumValueAdded { .. } | Kind::AliasAdded { .. } => Additive,
        Kind::EnumValueRemoved { .. } | Kind::AliasRemoved { .. } => Breaking,
        Kind::Limit {
            keyword, from, to, ..
        } => {
            if narrows(keyword, from.as_deref(), to.as_deref()) {
                Breaking
            } else {
                Additive
            }
        }
        // A title names a generated type: renaming it renames the type.
        Kind::Renamed { .. } => Breaking,
        Kind::ResponseAdded { .. } | Kind::SchemaAdded => Additive,
        Kind::ResponseRemoved { .. } | Kind::SchemaRemoved => Breaking,
        Kind::Description { .. } | Kind::Other { .. } => Documentation,
    }
}

/// Breaking when the caller must now do something (send it, handle it), additive otherwise.
fn required_breaks(required: bool) -> Class {
    if required {
        Class::Breaking
    } else {
        Class::Additive
    }
}

/// Whether a new value of a limit accepts less than the old one. A pattern cannot be compared,
/// so any change to one counts as narrowing; a limit that appears narrows, one that goes widens.
fn narrows(keyword: &str, from: Option<&str>, to: Option<&str>) -> bool {
    let number = |text: Option<&str>| text.and_then(|text| text.parse::<f64>().ok());
    match (keyword, from, to) {
        (_, None, Some(_)) => true,
        (_, Some(_), None) => false,
        ("maxLength" | "maxItems" | "maximum", _, _) => number(to) < number(from),
        ("minLength" | "minItems" | "minimum", _, _) => number(to) > number(from),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(required: bool) -> Kind {
        Kind::ParameterAdded {
            name: "p".into(),
            location: "query".into(),
            required,
        }
    }

    fn limit(keyword: &str, from: Option<&str>, to: Option<&str>) -> Kind {
        Kind::Limit {
            at: "f".into(),
            keyword: keyword.into(),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
        }
    }

    fn field(side: Side, required: bool) -> [Kind; 3] {
        let at = || "f".to_owned();
        [
            Kind::FieldAdded {
                at: at(),
                side,
                required,
            },
            Kind::FieldRequired {
                at: at(),
                side,
                required,
            },
            Kind::Nullable {
                at: at(),
                side,
                nullable: required,
            },
        ]
    }

    /// Every row of the table, with the class it must give.
    #[test]
    fn every_rule_gives_its_class() {
        let s = |text: &str| text.to_owned();
        let [
            request_new_required,
            request_made_required,
            request_nullable,
        ] = field(Side::Request, true);
        let [
            request_new_optional,
            request_made_optional,
            request_not_nullable,
        ] = field(Side::Request, false);
        let [
            response_new_required,
            response_made_required,
            response_nullable,
        ] = field(Side::Response, true);
        let [
            response_new_optional,
            response_made_optional,
            response_not_nullable,
        ] = field(Side::Response, false);
        let table = [
            (
                Kind::OperationAdded {
                    method: s("GET"),
                    path: s("/a"),
                },
                Class::Additive,
            ),
            (
                Kind::OperationRemoved {
                    method: s("GET"),
                    path: s("/a"),
                },
                Class::Breaking,
            ),
            (
                Kind::OperationMoved {
                    from: s("GET /a"),
                    to: s("POST /a"),
                },
                Class::Breaking,
            ),
            (param(false), Class::Additive),
            (param(true), Class::Breaking),
            (
                Kind::ParameterRemoved {
                    name: s("p"),
                    location: s("query"),
                },
                Class::Breaking,
            ),
            (
                Kind::ParameterRenamed {
                    from: s("a"),
                    to: s("b"),
                    location: s("query"),
                },
                Class::Breaking,
            ),
            (
                Kind::ParameterRequired {
                    name: s("p"),
                    location: s("query"),
                    required: true,
                },
                Class::Breaking,
            ),
            (
                Kind::ParameterRequired {
                    name: s("p"),
                    location: s("query"),
                    required: false,
                },
                Class::Additive,
            ),
            (Kind::BodyAdded { required: true }, Class::Breaking),
            (Kind::BodyAdded { required: false }, Class::Additive),
            (Kind::BodyRemoved, Class::Breaking),
            (Kind::BodyRequired { required: true }, Class::Breaking),
            (Kind::BodyRequired { required: false }, Class::Additive),
            (request_new_required, Class::Breaking),
            (request_new_optional, Class::Additive),
            (response_new_required, Class::Additive),
            (response_new_optional, Class::Additive),
            (
                Kind::FieldRemoved {
                    at: s("f"),
                    side: Side::Request,
                },
                Class::Breaking,
            ),
            (
                Kind::FieldRemoved {
                    at: s("f"),
                    side: Side::Response,
                },
                Class::Breaking,
            ),
            (request_made_required, Class::Breaking),
            (request_made_optional, Class::Additive),
            (response_made_required, Class::Additive),
            (response_made_optional, Class::Breaking),
            (request_nullable, Class::Additive),
            (request_not_nullable, Class::Breaking),
            (response_nullable, Class::Breaking),
            (response_not_nullable, Class::Additive),
            (
                Kind::TypeChanged {
                    at: s("f"),
                    from: s("string"),
                    to: s("integer"),
                },
                Class::Breaking,
            ),
            (
                Kind::EnumValueAdded {
                    at: s("f"),
                    value: s("x"),
                },
                Class::Additive,
            ),
            (
                Kind::EnumValueRemoved {
                    at: s("f"),
                    value: s("x"),
                },
                Class::Breaking,
            ),
            (
                Kind::AliasAdded {
                    at: s("f"),
                    alias: s("X"),
                    of: s("x"),
                },
                Class::Additive,
            ),
            (
                Kind::AliasRemoved {
                    at: s("f"),
                    alias: s("X"),
                },
                Class::Breaking,
            ),
            (limit("maxItems", Some("63"), Some("50")), Class::Breaking),
            (limit("maxItems", Some("50"), Some("63")), Class::Additive),
            (
                limit("maxLength", Some("250"), Some("100")),
                Class::Breaking,
            ),
            (limit("maximum", Some("50"), Some("100")), Class::Additive),
            (limit("minItems", Some("1"), Some("2")), Class::Breaking),
            (limit("minLength", Some("2"), Some("1")), Class::Additive),
            (limit("minimum", Some("1"), Some("0")), Class::Additive),
            (limit("maxItems", None, Some("63")), Class::Breaking),
            (limit("maxItems", Some("63"), None), Class::Additive),
            (limit("pattern", Some("^a$"), Some("^a+$")), Class::Breaking),
            (
                Kind::Renamed {
                    at: s("f"),
                    from: s("A"),
                    to: s("B"),
                },
                Class::Breaking,
            ),
            (Kind::ResponseAdded { status: s("422") }, Class::Additive),
            (Kind::ResponseRemoved { status: s("422") }, Class::Breaking),
            (Kind::SchemaAdded, Class::Additive),
            (Kind::SchemaRemoved, Class::Breaking),
            (Kind::Description { at: s("f") }, Class::Documentation),
            (
                Kind::Other {
                    at: s("f"),
                    key: s("example"),
                },
                Class::Documentation,
            ),
        ];
        for (kind, class) in table {
            assert_eq!(classify(&kind), class, "{kind:?}");
        }
    }
}
