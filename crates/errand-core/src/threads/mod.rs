//! Threads: conversations that persist across tasks. A thread holds an ordered list of
//! messages (user, assistant, tool calls and their results, each with the task and step
//! that wrote it); a task submitted on a thread starts from them and appends what it did.
//! This module keeps the threads and their messages; `tasks` decides what a task appends
//! and when (`tasks::transcript`), and the worker reads the history (`history`).

pub mod history;
pub mod messages;
pub mod model;
pub mod retention;
pub mod store;
