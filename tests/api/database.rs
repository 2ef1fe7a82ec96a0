//! The database going away and coming back, and who may run the managed PostgreSQL of a
//! data directory: `errand serve` processes on their own data directories (no
//! `DATABASE_URL`), or on a PostgreSQL this test stops and starts.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::http_client;
use errand_core::db::{Access, LocalPostgres};

/// A fresh data directory the `postgres` user can reach.
fn data_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errand-dbtest-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Serve {
    child: Child,
    log: Arc<Mutex<String>>,
    base: String,
}

impl Serve {
    /// `errand serve` on `data_dir` (its managed PostgreSQL), or on `database_url`.
    fn start(data_dir: &Path, database_url: Option<&str>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_errand"));
        cmd.args(["--port", &port.to_string(), "--data-dir"])
            .arg(data_dir)
            .arg("serve")
            .env_remove("DATABASE_URL")
            .env("ERRAND_WORKER_HEARTBEAT_SECONDS", "1")
            .env("ERRAND_WORKER_MISSED_HEARTBEATS", "3")
            .env("ERRAND_LOG", "info")
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(url) = database_url {
            cmd.env("DATABASE_URL", url);
        }
        let mut child = cmd.spawn().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (stderr, sink) = (child.stderr.take().unwrap(), log.clone());
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        Self {
            child,
            log,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    async fn ready(&mut self) {
        let client = http_client();
        let start = Instant::now();
        loop {
            if let Ok(r) = client.get(format!("{}/readyz", self.base)).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            assert!(
                self.child.try_wait().unwrap().is_none(),
                "serve exited:\n{}",
                self.log()
            );
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "not ready:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for the process to exit; its exit status.
    async fn exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < limit, "still running:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn stop(mut self) {
        let _ = kill(Pid::from_raw(self.child.id() as i32), Signal::SIGTERM);
        let status = self.exit(Duration::from_secs(30)).await;
        assert!(
            status.success(),
            "serve stopped badly ({status}):\n{}",
            self.log()
        );
    }

    /// POSTs, retrying while the database is away (503).
    async fn post(&self, path: &str, body: &Value) -> Value {
        let client = http_client();
        let start = Instant::now();
        loop {
            let res = client
                .post(format!("{}{path}", self.base))
                .json(body)
                .send()
                .await;
            if let Ok(res) = res
                && res.status().is_success()
            {
                return res.json().await.unwrap();
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "POST {path} never succeeded"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The task once it ended, retrying reads while the database is away.
    async fn ended(&self, id: &str) -> Value {
        let client = http_client();
        let start = Instant::now();
        loop {
            let url = format!("{}/v1/tasks/{id}?wait=5", self.base);
            if let Ok(res) = client.get(url).send().await
                && res.status() == StatusCode::OK
            {
                let task: Value = res.json().await.unwrap();
                if !matches!(task["status"].as_str(), Some("queued" | "running")) {
                    return task;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "task {id} never ended:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Submits `n` tasks that take a while, then returns their ids.
async fn load(serve: &Serve, n: usize) -> Vec<String> {
    serve
        .post(
            "/v1/runners",
            &json!({"name": "steady", "model_settings": {"mock": {
            "text": "carried on", "delay_ms": 1500}}}),
        )
        .await;
    let mut ids = Vec::new();
    for _ in 0..n {
        let task = serve.post("/v1/runners/steady/tasks", &json!({})).await;
        ids.push(task["id"].as_str().unwrap().to_owned());
    }
    ids
}

/// Every task succeeded, and a task submitted afterwards succeeds too.
async fn all_carried_on(serve: &Serve, ids: &[String]) {
    for id in ids {
        let task = serve.ended(id).await;
        assert_eq!(task["status"], "succeeded", "{task}\n{}", serve.log());
    }
    let task = serve.post("/v1/runners/steady/tasks", &json!({})).await;
    let task = serve.ended(task["id"].as_str().unwrap()).await;
    assert_eq!(task["status"], "succeeded");
}

fn postmaster_pid(data_dir: &Path) -> i32 {
    let text = std::fs::read_to_string(data_dir.join("postgres/pg/postmaster.pid")).unwrap();
    text.lines().next().unwrap().trim().parse().unwrap()
}

#[tokio::test]
async fn the_managed_postgres_is_restarted_under_load_and_the_service_carries_on() {
    let dir = data_dir();
    let mut serve = Serve::start(&dir, None);
    serve.ready().await;
    let ids = load(&serve, 5).await;
    let before = postmaster_pid(&dir);
    // A fast shutdown, as `pg_ctl stop -m fast` (or a crash's restart) does.
    kill(Pid::from_raw(before), Signal::SIGINT).unwrap();
    all_carried_on(&serve, &ids).await;
    assert_ne!(postmaster_pid(&dir), before, "a new server runs");
    assert!(serve.log().contains("restarting it"), "{}", serve.log());
    serve.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn with_database_url_a_postgres_stop_and_start_under_load_costs_a_pause() {
    let pg_dir = data_dir();
    let pg = LocalPostgres::start(&pg_dir, Access::Own).unwrap();
    let url = pg.url("postgres");
    let mut serve = Serve::start(&data_dir(), Some(&url));
    serve.ready().await;
    let ids = load(&serve, 5).await;
    pg.stop();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pg = LocalPostgres::start(&pg_dir, Access::Own).unwrap();
    all_carried_on(&serve, &ids).await;
    serve.stop().await;
    pg.stop();
    let _ = std::fs::remove_dir_all(&pg_dir);
}

#[tokio::test]
async fn two_services_never_share_a_data_directory_but_errand_run_can() {
    let dir = data_dir();
    let mut first = Serve::start(&dir, None);
    first.ready().await;
    first
        .post(
            "/v1/runners",
            &json!({"name": "hello", "model_settings": {"mock": {"text": "hi"}}}),
        )
        .await;

    let mut second = Serve::start(&dir, None);
    let status = second.exit(Duration::from_secs(30)).await;
    assert!(!status.success());
    assert!(
        second.log().contains("in use by another errand process"),
        "{}",
        second.log()
    );

    let out = Command::new(env!("CARGO_BIN_EXE_errand"))
        .args(["--data-dir"])
        .arg(&dir)
        .args(["run", "--runner", "hello", "--input", "{}"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "hi");
    // `errand run` used the server and left it running.
    let task = first.post("/v1/runners/hello/tasks", &json!({})).await;
    let task = first.ended(task["id"].as_str().unwrap()).await;
    assert_eq!(task["status"], "succeeded");
    first.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_stale_postmaster_pid_whose_pid_was_reused_is_not_adopted() {
    let dir = data_dir();
    let mut first = Serve::start(&dir, None);
    first.ready().await;
    first.stop().await;
    // As after a crash: the file names a live process that is not PostgreSQL (this one).
    let pid_file = dir.join("postgres/pg/postmaster.pid");
    std::fs::write(
        &pid_file,
        format!("{}\n{}\n", std::process::id(), dir.display()),
    )
    .unwrap();
    let mut second = Serve::start(&dir, None);
    second.ready().await;
    assert!(
        second.log().contains("stale postmaster.pid"),
        "{}",
        second.log()
    );
    second.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
