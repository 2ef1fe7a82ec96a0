//! The order of the core's modules, kept by a test over `crate::` paths: a module may use
//! only the modules before it. Cargo keeps the crates apart (core below the worker and
//! HTTP); this keeps the layers inside the core.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Lowest first. A new module must be placed here (the test fails until it is).
    const ORDER: &[&str] = &[
        "ids",
        "error",
        "cache",
        "json",
        "wire_schema",
        "page",
        "signatures",
        "conversation",
        "config",
        "db",
        "fetch",
        "telemetry",
        "llm",
        "projects",
        "aliases",
        "keys",
        "storage",
        "runners",
        "tools",
        "events",
        "threads",
        "tasks",
        "metrics",
        // The composition root, then what works with all of it.
        "core",
        "webhooks",
        "queues",
        "targets",
        "schedules",
        "triggers",
        "invocations",
        "housekeeping",
    ];

    /// Names used as `crate::x` that are not modules (exported macros).
    const NOT_MODULES: &[&str] = &["active_statuses"];

    /// The top-level modules the files of `path` (a file or a folder) name as `crate::x`
    /// or inside `crate::{x, y::z}`.
    fn used_by(path: &Path, used: &mut BTreeSet<String>) {
        if path.is_dir() {
            for entry in std::fs::read_dir(path).expect("a readable folder") {
                used_by(&entry.expect("an entry").path(), used);
            }
            return;
        }
        let text = std::fs::read_to_string(path).expect("a source file");
        let ident = |s: &str| -> String {
            s.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + 7..];
            match rest.strip_prefix('{') {
                Some(group) => {
                    let group = &group[..group.find('}').unwrap_or(group.len())];
                    for part in group.split(',') {
                        used.insert(ident(part.trim()));
                    }
                }
                None => {
                    used.insert(ident(rest));
                }
            }
        }
    }

    #[test]
    fn each_module_uses_only_those_below_it() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut wrong = Vec::new();
        for entry in std::fs::read_dir(&src).expect("src is readable") {
            let path = entry.expect("an entry").path();
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            if name == "lib" || name == "layers" {
                continue;
            }
            let Some(place) = ORDER.iter().position(|m| *m == name) else {
                wrong.push(format!("{name} is not placed in ORDER"));
                continue;
            };
            let mut used = BTreeSet::new();
            used_by(&path, &mut used);
            used.retain(|u| {
                !u.is_empty()
                    && *u != name
                    && !NOT_MODULES.contains(&u.as_str())
                    && !ORDER[..place].contains(&u.as_str())
            });
            if !used.is_empty() {
                wrong.push(format!("{name} uses {used:?}, not below it"));
            }
        }
        assert!(wrong.is_empty(), "layering broken: {wrong:#?}");
    }
}
