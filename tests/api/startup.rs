//! A refusal exits: every failure to start (a refused address, a taken port, bad settings,
//! an unreachable database, a failed migration, open mode with CORS for any origin) prints
//! one line on stderr and exits non-zero within 5 s, stopping what it had started.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{TestApp, spawn_api};

/// Runs `errand` with only the environment given (logs off, so stderr holds only what the
/// binary says about the failure); killed after 30 s so a hang fails instead of blocking.
fn errand(args: &[&str], env: &[(&str, &str)]) -> (std::process::ExitStatus, String, Duration) {
    let started = Instant::now();
    let out = crate::helpers::run_bounded(
        Command::new(env!("CARGO_BIN_EXE_errand"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("ERRAND_LOG", "off")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status, stderr, started.elapsed())
}

/// Asserts a refusal: non-zero, within 5 s, one line on stderr naming `why`.
fn assert_refused(case: &str, run: (std::process::ExitStatus, String, Duration), why: &str) {
    let (status, stderr, took) = run;
    assert!(!status.success(), "{case}: exited 0");
    assert!(took < Duration::from_secs(5), "{case}: took {took:?}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{case}: not one line: {stderr:?}");
    assert!(lines[0].starts_with("errand: "), "{case}: {stderr:?}");
    assert!(lines[0].contains(why), "{case}: {why:?} not in {stderr:?}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port()
}

#[tokio::test]
async fn every_refusal_to_start_exits_at_once_with_one_line() {
    let app: TestApp = spawn_api().await;
    let db = app.database_url.as_str();
    let port = free_port().to_string();
    for command in ["serve", "api"] {
        assert_refused(
            &format!("{command} on 0.0.0.0 without a key"),
            errand(
                &["--bind", "0.0.0.0", "--port", &port, command],
                &[("DATABASE_URL", db)],
            ),
            "refusing to serve 0.0.0.0 without authentication",
        );
    }

    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port().to_string();
    for command in ["serve", "api"] {
        assert_refused(
            &format!("{command} on a taken port"),
            errand(&["--port", &taken_port, command], &[("DATABASE_URL", db)]),
            "cannot listen on",
        );
    }

    assert_refused(
        "open mode with CORS for any origin",
        errand(
            &["--port", &port, "serve"],
            &[("DATABASE_URL", db), ("ERRAND_CORS_ALLOWED_ORIGINS", "*")],
        ),
        "cors_allowed_origins",
    );
    assert_refused(
        "bad settings",
        errand(
            &["serve"],
            &[("DATABASE_URL", db), ("ERRAND_WORKER_CONCURRENCY", "lots")],
        ),
        "worker.concurrency",
    );
    for (otel, why) in [
        ("collector:4318", "not an http(s) URL"),
        ("not a url", "is not a URL"),
    ] {
        assert_refused(
            &format!("an OpenTelemetry endpoint {otel:?}"),
            errand(
                &["--port", &port, "serve"],
                &[("DATABASE_URL", db), ("OTEL_EXPORTER_OTLP_ENDPOINT", otel)],
            ),
            why,
        );
    }
    assert_refused(
        "OTLP over gRPC",
        errand(
            &["--port", &port, "serve"],
            &[
                ("DATABASE_URL", db),
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ],
        ),
        "use http/protobuf or http/json",
    );
    assert_refused(
        "a batch exporter delay of 0 (its thread would spin)",
        errand(
            &["--port", &port, "serve"],
            &[
                ("DATABASE_URL", db),
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
                ("OTEL_BSP_SCHEDULE_DELAY", "0"),
            ],
        ),
        "OTEL_BSP_SCHEDULE_DELAY",
    );
    let config = std::env::temp_dir().join(format!("errand-{}.toml", uuid::Uuid::now_v7()));
    std::fs::write(
        &config,
        "[models.aliases]\nstandard = \"openai/gpt-4.1-mini\"\n",
    )
    .expect("config");
    assert_refused(
        "a model alias to a provider that is not configured",
        errand(
            &[
                "--port",
                &port,
                "--config",
                config.to_str().expect("path"),
                "serve",
            ],
            &[("DATABASE_URL", db)],
        ),
        "models.aliases.standard: unknown model",
    );
    let _ = std::fs::remove_file(&config);
    assert_refused(
        "a model alias (from the environment) that shadows a provider",
        errand(
            &["--port", &port, "serve"],
            &[
                ("DATABASE_URL", db),
                ("ERRAND_MODELS_ALIASES", "fast=mock,mock=mock"),
            ],
        ),
        "models.aliases.mock: \"mock\" is a provider's name; an alias cannot shadow it",
    );
    let nobody = format!("postgres://errand@127.0.0.1:{}/errand", free_port());
    assert_refused(
        "an unreachable database",
        errand(&["--port", &port, "serve"], &[("DATABASE_URL", &nobody)]),
        "cannot connect to PostgreSQL",
    );
}

#[tokio::test]
async fn a_failed_migration_exits() {
    let app = spawn_api().await;
    // The database says it ran a first migration other than Errand's.
    sqlx::query("UPDATE _sqlx_migrations SET checksum = '\\x00' WHERE version = (SELECT min(version) FROM _sqlx_migrations)")
        .execute(&app.pool)
        .await
        .unwrap();
    let port = free_port().to_string();
    assert_refused(
        "a modified migration",
        errand(
            &["--port", &port, "serve"],
            &[("DATABASE_URL", &app.database_url)],
        ),
        "migration",
    );
}

#[tokio::test]
async fn a_refused_start_stops_the_managed_postgresql_it_started() {
    let dir =
        std::env::temp_dir().join(format!("errand-refusal-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (status, stderr, _) = errand(
        &[
            "--port",
            &port,
            "--data-dir",
            dir.to_str().unwrap(),
            "serve",
        ],
        &[],
    );
    assert!(!status.success());
    assert!(stderr.contains("cannot listen on"), "{stderr}");
    assert!(
        find(&dir, "PG_VERSION"),
        "the managed PostgreSQL was never started: {stderr}"
    );
    assert!(
        !find(&dir, "postmaster.pid"),
        "the managed PostgreSQL still runs after the refusal"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether a file named `name` is anywhere under `dir`.
fn find(dir: &Path, name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let path = e.path();
        e.file_name() == name || path.is_dir() && find(&path, name)
    })
}
