//! Walking two specs side by side: operations by `operationId`, parameters by location and
//! name, bodies and responses by status, and component schemas by name and then property by
//! property.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use currents_spec::{ALIASES, Operation, Spec, SpecError, alias_map, pointer::escape};

use super::{Change, Kind, Owner, Side, Source};
use crate::refs;

/// The keywords whose value is a limit on what a schema accepts.
const LIMITS: [&str; 7] = [
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "maximum",
    "minimum",
    "pattern",
];
pub(super) fn changes(old: &Value, new: &Value) -> Result<Vec<Change>, SpecError> {
    let mut found = Vec::new();
    let (before, after) = (by_id(old)?, by_id(new)?);
    for (id, operation) in &after {
        let owner = Owner::Operation(id.clone());
        match before.get(id) {
            None => found.push(change(
                owner,
                &operation.pointer,
                Kind::OperationAdded {
                    method: operation.method.as_str().to_owned(),
                    path: operation.path.clone(),
                },
            )),
            Some(earlier) => {
                let mut walk = Walk {
                    old,
                    new,
                    owner,
                    found: &mut found,
                };
                walk.operation(earlier, operation);
            }
        }
    }
    for (id, operation) in &before {
        if !after.contains_key(id) {
            found.push(change(
                Owner::Operation(id.clone()),
                &operation.pointer,
                Kind::OperationRemoved {
                    method: operation.method.as_str().to_owned(),
                    path: operation.path.clone(),
                },
            ));
        }
    }
    let sides = schema_sides(new, &after);
    let old_sides = schema_sides(old, &before);
    let schemas = |document: &Value| {
        document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old_schemas, new_schemas) = (schemas(old), schemas(new));
    for (name, schema) in &new_schemas {
        let owner = Owner::Schema(name.clone());
        let pointer = format!("/components/schemas/{}", escape(name));
        match old_schemas.get(name) {
            None => found.push(change(owner, &pointer, Kind::SchemaAdded)),
            Some(earlier) => {
                let side = sides
                    .get(name)
                    .or_else(|| old_sides.get(name))
                    .copied()
                    .unwrap_or(Side::Response);
                let mut walk = Walk {
                    old,
                    new,
                    owner,
                    found: &mut found,
                };
                walk.schema(&pointer, &pointer, "", side, earlier, schema);
            }
        }
    }
    for name in old_schemas.keys() {
        if !new_schemas.contains_key(name) {
            let pointer = format!("/components/schemas/{}", escape(name));
            found.push(change(
                Owner::Schema(name.clone()),
                &pointer,
                Kind::SchemaRemoved,
            ));
        }
    }
    Ok(found)
}

fn change(owner: Owner, pointer: &str, kind: Kind) -> Change {
    Change {
        owner,
        pointer: pointer.to_owned(),
        kind,
        source: Source::Unknown,
    }
}

/// The operations of a spec, by `operationId`, as the spec model reads them.
fn by_id(document: &Value) -> Result<BTreeMap<String, Operation<'_>>, SpecError> {
    Ok(Spec::read(document)?
        .operations()
        .iter()
        .map(|operation| (operation.id.clone(), operation.clone()))
        .collect())
}

/// Which side each component schema is on: a request's, if any operation sends it (directly
/// or through other schemas), and an answer's otherwise.
fn schema_sides(
    document: &Value,
    operations: &BTreeMap<String, Operation<'_>>,
) -> BTreeMap<String, Side> {
    let mut sides = BTreeMap::new();
    for operation in operations.values() {
        let received = refs::schemas(document, &operation.value["responses"]);
        for name in received {
            sides.entry(name).or_insert(Side::Response);
        }
        for sent in [
            &operation.value["requestBody"],
            &operation.value["parameters"],
        ] {
            for name in refs::schemas(document, sent) {
                sides.insert(name, Side::Request);
            }
        }
    }
    sides
}

struct Walk<'a, 'b> {
    old: &'a Value,
    new: &'a Value,
    owner: Owner,
    found: &'b mut Vec<Change>,
}

impl Walk<'_, '_> {
    fn push(&mut self, pointer: &str, kind: Kind) {
        self.found.push(change(self.owner.clone(), pointer, kind));
    }

    fn operation(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        if (old.method.as_str(), old.path.as_str()) != (new.method.as_str(), new.path.as_str()) {
            self.push(
                &new.pointer,
                Kind::OperationMoved {
                    from: format!("{} {}", old.method.as_str(), old.path),
                    to: format!("{} {}", new.method.as_str(), new.path),
                },
            );
        }
        for (key, at) in [("summary", "summary"), ("description", "")] {
            if old.value.get(key) != new.value.get(key) {
                self.push(
                    &format!("{}/{key}", new.pointer),
                    Kind::Description { at: at.to_owned() },
                );
            }
        }
        self.parameters(old, new);
        self.body(old, new);
        self.responses(old, new);
    }

