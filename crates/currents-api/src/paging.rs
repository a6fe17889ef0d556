//! The hand-written half of the generated pagination: the two styles of the spec's lists and
//! their envelopes, read without decoding the items. The generator implements [`Paginated`]
//! for each list operation, from its parameters and its answer's schema (the spec model's
//! `Pagination`), and [`Single`] for every other operation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::value::RawValue;

use crate::wire::Request;

/// How a list goes from one page to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageStyle {
    /// `starting_after` the last item's `cursor`; the answer's `has_more` says whether to go on.
    Cursor,
    /// `page` numbers from 0; the answer's `data.nextPage` is the next one, or `false`.
    Number,
    /// Every item in one answer, whose `data` is the list.
    Whole,
}

impl PageStyle {
    /// The style of a list's answer, read from its envelope alone (`has_more`, `data.nextPage`,
    /// or a `data` array), for a list the spec does not describe; `None` if it is not a list.
    pub fn of_answer(body: &[u8]) -> Option<PageStyle> {
        if serde_json::from_slice::<CursorEnvelope>(body).is_ok() {
            return Some(PageStyle::Cursor);
        }
        if serde_json::from_slice::<NumberEnvelope>(body).is_ok_and(|e| e.data.next_page.is_some())
        {
            return Some(PageStyle::Number);
        }
        serde_json::from_slice::<WholeEnvelope>(body)
            .is_ok()
            .then_some(PageStyle::Whole)
    }

    /// The items of an answer of this style, as sent, and where the list goes next.
    pub fn split(self, body: &[u8]) -> Result<(Vec<Box<RawValue>>, Next), serde_json::Error> {
        split(self, body)
    }

    /// The query parameter that names the next page of this style (`starting_after`, `page`),
    /// as the spec model reads lists; `None` for a list answered whole.
    pub const fn position_parameter(self) -> Option<&'static str> {
        match self {
            PageStyle::Cursor => Some(currents_spec::CURSOR_PARAMETER),
            PageStyle::Number => Some(currents_spec::PAGE_PARAMETER),
            PageStyle::Whole => None,
        }
    }

    /// Where an answer of this style holds its items, as a JSON pointer: `/data` or
    /// `/data/list`.
    pub const fn items_pointer(self) -> &'static str {
        match self {
            PageStyle::Cursor | PageStyle::Whole => "/data",
            PageStyle::Number => "/data/list",
        }
    }
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Position {
    /// The first page.
    First,
    /// After the item with this cursor (a cursor list).
    After(String),
    /// This page number (a page-number list).
    Page(i64),
}

/// Where a list goes after a page, as its answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Next {
    /// A cursor list's `has_more`.
    More(bool),
    /// A page-number list's `nextPage`: `None` for `false`.
    Page(Option<i64>),
}

/// A list operation: its request pages, and its answer is one page.
pub trait Paginated: Request + Clone + Send + Sync + 'static {
    /// One item of the list.
    type Item: DeserializeOwned + Send + 'static;
    /// How the list pages.
    const STYLE: PageStyle;
    /// The largest page size the spec allows (its limit parameter's `maximum`).
    const MAX_LIMIT: i64;

    /// Asks for a page of `limit` items at `position`.
    fn set_page(&mut self, position: &Position, limit: i64);

    /// The value that tells an item from the others (the spec's `x-item-key`), to notice one
    /// that comes twice.
    fn key(item: &Self::Item) -> Option<String>;

    /// The items of a page's body, as sent, and where the list goes next.
    fn split(body: &[u8]) -> Result<(Vec<Box<RawValue>>, Next), serde_json::Error> {
        split(Self::STYLE, body)
    }

    /// Whether the list can be cut into time slices: its items are ordered newest first by a
    /// time (the spec's `x-item-time`) that its `date_start` and `date_end` select on.
    const SLICED: bool = false;

    /// The time that orders an item in a time-sliced list.
    fn time(item: &Self::Item) -> Option<DateTime<Utc>> {
        let _ = item;
        None
    }

    /// The range the request asks for (`date_start`, `date_end`), of a time-sliced list.
    fn range(&self) -> TimeRange {
        TimeRange::default()
    }

    /// Asks for `range` instead; a bound of `None` leaves the request's own.
    fn set_range(&mut self, range: TimeRange) {
        let _ = range;
    }
}

