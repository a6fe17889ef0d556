#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod actions;
mod check;
mod data;
pub mod demo;
mod derived;
mod document;
mod faults;
mod feed;
mod fixture;
mod handlers;
mod jira;
mod outage;
mod paging;
mod requests;
mod respond;
mod routes;
pub mod schema;
mod server;
mod store;
mod webhooks;

pub use currents_api::operations::Operation;
pub use data::{DataError, load_runs};
pub use document::Spelling;
pub use faults::{Fault, RetryAfter, gzip_bomb_len, parse_fault_flag};
pub use fixture::RunFixture;
pub use jira::JIRA_INSTALLATION_ID;
pub use outage::Outage;
pub use paging::PageFault;
pub use requests::{MAX_REQUEST_BODY, RecordedRequest};
pub use respond::{ApiError, UNCOMPRESSED_LIMIT};
pub use server::{
    DEFAULT_API_KEY, DEFAULT_BIND, FakeServer, FakeServerBuilder, HEADER_READ_TIMEOUT, serve,
};
pub use store::{FakeRun, GithubRun};
pub use webhooks::Delivery;