    fn parameters(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        let before = parameters(old);
        let after = parameters(new);
        let mut added = Vec::new();
        for (key, (pointer, parameter)) in &after {
            match before.get(key) {
                Some((old_pointer, earlier)) => {
                    self.parameter(old_pointer, pointer, &key.1, earlier, parameter)
                }
                None => added.push((key, pointer, *parameter)),
            }
        }
        let mut removed = before
            .iter()
            .filter(|(key, _)| !after.contains_key(*key))
            .collect::<Vec<_>>();
        for (key, pointer, parameter) in added {
            let (location, name) = key;
            // A parameter that went, and another that came in its place with the same schema
            // and requirement, was renamed.
            let renamed = removed
                .iter()
                .position(|((old_location, _), (_, earlier))| {
                    old_location == location
                        && earlier.get("schema") == parameter.get("schema")
                        && earlier.get("required") == parameter.get("required")
                });
            match renamed {
                Some(index) => {
                    let ((_, old_name), _) = removed.remove(index);
                    self.push(
                        pointer,
                        Kind::ParameterRenamed {
                            from: old_name.clone(),
                            to: name.clone(),
                            location: location.clone(),
                        },
                    );
                }
                None => self.push(
                    pointer,
                    Kind::ParameterAdded {
                        name: name.clone(),
                        location: location.clone(),
                        required: parameter["required"] == Value::Bool(true),
                    },
                ),
            }
        }
        for ((location, name), (pointer, _)) in removed {
            self.push(
                pointer,
                Kind::ParameterRemoved {
                    name: name.clone(),
                    location: location.clone(),
                },
            );
        }
    }

    fn parameter(
        &mut self,
        old_pointer: &str,
        pointer: &str,
        name: &str,
        old: &Value,
        new: &Value,
    ) {
        let required = |parameter: &Value| parameter["required"] == Value::Bool(true);
        if required(old) != required(new) {
            self.push(
                &format!("{pointer}/required"),
                Kind::ParameterRequired {
                    name: name.to_owned(),
                    location: new["in"].as_str().unwrap_or_default().to_owned(),
                    required: required(new),
                },
            );
        }
        if old.get("description") != new.get("description") {
            self.push(
                &format!("{pointer}/description"),
                Kind::Description {
                    at: name.to_owned(),
                },
            );
        }
        self.schema(
            &format!("{old_pointer}/schema"),
            &format!("{pointer}/schema"),
            name,
            Side::Request,
            &old["schema"],
            &new["schema"],
        );
    }

    fn body(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        let (old_body, old_at) = resolve(
            self.old,
            &format!("{}/requestBody", old.pointer),
            &old.value["requestBody"],
        );
        let (new_body, new_at) = resolve(
            self.new,
            &format!("{}/requestBody", new.pointer),
            &new.value["requestBody"],
        );
        let required = |body: &Value| body["required"] == Value::Bool(true);
        match (old_body.is_null(), new_body.is_null()) {
            (true, true) => {}
            (true, false) => self.push(
                &new_at,
                Kind::BodyAdded {
                    required: required(new_body),
                },
            ),
            (false, true) => self.push(&old_at, Kind::BodyRemoved),
            (false, false) => {
                if required(old_body) != required(new_body) {
                    self.push(
                        &new_at,
                        Kind::BodyRequired {
                            required: required(new_body),
                        },
                    );
                }
                let schema = "/content/application~1json/schema";
                self.schema(
                    &format!("{old_at}{schema}"),
                    &format!("{new_at}{schema}"),
                    "",
                    Side::Request,
                    &old_body["content"]["application/json"]["schema"],
                    &new_body["content"]["application/json"]["schema"],
                );
            }
        }
    }

    fn responses(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        let statuses = |operation: &Operation<'_>| {
            operation.value["responses"]
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        let (before, after) = (statuses(old), statuses(new));
        for (status, response) in &after {
            let pointer = format!("{}/responses/{status}", new.pointer);
            match before.get(status) {
                None => self.push(
                    &pointer,
                    Kind::ResponseAdded {
                        status: status.clone(),
                    },
                ),
                Some(earlier) => {
                    let old_pointer = format!("{}/responses/{status}", old.pointer);
                    let (earlier, old_at) = resolve(self.old, &old_pointer, earlier);
                    let (response, at) = resolve(self.new, &pointer, response);
                    let schema = "/content/application~1json/schema";
                    self.schema(
                        &format!("{old_at}{schema}"),
                        &format!("{at}{schema}"),
                        "",
                        Side::Response,
                        &earlier["content"]["application/json"]["schema"],
                        &response["content"]["application/json"]["schema"],
                    );
                }
            }
        }
        for status in before.keys() {
            if !after.contains_key(status) {
                let pointer = format!("{}/responses/{status}", old.pointer);
                self.push(
                    &pointer,
                    Kind::ResponseRemoved {
                        status: status.clone(),
                    },
                );
            }
        }
    }

