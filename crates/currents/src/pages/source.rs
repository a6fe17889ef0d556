//! What a walk reads: a list named by its generated request, or a raw `GET` whose answer says
//! how it pages, and how one page of it is fetched and decoded.

use std::{future::Future, sync::Arc};

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use currents_api::operations::{
    Next, PageStyle, Paginated, Position, TimeRange, raw_cursor, raw_total,
};

use crate::{
    Client, Endpoint, Error, Received, ResponseMeta,
    transport::{Call, Reply},
};

/// Where a page starts, and the time range it is asked for (a time slice's own).
#[derive(Debug, Clone)]
pub(super) struct At {
    pub(super) position: Position,
    pub(super) range: Option<TimeRange>,
}

/// A page that came, decoded in the fetch's own task so that pages decode side by side.
pub(super) struct Fetched<T> {
    pub(super) items: Vec<Received<T>>,
    /// Each item's key (the spec's `x-item-key`), to notice one that comes twice.
    pub(super) keys: Vec<Option<String>>,
    /// Each item's time, for a time-sliced list.
    pub(super) times: Vec<Option<DateTime<Utc>>>,
    pub(super) next: Next,
    /// A page-number list's `total`, if it says it.
    pub(super) total: Option<u64>,
    pub(super) last_cursor: Option<String>,
    pub(super) meta: Arc<ResponseMeta>,
}

/// What the engine knows of a list before its first page.
pub(super) struct Shape {
    /// The operation (or route) that errors name.
    pub(super) operation: Endpoint,
    /// The page size every page is asked for, if the walk sets it.
    pub(super) limit: Option<i64>,
    /// Whether the list can be cut into time slices ([`Paginated::SLICED`]).
    pub(super) sliced: bool,
    /// The range the request asks for itself.
    pub(super) range: TimeRange,
}

/// A list a walk can read.
pub(super) trait Source: Send + 'static {
    type Item: Send + 'static;

    fn shape(&self) -> Shape;

    /// Fetches and decodes the page `at` says, with the client's retries and limits.
    fn fetch(
        &self,
        at: At,
    ) -> impl Future<Output = Result<Fetched<Self::Item>, Error>> + Send + 'static;
}

/// A list operation of the spec, by its generated request.
pub(super) struct Typed<R> {
    pub(super) client: Client,
    pub(super) request: R,
    pub(super) limit: i64,
}

impl<R: Paginated> Source for Typed<R> {
    type Item = R::Item;

    fn shape(&self) -> Shape {
        Shape {
            operation: R::OPERATION.into(),
            limit: Some(self.limit),
            sliced: R::SLICED,
            range: self.request.range(),
        }
    }

    fn fetch(
        &self,
        at: At,
    ) -> impl Future<Output = Result<Fetched<R::Item>, Error>> + Send + 'static {
        let mut request = self.request.clone();
        request.set_page(&at.position, self.limit);
        if let Some(range) = at.range {
            request.set_range(range);
        }
        let client = self.client.clone();
        async move {
            let reply = client.execute(&request).await?;
            let time = R::SLICED.then_some(R::time as ItemTime<R::Item>);
            decode(reply, R::split, R::key, time)
        }
    }
}

/// Reads the time that orders an item of a time-sliced list.
type ItemTime<T> = fn(&T) -> Option<DateTime<Utc>>;

/// Decodes an answer's page of items, with their keys and, for a time-sliced list, their times.
fn decode<T: DeserializeOwned>(
    reply: Reply,
    split: impl FnOnce(&[u8]) -> Result<(Vec<Box<RawValue>>, Next), serde_json::Error>,
    key: impl Fn(&T) -> Option<String>,
    time: Option<ItemTime<T>>,
) -> Result<Fetched<T>, Error> {
    let reply = reply.successful()?;
    let decode_error = |source| reply.decode_error(source);
    let (raws, next) = split(&reply.body).map_err(decode_error)?;
    let last_cursor = raws.last().and_then(|item| raw_cursor(item));
    let meta = Arc::new(reply.meta());
    let items = raws
        .into_iter()
        .map(|raw| Received::<T>::decode(raw).map(|item| item.with_meta(meta.clone())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(decode_error)?;
    let keys = items.iter().map(|item| key(item)).collect();
    let times = match time {
        Some(time) => items.iter().map(|item| time(item)).collect(),
        None => Vec::new(),
    };
    Ok(Fetched {
        items,
        keys,
        times,
        next,
        total: raw_total(&reply.body),
        last_cursor,
        meta,
    })
}

/// A `GET` of a route, whose answer's envelope says how it pages ([`PageStyle::of_answer`]);
/// the position of each page goes in the query parameter the spec's lists name for it.
pub(crate) struct Raw {
    pub(crate) client: Client,
    /// The first page's call; each next page's is this one at the page's position.
    pub(crate) call: Call,
}

impl Source for Raw {
    type Item = serde_json::Value;

    fn shape(&self) -> Shape {
        Shape {
            operation: self.call.operation.clone(),
            limit: None,
            sliced: false,
            range: TimeRange::default(),
        }
    }

    fn fetch(
        &self,
        at: At,
    ) -> impl Future<Output = Result<Fetched<Self::Item>, Error>> + Send + 'static {
        let (style, value) = match at.position {
            Position::After(cursor) => (Some(PageStyle::Cursor), cursor),
            Position::Page(page) => (Some(PageStyle::Number), page.to_string()),
            _ => (None, String::new()),
        };
        let mut call = self.call.clone();
        if let Some(name) = style.and_then(PageStyle::position_parameter) {
            // The walk's position replaces one the caller gave.
            let kept = call
                .url
                .query_pairs()
                .into_owned()
                .filter(|(key, _)| key != name)
                .collect::<Vec<_>>();
            call.url
                .query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair(name, &value);
        }
        let client = self.client.clone();
        async move {
            let reply = client.send(call).await?;
            // Not a list of any style: the error is why it is not even a list answered whole.
            let split = |body: &[u8]| {
                let style = PageStyle::of_answer(body).unwrap_or(PageStyle::Whole);
                style.split(body)
            };
            decode(reply, split, |_| None, None)
        }
    }
}
