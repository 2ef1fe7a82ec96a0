//! The client's flags and subcommands.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Where the server is and how to call it (after the subcommand too).
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// The server's base URL.
    #[arg(
        long,
        global = true,
        env = "ERRAND_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub url: String,
    /// An API key (sent as `Authorization: Bearer`); none in open mode.
    #[arg(long, global = true, env = "ERRAND_API_KEY", hide_env_values = true)]
    pub key: Option<String>,
    /// Print JSON (the API's own answers, or one event a line) for scripts.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TasksCommand {
    /// Submit a task; prints its id (or, with --wait or --stream, its output).
    Submit {
        /// The runner's name.
        runner: String,
        /// The arguments as JSON (`-` reads standard input).
        #[arg(long, default_value = "{}")]
        args: String,
        /// Wait for the task to end and print its output.
        #[arg(long)]
        wait: bool,
        /// Print the model's text as it arrives, then wait for the end.
        #[arg(long)]
        stream: bool,
        /// A thread to continue: its id or key.
        #[arg(long)]
        thread: Option<String>,
        /// Create the thread if no thread has the key.
        #[arg(long, requires = "thread")]
        create_thread: bool,
        /// 0 (lowest) to 9 (highest); 5 by default.
        #[arg(long)]
        priority: Option<u32>,
        /// An extra rule for this task (repeatable).
        #[arg(long = "rule")]
        rules: Vec<String>,
        /// Replays the same task when sent again with the same body.
        #[arg(long)]
        idempotency_key: Option<String>,
        /// With --wait or --stream: give up after this many seconds (exit 3).
        #[arg(long)]
        timeout: Option<u64>,
    },
    /// Show a task.
    Get { id: String },
    /// Wait for a task to end (or to ask a question) and print its output.
    Wait {
        id: String,
        /// Print the model's text as it arrives.
        #[arg(long)]
        stream: bool,
        /// Give up after this many seconds (exit 3).
        #[arg(long)]
        timeout: Option<u64>,
    },
    /// Cancel a task.
    Cancel { id: String },
    /// List tasks, newest first.
    List {
        /// Only tasks in this status.
        #[arg(long)]
        status: Option<String>,
        /// Only tasks of this runner.
        #[arg(long)]
        runner: Option<String>,
        /// Only tasks on this thread (its id).
        #[arg(long)]
        thread: Option<String>,
        /// How many (1 to 100).
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Answer a task's question.
    Answer {
        id: String,
        /// The question's `request_id`.
        #[arg(long)]
        request: String,
        /// The answer as JSON (`-` reads standard input).
        #[arg(long)]
        answer: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RunnersCommand {
    /// List runners.
    List,
    /// Show a runner.
    Get { name: String },
    /// Create or replace the runner a JSON file defines (its `name` names it).
    Apply {
        /// The definition (`-` reads standard input).
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueuesCommand {
    /// Post a message to a queue (made if new); prints its id.
    Push {
        /// The queue's name.
        queue: String,
        /// The payload as JSON (`-` reads standard input).
        #[arg(long)]
        payload: String,
        /// 0 (lowest) to 9 (highest); 5 by default.
        #[arg(long)]
        priority: Option<u32>,
        /// Messages of one key are worked on at most the queue's concurrency at a time.
        #[arg(long)]
        concurrency_key: Option<String>,
        /// Replays the same message when sent again with the same body.
        #[arg(long)]
        idempotency_key: Option<String>,
    },
}
