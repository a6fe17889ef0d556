//! End-to-end tests across the workspace crates live in `tests/`; this library is empty.
