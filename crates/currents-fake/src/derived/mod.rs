//! What the fake computes from its runs: projects, instances and their tests, and the metrics
//! over a date range. Nothing here is stored; every answer is derived from the same runs that
//! getRun and findRun serve, so the operations agree with each other.

pub(crate) mod executions;
pub(crate) mod matching;
pub(crate) mod metrics;
pub(crate) mod projects;