/// A list's date range: `date_start` and `date_end`, either of which may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeRange {
    /// The oldest time asked for (`date_start`).
    pub start: Option<DateTime<Utc>>,
    /// The newest time asked for (`date_end`).
    pub end: Option<DateTime<Utc>>,
}

impl TimeRange {
    /// A range from `start` to `end`, either open.
    pub const fn new(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Self {
        TimeRange { start, end }
    }
}

/// An operation whose answer is one value, not a page of a list.
pub trait Single: Request {}

/// An item's key, whether its field is required or optional.
pub trait ItemKey {
    /// The key as text, if the item has one.
    fn item_key(&self) -> Option<String>;
}

impl ItemKey for String {
    fn item_key(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl ItemKey for Option<String> {
    fn item_key(&self) -> Option<String> {
        self.clone()
    }
}

/// An item's time, whether its field is required or optional.
pub trait ItemTime {
    /// The time, if the item has one.
    fn item_time(&self) -> Option<DateTime<Utc>>;
}

impl ItemTime for DateTime<Utc> {
    fn item_time(&self) -> Option<DateTime<Utc>> {
        Some(*self)
    }
}

impl ItemTime for Option<DateTime<Utc>> {
    fn item_time(&self) -> Option<DateTime<Utc>> {
        *self
    }
}

/// `nextPage`: a page number, or `false` at the end.
#[derive(Deserialize)]
#[serde(untagged)]
enum NextPage {
    Number(i64),
    End(bool),
}

/// The envelope of a cursor list's answer.
#[derive(Deserialize)]
struct CursorEnvelope {
    has_more: bool,
    #[serde(default)]
    data: Vec<Box<RawValue>>,
}

/// The envelope of a list answered whole.
#[derive(Deserialize)]
struct WholeEnvelope {
    #[serde(default)]
    data: Vec<Box<RawValue>>,
}

/// The envelope of a page-number list's answer.
#[derive(Deserialize)]
struct NumberEnvelope {
    data: NumberData,
}

#[derive(Deserialize)]
struct NumberData {
    // An empty list may be left out, as the spec does not require it.
    #[serde(default)]
    list: Vec<Box<RawValue>>,
    #[serde(rename = "nextPage")]
    next_page: Option<NextPage>,
}

fn split(style: PageStyle, body: &[u8]) -> Result<(Vec<Box<RawValue>>, Next), serde_json::Error> {
    match style {
        PageStyle::Cursor => {
            let envelope: CursorEnvelope = serde_json::from_slice(body)?;
            Ok((envelope.data, Next::More(envelope.has_more)))
        }
        PageStyle::Whole => {
            let envelope: WholeEnvelope = serde_json::from_slice(body)?;
            Ok((envelope.data, Next::More(false)))
        }
        PageStyle::Number => {
            let envelope: NumberEnvelope = serde_json::from_slice(body)?;
            // `nextPage: true` names no page to go to, so it ends the walk like `false`.
            let next = match envelope.data.next_page {
                Some(NextPage::Number(page)) => Some(page),
                Some(NextPage::End(ended)) => {
                    let _ = ended;
                    None
                }
                None => None,
            };
            Ok((envelope.data.list, Next::Page(next)))
        }
    }
}

/// The cursor of a cursor list's item, read from its JSON without decoding the rest, so that
/// the next page can be asked for before this one is decoded.
pub fn raw_cursor(item: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct Cursor {
        cursor: Option<String>,
    }
    serde_json::from_str::<Cursor>(item.get()).ok()?.cursor
}

/// How many items a page-number list's answer says it holds in all (`data.total`), read
/// without its items, so that the pages after the first can be asked for at once.
pub fn raw_total(body: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct Envelope {
        data: Data,
    }
    #[derive(Deserialize)]
    struct Data {
        total: Option<u64>,
    }
    serde_json::from_slice::<Envelope>(body).ok()?.data.total
}
