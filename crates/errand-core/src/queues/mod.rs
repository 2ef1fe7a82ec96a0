//! Queues: messages posted to `/v1/queues/{name}/messages` wait durably until a consumer
//! takes them. A runner whose `queue` names the queue turns each into a task
//! (`dispatch.rs`, in the worker); external consumers in any language lease, ack and nack
//! them over HTTP (`leasing.rs`). Messages that cannot be worked are dead-lettered with the
//! reason, never lost, and can be redriven. A `concurrency_key` bounds how many messages
//! of that key are worked on at once, and keys take turns.

pub mod dispatch;
pub mod errors;
pub mod leasing;
pub mod messages;
pub mod model;
pub mod store;

pub use errors::QueueError;
