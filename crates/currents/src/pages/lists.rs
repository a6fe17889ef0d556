//! The five paginated lists of the spec, and how each style's answer says where to go next.

use currents_api::{
    operations::{GetSpecFiles, GetTestResults, GetTestsExplorer, ListProjectRuns, ListProjects},
    types::{ProjectWithCursor, RunFeedItem, SpecFile, TestExplorerItem, TestResult},
};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::Paginated;

/// How a list pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `starting_after` the last item's `cursor`; `has_more` says whether to go on.
    Cursor,
    /// `page` numbers from 0; `nextPage` is the next one, or `false`.
    Number,
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Position {
    First,
    After(String),
    Page(i64),
}

/// Where the list goes after a page, as its answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// A cursor list's `has_more`.
    More(bool),
    /// A page-number list's `nextPage`: `None` for `false`.
    Page(Option<i64>),
}

/// `nextPage`: a page number, or `false` at the end.
#[derive(Deserialize)]
#[serde(untagged)]
enum NextPage {
    Number(i64),
    End(bool),
}

/// The items of a page's body, as sent, and where the list goes next.
pub(crate) fn split<R: Paginated>(
    body: &[u8],
) -> Result<(Vec<Box<RawValue>>, Next), serde_json::Error> {
    match R::STYLE {
        Style::Cursor => {
            #[derive(Deserialize)]
            struct Envelope {
                has_more: bool,
                #[serde(default)]
                data: Vec<Box<RawValue>>,
            }
            let envelope: Envelope = serde_json::from_slice(body)?;
            Ok((envelope.data, Next::More(envelope.has_more)))
        }
        Style::Number => {
            #[derive(Deserialize)]
            struct Envelope {
                data: Data,
            }
            #[derive(Deserialize)]
            struct Data {
                // An empty list may be left out, as the spec does not require it.
                #[serde(default)]
                list: Vec<Box<RawValue>>,
                #[serde(rename = "nextPage")]
                next_page: Option<NextPage>,
            }
            let envelope: Envelope = serde_json::from_slice(body)?;
            // `nextPage: true` names no page to go to, so it ends the walk like `false`.
            let next = match envelope.data.next_page {
                Some(NextPage::Number(page)) => Some(page),
                Some(NextPage::End(false | true)) | None => None,
            };
            Ok((envelope.data.list, Next::Page(next)))
        }
    }
}

/// The cursor of a cursor list's item, read from its JSON without decoding the rest, so that
/// the next page can be asked for before this one is decoded.
pub(crate) fn raw_cursor(item: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct Cursor {
        cursor: Option<String>,
    }
    serde_json::from_str::<Cursor>(item.get()).ok()?.cursor
}

macro_rules! cursor_list {
    ($request:ty, $item:ty, |$it:ident| $key:expr) => {
        impl Paginated for $request {
            type Item = $item;
            const STYLE: Style = Style::Cursor;
            const MAX_LIMIT: i64 = <$request>::LIMIT_MAXIMUM;

            fn set_page(&mut self, position: &Position, limit: i64) {
                self.limit = Some(limit);
                self.starting_after = match position {
                    Position::After(cursor) => Some(cursor.clone()),
                    Position::First | Position::Page(_) => None,
                };
            }

            fn key($it: &Self::Item) -> Option<String> {
                $key
            }
        }
    };
}

macro_rules! numbered_list {
    ($request:ty, $item:ty, |$it:ident| $key:expr) => {
        impl Paginated for $request {
            type Item = $item;
            const STYLE: Style = Style::Number;
            const MAX_LIMIT: i64 = <$request>::LIMIT_MAXIMUM;

            fn set_page(&mut self, position: &Position, limit: i64) {
                self.limit = Some(limit);
                self.page = match position {
                    Position::Page(page) => Some(*page),
                    Position::First | Position::After(_) => None,
                };
            }

            fn key($it: &Self::Item) -> Option<String> {
                $key
            }
        }
    };
}

cursor_list!(ListProjects, ProjectWithCursor, |item| Some(
    item.project_id.clone()
));
cursor_list!(ListProjectRuns, RunFeedItem, |item| item.run_id.clone());
cursor_list!(GetTestResults, TestResult, |item| item.cursor.clone());
numbered_list!(GetSpecFiles, SpecFile, |item| item.spec.clone());
numbered_list!(GetTestsExplorer, TestExplorerItem, |item| item
    .signature
    .clone());
