//! Command-line interface: `errand [serve|api|worker|migrate|run|keys|bench|openapi]`, and
//! the client of a running server, `errand [tasks|runners|queues]` (see `client`).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use std::process::ExitCode;

use crate::client::{ClientArgs, ClientCommand, QueuesCommand, RunnersCommand, TasksCommand};
use crate::service::{self, Mode};
use errand_core::config::{LogFormat, Settings};
use errand_core::db::{self, Database};
use errand_core::error::Coded;
use errand_core::tasks::model::{CreateTask, Task, TaskStatus};
use errand_core::telemetry::Traces;
use errand_worker::oneshot::{self, RunError};

#[derive(Debug, Parser)]
#[command(
    name = "errand",
    version,
    about = "LLM task runners behind an HTTP API"
)]
pub struct Cli {
    /// Settings file (TOML); `errand.toml` in the working directory is read when present.
    #[arg(long, global = true, env = "ERRAND_CONFIG")]
    pub config: Option<PathBuf>,
    /// Port to listen on [env: ERRAND_PORT] (default 8080; 0 picks a free port).
    #[arg(long, global = true)]
    pub port: Option<u16>,
    /// Address to bind [env: ERRAND_BIND] (default 127.0.0.1).
    #[arg(long, global = true)]
    pub bind: Option<String>,
    /// Where the managed PostgreSQL keeps its data when DATABASE_URL is unset
    /// [env: ERRAND_DATA_DIR] (default ./.errand).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Log as JSON lines [env: ERRAND_LOG_FORMAT=json].
    #[arg(long, global = true)]
    pub json_logs: bool,
    /// Serve a non-loopback address without API keys [env: ERRAND_INSECURE_NO_AUTH=true].
    #[arg(long, global = true)]
    pub insecure_no_auth: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// API and worker in one process (the default).
    Serve,
    /// Only the HTTP API.
    Api,
    /// Only the worker.
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// Run one task here and print its output (exit 1 if it fails, 2 if it is rejected, 3 if
    /// it cannot run).
    Run {
        /// The runner's name.
        #[arg(long)]
        runner: String,
        /// The task's arguments as JSON, or `-` to read them from standard input.
        #[arg(long)]
        input: String,
        /// An extra rule for this task (repeatable).
        #[arg(long = "rule")]
        rules: Vec<String>,
    },
    /// Create, list and revoke API keys.
    Keys {
        #[command(subcommand)]
        command: crate::cli_keys::KeysCommand,
    },
    /// Measure throughput, latency and SSE fan-out on a throwaway database.
    Bench(crate::bench::BenchArgs),
    /// A running server's tasks: submit, get, wait, cancel, list, answer.
    Tasks {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: TasksCommand,
    },
    /// A running server's runners: list, get, apply.
    Runners {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: RunnersCommand,
    },
    /// A running server's queues: push.
    Queues {
        #[command(flatten)]
        client: ClientArgs,
        #[command(subcommand)]
        command: QueuesCommand,
    },
    /// Print the OpenAPI document (or write/check a file).
    Openapi {
        /// Write the document to this file.
        #[arg(long, conflicts_with = "check")]
        output: Option<PathBuf>,
        /// Fail if this file differs from the generated document.
        #[arg(long)]
        check: Option<PathBuf>,
    },
}

impl Cli {
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let mut s = Settings::load(self.config.as_deref(), |k| std::env::var(k).ok())?;
        if let Some(port) = self.port {
            s.server.port = port;
        }
        if let Some(bind) = &self.bind {
            s.server.bind.clone_from(bind);
        }
        if let Some(dir) = &self.data_dir {
            s.database.data_dir.clone_from(dir);
        }
        if self.json_logs {
            s.log.format = LogFormat::Json;
        }
        if self.insecure_no_auth {
            s.auth.insecure_no_auth = true;
        }
        Ok(s)
    }
}

pub async fn run(mut cli: Cli) -> anyhow::Result<ExitCode> {
    // The client needs no settings, database or logs: only the server's address.
    let (args, client) = match cli.command.take() {
        Some(Command::Tasks { client, command }) => (client, ClientCommand::Tasks(command)),
        Some(Command::Runners { client, command }) => (client, ClientCommand::Runners(command)),
        Some(Command::Queues { client, command }) => (client, ClientCommand::Queues(command)),
        other => {
            cli.command = other;
            return run_local(cli).await;
        }
    };
    Ok(crate::client::run(&args, client).await)
}

/// The commands that work on this machine's settings and database.
async fn run_local(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut settings = cli.settings()?;
    let command = cli.command.unwrap_or(Command::Serve);
    if matches!(command, Command::Run { .. }) && settings.log.filter == "info" {
        // A command-line run prints its result; progress logs would only be noise.
        settings.log.filter = "warn".into();
    }
    // The SDK's blocking HTTP client is made (and later dropped) off the async threads.
    let traces =
        tokio::task::spawn_blocking(|| Traces::from_env(|name| std::env::var(name).ok())).await??;
    errand_core::telemetry::init(&settings.log, traces.as_ref());
    errand_core::telemetry::log_panics();
    let result = run_command(settings, command).await;
    if let Some(traces) = traces {
        let _ = tokio::task::spawn_blocking(move || traces.shutdown()).await;
    }
    result
}

