//! Test harness: one managed PostgreSQL per test binary (the same code path as `serve`),
//! a fresh database per test, the app on a random port, optional worker child processes.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use errand::service::{self, Mode, Running};
use errand_core::config::Settings;
use errand_core::config::providers::{ApiKey, Price, ProviderSettings};
use errand_core::db::{self, LocalPostgres};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

fn postgres() -> &'static LocalPostgres {
    static PG: OnceLock<LocalPostgres> = OnceLock::new();
    PG.get_or_init(|| {
        let base = std::env::temp_dir();
        remove_stale_clusters(&base);
        let dir = base.join(format!("errand-tests-{}", std::process::id()));
        LocalPostgres::start(&dir, db::Access::Own).expect("start the managed PostgreSQL for tests")
    })
}

/// Data directories of earlier test runs whose process is gone.
fn remove_stale_clusters(base: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name
            .strip_prefix("errand-tests-")
            .and_then(|p| p.parse::<u32>().ok())
            && !PathBuf::from(format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A plain HTTP client (reqwest is built without a default TLS provider; give it ring's).
pub fn http_client() -> reqwest::Client {
    let tls = errand_core::llm::http::tls_config().expect("tls config");
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .expect("http client")
}

pub fn test_settings() -> Settings {
    let mut s = Settings::default();
    s.server.port = 0;
    s.server.shutdown_grace_seconds = 5;
    s.database.max_connections = Some(10);
    s.worker.concurrency = 8;
    s.worker.heartbeat_seconds = 1;
    s.worker.missed_heartbeats = 3;
    s.worker.poll_interval_ms = 200;
    s.worker.cancel_check_ms = 100;
    s.worker.retry_backoff_ms = 100;
    s.worker.retry_backoff_max_ms = 1000;
    // Tests send bursts; the rate-limit tests set their own.
    s.quotas.requests_per_second = 100_000;
    s.quotas.request_burst = 100_000;
    s.quotas.key_max_streams = 10_000;
    s.log.filter = std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into());
    s
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: PgPool,
    /// `DATABASE_URL` of this test's database, for worker child processes.
    pub database_url: String,
    pub settings: Settings,
    running: Option<Running>,
    children: Vec<WorkerProcess>,
}

/// Settings for a provider called `fake` at `base_url`, with the key `sk-fake`, quick
/// retries and a price for `gpt-test`.
pub fn fake_provider(base_url: &str) -> ProviderSettings {
    let mut p = ProviderSettings::new(base_url);
    // Named, so no start asks the fake which server it is.
    p.kind = Some(errand_core::config::providers::ProviderKind::Openai);
    p.api_key = Some(ApiKey::new("sk-fake".into()));
    p.retry_initial_ms = 50;
    p.retry_max_ms = 500;
    p.request_timeout_seconds = 5;
    p.models = vec!["gpt-test".into()];
    p.prices.insert(
        "gpt-test".into(),
        Price {
            input_per_million: 2.0,
            cached_input_per_million: Some(0.5),
            output_per_million: 8.0,
        },
    );
    p
}

/// API and worker in one process, with the provider `fake` at `base_url`.
pub async fn spawn_with_provider(provider: ProviderSettings) -> TestApp {
    let mut settings = test_settings();
    settings.providers.insert("fake".into(), provider);
    spawn(Mode::ALL, settings).await
}

/// The API alone: tasks stay queued until a worker is started.
pub async fn spawn_api() -> TestApp {
    spawn(
        Mode {
            api: true,
            worker: false,
        },
        test_settings(),
    )
    .await
}

/// API and worker in one process, like `errand serve`.
pub async fn spawn_app() -> TestApp {
    spawn(Mode::ALL, test_settings()).await
}

pub async fn spawn(mode: Mode, settings: Settings) -> TestApp {
    errand_core::telemetry::init(&settings.log, None);
    let pg = postgres();
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    let admin = db::pool_for(pg, "postgres", 2).await.expect("admin pool");
    db::ensure_database(&admin, &name)
        .await
        .expect("create test database");
    admin.close().await;
    let pool = db::pool_for(pg, &name, settings.worker_connections())
        .await
        .expect("test pool");
    db::migrate(&pool).await.expect("migrate");
    let running = service::start(&settings, pool.clone(), mode, errand_worker::unique_name())
        .await
        .expect("start app");
    let port = running.port.expect("api port");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client: http_client(),
        pool,
        database_url: pg.url(&name),
        settings,
        running: Some(running),
        children: Vec::new(),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// GETs a JSON body, asserting 200.
    pub async fn get_json(&self, path: &str) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.expect("json")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn put(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .put(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// Registers a runner and asserts it was created.
    pub async fn create_runner(&self, body: Value) -> Value {
        let res = self.post("/v1/runners", &body).await;
        let status = res.status();
        let body = res.json::<Value>().await.expect("json");
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Submits a task and asserts it was accepted.
    pub async fn submit(&self, runner: &str, body: Value) -> Value {
        let res = self
            .post(&format!("/v1/runners/{runner}/tasks"), &body)
            .await;
        let status = res.status();
        let body = res.json::<Value>().await.expect("json");
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        body
    }

    pub async fn task(&self, id: &str) -> Value {
        let res = self.get(&format!("/v1/tasks/{id}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("json")
    }

    /// Polls the task until `done` holds, or panics after `limit`.
    pub async fn wait_for(
        &self,
        id: &str,
        limit: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let start = Instant::now();
        loop {
            let task = self.task(id).await;
            if done(&task) {
                return task;
            }
            assert!(
                start.elapsed() < limit,
                "task did not reach the state in {limit:?}: {task}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Submits a task and waits (up to 30 s) until it has ended; the ended task.
    pub async fn run_to_end(&self, runner: &str, body: Value) -> Value {
        let task = self.submit(runner, body).await;
        let id = task["id"].as_str().expect("id");
        self.wait_for(id, Duration::from_secs(30), |t| {
            !matches!(t["status"].as_str(), Some("queued" | "running" | "waiting"))
        })
        .await
    }

    pub async fn wait_for_status(&self, id: &str, status: &str) -> Value {
        self.wait_for(id, Duration::from_secs(30), |t| t["status"] == status)
            .await
    }

    pub async fn events(&self, id: &str) -> Vec<Value> {
        let page: Value = self
            .get(&format!("/v1/tasks/{id}/events?limit=1000"))
            .await
            .json()
            .await
            .expect("json");
        page["data"].as_array().cloned().unwrap_or_default()
    }

    /// Starts `errand worker` as a child process on this test's database.
    pub fn spawn_worker_process(&mut self) -> usize {
        self.spawn_worker_process_with(&[], &[])
    }

    /// Like `spawn_worker_process`, with extra arguments and environment variables.
    pub fn spawn_worker_process_with(&mut self, args: &[&str], env: &[(&str, &str)]) -> usize {
        self.spawn_process("worker", args, env)
    }

    /// Starts `errand api` as a child process on this test's database and returns its
    /// base URL once it answers.
    pub async fn spawn_api_process(&mut self, env: &[(&str, &str)]) -> String {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let index = self.spawn_process("api", &["--port", &port.to_string()], env);
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while self
            .client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .map_or(true, |r| !r.status().is_success())
        {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "errand api did not start:\n{}",
                self.worker_log(index)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        base
    }

    /// Starts `errand <command>` as a child process on this test's database.
    pub fn spawn_process(&mut self, command: &str, args: &[&str], env: &[(&str, &str)]) -> usize {
        let s = &self.settings.worker;
        let mut child = Command::new(env!("CARGO_BIN_EXE_errand"));
        // The developer's own OpenTelemetry settings stay out of the test's processes.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("OTEL_") {
                child.env_remove(name);
            }
        }
        let mut child = child
            .args(args)
            .arg(command)
            .envs(env.iter().copied())
            .env("DATABASE_URL", &self.database_url)
            .env(
                "ERRAND_WORKER_HEARTBEAT_SECONDS",
                s.heartbeat_seconds.to_string(),
            )
            .env(
                "ERRAND_WORKER_MISSED_HEARTBEATS",
                s.missed_heartbeats.to_string(),
            )
            .env(
                "ERRAND_WORKER_POLL_INTERVAL_MS",
                s.poll_interval_ms.to_string(),
            )
            .env(
                "ERRAND_WORKER_CANCEL_CHECK_MS",
                s.cancel_check_ms.to_string(),
            )
            .env("ERRAND_LOG", "info")
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn errand");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = log.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                sink.lock().expect("log").push_str(&(line + "\n"));
            }
        });
        self.children.push(WorkerProcess { child, log });
        self.children.len() - 1
    }

    pub fn worker_pid(&self, index: usize) -> nix::unistd::Pid {
        nix::unistd::Pid::from_raw(self.children[index].child.id() as i32)
    }

    pub fn worker_log(&self, index: usize) -> String {
        self.children[index].log.lock().expect("log").clone()
    }

    /// Waits until the worker's log contains `needle`.
    pub async fn wait_for_log(&self, index: usize, needle: &str, limit: Duration) {
        let start = Instant::now();
        while !self.worker_log(index).contains(needle) {
            assert!(
                start.elapsed() < limit,
                "worker log lacks {needle:?}:\n{}",
                self.worker_log(index)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("clean stop");
        }
    }
}

struct WorkerProcess {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        for w in &mut self.children {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(w.child.id() as i32),
                nix::sys::signal::Signal::SIGCONT,
            );
            let _ = w.child.kill();
            let _ = w.child.wait();
        }
    }
}

/// A runner on `mock` whose output must be an object with a string `text`.
pub fn echo_runner(name: &str) -> Value {
    json!({
        "name": name,
        "title": "Echo",
        "description": "Echoes its arguments",
        "input_schema": {
            "type": "object",
            "properties": {"text": {"type": "string"}, "n": {"type": "integer", "minimum": 0}},
            "required": ["text"]
        },
        "output_schema": {
            "type": "object",
            "properties": {"text": {"type": "string"}},
            "required": ["text"]
        },
        "rules": ["Repeat the input."],
        "model": "mock"
    })
}

/// Asserts a 422 problem with `code` and returns the pointers of its violations.
pub async fn violation_pointers(res: reqwest::Response, code: &str) -> Vec<String> {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: Value = res.json().await.expect("json");
    assert_eq!(problem["code"], code, "{problem}");
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["pointer"].as_str().expect("pointer").to_owned())
        .collect()
}

/// One field of every item of a list page, in order.
pub fn column(page: &Value, field: &str) -> Vec<Value> {
    page["data"]
        .as_array()
        .expect("a page")
        .iter()
        .map(|item| item[field].clone())
        .collect()
}

/// Runs `command` (an `errand` the test configured) to its end, killed after 30 s: a
/// process that should have exited fails the test instead of hanging it.
pub fn run_bounded(command: &mut Command) -> std::process::Output {
    let child = command.spawn().expect("run errand");
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(30));
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
    });
    let out = child.wait_with_output().expect("wait");
    drop(watchdog);
    out
}
