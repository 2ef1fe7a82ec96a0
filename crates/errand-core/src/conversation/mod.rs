//! The vocabulary every layer shares: the messages of a conversation, the tools a model is
//! offered and the calls it makes, their results, and token usage. Provider-neutral and
//! storage-neutral: `llm`, `tools`, `tasks`, `threads` and the worker all depend on it, and it
//! depends on none of them.

mod message;
mod tool;
mod usage;

pub use message::{ChatMessage, Role, ToolCall, ToolSpec, opening};
pub use tool::{ToolInfo, ToolResult};
pub use usage::{Price, Usage};
