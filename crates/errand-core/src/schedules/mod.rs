//! Schedules: a cron expression in a time zone (`timing.rs`) that starts a task of a
//! runner or posts a message on a queue at each tick (`firing.rs`, in the worker), with a
//! history of fires. `store.rs` keeps them.

pub mod errors;
pub mod firing;
pub mod model;
pub mod store;
pub mod timing;

pub use errors::ScheduleError;
