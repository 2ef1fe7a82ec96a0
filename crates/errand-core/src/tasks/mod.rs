//! Tasks: submission (with idempotency), listing, cancellation, waiting, and the event log
//! as a page or a live stream.

pub mod approvals;
pub mod cancel;
pub mod children;
pub mod ending;
pub mod errors;
pub mod idempotency;
pub mod input;
pub mod journal;
pub mod lifecycle;
pub mod lookup;
pub mod model;
pub mod priority;
pub mod question_store;
pub mod questions;
pub mod queue;
pub mod queued;
pub mod relay;
pub mod stats;
pub mod status;
pub mod store;
pub mod submit;
pub mod threading;
pub mod transcript;
pub mod turns;
pub mod wait;