    /// Compares two schemas at `at` (a reader's name for the place, such as `groups[]`). A
    /// `$ref` is compared as a name: the component itself is compared once, on its own.
    fn schema(
        &mut self,
        old_pointer: &str,
        pointer: &str,
        at: &str,
        side: Side,
        old: &Value,
        new: &Value,
    ) {
        if old == new {
            return;
        }
        let type_changed = || Kind::TypeChanged {
            at: at.to_owned(),
            from: describe(old),
            to: describe(new),
        };
        let (Some(old_map), Some(new_map)) = (old.as_object(), new.as_object()) else {
            if old.is_null() != new.is_null() {
                self.push(pointer, type_changed());
            }
            return;
        };
        if old_map.contains_key("$ref") || new_map.contains_key("$ref") {
            if old_map.get("$ref") != new_map.get("$ref") {
                self.push(pointer, type_changed());
            }
            return;
        }
        if (old_map.get("type"), old_map.get("format"))
            != (new_map.get("type"), new_map.get("format"))
        {
            self.push(&format!("{pointer}/type"), type_changed());
            return;
        }
        let flag = |map: &Map<String, Value>, key: &str| map.get(key) == Some(&Value::Bool(true));
        if flag(old_map, "nullable") != flag(new_map, "nullable") {
            self.push(
                &format!("{pointer}/nullable"),
                Kind::Nullable {
                    at: at.to_owned(),
                    side,
                    nullable: flag(new_map, "nullable"),
                },
            );
        }
        if old_map.get("title") != new_map.get("title")
            && let (Some(from), Some(to)) = (old_map.get("title"), new_map.get("title"))
        {
            self.push(
                &format!("{pointer}/title"),
                Kind::Renamed {
                    at: at.to_owned(),
                    from: text(from),
                    to: text(to),
                },
            );
        }
        self.enum_values(pointer, at, old_map, new_map);
        for keyword in LIMITS {
            if old_map.get(keyword) != new_map.get(keyword) {
                let where_ = if new_map.contains_key(keyword) {
                    pointer
                } else {
                    old_pointer
                };
                self.push(
                    &format!("{where_}/{keyword}"),
                    Kind::Limit {
                        at: at.to_owned(),
                        keyword: keyword.to_owned(),
                        from: old_map.get(keyword).map(text),
                        to: new_map.get(keyword).map(text),
                    },
                );
            }
        }
        if old_map.get("description") != new_map.get("description") {
            self.push(
                &format!("{pointer}/description"),
                Kind::Description { at: at.to_owned() },
            );
        }
        for key in ["example", "deprecated", "default"] {
            if old_map.get(key) != new_map.get(key) {
                self.push(
                    &format!("{pointer}/{key}"),
                    Kind::Other {
                        at: at.to_owned(),
                        key: key.to_owned(),
                    },
                );
            }
        }
        self.properties(old_pointer, pointer, at, side, old_map, new_map);
        if old_map.contains_key("items") || new_map.contains_key("items") {
            self.schema(
                &format!("{old_pointer}/items"),
                &format!("{pointer}/items"),
                &items_of(at),
                side,
                old_map.get("items").unwrap_or(&Value::Null),
                new_map.get("items").unwrap_or(&Value::Null),
            );
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            let (before, after) = (list(old_map.get(key)), list(new_map.get(key)));
            if before.len() != after.len() {
                self.push(
                    &format!("{pointer}/{key}"),
                    Kind::TypeChanged {
                        at: at.to_owned(),
                        from: describe(old),
                        to: describe(new),
                    },
                );
                continue;
            }
            for (index, (earlier, later)) in before.iter().zip(&after).enumerate() {
                self.schema(
                    &format!("{old_pointer}/{key}/{index}"),
                    &format!("{pointer}/{key}/{index}"),
                    at,
                    side,
                    earlier,
                    later,
                );
            }
        }
    }

