//! Runners: named, versioned definitions of a kind of task.

pub mod approval;
pub mod model;
pub mod schema;
pub mod store;
pub mod versions;
