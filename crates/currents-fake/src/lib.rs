//! A stateful local Currents REST API, for development and tests.
//!
//! It serves every operation of the Currents REST API under `/v1` over one data set, following
//! the semantics of the Currents docs: a cancel changes what the next get returns, a reset
//! clears failed specs, a delete removes the run from every operation (the project's run list
//! included); projects, instances and the spec-file and test metrics are derived from the same
//! runs; actions keep their lifecycle. Lists paginate as Currents does, and paging faults can
//! be injected. Tests start a [`FakeServer`] on
//! an ephemeral port, point a client at [`FakeServer::base_url`], and then inspect both the
//! stored runs and the [`RecordedRequest`]s the client sent.
//!
//! ```
//! use currents_fake::{FakeServer, demo::demo_runs};
//!
//! let fake = FakeServer::builder().runs(demo_runs(5, 7)).start();
//! assert!(fake.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(fake.runs().len(), 5);
//! assert!(fake.requests().is_empty());
//! ```

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
mod outage;
mod paging;
mod requests;
mod respond;
mod routes;
pub mod schema;
mod server;
mod store;

pub use currents_api::operations::Operation;
pub use data::{DataError, load_runs};
pub use document::Spelling;
pub use faults::{Fault, RetryAfter, gzip_bomb_len, parse_fault_flag};
pub use fixture::RunFixture;
pub use outage::Outage;
pub use paging::PageFault;
pub use requests::{MAX_REQUEST_BODY, RecordedRequest};
pub use respond::{ApiError, UNCOMPRESSED_LIMIT};
pub use server::{DEFAULT_API_KEY, DEFAULT_BIND, FakeServer, FakeServerBuilder, serve};
pub use store::{FakeRun, GithubRun};
