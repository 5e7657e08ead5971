//! Xano over the network: the Metadata API client, where its token comes from,
//! and fetching a workspace's specs into `specs/` with their lock.

pub(crate) mod credentials;
pub(crate) mod developer;
pub(crate) mod fetch;
pub(crate) mod meta;
pub(crate) mod url;
