//! The two pagination styles, over any list the fake keeps in order, and the paging faults.
//!
//! Cursor lists (newest first) hand out a cursor per item that encodes its place in the order,
//! not its index, so a cursor stays valid while items are added or deleted. Page-number lists
//! slice by `page * limit` and say `nextPage` (a number, or `false` at the end).

use chrono::{DateTime, Utc};

use crate::ApiError;

/// A paging fault: the answer to one list request is wrong in a way a walker must survive or
/// refuse, never loop on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFault {
    /// Say there is more (`has_more: true`, or a `nextPage`) although this is the last page.
    LyingHasMore,
    /// Answer the page that ends at the cursor given, so its last cursor repeats; for a
    /// page-number list, point `nextPage` back at the page just answered.
    RepeatedCursor,
    /// Answer only this many items of the page, and say there is more.
    ShortPage(usize),
}

/// An item's place in a newest-first list: its time, then its id to break ties.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Place {
    pub(crate) at: DateTime<Utc>,
    pub(crate) id: String,
}

impl Place {
    pub(crate) fn new(at: DateTime<Utc>, id: impl Into<String>) -> Self {
        Place { at, id: id.into() }
    }

    /// The cursor that names this place: `<milliseconds>.<id>`.
    pub(crate) fn cursor(&self) -> String {
        format!("{}.{}", self.at.timestamp_millis(), self.id)
    }

    fn parse(cursor: &str) -> Result<Self, ApiError> {
        let invalid = || ApiError::bad_request(format!("invalid cursor '{cursor}'"));
        let (millis, id) = cursor.split_once('.').ok_or_else(invalid)?;
        let at = millis
            .parse()
            .ok()
            .and_then(DateTime::from_timestamp_millis)
            .ok_or_else(invalid)?;
        Ok(Place::new(at, id))
    }
}

/// Where a cursor request starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct CursorQuery<'a> {
    pub(crate) limit: usize,
    pub(crate) starting_after: Option<&'a str>,
    pub(crate) ending_before: Option<&'a str>,
}

/// One page of a cursor list: each item with its cursor, and whether more follow.
#[derive(Debug)]
pub(crate) struct CursorPage<T> {
    pub(crate) items: Vec<(String, T)>,
    pub(crate) has_more: bool,
}

/// A list in time order that a page can be read from at any place, without copying it.
pub(crate) trait Ordered<T> {
    /// The items strictly older than `than` (every item, for `None`), newest first.
    fn older(&self, than: Option<&Place>) -> Box<dyn Iterator<Item = (Place, T)> + '_>;
    /// The items newer than `than` (or at it, if `inclusive`), oldest first.
    fn newer(&self, than: &Place, inclusive: bool) -> Box<dyn Iterator<Item = (Place, T)> + '_>;
}

/// A list held whole, in time order.
#[derive(Debug)]
pub(crate) struct Sorted<T>(Vec<(Place, T)>);

impl<T> Sorted<T> {
    pub(crate) fn new(mut items: Vec<(Place, T)>) -> Self {
        items.sort_by(|a, b| a.0.cmp(&b.0));
        Sorted(items)
    }
}

impl<T: Clone> Ordered<T> for Sorted<T> {
    fn older(&self, than: Option<&Place>) -> Box<dyn Iterator<Item = (Place, T)> + '_> {
        let end = than.map_or(self.0.len(), |than| {
            self.0.partition_point(|(place, _)| place < than)
        });
        Box::new(self.0[..end].iter().rev().cloned())
    }

    fn newer(&self, than: &Place, inclusive: bool) -> Box<dyn Iterator<Item = (Place, T)> + '_> {
        let start = self.0.partition_point(|(place, _)| {
            if inclusive {
                place < than
            } else {
                place <= than
            }
        });
        Box::new(self.0[start..].iter().cloned())
    }
}

/// The page of `source` that `query` asks for, newest first. Only the page (and one item to
/// tell whether more follow) is read.
pub(crate) fn cursor_page<'a, T>(
    source: &impl Ordered<T>,
    query: &CursorQuery<'a>,
    fault: Option<PageFault>,
) -> Result<CursorPage<T>, ApiError> {
    let limit = query.limit;
    // An empty cursor names no place: it is read as no cursor at all.
    let present = |cursor: Option<&'a str>| cursor.filter(|c| !c.is_empty());
    let (after, before) = (present(query.starting_after), present(query.ending_before));
    // One item more than the page tells whether more follow.
    let page = |items: Box<dyn Iterator<Item = (Place, T)> + '_>| {
        let mut items = items.take(limit + 1).collect::<Vec<_>>();
        let more = items.len() > limit;
        items.truncate(limit);
        (items, more)
    };
    let (items, mut has_more) = match (after, before) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "starting_after and ending_before are mutually exclusive",
            ));
        }
        (Some(cursor), None) if fault == Some(PageFault::RepeatedCursor) => {
            // The page that ends at the cursor: the one before, again.
            let at = Place::parse(cursor)?;
            let mut items = source.newer(&at, true).take(limit).collect::<Vec<_>>();
            items.reverse();
            (items, true)
        }
        (Some(cursor), None) => page(source.older(Some(&Place::parse(cursor)?))),
        (None, Some(cursor)) => {
            // The items just newer than the cursor, the nearest first, then newest first.
            let (mut items, more) = page(source.newer(&Place::parse(cursor)?, false));
            items.reverse();
            (items, more)
        }
        (None, None) => page(source.older(None)),
    };
    let mut items = items;
    match fault {
        Some(PageFault::LyingHasMore | PageFault::RepeatedCursor) => has_more = true,
        Some(PageFault::ShortPage(keep)) if items.len() > keep => {
            items.truncate(keep);
            has_more = true;
        }
        _ => {}
    }
    let items = items
        .into_iter()
        .map(|(place, item)| (place.cursor(), item))
        .collect();
    Ok(CursorPage { items, has_more })
}

