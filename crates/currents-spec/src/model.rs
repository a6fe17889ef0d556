//! The model: each operation of the document read once, with its parameters, body, answers
//! and pagination, every `$ref` followed.

use serde_json::Value;

use crate::{
    pointer,
    reference::{Located, resolve},
};

/// The extension with which the overlay names the field that tells a list's items apart
/// (`runId`), so that a walk notices an item that comes twice.
pub const ITEM_KEY: &str = "x-item-key";

/// The extension with which the overlay names the time field a cursor list is ordered by,
/// newest first, and that its `date_start` and `date_end` select on (`createdAt`), so that a
/// walk can cut the range into slices and walk them side by side.
pub const ITEM_TIME: &str = "x-item-time";

/// The query parameters that bound a time-sliced list's range.
pub const RANGE_START: &str = "date_start";
/// See [`RANGE_START`].
pub const RANGE_END: &str = "date_end";

/// What the model could not read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer} {reason}")]
#[non_exhaustive]
pub struct SpecError {
    /// The JSON pointer of the operation or parameter.
    pub pointer: String,
    /// What is wrong with it.
    pub reason: String,
}

fn invalid(pointer: &str, reason: impl Into<String>) -> SpecError {
    SpecError {
        pointer: pointer.to_owned(),
        reason: reason.into(),
    }
}

/// The merged document, read.
#[derive(Debug, Clone)]
pub struct Spec<'a> {
    document: &'a Value,
    operations: Vec<Operation<'a>>,
}

/// An HTTP method an operation can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Method {
    /// Every method, in the order the model reads a path's operations.
    pub const ALL: [Method; 5] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Patch,
    ];

    /// The key of a path item that holds the operation: `get`.
    pub const fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Patch => "patch",
        }
    }

    /// The method's name, in upper case, as HTTP spells it: `GET`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }

    /// The variant name: `Get`.
    pub const fn name(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Put => "Put",
            Method::Post => "Post",
            Method::Delete => "Delete",
            Method::Patch => "Patch",
        }
    }
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text that must match as it is: `runs`.
    Literal(String),
    /// A path parameter: `runId` for `{runId}`.
    Parameter(String),
}

/// One operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Operation<'a> {
    /// The `operationId`: `getRun`.
    pub id: String,
    pub method: Method,
    /// The path template: `/runs/{runId}`.
    pub path: String,
    pub segments: Vec<Segment>,
    /// The JSON pointer of the operation object.
    pub pointer: String,
    /// The operation object.
    pub value: &'a Value,
    pub summary: Option<&'a str>,
    pub description: Option<&'a str>,
    /// The path item's shared parameters, then the operation's, each resolved.
    pub parameters: Vec<Parameter<'a>>,
    pub body: Option<Body<'a>>,
    /// Every answer, by status as the spec writes it (`200`, `404`, `default`).
    pub answers: Vec<Answer<'a>>,
    /// How the operation pages, if it is a list.
    pub pagination: Option<Pagination<'a>>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    /// The `in` of a parameter object: `query`.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

/// One parameter, its `$ref` followed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Parameter<'a> {
    /// The name on the wire: `branches[]`.
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub deprecated: bool,
    pub description: Option<&'a str>,
    /// The parameter object, and where it is.
    pub at: Located<'a>,
    /// The schema as written: a `$ref` names the component the value's type is.
    pub schema_ref: &'a Value,
    /// The schema, its `$ref` followed.
    pub schema: Located<'a>,
    /// For an array parameter, its items: as written, and resolved.
    pub items: Option<(&'a Value, Located<'a>)>,
}

impl<'a> Parameter<'a> {
    /// The schema of one value: the items of a list, or the schema itself.
    pub fn value_schema(&self) -> (&'a Value, &Located<'a>) {
        match &self.items {
            Some((reference, items)) => (reference, items),
            None => (self.schema_ref, &self.schema),
        }
    }
}

/// A request body's JSON schema.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Body<'a> {
    pub required: bool,
    /// The request body object, its `$ref` followed.
    pub at: Located<'a>,
    /// The `application/json` schema as written, if there is one.
    pub schema: Option<&'a Value>,
}

/// One answer of an operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Answer<'a> {
    /// The status as the spec writes it: `200`, `4XX`, `default`.
    pub status: String,
    /// The response object, its `$ref` followed.
    pub at: Located<'a>,
    /// The `application/json` schema as written, if there is one.
    pub schema: Option<&'a Value>,
}

