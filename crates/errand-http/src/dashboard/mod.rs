//! The dashboard at `/`: static files compiled into the binary (no CDN, no build step),
//! plain JavaScript over the public API with the key the user enters (kept in the tab's
//! `sessionStorage`; none in open mode). It reads what any client may read, so it needs no
//! route of its own beyond its files, and its policy lets it talk to this origin only.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::{ApiError, ErrorCode};

/// The dashboard's files: name, media type, content.
const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("assets/app.css"),
    ),
    (
        "api.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/api.js"),
    ),
    (
        "pages.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/pages.js"),
    ),
    (
        "task.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/task.js"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    ),
];

const INDEX: &str = include_str!("assets/index.html");

/// Scripts and styles from this origin only, calls to this origin only, no frames. Inline
/// style attributes draw the chart's bars.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// Registers `/` and `/ui/{file}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let get_only = || web::to(crate::error::get_only);
    cfg.service(
        web::resource("/")
            .route(web::get().to(index))
            .default_service(get_only()),
    )
    .service(
        web::resource("/ui/{file}")
            .route(web::get().to(file))
            .default_service(get_only()),
    );
}

async fn index() -> HttpResponse {
    served("text/html; charset=utf-8", INDEX)
}

async fn file(name: web::Path<String>) -> Result<HttpResponse, ApiError> {
    match FILES.iter().find(|(n, ..)| *n == name.as_str()) {
        Some((_, kind, content)) => Ok(served(kind, content)),
        None => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no dashboard file {:?}", name.as_str()),
        )),
    }
}

fn served(kind: &'static str, content: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(kind)
        .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        // A new binary may bring new files: revalidate rather than keep a stale app.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(content)
}
