//! `Query`: a request being built. Its setters never fail; the first invalid value is kept and
//! returned by [`Query::send`] (or yielded by [`Query::stream`]) before anything is sent.

use chrono::{DateTime, Utc};
use currents_api::{
    operations::{
        GetProjectInsights, GetSpecFiles, GetTestResults, GetTestsExplorer, ListProjectRuns,
        ListProjects, Request,
    },
    types::{ProjectWithCursor, RunFeedItem, SpecFile, TestExplorerItem, TestResult},
};

use crate::{
    BranchFilter, Client, Error, Received, Tag, ValidationError,
    input::check_text,
    pages::{Bounds, DEFAULT_MAX_PAGES, Items, Pages, Paginated, walk},
};

/// A request with its filters, built with setters that never fail:
/// `client.projects().runs(&project).branch("release/*").status([RunStatus::Failed]).stream()`.
///
/// A list query is walked with [`Query::stream`] (every item) or [`Query::pages`] (page by
/// page); any other query is sent with [`Query::send`].
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is sent or streamed"]
pub struct Query<'a, R> {
    client: &'a Client,
    request: Result<R, ValidationError>,
    max_items: Option<usize>,
    max_pages: usize,
}

impl<'a, R> Query<'a, R> {
    pub(crate) fn new(client: &'a Client, request: Result<R, ValidationError>) -> Self {
        Query {
            client,
            request,
            max_items: None,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// Applies a change that may refuse its input; the first refusal is kept.
    pub(crate) fn with(
        mut self,
        change: impl FnOnce(&mut R) -> Result<(), ValidationError>,
    ) -> Self {
        if let Ok(request) = &mut self.request
            && let Err(error) = change(request)
        {
            self.request = Err(error);
        }
        self
    }
}

impl<R: Request> Query<'_, R> {
    /// Checks every value, then sends the request.
    pub async fn send(self) -> Result<Received<R::Data>, Error> {
        self.client.fetch(&self.request?).await
    }
}

/// Walks the list a query asks for.
fn walk_query<R: Paginated>(query: Query<'_, R>) -> Pages<R::Item> {
    let bounds = Bounds {
        max_items: query.max_items,
        max_pages: query.max_pages,
    };
    walk(query.client, query.request, bounds)
}

/// The walking methods of each list query. They are written out per list, rather than once
/// over the page machinery's trait, so that the trait stays internal.
macro_rules! list_query {
    ($($request:ty => $item:ty),* $(,)?) => {$(
        impl Query<'_, $request> {
            /// At most this many items in all: the walk stops there, and asks for no more.
            pub fn limit(mut self, items: usize) -> Self {
                self.max_items = Some(items);
                self
            }

            /// Read at most this many pages ([`DEFAULT_MAX_PAGES`] unless set); a list with
            /// more stops the walk with
            /// [`PagingError::PageLimit`](crate::PagingError::PageLimit).
            pub fn max_pages(mut self, pages: usize) -> Self {
                self.max_pages = pages.max(1);
                self
            }

            /// Every item, page after page, the next page fetched while this one is consumed.
            pub fn stream(self) -> Items<$item> {
                walk_query(self).items()
            }

            /// The pages, for callers who want to see where one ends.
            pub fn pages(self) -> Pages<$item> {
                walk_query(self)
            }
        }
    )*};
}

list_query!(
    ListProjects => ProjectWithCursor,
    ListProjectRuns => RunFeedItem,
    GetSpecFiles => SpecFile,
    GetTestsExplorer => TestExplorerItem,
    GetTestResults => TestResult,
);

/// Requests that filter by run tags, branches, git authors and groups (browsers): the same
/// setters serve every one of them.
pub(crate) trait Filters {
    fn tags(&mut self) -> &mut Vec<String>;
    fn branches(&mut self) -> &mut Vec<String>;
    fn authors(&mut self) -> &mut Vec<String>;
    fn groups(&mut self) -> Option<&mut Vec<String>>;
}

macro_rules! filters {
    ($($request:ty => $groups:tt),* $(,)?) => {$(
        impl Filters for $request {
            fn tags(&mut self) -> &mut Vec<String> {
                &mut self.tags
            }
            fn branches(&mut self) -> &mut Vec<String> {
                &mut self.branches
            }
            fn authors(&mut self) -> &mut Vec<String> {
                &mut self.authors
            }
            fn groups(&mut self) -> Option<&mut Vec<String>> {
                filters!(@groups self $groups)
            }
        }
    )*};
    (@groups $self:ident yes) => { Some(&mut $self.groups) };
    (@groups $self:ident no) => { None };
}

filters!(
    ListProjectRuns => no,
    GetProjectInsights => yes,
    GetSpecFiles => yes,
    GetTestsExplorer => yes,
    GetTestResults => yes,
);

#[allow(private_bounds)]
impl<R: Filters> Query<'_, R> {
    /// Only runs with these tags (every one of them for a project's runs, unless
    /// [`any_tag`](Query::any_tag) says otherwise; any of them for metrics).
    pub fn tags<I: IntoIterator<Item = T>, T: Into<String>>(self, tags: I) -> Self {
        self.with(|request| {
            for tag in tags {
                request.tags().push(Tag::new(tag)?.into());
            }
            Ok(())
        })
    }

    /// Only runs on these branches: exact names, or prefixes ending in `*` (`release/*`).
    pub fn branches<I: IntoIterator<Item = T>, T: Into<String>>(self, branches: I) -> Self {
        self.with(|request| {
            for branch in branches {
                request
                    .branches()
                    .push(BranchFilter::new(branch)?.as_str().to_owned());
            }
            Ok(())
        })
    }

    /// Only runs on this branch; see [`branches`](Query::branches).
    pub fn branch(self, branch: impl Into<String>) -> Self {
        self.branches([branch])
    }

    /// Only runs whose commit has one of these authors (by name).
    pub fn authors<I: IntoIterator<Item = T>, T: Into<String>>(self, authors: I) -> Self {
        self.with(|request| {
            for author in authors {
                let author = author.into();
                check_text("author", &author)?;
                request.authors().push(author);
            }
            Ok(())
        })
    }

    /// Only these groups (browsers or projects of a run); not every list filters by group.
    pub fn groups<I: IntoIterator<Item = T>, T: Into<String>>(self, groups: I) -> Self {
        self.with(|request| {
            for group in groups {
                let group = group.into();
                check_text("group", &group)?;
                let Some(groups) = request.groups() else {
                    return Err(ValidationError::new(
                        "group",
                        group,
                        "this list does not filter by group",
                    ));
                };
                groups.push(group);
            }
            Ok(())
        })
    }
}

/// A date range, checked when the query is sent: its start must not be after its end.
pub(crate) fn check_range(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), ValidationError> {
    if start > end {
        return Err(ValidationError::new(
            "date range",
            format!("{} .. {}", start.to_rfc3339(), end.to_rfc3339()),
            "must not start after it ends",
        ));
    }
    Ok(())
}