impl Answer<'_> {
    /// The status as a number, for a status that is one.
    pub fn code(&self) -> Option<u16> {
        self.status.parse().ok()
    }

    /// Whether the answer is a success (2xx).
    pub fn is_success(&self) -> bool {
        self.status.starts_with('2')
    }
}

/// How a list goes from one page to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// `starting_after` the last item's cursor; the answer's `has_more` says whether to go on.
    Cursor,
    /// `page` numbers from 0; the answer's `data.nextPage` is the next one, or `false`.
    Number,
    /// Every item in one answer (`data` is the list): nothing to page through.
    Whole,
}

/// A list operation's pagination, as its parameters and answer show it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Pagination<'a> {
    pub style: PageStyle,
    /// The query parameter that says where a page starts: `starting_after` or `page`; `None`
    /// for a list answered whole.
    pub position: Option<String>,
    /// The query parameter that sizes a page: `limit`; `None` for a list answered whole.
    pub limit: Option<String>,
    /// Every parameter a walk of the list sets itself: the position, the limit, and a cursor
    /// list's `ending_before`.
    pub controls: Vec<String>,
    /// The schema of one item, as written (a `$ref` names its type).
    pub item_ref: &'a Value,
    /// The property of an item that tells it from the others ([`ITEM_KEY`]), if named.
    pub key: Option<&'a str>,
    /// The property of an item that orders the list and that its range selects on
    /// ([`ITEM_TIME`]), if named; the generator checks that the list takes [`RANGE_START`]
    /// and [`RANGE_END`].
    pub time: Option<&'a str>,
}

impl<'a> Spec<'a> {
    /// Reads every operation of `document`.
    pub fn read(document: &'a Value) -> Result<Self, SpecError> {
        let mut operations = Vec::new();
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for method in Method::ALL {
                if let Some(value) = item.get(method.key()) {
                    operations.push(read_operation(document, path, item, method, value)?);
                }
            }
        }
        Ok(Spec {
            document,
            operations,
        })
    }

    /// The document the model was read from.
    pub fn document(&self) -> &'a Value {
        self.document
    }

    /// Every operation, by path and then method.
    pub fn operations(&self) -> &[Operation<'a>] {
        &self.operations
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation<'a>> {
        self.operations.iter().find(|operation| operation.id == id)
    }

    /// The component schemas, by name, with their pointers.
    pub fn schemas(&self) -> impl Iterator<Item = (&'a str, Located<'a>)> {
        self.document["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, value)| {
                let at = pointer::from_tokens(&["components", "schemas", name]);
                (name.as_str(), Located { pointer: at, value })
            })
    }

    /// Follows `node`'s `$ref` within this document.
    pub fn resolve(&self, at: &str, node: &'a Value) -> Located<'a> {
        resolve(self.document, at, node)
    }

    /// The spec's `info.version`.
    pub fn version(&self) -> &'a str {
        self.document["info"]["version"]
            .as_str()
            .unwrap_or_default()
    }
}

impl<'a> Operation<'a> {
    /// The first success answer.
    pub fn success(&self) -> Option<&Answer<'a>> {
        self.answers.iter().find(|answer| answer.is_success())
    }

    /// The parameter with this location and name.
    pub fn parameter(&self, location: Location, name: &str) -> Option<&Parameter<'a>> {
        self.parameters
            .iter()
            .find(|parameter| parameter.location == location && parameter.name == name)
    }
}