async fn run_command(settings: Settings, command: Command) -> anyhow::Result<ExitCode> {
    let names = std::env::vars_os().filter_map(|(name, _)| name.into_string().ok());
    for warning in settings
        .warnings
        .iter()
        .cloned()
        .chain(errand_core::config::env::unknown_variables(names))
    {
        tracing::warn!("{warning}");
    }
    if let Command::Run {
        runner,
        input,
        rules,
    } = command
    {
        return run_one(&settings, &runner, &input, rules).await;
    }
    if let Command::Keys { command } = command {
        crate::cli_keys::run(&settings, command).await?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Bench(args) = command {
        crate::bench::run(settings.database.url.clone(), args).await?;
        return Ok(ExitCode::SUCCESS);
    }
    run_service(settings, command)
        .await
        .map(|()| ExitCode::SUCCESS)
}

async fn run_service(settings: Settings, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(settings, Mode::ALL).await,
        Command::Api => {
            let mode = Mode {
                api: true,
                worker: false,
            };
            serve(settings, mode).await
        }
        Command::Worker => {
            let mode = Mode {
                api: false,
                worker: true,
            };
            serve(settings, mode).await
        }
        Command::Migrate => {
            let database = Database::open(&settings.database, db::Access::Share, 2).await?;
            let result = db::migrate(&database.pool).await;
            database.close().await;
            result?;
            println!("migrations applied");
            Ok(())
        }
        Command::Openapi { output, check } => openapi(output, check),
        Command::Run { .. }
        | Command::Bench(_)
        | Command::Keys { .. }
        | Command::Tasks { .. }
        | Command::Runners { .. }
        | Command::Queues { .. } => {
            anyhow::bail!(
                "`run`, `keys`, `bench` and the client are handled before the services start"
            )
        }
    }
}

/// `errand run`: exit 0 with the output on stdout, 1 when the task did not succeed, 2 when
/// the input was rejected (the error goes to stderr as JSON), 3 when it could not run (the
/// database is unreachable, say).
async fn run_one(
    settings: &Settings,
    runner: &str,
    input: &str,
    rules: Vec<String>,
) -> anyhow::Result<ExitCode> {
    let text = if input == "-" {
        std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?
    } else {
        input.to_owned()
    };
    // The same checks as a request body: valid JSON, no NUL, with pointers.
    let arguments = match errand_http::body::parse::<serde_json::Value>(
        text.as_bytes(),
        settings.limits.max_violations,
    ) {
        Ok(arguments) => arguments,
        Err(e) => {
            eprintln!("{}", rejection(e.code(), &e.to_string(), e.errors())?);
            return Ok(ExitCode::from(2));
        }
    };
    let body = CreateTask {
        arguments,
        rules,
        ..CreateTask::default()
    };
    let size = settings.worker_connections();
    let database = match Database::open(&settings.database, db::Access::Share, size).await {
        Ok(database) => database,
        Err(e) => {
            eprintln!("errand: {e:#}");
            return Ok(ExitCode::from(3));
        }
    };
    let result = async {
        db::migrate(&database.pool).await?;
        anyhow::Ok(oneshot::run(settings, database.pool.clone(), runner, body).await)
    }
    .await;
    database.close().await;
    report(result.unwrap_or_else(|e| Err(RunError::Internal(e))))
}

/// What `errand run` prints, and its exit code: the output (0), the task's state when it
/// did not succeed (1), the refusal (2), or the fault (3).
fn report(result: Result<Task, RunError>) -> anyhow::Result<ExitCode> {
    match result {
        Ok(task) if task.status == TaskStatus::Succeeded => {
            match task.output {
                Some(serde_json::Value::String(text)) => println!("{text}"),
                Some(value) => println!("{}", serde_json::to_string_pretty(&value)?),
                None => {}
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(task) => {
            // A question (`input_required`, of the task or of a child it waits for) waits in
            // the database: a serving Errand takes the answer (`POST /v1/tasks/{id}/input`)
            // and runs the rest.
            let report = serde_json::json!({"task_id": task.id, "status": task.status,
                "error": task.error, "input_request": task.input_request,
                "parent_task_id": task.parent_task_id});
            eprintln!("{}", serde_json::to_string_pretty(&report)?);
            Ok(ExitCode::from(1))
        }
        Err(RunError::Rejected(e)) => {
            eprintln!("{}", rejection(e.code(), &e.to_string(), e.violations())?);
            Ok(ExitCode::from(2))
        }
        Err(RunError::Internal(e)) => {
            eprintln!("errand: {e:#}");
            Ok(ExitCode::from(3))
        }
    }
}

/// A refused input, as JSON on standard error: its code, what is wrong, every violation.
fn rejection(
    code: errand_core::error::ErrorCode,
    detail: &str,
    errors: &[errand_core::error::Violation],
) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&serde_json::json!({
        "code": code.as_str(), "detail": detail, "errors": errors,
    }))
}

fn openapi(output: Option<PathBuf>, check: Option<PathBuf>) -> anyhow::Result<()> {
    let text = errand_http::openapi::to_pretty_json(&errand_http::app::openapi());
    if let Some(path) = check {
        let committed = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        anyhow::ensure!(
            committed == text,
            "{} differs from the generated document; run `errand openapi --output {}`",
            path.display(),
            path.display()
        );
        return Ok(());
    }
    match output {
        Some(path) => std::fs::write(&path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}

async fn serve(settings: Settings, mode: Mode) -> anyhow::Result<()> {
    let size = if mode.worker {
        settings.worker_connections()
    } else {
        2
    };
    let database = Database::open(&settings.database, db::Access::Own, size).await?;
    let result = async {
        db::migrate(&database.pool).await?;
        let running = service::start(
            &settings,
            database.pool.clone(),
            mode,
            errand_worker::unique_name(),
        )
        .await?;
        if let Some(port) = running.port {
            tracing::info!(
                "Errand listening on http://{}:{port} (docs at /docs)",
                settings.server.bind
            );
        }
        service::cancel_on_signal(running.shutdown_token())?;
        running.run_until_shutdown().await
    }
    .await;
    database.close().await;
    result
}
