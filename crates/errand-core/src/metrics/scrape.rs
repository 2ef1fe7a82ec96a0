//! Gauges read from the database when `/metrics` is scraped: they describe the whole
//! installation (every process's tasks and queues), where `Meters` counts this process's own
//! work. Each statement reads partial indexes or small tables, never every task: active
//! tasks by status, queue depth and the oldest due message's wait, and this process's pool.

use std::fmt::Write;

use sqlx::PgPool;

use crate::projects::ProjectId;

/// The database's gauges in the Prometheus text format, for one project or (with `None`)
/// all of them.
pub async fn database_gauges(pool: &PgPool, project: Option<ProjectId>) -> sqlx::Result<String> {
    let mut out = String::new();
    active_tasks(pool, project, &mut out).await?;
    queues(pool, project, &mut out).await?;
    pool_gauges(pool, &mut out);
    Ok(out)
}

async fn active_tasks(
    pool: &PgPool,
    project: Option<ProjectId>,
    out: &mut String,
) -> sqlx::Result<()> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(concat!(
        "SELECT p.name, r.name, t.status, count(*) FROM tasks t
         JOIN runners r ON r.id = t.runner_id JOIN projects p ON p.id = t.project_id
         WHERE t.status IN ",
        crate::active_statuses!(),
        " AND ($1::uuid IS NULL OR t.project_id = $1)
         GROUP BY p.name, r.name, t.status ORDER BY 1, 2, 3"
    ))
    .bind(project)
    .fetch_all(pool)
    .await?;
    family(
        out,
        "errand_tasks",
        "gauge",
        "Tasks queued, running or waiting (for input or children), by project, runner and status.",
    );
    for (project, runner, status, count) in rows {
        sample(
            out,
            "errand_tasks",
            &[
                ("project", &project),
                ("runner", &runner),
                ("status", &status),
            ],
            count as f64,
        );
    }
    Ok(())
}

/// A queue's project and name, its messages pending, leased, running and dead, and the
/// oldest due message's wait.
type QueueRow = (String, String, i64, i64, i64, i64, Option<f64>);

async fn queues(pool: &PgPool, project: Option<ProjectId>, out: &mut String) -> sqlx::Result<()> {
    let rows: Vec<QueueRow> = sqlx::query_as(
        "SELECT p.name, q.name,
             count(m.id) FILTER (WHERE m.status = 'pending'),
             count(m.id) FILTER (WHERE m.status = 'leased'),
             count(m.id) FILTER (WHERE m.status = 'running'),
             count(m.id) FILTER (WHERE m.status = 'dead'),
             extract(epoch FROM now() - min(greatest(m.created_at, m.run_after))
                 FILTER (WHERE m.status = 'pending' AND m.run_after <= now()))::float8
         FROM queues q JOIN projects p ON p.id = q.project_id
         LEFT JOIN queue_messages m ON m.queue_id = q.id AND m.status <> 'done'
         WHERE $1::uuid IS NULL OR q.project_id = $1
         GROUP BY p.name, q.name ORDER BY 1, 2",
    )
    .bind(project)
    .fetch_all(pool)
    .await?;
    family(
        out,
        "errand_queue_messages",
        "gauge",
        "Messages of a queue by status (done ones are not counted).",
    );
    for (project, queue, pending, leased, running, dead, _) in &rows {
        for (status, count) in [
            ("pending", pending),
            ("leased", leased),
            ("running", running),
            ("dead", dead),
        ] {
            let labels = [
                ("project", project.as_str()),
                ("queue", queue),
                ("status", status),
            ];
            sample(out, "errand_queue_messages", &labels, *count as f64);
        }
    }
    family(
        out,
        "errand_queue_oldest_due_seconds",
        "gauge",
        "How long a queue's longest-waiting due message has waited (0 when none is due).",
    );
    for (project, queue, .., oldest) in &rows {
        let labels = [("project", project.as_str()), ("queue", queue)];
        sample(
            out,
            "errand_queue_oldest_due_seconds",
            &labels,
            oldest.unwrap_or(0.0),
        );
    }
    Ok(())
}

fn pool_gauges(pool: &PgPool, out: &mut String) {
    let size = pool.size() as f64;
    let idle = pool.num_idle() as f64;
    family(
        out,
        "errand_db_connections",
        "gauge",
        "This process's database connections: in use, idle, and the pool's maximum.",
    );
    let max = f64::from(pool.options().get_max_connections());
    for (state, value) in [("in_use", size - idle), ("idle", idle), ("max", max)] {
        sample(out, "errand_db_connections", &[("state", state)], value);
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    let labels: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escaped(v)))
        .collect();
    let _ = writeln!(out, "{name}{{{}}} {value}", labels.join(","));
}

/// A label value as the text format writes it: `\`, `"` and newlines escaped.
pub fn escaped(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}
