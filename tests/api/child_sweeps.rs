//! The sweeps that end a child task (an expired lease, an unanswered question) lock the
//! child's row before its parent's, the other way round from a cancel cascade. They must
//! never wait for a parent another transaction holds: the child is left for the next sweep,
//! its row free for the cascade.

use std::time::Duration;

use serde_json::json;
use uuid::Uuid;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_lost_child_waits_for_a_parent_held_elsewhere_without_holding_its_own_row() {
    let app = spawn_app().await;
    app.create_runner(json!({"name": "kid", "model": "mock",
        "model_settings": {"mock": {"text": "late", "delay_ms": 60000}}}))
        .await;
    app.create_runner(
        json!({"name": "boss", "model": "mock", "toolkits": ["run_kid_task"],
        "model_settings": {"mock": {"turns": [
            {"tool_calls": [{"name": "run_kid_task", "arguments": {}}]},
            {"text": "got: {{tool_result}}"}]}}}),
    )
    .await;
    let parent = app.submit("boss", json!({"arguments": {}})).await;
    let parent_id = parent["id"].as_str().unwrap().to_owned();
    app.wait_for_status(&parent_id, "waiting").await;
    let kids = app
        .get_json(&format!("/v1/tasks?parent_task_id={parent_id}"))
        .await;
    let kid_id = kids["data"][0]["id"].as_str().unwrap().to_owned();
    app.wait_for_status(&kid_id, "running").await;
    let (parent, kid): (Uuid, Uuid) = (parent_id.parse().unwrap(), kid_id.parse().unwrap());

    // The child's worker is lost on its last attempt.
    sqlx::query(
        "UPDATE tasks SET lease_owner = 'lost', lease_expires_at = now() - interval '1 second',
            attempts = max_attempts WHERE id = $1",
    )
    .bind(kid)
    .execute(&app.pool)
    .await
    .unwrap();
    // Another transaction holds the parent, as a cancel cascade does before its children.
    let mut holder = app.pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE")
        .bind(parent)
        .execute(&mut *holder)
        .await
        .unwrap();
    // Several sweeps (one a heartbeat, every second here) pass; the child's row stays free.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut free = false;
    for _ in 0..20 {
        let mut probe = app.pool.begin().await.unwrap();
        let locked = sqlx::query("SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE NOWAIT")
            .bind(kid)
            .execute(&mut *probe)
            .await;
        probe.rollback().await.ok();
        if locked.is_ok() {
            free = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        free,
        "a sweep held the child's row while waiting for its parent"
    );
    assert_eq!(app.task(&kid_id).await["status"], "running");
    holder.rollback().await.unwrap();

    // Once the parent is free, the next sweep ends the child and the parent hears of it.
    let kid = app.wait_for_status(&kid_id, "failed").await;
    assert_eq!(kid["error"]["code"], "worker_lost", "{kid}");
    let parent = app.wait_for_status(&parent_id, "succeeded").await;
    let output = parent["output"].as_str().unwrap();
    assert!(output.contains("stopped heartbeating"), "{output}");
}
