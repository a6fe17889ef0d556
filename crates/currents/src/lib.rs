#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod base_url;
mod client;
mod error;
mod input;
mod received;
mod retry;
mod runs;
mod summary;
mod transport;

pub use base_url::{LOCAL_URL, PRODUCTION_URL, STAGING_URL};
pub use client::{
    API_KEY_ENV, API_URL_ENV, Client, ClientBuilder, Config, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
};
pub use error::{Error, SizeLimit, TransportError, ValidationError};
pub use input::{BranchFilter, MAX_BRANCH_FILTER_LEN, MachineId, ProjectId, RunId, Tag};
pub use received::Received;
pub use retry::RetryPolicy;
pub use runs::{
    CancelGithubRun, CancelOutcome, FindRun, MAX_MACHINES_PER_RESET, ResetBatch, ResetOptions,
    ResetReport, Runs, WaitOptions, is_finished,
};
pub use summary::{FailedSpec, RunSummary, SpecCounts, TestTotals};

/// The generated types and operations, from `spec/currents.json`.
pub use currents_api as api;
/// The operation an error comes from.
pub use currents_api::operations::Operation;
/// The types users handle most, from the generated API.
pub use currents_api::types::{Run, RunCompletionState, RunSpec, RunStatus};
