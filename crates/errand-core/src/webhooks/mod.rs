//! Outbound webhooks: endpoints a project registers for event types, and an outbox of
//! deliveries written in the transaction of the change each announces (task events through
//! a database trigger on `task_events`, schedule fires through `outbox::announce`). A worker
//! sends them (`sending.rs`), signed per Standard Webhooks, retrying with back-off and
//! jitter for `webhooks.give_up_after_hours`; every try is kept (`deliveries.rs`).

pub mod deliveries;
pub mod errors;
pub mod model;
pub mod outbox;
pub mod sending;
pub mod store;

pub use errors::WebhookError;