fn read_operation<'a>(
    document: &'a Value,
    path: &str,
    item: &'a Value,
    method: Method,
    value: &'a Value,
) -> Result<Operation<'a>, SpecError> {
    let path_pointer = pointer::child("/paths", path);
    let at = pointer::child(&path_pointer, method.key());
    let id = value["operationId"]
        .as_str()
        .ok_or_else(|| invalid(&at, "has no operationId"))?;
    let shared =
        list(&item["parameters"]).map(|(i, p)| (format!("{path_pointer}/parameters/{i}"), p));
    let own = list(&value["parameters"]).map(|(i, p)| (format!("{at}/parameters/{i}"), p));
    let parameters = shared
        .chain(own)
        .map(|(pointer, parameter)| read_parameter(document, &pointer, parameter))
        .collect::<Result<Vec<_>, _>>()?;
    let body = value.get("requestBody").map(|body| {
        let at = resolve(document, &format!("{at}/requestBody"), body);
        Body {
            required: at.value["required"] == Value::Bool(true),
            schema: json_schema(at.value),
            at,
        }
    });
    let answers = value["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let at = resolve(
                document,
                &pointer::child(&format!("{at}/responses"), status),
                response,
            );
            Answer {
                status: status.clone(),
                schema: json_schema(at.value),
                at,
            }
        })
        .collect::<Vec<_>>();
    let mut operation = Operation {
        id: id.to_owned(),
        method,
        path: path.to_owned(),
        segments: segments(path),
        pointer: at,
        value,
        summary: value["summary"].as_str(),
        description: value["description"].as_str(),
        parameters,
        body,
        answers,
        pagination: None,
    };
    operation.pagination = pagination(document, &operation);
    Ok(operation)
}

fn read_parameter<'a>(
    document: &'a Value,
    at: &str,
    parameter: &'a Value,
) -> Result<Parameter<'a>, SpecError> {
    let at = resolve(document, at, parameter);
    let value = at.value;
    let name = value["name"]
        .as_str()
        .ok_or_else(|| invalid(&at.pointer, "has no name"))?;
    let location = match value["in"].as_str() {
        Some("path") => Location::Path,
        Some("query") => Location::Query,
        Some("header") => Location::Header,
        Some("cookie") => Location::Cookie,
        other => return Err(invalid(&at.pointer, format!("is in {other:?}"))),
    };
    let schema_ref = &value["schema"];
    let schema = resolve(document, &format!("{}/schema", at.pointer), schema_ref);
    let items = (schema.value["type"] == "array").then(|| {
        let reference = &schema.value["items"];
        (
            reference,
            resolve(document, &format!("{}/items", schema.pointer), reference),
        )
    });
    Ok(Parameter {
        name: name.to_owned(),
        location,
        required: value["required"] == Value::Bool(true),
        deprecated: value["deprecated"] == Value::Bool(true),
        description: value["description"].as_str(),
        at,
        schema_ref,
        schema,
        items,
    })
}

/// A list's pagination: its position and limit parameters, and the envelope of its answer.
/// A cursor list's answer has `has_more` and a `data` array; a page-number list's has `data`
/// with a `list` array and `nextPage`; a GET whose `data` is an array and that takes neither
/// is a list answered whole.
/// Currents' pagination vocabulary, which the model recognises lists by: the parameters that
/// say where a page starts, the one that sizes it, and a cursor list's way back. This one is a
/// cursor list's: the cursor of the item a page starts after.
pub const CURSOR: &str = "starting_after";
/// The parameter of a page-number list that says which page to read.
pub const PAGE: &str = "page";
const LIMIT: &str = "limit";
const BACK: &str = "ending_before";

fn pagination<'a>(document: &'a Value, operation: &Operation<'a>) -> Option<Pagination<'a>> {
    let query = |name: &str| operation.parameter(Location::Query, name).is_some();
    let envelope = resolve(document, "", operation.success()?.schema?).value;
    let properties = &envelope["properties"];
    let data = resolve(document, "", &properties["data"]).value;
    let (style, position, item_ref) = if query(CURSOR) {
        properties.get("has_more")?;
        data.get("items")?;
        (PageStyle::Cursor, CURSOR, &data["items"])
    } else if query(PAGE) {
        data["properties"].get("nextPage")?;
        let list = resolve(document, "", &data["properties"]["list"]).value;
        list.get("items")?;
        (PageStyle::Number, PAGE, &list["items"])
    } else {
        if operation.method != Method::Get || data["type"] != "array" {
            return None;
        }
        return Some(Pagination {
            style: PageStyle::Whole,
            position: None,
            limit: None,
            controls: Vec::new(),
            item_ref: &data["items"],
            key: resolve(document, "", &data["items"]).value[ITEM_KEY].as_str(),
            time: None,
        });
    };
    query(LIMIT).then_some(())?;
    let item = resolve(document, "", item_ref).value;
    let key = item[ITEM_KEY].as_str();
    let time = item[ITEM_TIME].as_str();
    let mut controls = vec![position.to_owned(), LIMIT.to_owned()];
    if style == PageStyle::Cursor && query(BACK) {
        controls.push(BACK.to_owned());
    }
    Some(Pagination {
        style,
        position: Some(position.to_owned()),
        limit: Some(LIMIT.to_owned()),
        controls,
        item_ref,
        key,
        time,
    })
}