/// One page of a page-number list.
#[derive(Debug)]
pub(crate) struct NumberedPage<T> {
    pub(crate) items: Vec<T>,
    pub(crate) total: usize,
    /// The next page's number, or `None` at the end (`nextPage: false`).
    pub(crate) next_page: Option<i64>,
}

/// Page `page` (0-based) of `items` in the order given.
pub(crate) fn numbered_page<T>(
    items: Vec<T>,
    page: i64,
    limit: usize,
    fault: Option<PageFault>,
) -> NumberedPage<T> {
    let total = items.len();
    let page = usize::try_from(page).unwrap_or(0);
    let start = page.saturating_mul(limit).min(total);
    let mut end = start.saturating_add(limit).min(total);
    let mut next_page = (end < total).then(|| page as i64 + 1);
    match fault {
        Some(PageFault::LyingHasMore) => next_page = Some(page as i64 + 1),
        Some(PageFault::RepeatedCursor) => next_page = Some(page as i64),
        Some(PageFault::ShortPage(keep)) => {
            end = end.min(start + keep);
            next_page = Some(page as i64 + 1);
        }
        None => {}
    }
    let items = items.into_iter().skip(start).take(end - start).collect();
    NumberedPage {
        items,
        total,
        next_page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(count: i64) -> Vec<(Place, i64)> {
        (0..count)
            .map(|n| {
                let at = DateTime::from_timestamp(1_800_000_000 + n, 0).expect("valid");
                (Place::new(at, format!("id{n}")), n)
            })
            .collect()
    }

    fn values<T: Copy>(page: &CursorPage<T>) -> Vec<T> {
        page.items.iter().map(|(_, value)| *value).collect()
    }

    #[test]
    fn cursor_pages_walk_newest_first_and_survive_deletions() {
        let query = CursorQuery {
            limit: 2,
            ..CursorQuery::default()
        };
        let first = cursor_page(&Sorted::new(places(5)), &query, None).expect("first");
        assert_eq!(values(&first), [4, 3]);
        assert!(first.has_more);
        let after = first.items[1].0.clone();
        // The item the cursor names is deleted: the cursor still places the next page.
        let remaining = places(5).into_iter().filter(|(_, n)| *n != 3).collect();
        let query = CursorQuery {
            limit: 2,
            starting_after: Some(&after),
            ..CursorQuery::default()
        };
        let second = cursor_page(&Sorted::new(remaining), &query, None).expect("second");
        assert_eq!(values(&second), [2, 1]);
        let before = CursorQuery {
            limit: 2,
            ending_before: Some(&after),
            ..CursorQuery::default()
        };
        let newer = cursor_page(&Sorted::new(places(5)), &before, None).expect("newer");
        assert_eq!(values(&newer), [4]);
        assert!(!newer.has_more);
    }

    #[test]
    fn faults_change_the_page_as_described() {
        let query = CursorQuery {
            limit: 10,
            ..CursorQuery::default()
        };
        let lying = cursor_page(
            &Sorted::new(places(3)),
            &query,
            Some(PageFault::LyingHasMore),
        )
        .expect("page");
        assert_eq!((values(&lying).len(), lying.has_more), (3, true));
        let short = cursor_page(
            &Sorted::new(places(3)),
            &query,
            Some(PageFault::ShortPage(1)),
        )
        .expect("page");
        assert_eq!((values(&short), short.has_more), (vec![2], true));
        let cursor = short.items[0].0.clone();
        let query = CursorQuery {
            limit: 10,
            starting_after: Some(&cursor),
            ..CursorQuery::default()
        };
        let repeated = cursor_page(
            &Sorted::new(places(3)),
            &query,
            Some(PageFault::RepeatedCursor),
        )
        .expect("page");
        assert_eq!(
            repeated.items.last().map(|(c, _)| c.as_str()),
            Some(cursor.as_str())
        );
        assert!(
            cursor_page(
                &Sorted::new(places(3)),
                &CursorQuery {
                    limit: 1,
                    starting_after: Some("x"),
                    ..CursorQuery::default()
                },
                None
            )
            .is_err()
        );
    }

    #[test]
    fn numbered_pages_say_the_next_page_or_the_end() {
        let page = numbered_page((0..5).collect(), 0, 2, None);
        assert_eq!(
            (page.items, page.total, page.next_page),
            (vec![0, 1], 5, Some(1))
        );
        let last = numbered_page((0..5).collect(), 2, 2, None);
        assert_eq!((last.items, last.next_page), (vec![4], None));
        let back = numbered_page(
            (0..5).collect::<Vec<_>>(),
            1,
            2,
            Some(PageFault::RepeatedCursor),
        );
        assert_eq!(back.next_page, Some(1));
    }
}
