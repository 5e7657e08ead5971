//! The generated client as a library module (the usual place for it). Generated
//! code raises no warnings here, `missing_docs` included.

#![deny(warnings, missing_docs)]

/// The code `xano-codegen generate` wrote.
pub mod generated;
