//! `currents api PATH`: any route below the base URL, as `gh api` calls GitHub's, with the
//! client's auth, gzip, retries (by method), size cap and errors.

mod fields;

use std::io::{self, Write as _};

use currents::{Client, RawResponse, ResponseMeta, reqwest::Method};
use futures_util::StreamExt as _;
use serde_json::Value;

use self::fields::{Field, Kind};
use crate::{
    cli::{ApiArgs, Format},
    exit::{Failure, Stop},
    files::read_text,
    jq::Jq,
    output::Output,
    terminal,
};

pub(super) async fn run(client: &Client, args: ApiArgs, output: Output) -> Result<(), Stop> {
    let fields = args
        .raw_fields
        .iter()
        .map(|text| Field::parse(Kind::Raw, text))
        .chain(
            args.typed_fields
                .iter()
                .map(|text| Field::parse(Kind::Typed, text)),
        )
        .collect::<Result<Vec<_>, _>>()?;
    // As `gh api`: GET, unless there is something to send; but pages are only ever a GET's.
    let method = match &args.method {
        Some(method) => Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| Failure::invalid(format!("-X {method}: not an HTTP method")))?,
        None if args.paginate => Method::GET,
        None if !fields.is_empty() || args.input.is_some() => Method::POST,
        None => Method::GET,
    };
    if args.paginate && method != Method::GET {
        return Err(Failure::invalid("--paginate follows the pages of a GET").into());
    }
    if args.paginate && args.input.is_some() {
        return Err(Failure::invalid("--paginate sends no body: leave out --input").into());
    }
    // The fields are the query of a GET, and of a request whose body is --input.
    let (query, body) = match &args.input {
        Some(path) => (fields::query(&fields), Some(read_input(path)?)),
        None if method == Method::GET => (fields::query(&fields), None),
        None if fields.is_empty() => (Vec::new(), None),
        None => (Vec::new(), Some(fields::body(&fields)?)),
    };
    let jq = args.jq.as_deref().map(Jq::new).transpose()?;
    // `gh api` takes `repos/cli/cli` as well as `/repos/cli/cli`.
    let path = match args.path.starts_with('/') {
        true => args.path.clone(),
        false => format!("/{}", args.path),
    };
    let mut request = client.request(method, &path);
    for (key, value) in query {
        request = request.query(key, value);
    }
    for header in &args.headers {
        let (name, value) = header.split_once(':').ok_or_else(|| {
            Failure::invalid(format!("-H {header}: give a header as 'Name: value'"))
        })?;
        request = request.header(name, value);
    }
    if let Some(body) = &body {
        request = request.json(body);
    }
    let print = Print {
        format: output.format,
        include: args.include,
        silent: args.silent,
        jq,
    };
    if !args.paginate {
        return print.whole(&request.send_any_status().await?);
    }
    // The client's own walk, with every paging check the spec's lists have.
    let mut pages = request.pages();
    let mut slurped = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page?;
        print.headers(&page.meta)?;
        let items = page.items.iter().map(|item| item.raw());
        if args.slurp {
            for item in items {
                slurped.push(serde_json::from_str::<Value>(item).map_err(io::Error::other)?);
            }
        } else {
            for item in items {
                print.body(item.as_bytes())?;
            }
        }
    }
    if args.slurp {
        let all = serde_json::to_vec(&slurped).map_err(io::Error::other)?;
        print.body(&all)?;
    }
    Ok(())
}

/// How an answer is printed: `-i`, `--silent`, `--jq`, and for whom.
struct Print {
    format: Format,
    include: bool,
    silent: bool,
    jq: Option<Jq>,
}

impl Print {
    /// An answer: with `-i` its status and headers first; an error status's body as it came,
    /// then its error for stderr and the exit code, as `gh api` does.
    fn whole(&self, response: &RawResponse) -> Result<(), Stop> {
        self.headers(response.meta())?;
        match response.error() {
            Some(error) => {
                if !self.silent {
                    write_text(&String::from_utf8_lossy(&response.body), self.format)?;
                }
                Err(error.into())
            }
            None => self.body(&response.body),
        }
    }

    /// The status line and headers, as `curl -i` and `gh api -i` print them.
    fn headers(&self, meta: &ResponseMeta) -> Result<(), Stop> {
        if !self.include {
            return Ok(());
        }
        let status = currents::reqwest::StatusCode::from_u16(meta.status()).ok();
        let reason = status
            .and_then(|s| s.canonical_reason())
            .unwrap_or_default();
        let mut text = format!("HTTP/1.1 {} {reason}\n", meta.status());
        for (name, value) in meta.headers() {
            text.push_str(&format!(
                "{name}: {}\n",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        text.push('\n');
        write_text(&text, self.format)
    }

    /// A successful body: through `--jq`, else pretty for a person and as sent for a pipe.
    fn body(&self, body: &[u8]) -> Result<(), Stop> {
        if self.silent {
            return Ok(());
        }
        let pretty = self.format == Format::Table;
        let text = match (&self.jq, pretty) {
            (Some(jq), _) => jq.run(body, pretty)?.join("\n"),
            (None, true) => match serde_json::from_slice::<Value>(body) {
                Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
                Err(_) => String::from_utf8_lossy(body).into_owned(),
            },
            (None, false) => String::from_utf8_lossy(body).into_owned(),
        };
        write_text(&text, self.format)
    }
}

/// Text for stdout, ending in a newline; on a terminal, unable to act on it.
fn write_text(text: &str, format: Format) -> Result<(), Stop> {
    let text = match format {
        Format::Table => terminal::safe(text),
        Format::Json => text.into(),
    };
    if text.is_empty() {
        return Ok(());
    }
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()?;
    Ok(())
}

fn read_input(path: &std::path::Path) -> Result<Value, Stop> {
    let text = read_text("--input", path)?;
    serde_json::from_str(&text).map_err(|error| {
        Failure::invalid(format!("--input {}: not JSON: {error}", path.display())).into()
    })
}
