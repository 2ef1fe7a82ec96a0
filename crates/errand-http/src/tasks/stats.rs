//! `GET /v1/stats/tasks`: the project's recent tasks by status and minute (the dashboard's
//! overview).

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::openapi::{QueryErrors, ServerErrors};
use errand_core::tasks::stats::{self, MAX_WINDOW_MINUTES, TaskStats};

/// Query of `GET /v1/stats/tasks`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// The window: tasks made in the last this many minutes, 1 to 1440 (default 60).
    #[param(minimum = 1, maximum = 1440)]
    pub minutes: Option<u32>,
}

/// Count recent tasks
///
/// The project's tasks made in the window, by the status each has now and by the minute
/// it was made in. At most 100,000 tasks per status are counted (the newest; `capped`
/// says when).
#[utoipa::path(
    operation_id = "getTaskStats",
    tag = "tasks",
    params(StatsQuery),
    responses((status = 200, description = "The counts", body = TaskStats), QueryErrors, ServerErrors)
)]
#[get("/stats/tasks")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<StatsQuery>,
) -> Result<web::Json<TaskStats>, ApiError> {
    let minutes = query.minutes.unwrap_or(60);
    if !(1..=MAX_WINDOW_MINUTES).contains(&minutes) {
        return Err(ApiError::bad_request(format!(
            "minutes must be 1 to {MAX_WINDOW_MINUTES}"
        )));
    }
    let found = stats::recent(&state.core.pool, caller.project, minutes).await?;
    Ok(web::Json(found))
}
