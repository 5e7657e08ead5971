//! The generated client lives in a library module: its items are public API there,
//! so the endpoints this example does not call raise no dead-code warnings.

pub mod generated;
