//! `currents api METHOD PATH`: any route below the base URL, as `gh api` calls GitHub's, with
//! the client's auth, gzip, retries (by method), size cap and errors.

use std::io::{self, Write as _};

use currents::{Client, RawResponse, Received, reqwest::Method};
use futures_util::StreamExt as _;
use serde_json::{Map, Value};

use crate::{
    cli::{ApiArgs, Format},
    exit::{Failure, Stop},
    files::read_text,
    output::Output,
    terminal,
};

pub(super) async fn run(client: &Client, args: ApiArgs, output: Output) -> Result<(), Stop> {
    let method = Method::from_bytes(args.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| Failure::invalid(format!("'{}' is not an HTTP method", args.method)))?;
    let fields = args
        .fields
        .iter()
        .map(|field| {
            field
                .split_once('=')
                .ok_or_else(|| Failure::invalid(format!("-f {field}: give a field as KEY=VALUE")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let body = match &args.input {
        Some(path) => Some(read_input(path)?),
        None if method != Method::GET && !fields.is_empty() => Some(body_of(&fields)),
        None => None,
    };
    let query = if method == Method::GET {
        fields.clone()
    } else {
        Vec::new()
    };
    if args.paginate && method != Method::GET {
        return Err(Failure::invalid("--paginate follows the pages of a GET").into());
    }
    if !args.paginate {
        let mut request = client.request(method.clone(), &args.path);
        for (key, value) in &query {
            request = request.query(*key, *value);
        }
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = request.send().await?;
        return print_whole(&response, output.format);
    }
    if args.input.is_some() {
        return Err(Failure::invalid("--paginate sends no body: leave out --input").into());
    }
    // The client's own walk, with every paging check the spec's lists have.
    let mut request = client.request(method, &args.path);
    for (key, value) in &query {
        request = request.query(*key, *value);
    }
    let mut pages = request.pages();
    let mut stdout = io::stdout().lock();
    while let Some(page) = pages.next().await {
        print_items(&mut stdout, &page?.items, output.format)?;
    }
    Ok(())
}

fn print_items(
    out: &mut impl io::Write,
    items: &[Received<Value>],
    format: Format,
) -> Result<(), Stop> {
    for item in items {
        match format {
            Format::Json => writeln!(out, "{}", item.raw())?,
            Format::Table => writeln!(out, "{}", terminal::safe(item.raw()))?,
        }
        out.flush()?;
    }
    Ok(())
}

/// The answer as received for a pipe; pretty, and unable to act on the terminal, for a person.
fn print_whole(response: &RawResponse, format: Format) -> Result<(), Stop> {
    let text = match (format, response.json()) {
        (Format::Table, Ok(value)) => {
            terminal::safe(&serde_json::to_string_pretty(&value).unwrap_or_default()).into_owned()
        }
        (Format::Table, Err(_)) => {
            terminal::safe(&String::from_utf8_lossy(&response.body)).into_owned()
        }
        (Format::Json, _) => String::from_utf8_lossy(&response.body).into_owned(),
    };
    let mut stdout = io::stdout().lock();
    write!(stdout, "{text}")?;
    if !text.ends_with('\n') {
        writeln!(stdout)?;
    }
    Ok(())
}

/// A body from -f fields: a repeated key is a list; a value that reads as a JSON number,
/// boolean or null is one.
fn body_of(fields: &[(&str, &str)]) -> Value {
    let mut body = Map::new();
    for (key, value) in fields {
        let value = match serde_json::from_str::<Value>(value) {
            Ok(scalar @ (Value::Number(_) | Value::Bool(_) | Value::Null)) => scalar,
            _ => Value::String((*value).to_owned()),
        };
        match body.get_mut(*key) {
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
            None => {
                body.insert((*key).to_owned(), value);
            }
        }
    }
    Value::Object(body)
}

fn read_input(path: &std::path::Path) -> Result<Value, Stop> {
    let text = read_text("--input", path)?;
    serde_json::from_str(&text).map_err(|error| {
        Failure::invalid(format!("--input {}: not JSON: {error}", path.display())).into()
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_make_a_body() {
        let cases = [
            (
                vec![("url", "http://127.0.0.1/x")],
                json!({ "url": "http://127.0.0.1/x" }),
            ),
            (
                vec![("limit", "5"), ("on", "true"), ("label", "null")],
                json!({ "limit": 5, "on": true, "label": null }),
            ),
            (
                vec![("hookEvents", "RUN_START"), ("hookEvents", "RUN_FINISH")],
                json!({ "hookEvents": ["RUN_START", "RUN_FINISH"] }),
            ),
            (vec![("a", "=b")], json!({ "a": "=b" })),
        ];
        for (fields, body) in cases {
            assert_eq!(body_of(&fields), body, "{fields:?}");
        }
    }
}
