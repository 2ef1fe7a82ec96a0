//! The outbound guard, through the `http_fetch` tool a runner's model calls: loopback,
//! private, link-local and metadata addresses refused, also behind a DNS name and behind a
//! redirect; an allow-listed test server reached.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn, test_settings};
use errand::service::Mode;

/// A test server on `ip`: `/data` answers JSON, `/to?url=` redirects there; counts requests.
async fn server(ip: &str) -> (u16, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = web::Data::new(hits.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(counted.clone())
            .route(
                "/data",
                web::get().to(|hits: web::Data<Arc<AtomicUsize>>| async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    HttpResponse::Ok().json(json!({"secret": "s3cr3t"}))
                }),
            )
            .route(
                "/to",
                web::get().to(
                    |hits: web::Data<Arc<AtomicUsize>>,
                     q: web::Query<std::collections::HashMap<String, String>>| async move {
                        hits.fetch_add(1, Ordering::SeqCst);
                        HttpResponse::Found()
                            .insert_header(("location", q["url"].clone()))
                            .finish()
                    },
                ),
            )
    })
    .workers(1)
    .disable_signals()
    .bind((ip, 0))
    .expect("bind the test server");
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    (port, hits)
}

/// Runs a task whose model fetches `url` and answers with the tool's result.
async fn fetch(app: &TestApp, url: &str) -> String {
    let task = app
        .run_to_end(
            "fetcher",
            json!({"arguments": {}, "model_settings": {"mock": {"turns": [
                {"tool_calls": [{"name": "http_fetch", "arguments": {"url": url}}]},
                {"text": "{{tool_result}}"}
            ]}}}),
        )
        .await;
    assert_eq!(task["status"], "succeeded", "{task}");
    task["output"].as_str().expect("output").to_owned()
}

async fn app_allowing(hosts: &[&str]) -> TestApp {
    let mut settings = test_settings();
    settings.fetch.allow_hosts = hosts.iter().map(|h| (*h).to_owned()).collect();
    let app = spawn(Mode::ALL, settings).await;
    app.create_runner(json!({"name": "fetcher", "model": "mock", "toolkits": ["http_fetch"]}))
        .await;
    app
}

#[tokio::test]
async fn private_and_special_addresses_are_refused() {
    let (port, hits) = server("127.0.0.1").await;
    let app = app_allowing(&[]).await;
    for (url, why) in [
        (format!("http://127.0.0.1:{port}/data"), "loopback"),
        (format!("http://[::1]:{port}/data"), "loopback"),
        ("http://10.0.0.1/".to_owned(), "private"),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "metadata",
        ),
        ("http://[::ffff:127.0.0.1]/".to_owned(), "IPv4-mapped"),
        // A name that resolves to loopback.
        (format!("http://localhost:{port}/data"), "loopback"),
        ("file:///etc/passwd".to_owned(), "only http"),
    ] {
        let answer = fetch(&app, &url).await;
        assert!(answer.starts_with("error: "), "{url}: {answer}");
        assert!(answer.contains(why), "{url}: {answer}");
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "a refused server was reached"
    );
}

#[tokio::test]
async fn an_allowed_host_is_reached_and_a_redirect_to_loopback_is_refused() {
    // Two loopback addresses: the allow-list names only the first.
    let (allowed, allowed_hits) = server("127.0.0.2").await;
    let (forbidden, forbidden_hits) = server("127.0.0.1").await;
    let app = app_allowing(&["127.0.0.2"]).await;

    let answer = fetch(&app, &format!("http://127.0.0.2:{allowed}/data")).await;
    let fetched: Value = serde_json::from_str(&answer).expect("json result");
    assert_eq!(fetched["status"], 200, "{fetched}");
    assert!(
        fetched["body"].as_str().expect("body").contains("s3cr3t"),
        "{fetched}"
    );

    let target = format!("http://127.0.0.1:{forbidden}/data");
    let answer = fetch(&app, &format!("http://127.0.0.2:{allowed}/to?url={target}")).await;
    assert!(answer.starts_with("error: refused"), "{answer}");
    assert!(answer.contains("127.0.0.1"), "{answer}");
    assert_eq!(allowed_hits.load(Ordering::SeqCst), 2);
    assert_eq!(forbidden_hits.load(Ordering::SeqCst), 0);
}
