#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod actions;
mod base_url;
mod client;
mod context;
mod delivery;
mod endpoint;
mod error;
mod hook;
mod input;
mod jira;
mod limits;
mod pages;
mod projects;
mod query;
mod raw;
mod received;
mod redirect;
mod response_meta;
mod results;
mod retry;
mod runs;
mod summary;
mod terminal_text;
mod transport;
mod webhooks;

pub use actions::Actions;
pub use base_url::{LOCAL_URL, PRODUCTION_URL, STAGING_URL};
pub use client::{
    API_KEY_ENV, API_URL_ENV, Client, ClientBuilder, Config, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use context::Context;
pub use delivery::{DEFAULT_DELIVERY_TOLERANCE, Delivery, DeliveryError, DeliveryVerifier};
pub use endpoint::Endpoint;
pub use error::{Error, PagingError, SizeLimit, TransportError, ValidationError};
pub use hook::{AttemptInfo, AttemptOutcome, Hook};
pub use input::{
    ActionId, BranchFilter, CiBuildId, HookId, InstanceId, JiraIssueKey, MAX_BRANCH_FILTER_LEN,
    MachineId, ProjectId, RunId, Tag, TestSignature,
};
pub use jira::Jira;
pub use limits::{DEFAULT_MAX_IN_FLIGHT, LimitsStatus, RetryBudget};
pub use pages::{DEFAULT_CONCURRENCY, DEFAULT_MAX_PAGES, Items, Page, Pages};
pub use projects::Projects;
pub use query::Query;
pub use raw::{RawRequest, RawResponse};
pub use received::Received;
pub use redirect::{MAX_REDIRECTS, redirect_policy};
pub use response_meta::ResponseMeta;
pub use results::{Instances, Tests};
pub use retry::RetryPolicy;
pub use runs::{
    CancelGithubRun, CancelOutcome, MAX_MACHINES_PER_RESET, ResetBatch, ResetOptions, ResetReport,
    Runs, WaitOptions, is_finished,
};
pub use summary::{FailedSpec, FailedTest, InstanceSummary, RunSummary, SpecCounts, TestTotals};
pub use terminal_text::terminal_safe;
pub use webhooks::Webhooks;

/// The HTTP client underneath, for [`ClientBuilder::http_client`] and the types [`Hook`]s
/// see: the same version this crate is built with.
pub use reqwest;

/// The generated types and operations, from `spec/currents.json`, documented here: every
/// type a method of this crate takes or returns is one of these, or at the crate root.
pub mod api {
    #[doc(inline)]
    pub use currents_api::{
        RunFields, SPEC, TestError, TestOutcome, UnknownValue, operations, servers, types,
    };
}

/// The date and time types that [`Query::since`], the metrics' date ranges and the generated
/// types use: the same version this crate is built with.
pub use chrono;
// The time of a date range, as every list takes it: `DateTime<Utc>`. Plain comments on these
// re-exports: rustdoc would put a doc comment before each item's own summary.
pub use chrono::{DateTime, Utc};
// What a run and a listed run both carry (`run.branch()`), however it was fetched.
pub use currents_api::RunFields;
// The operation an error comes from.
pub use currents_api::operations::Operation;
// The types users handle most, from the generated API.
pub use currents_api::types::{
    HookEvent, Run, RunCompletionState, RunSpec, RunStatus, WebhookDelivery,
};
// One test of an instance, from either form of the answer ([`api::types::Instance::tests`]).
pub use currents_api::{TestError, TestOutcome};

/// The setters of every operation's optional parameters (one `params` trait per operation,
/// generated from the spec), so that `client.projects().runs(&project).search("fix")` reads
/// as a method of the query: `use currents::prelude::*;`.
pub mod prelude {
    pub use currents_api::RunFields;
    pub use currents_api::operations::params::*;
}
