//! The paging checks, each written once. Every walk (a cursor chain, a page fan-out, a time
//! slice, a raw `GET`'s pages) puts its pages through these, so that a rule changed here holds
//! for all of them.

use std::collections::HashSet;

use crate::PagingError;

/// The cursors a cursor chain followed.
#[derive(Debug, Default)]
pub(super) struct Chain {
    followed: HashSet<String>,
}

impl Chain {
    /// Where a chain goes after a page that says there is more: its last item's cursor, which
    /// must be there and must not have been followed before.
    pub(super) fn follow(&mut self, last_cursor: Option<String>) -> Result<String, PagingError> {
        let cursor = last_cursor.ok_or(PagingError::MissingCursor)?;
        if !self.followed.insert(cursor.clone()) {
            return Err(PagingError::RepeatedCursor { cursor });
        }
        Ok(cursor)
    }
}

/// A page-number list, read in order.
#[derive(Debug, Default)]
pub(super) struct Numbered {
    /// The first page's `total`, which every later page must repeat.
    total: Option<u64>,
}

/// A page of a page-number list, as the checks see it.
#[derive(Debug, Clone, Copy)]
pub(super) struct NumberPage {
    pub(super) page: i64,
    pub(super) items: usize,
    pub(super) total: Option<u64>,
    pub(super) next: Option<i64>,
}

impl Numbered {
    /// Checks `page`, read in order, against the pages before it; where the list goes next,
    /// or `None` at its end. `limit` is the page size asked for, if the walk set it.
    pub(super) fn follow(
        &mut self,
        page: NumberPage,
        limit: Option<i64>,
    ) -> Result<Option<i64>, PagingError> {
        if page.page == 0 {
            self.total = page.total;
        } else if let (Some(was), Some(now)) = (self.total, page.total)
            && was != now
        {
            return Err(PagingError::ListChanged {
                page: page.page,
                was,
                now,
            });
        }
        let Some(next) = page.next.filter(|_| page.items > 0) else {
            return Ok(None);
        };
        if let Some(limit) = limit
            && (page.items as i64) < limit
        {
            return Err(PagingError::ShortPage {
                page: page.page,
                items: page.items,
                limit,
            });
        }
        if next <= page.page {
            return Err(PagingError::PageWentBackwards {
                from: page.page,
                to: next,
            });
        }
        Ok(Some(next))
    }
}

/// The keys of a page's items, unless one was on the page before or comes twice.
pub(super) fn distinct<'a>(
    keys: impl IntoIterator<Item = &'a Option<String>>,
    previous: &HashSet<String>,
) -> Result<HashSet<String>, PagingError> {
    let mut seen = HashSet::new();
    for key in keys.into_iter().flatten() {
        if previous.contains(key) || !seen.insert(key.clone()) {
            return Err(PagingError::DuplicateItem { id: key.clone() });
        }
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_refuses_a_missing_or_repeated_cursor() {
        let mut chain = Chain::default();
        assert_eq!(chain.follow(Some("a".into())), Ok("a".into()));
        assert_eq!(chain.follow(Some("b".into())), Ok("b".into()));
        assert_eq!(
            chain.follow(Some("a".into())),
            Err(PagingError::RepeatedCursor { cursor: "a".into() })
        );
        assert_eq!(chain.follow(None), Err(PagingError::MissingCursor));
    }

    #[test]
    fn numbered_pages_must_add_up() {
        let page = |page, items, total, next| NumberPage {
            page,
            items,
            total,
            next,
        };
        // (pages read in order, the limit, what the last one gives)
        let cases = [
            (vec![page(0, 50, Some(120), Some(1))], Some(50), Ok(Some(1))),
            (vec![page(0, 20, Some(20), None)], Some(50), Ok(None)),
            (vec![page(0, 0, Some(0), Some(1))], Some(50), Ok(None)),
            (vec![page(0, 7, None, Some(1))], None, Ok(Some(1))),
            (
                vec![page(0, 49, Some(120), Some(1))],
                Some(50),
                Err(PagingError::ShortPage {
                    page: 0,
                    items: 49,
                    limit: 50,
                }),
            ),
            (
                vec![page(0, 50, None, Some(1)), page(1, 50, None, Some(1))],
                Some(50),
                Err(PagingError::PageWentBackwards { from: 1, to: 1 }),
            ),
            (
                vec![
                    page(0, 50, Some(120), Some(1)),
                    page(1, 50, Some(130), Some(2)),
                ],
                Some(50),
                Err(PagingError::ListChanged {
                    page: 1,
                    was: 120,
                    now: 130,
                }),
            ),
        ];
        for (pages, limit, expected) in cases {
            let mut numbered = Numbered::default();
            let (last, before) = pages.split_last().expect("a page");
            for page in before {
                numbered
                    .follow(*page, limit)
                    .expect("the pages before add up");
            }
            assert_eq!(numbered.follow(*last, limit), expected, "{pages:?}");
        }
    }

    #[test]
    fn an_item_may_come_once() {
        let keys = |keys: &[&str]| {
            keys.iter()
                .map(|k| Some((*k).to_owned()))
                .collect::<Vec<_>>()
        };
        let previous = distinct(&keys(&["a", "b"]), &HashSet::new()).expect("distinct");
        assert!(distinct(&keys(&["c", "d"]), &previous).is_ok());
        assert!(
            distinct(&[None, None], &previous).is_ok(),
            "items without a key pass"
        );
        assert_eq!(
            distinct(&keys(&["c", "b"]), &previous),
            Err(PagingError::DuplicateItem { id: "b".into() })
        );
        assert_eq!(
            distinct(&keys(&["c", "c"]), &HashSet::new()),
            Err(PagingError::DuplicateItem { id: "c".into() })
        );
    }
}
