//! The order of the lower layers, kept by a test over `crate::` paths: a module may use
//! only the modules listed for it. The redesign into crates (errand-core, -worker, -http)
//! extends this list module by module until it covers the whole of the core; modules not
//! listed are not checked yet.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Each layered module and the modules it may use.
    const LAYERS: &[(&str, &[&str])] = &[
        ("error", &[]),
        ("cache", &[]),
        ("conversation", &[]),
        ("config", &["conversation"]),
        ("db", &["config"]),
        ("telemetry", &["config"]),
        ("fetch", &["config", "conversation"]),
        ("json", &["error"]),
        ("pagination", &["error"]),
        ("events", &["error"]),
    ];

    /// The top-level modules the files of `path` (a file or a folder) name as `crate::x`.
    fn used_by(path: &Path, used: &mut BTreeSet<String>) {
        if path.is_dir() {
            for entry in std::fs::read_dir(path).expect("a readable folder") {
                used_by(&entry.expect("an entry").path(), used);
            }
            return;
        }
        let text = std::fs::read_to_string(path).expect("a source file");
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            used.insert(name);
        }
    }

    #[test]
    fn the_lower_layers_use_only_what_is_below_them() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut wrong = Vec::new();
        for (module, allowed) in LAYERS {
            let folder = src.join(module);
            let path = if folder.is_dir() {
                folder
            } else {
                src.join(format!("{module}.rs"))
            };
            let mut used = BTreeSet::new();
            used_by(&path, &mut used);
            // `crate::active_statuses!` and other macros are not modules.
            used.retain(|u| {
                u != module && !allowed.contains(&u.as_str()) && u != "active_statuses"
            });
            if !used.is_empty() {
                wrong.push(format!("{module} uses {used:?}"));
            }
        }
        assert!(wrong.is_empty(), "layering broken: {wrong:#?}");
    }
}
