//! Shared test support.
pub mod fake_meta;
