//! Shared test support.
pub mod fake_meta;
pub mod meta_reference;
