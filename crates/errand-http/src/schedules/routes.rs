//! The schedule routes.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, Problem, path_id};
use crate::openapi::{BodyErrors, QueryErrors, ServerErrors};
use crate::pagination;
use errand_core::error::ErrorCode;
use errand_core::schedules::model::{
    FirePage, NewSchedule, Schedule, ScheduleChange, SchedulePage, ScheduleQuery,
};
use errand_core::schedules::store;

/// Create a schedule
///
/// At each tick of `cron` (five fields, or six with seconds first) in `timezone`, starts a
/// task of `target.runner` with `target.arguments` (on `target.thread` if given), or posts
/// `target.payload` on `target.queue`. Day of month and day of week combine as in Vixie
/// cron: when both are restricted, a day matching either fires. See the README for
/// daylight-saving gaps and overlaps, `missed` and `overlap`.
#[utoipa::path(
    operation_id = "createSchedule",
    tag = "schedules",
    request_body = NewSchedule,
    responses(
        (status = 201, description = "Created, with its `next_fire_at`", body = Schedule,
            headers(("Location" = String, description = "URL of the schedule"))),
        (status = 429, description = "The project has `schedules.project_max_schedules` \
            schedules (`quota_exceeded`)", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors
    )
)]
#[post("/schedules")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewSchedule>,
) -> Result<HttpResponse, ApiError> {
    let created = store::create(&state.core, caller.project, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/schedules/{}", created.id)))
        .json(created))
}

/// List schedules
#[utoipa::path(
    operation_id = "listSchedules",
    tag = "schedules",
    params(ScheduleQuery),
    responses((status = 200, description = "A page of schedules, newest first",
        body = SchedulePage), QueryErrors, ServerErrors)
)]
#[get("/schedules")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ScheduleQuery>,
) -> Result<web::Json<SchedulePage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 100)?;
    let before = query.cursor;
    let pool = &state.core.pool;
    let mut data = store::list(pool, caller.project, before, limit + 1).await?;
    let next_cursor = pagination::next(&mut data, limit, |s| s.id.to_string());
    Ok(web::Json(SchedulePage { data, next_cursor }))
}

/// Get a schedule
#[utoipa::path(
    operation_id = "getSchedule",
    tag = "schedules",
    params(("id" = Uuid, Path, description = "The schedule's id")),
    responses((status = 200, description = "The schedule", body = Schedule),
        (status = 404, description = "No such schedule (`schedule_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors)
)]
#[get("/schedules/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<web::Json<Schedule>, ApiError> {
    Ok(web::Json(
        store::get(&state.core.pool, caller.project, schedule_id(&id)?).await?,
    ))
}

/// Change a schedule
///
/// Changes what the body names (`enabled: false` pauses it); the next tick is computed
/// again from now.
#[utoipa::path(
    operation_id = "updateSchedule",
    tag = "schedules",
    params(("id" = Uuid, Path, description = "The schedule's id")),
    request_body = ScheduleChange,
    responses((status = 200, description = "Changed", body = Schedule),
        (status = 404, description = "No such schedule (`schedule_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        BodyErrors, ServerErrors)
)]
#[patch("/schedules/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<ScheduleChange>,
) -> Result<web::Json<Schedule>, ApiError> {
    let changed = store::update(
        &state.core,
        caller.project,
        schedule_id(&id)?,
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(changed))
}

/// Delete a schedule
///
/// With its fires; the tasks and messages it made stay.
#[utoipa::path(
    operation_id = "deleteSchedule",
    tag = "schedules",
    params(("id" = Uuid, Path, description = "The schedule's id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such schedule (`schedule_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        ServerErrors)
)]
#[delete("/schedules/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    store::delete(&state.core.pool, caller.project, schedule_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The page query of a schedule's fires.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FireQuery {
    /// Page size, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<DateTime<Utc>>,
}

/// List a schedule's fires
///
/// Newest tick first: when each fired and the task or message it made (or why it was
/// skipped, held or failed).
#[utoipa::path(
    operation_id = "listScheduleFires",
    tag = "schedules",
    params(("id" = Uuid, Path, description = "The schedule's id"), FireQuery),
    responses((status = 200, description = "A page of fires", body = FirePage),
        (status = 404, description = "No such schedule (`schedule_not_found`)", body = Problem,
            content_type = "application/problem+json"),
        QueryErrors, ServerErrors)
)]
#[get("/schedules/{id}/fires")]
pub async fn fires(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<FireQuery>,
) -> Result<web::Json<FirePage>, ApiError> {
    let limit = pagination::limit(query.limit, 100, 1000)?;
    let before = query.cursor;
    let pool = &state.core.pool;
    let mut data = store::fires(pool, caller.project, schedule_id(&id)?, before, limit + 1).await?;
    let next_cursor = pagination::next(&mut data, limit, |f| {
        f.fire_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    });
    Ok(web::Json(FirePage { data, next_cursor }))
}

fn schedule_id(id: &str) -> Result<Uuid, ApiError> {
    path_id(id, ErrorCode::ScheduleNotFound, "schedule")
}