fn json_schema(object: &Value) -> Option<&Value> {
    object.pointer("/content/application~1json/schema")
}

fn list(node: &Value) -> impl Iterator<Item = (usize, &Value)> {
    node.as_array().into_iter().flatten().enumerate()
}

fn segments(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Parameter(name.to_owned()),
                None => Segment::Literal(segment.to_owned()),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document() -> Value {
        json!({
            "openapi": "3.0.2", "info": { "title": "t", "version": "7" },
            "paths": {
                "/things/{id}": {
                    "parameters": [{ "$ref": "#/components/parameters/Id" }],
                    "get": { "operationId": "getThing",
                        "responses": { "200": { "$ref": "#/components/responses/Thing" } } } },
                "/things": { "get": { "operationId": "listThings",
                    "parameters": [
                        { "name": "limit", "in": "query", "schema": { "type": "integer" } },
                        { "name": "starting_after", "in": "query", "schema": { "type": "string" } },
                        { "name": "tags[]", "in": "query", "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Tag" } } }
                    ],
                    "responses": { "200": { "description": "ok", "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Things" } } } } } } }
            },
            "components": {
                "parameters": { "Id": { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } },
                "responses": { "Thing": { "description": "ok", "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Thing" } } } } },
                "schemas": {
                    "Tag": { "type": "string", "pattern": "^[a-z]+$" },
                    "Thing": { "type": "object", "x-item-key": "id", "properties": { "id": { "type": "string" } } },
                    "Things": { "type": "object", "properties": {
                        "has_more": { "type": "boolean" },
                        "data": { "type": "array", "items": { "$ref": "#/components/schemas/Thing" } } } }
                }
            }
        })
    }

    #[test]
    fn operations_are_read_with_references_followed() {
        let document = document();
        let spec = Spec::read(&document).expect("reads");
        assert_eq!(spec.version(), "7");
        let ids = spec
            .operations()
            .iter()
            .map(|o| o.id.as_str())
            .collect::<Vec<_>>();
        assert_eq!(ids, ["listThings", "getThing"]);

        let get = spec.operation("getThing").expect("present");
        assert_eq!(
            get.segments,
            [
                Segment::Literal("things".into()),
                Segment::Parameter("id".into())
            ]
        );
        let id = get
            .parameter(Location::Path, "id")
            .expect("shared parameter");
        assert!(id.required);
        assert_eq!(id.at.pointer, "/components/parameters/Id");
        let success = get.success().expect("200");
        assert_eq!(
            (success.code(), success.at.pointer.as_str()),
            (Some(200), "/components/responses/Thing")
        );
        assert!(get.pagination.is_none());

        let list = spec.operation("listThings").expect("present");
        let tags = list.parameter(Location::Query, "tags[]").expect("tags");
        let (reference, items) = tags.value_schema();
        assert_eq!(crate::schema_name(reference).as_deref(), Some("Tag"));
        assert_eq!(items.value["pattern"], "^[a-z]+$");
        let pagination = list.pagination.as_ref().expect("a cursor list");
        assert_eq!(
            (pagination.style, pagination.key),
            (PageStyle::Cursor, Some("id"))
        );
    }

    #[test]
    fn what_the_model_cannot_read_names_its_pointer() {
        for (broken, pointer, reason) in [
            (
                json!({ "responses": {} }),
                "/paths/~1x/get",
                "has no operationId",
            ),
            (
                json!({ "operationId": "x", "parameters": [{ "in": "query" }] }),
                "/paths/~1x/get/parameters/0",
                "has no name",
            ),
            (
                json!({ "operationId": "x", "parameters": [{ "name": "a", "in": "body" }] }),
                "/paths/~1x/get/parameters/0",
                "is in Some(\"body\")",
            ),
        ] {
            let document = json!({ "paths": { "/x": { "get": broken } } });
            let error = Spec::read(&document).expect_err("refused");
            assert_eq!(
                (error.pointer.as_str(), error.reason.as_str()),
                (pointer, reason)
            );
        }
    }
}