    fn enum_values(
        &mut self,
        pointer: &str,
        at: &str,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
    ) {
        let (before, after) = (list(old.get("enum")), list(new.get("enum")));
        for (index, value) in after.iter().enumerate() {
            if !before.contains(value) {
                self.push(
                    &format!("{pointer}/enum/{index}"),
                    Kind::EnumValueAdded {
                        at: at.to_owned(),
                        value: text(value),
                    },
                );
            }
        }
        for value in &before {
            if !after.contains(value) {
                self.push(
                    &format!("{pointer}/enum"),
                    Kind::EnumValueRemoved {
                        at: at.to_owned(),
                        value: text(value),
                    },
                );
            }
        }
        let aliases = |map: &Map<String, Value>| alias_map(&Value::Object(map.clone()));
        let (before, after) = (aliases(old), aliases(new));
        for (alias, of) in &after {
            if before.get(alias) != Some(of) {
                self.push(
                    &format!("{pointer}/{ALIASES}/{}", escape(alias)),
                    Kind::AliasAdded {
                        at: at.to_owned(),
                        alias: alias.clone(),
                        of: of.clone(),
                    },
                );
            }
        }
        for alias in before.keys() {
            if !after.contains_key(alias) {
                self.push(
                    &format!("{pointer}/{ALIASES}"),
                    Kind::AliasRemoved {
                        at: at.to_owned(),
                        alias: alias.clone(),
                    },
                );
            }
        }
    }

    fn properties(
        &mut self,
        old_pointer: &str,
        pointer: &str,
        at: &str,
        side: Side,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
    ) {
        let properties = |map: &Map<String, Value>| {
            map.get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let required = |map: &Map<String, Value>| {
            list(map.get("required"))
                .iter()
                .filter_map(|name| name.as_str().map(str::to_owned))
                .collect::<BTreeSet<_>>()
        };
        let (before, after) = (properties(old), properties(new));
        let (was_required, is_required) = (required(old), required(new));
        let field = |name: &str| {
            if at.is_empty() {
                name.to_owned()
            } else {
                format!("{at}.{name}")
            }
        };
        for (name, schema) in &after {
            let property = format!("{pointer}/properties/{}", escape(name));
            match before.get(name) {
                None => self.push(
                    &property,
                    Kind::FieldAdded {
                        at: field(name),
                        side,
                        required: is_required.contains(name),
                    },
                ),
                Some(earlier) => {
                    if was_required.contains(name) != is_required.contains(name) {
                        self.push(
                            &format!("{pointer}/required"),
                            Kind::FieldRequired {
                                at: field(name),
                                side,
                                required: is_required.contains(name),
                            },
                        );
                    }
                    self.schema(
                        &format!("{old_pointer}/properties/{}", escape(name)),
                        &property,
                        &field(name),
                        side,
                        earlier,
                        schema,
                    );
                }
            }
        }
        for name in before.keys() {
            if !after.contains_key(name) {
                self.push(
                    &format!("{old_pointer}/properties/{}", escape(name)),
                    Kind::FieldRemoved {
                        at: field(name),
                        side,
                    },
                );
            }
        }
    }
}

/// An operation's parameters by (location, name), with their JSON pointers, `$ref`s followed.
fn parameters<'a>(operation: &Operation<'a>) -> BTreeMap<(String, String), (String, &'a Value)> {
    operation
        .parameters
        .iter()
        .map(|parameter| {
            let key = (
                parameter.location.as_str().to_owned(),
                parameter.name.clone(),
            );
            (key, (parameter.at.pointer.clone(), parameter.at.value))
        })
        .collect()
}

/// Follows a local `$ref` with the spec model's resolver: the target, and its pointer.
fn resolve<'a>(document: &'a Value, at: &str, node: &'a Value) -> (&'a Value, String) {
    let found = currents_spec::resolve(document, at, node);
    (found.value, found.pointer)
}

/// A schema's type as a reader would say it: `string (date-time)`, `Run`, `nothing`.
fn describe(schema: &Value) -> String {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
        return name.rsplit('/').next().unwrap_or(name).to_owned();
    }
    match (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    ) {
        (Some(kind), Some(format)) => format!("{kind} ({format})"),
        (Some(kind), None) => kind.to_owned(),
        (None, _) if schema.get("oneOf").is_some() => {
            format!("oneOf of {}", list(schema.get("oneOf")).len())
        }
        (None, _) if schema.get("anyOf").is_some() => {
            format!("anyOf of {}", list(schema.get("anyOf")).len())
        }
        (None, _) if schema.is_null() => "nothing".to_owned(),
        _ => "any".to_owned(),
    }
}

/// A reader's name for the items of a list: `machineId[]`, or `tags[] items` for a parameter
/// whose name already says it is a list.
fn items_of(at: &str) -> String {
    if at.ends_with("[]") {
        format!("{at} items")
    } else {
        format!("{at}[]")
    }
}

fn list(value: Option<&Value>) -> Vec<Value> {
    value.and_then(Value::as_array).cloned().unwrap_or_default()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
