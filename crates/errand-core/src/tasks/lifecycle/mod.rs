//! The one owner of a task's life: only this module writes `tasks.status`.
//!
//! ```text
//!            claim                 finish
//!  queued ─────────▶ running ─────────────▶ succeeded | failed | timed_out | cancelled
//!    ▲  ▲              │  │ requeue (retryable failure, lease lost: a new attempt)
//!    │  └──────────────┘  │
//!    │   suspend_for_input│suspend_for_children
//!    │                    ▼
//!    └──── input_required | waiting   (resume_answered, wake_after_children:
//!                                      the same attempt goes on, `task.resumed`)
//! ```
//!
//! `cancel` ends a task that holds no worker (queued, input_required, waiting) at once and
//! asks the worker of a running one; a task is inserted `queued` by `submit`.

mod claim;
mod end;
mod pause;

pub use claim::{Claimed, Pick, claim, unclaim};
pub use end::{Charge, Outcome, cancel, finish, requeue};
pub use pause::{resume_answered, suspend_for_children, suspend_for_input, wake_after_children};

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The lines of `dir`'s Rust files (but this module's) that write a task's status.
    fn status_writes(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("an entry").path();
            if path.ends_with("tasks/lifecycle") {
                continue;
            }
            if path.is_dir() {
                status_writes(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                // The table of the last `UPDATE` seen: another table's `status` (a queue
                // message's) is not a task's.
                let mut updating = "";
                for (n, line) in text.lines().enumerate() {
                    let code = line.trim_start();
                    if let Some(at) = code.find("UPDATE ") {
                        updating = code[at + 7..].split_whitespace().next().unwrap_or("");
                    }
                    let writes = code.contains("tasks SET status")
                        || code.contains("tasks t SET status")
                        || (updating != "queue_messages"
                            && (code.starts_with("status = CASE")
                                || code.starts_with("status = '")));
                    if writes {
                        found.push(format!("{}:{}: {code}", path.display(), n + 1));
                    }
                }
            }
        }
    }

    #[test]
    fn only_the_lifecycle_writes_a_task_s_status() {
        // Every crate of the workspace, and the binary's own sources.
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut found = Vec::new();
        status_writes(&workspace.join("crates"), &mut found);
        status_writes(&workspace.join("src"), &mut found);
        assert!(
            found.is_empty(),
            "status written outside tasks::lifecycle: {found:#?}"
        );
    }
}
