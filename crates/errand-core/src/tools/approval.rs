//! Which tool calls wait for a person's approval (a runner's `approval`), and what a
//! runner may name there.

use crate::error::Violation;
use crate::runners::model::Approval;
use crate::tools::{ask_human, storage};

/// Whether a call of `tool` (read-only or not) waits for approval under `approval`.
pub fn covers(approval: &Approval, tool: &str, read_only: bool) -> bool {
    let named = approval
        .tools
        .iter()
        .any(|t| t == tool || (t == storage::TOOLKIT && storage::NAMES.contains(&tool)));
    named || (approval.non_read_only && !read_only)
}

/// The names in `approval` no tool of `toolkits` answers to, and `ask_human` (which asks a
/// person already), with their pointers.
pub fn violations(approval: &Approval, toolkits: &[String]) -> Vec<Violation> {
    let with_storage = toolkits.iter().any(|t| t == storage::TOOLKIT);
    let mut errors: Vec<Violation> = approval
        .tools
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let why = if name == ask_human::NAME {
                "ask_human asks a person already; it needs no approval".to_owned()
            } else if approval.tools[..i].contains(name) {
                "listed twice".to_owned()
            } else if toolkits.contains(name)
                || (with_storage && storage::NAMES.contains(&name.as_str()))
            {
                return None;
            } else {
                format!("{name:?} is not one of this runner's tools (toolkits)")
            };
            Some(Violation::new(format!("/approval/tools/{i}"), why))
        })
        .collect();
    if approval.tools.len() > MAX_TOOLS {
        errors.push(Violation::new(
            "/approval/tools",
            format!("at most {MAX_TOOLS} tools"),
        ));
    }
    errors
}

/// Tools one runner's `approval` may name (as many as its toolkits may hold).
pub const MAX_TOOLS: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_tools_storage_and_writes_are_covered() {
        let named = Approval {
            tools: vec!["http_fetch".into(), "storage".into()],
            non_read_only: false,
        };
        assert!(covers(&named, "http_fetch", true));
        assert!(covers(&named, "write_file", false));
        assert!(!covers(&named, "calculator", true));
        let writes = Approval {
            tools: vec![],
            non_read_only: true,
        };
        assert!(covers(&writes, "run_deploy_task", false));
        assert!(!covers(&writes, "calculator", true));
    }

    #[test]
    fn unknown_names_and_ask_human_are_refused() {
        let approval = Approval {
            tools: vec!["calculator".into(), "ask_human".into(), "nope".into()],
            non_read_only: false,
        };
        let toolkits = vec!["calculator".to_owned(), "ask_human".to_owned()];
        let pointers: Vec<_> = violations(&approval, &toolkits)
            .into_iter()
            .map(|v| v.pointer)
            .collect();
        assert_eq!(pointers, ["/approval/tools/1", "/approval/tools/2"]);
    }
}
