//! Triggers: inbound webhooks. A trigger names a target (a runner, or a queue), a
//! signature scheme and a secret; a third party posts to `/v1/hooks/{id}` without an API
//! key, and each verified delivery starts one task or posts one message (`receive.rs`). A
//! delivery id seen before (`webhook-id`, `X-GitHub-Delivery`, `Idempotency-Key`) creates
//! nothing twice.

pub mod errors;
pub mod model;
pub mod receive;
pub mod store;

pub use errors::TriggerError;
