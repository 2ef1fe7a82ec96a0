//! The command-line client of a running Errand: `errand tasks`, `errand runners` and
//! `errand queues` speak the HTTP API (`--url` / `ERRAND_URL`, `--key` /
//! `ERRAND_API_KEY`), print for people or, with `--json`, for scripts, and exit with what
//! happened: 0 succeeded, 1 failed (the task, or reaching the server), 2 usage (bad flags
//! or input, or a request the server refused with a 4xx), 3 cancelled or timed out, 4 the
//! task waits for an answer (`errand tasks answer`).

/// `println!` to standard output, ending the command quietly when the reader went away
/// (`| head`), as a tool killed by SIGPIPE would (exit 141), instead of panicking.
macro_rules! outln {
    () => { $crate::client::print::write_out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::client::print::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` with `outln!`'s care, flushed (streamed text shows as it comes).
macro_rules! out {
    ($($arg:tt)*) => { $crate::client::print::write_out(format_args!($($arg)*)) };
}

mod commands;
mod http;
mod print;
mod queues;
mod runners;
mod sse;
mod tasks;

use std::process::ExitCode;

pub use commands::{ClientArgs, QueuesCommand, RunnersCommand, TasksCommand};
pub use http::Client;

/// How a client command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Succeeded = 0,
    Failed = 1,
    Usage = 2,
    CancelledOrTimedOut = 3,
    InputRequired = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// Why a client command could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Bad flags or input, found before anything was sent.
    #[error("{0}")]
    Usage(String),
    /// The server refused the request (4xx): its problem, as sent.
    #[error("{status}: {detail}")]
    Refused {
        status: u16,
        detail: String,
        problem: serde_json::Value,
    },
    /// The server could not be reached, or failed (5xx), or answered nonsense.
    #[error("{0}")]
    Failed(String),
}

impl ClientError {
    pub fn exit(&self) -> Exit {
        match self {
            Self::Usage(_) | Self::Refused { .. } => Exit::Usage,
            Self::Failed(_) => Exit::Failed,
        }
    }

    /// Tells the user on standard error (a refusal's problem as JSON, so every violation
    /// and its pointer is there), and gives the exit code.
    pub fn report(&self) -> ExitCode {
        match self {
            Self::Refused { problem, .. } if !problem.is_null() => {
                let text = serde_json::to_string_pretty(problem).unwrap_or_default();
                eprintln!("{text}");
            }
            other => eprintln!("errand: {other}"),
        }
        self.exit().into()
    }
}

/// Which client command to run.
pub enum ClientCommand {
    Tasks(TasksCommand),
    Runners(RunnersCommand),
    Queues(QueuesCommand),
}

/// Runs a client command against the server `args` name.
pub async fn run(args: &ClientArgs, command: ClientCommand) -> ExitCode {
    let client = match Client::new(args) {
        Ok(client) => client,
        Err(e) => return e.report(),
    };
    let done = match command {
        ClientCommand::Tasks(c) => tasks::run(&client, args.json, c).await,
        ClientCommand::Runners(c) => runners::run(&client, args.json, c).await,
        ClientCommand::Queues(c) => queues::run(&client, args.json, c).await,
    };
    match done {
        Ok(exit) => exit.into(),
        Err(e) => e.report(),
    }
}

/// JSON given on the command line (`-` reads standard input), or a usage error naming the
/// flag.
pub fn json_arg(flag: &str, text: &str) -> Result<serde_json::Value, ClientError> {
    let text = if text == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| ClientError::Usage(format!("{flag}: cannot read standard input: {e}")))?
    } else {
        text.to_owned()
    };
    serde_json::from_str(&text).map_err(|e| ClientError::Usage(format!("{flag} is not JSON: {e}")))
}
