//! What an operator watches at `/metrics` (Prometheus text): `meters.rs` counts this
//! process's work as it happens; `scrape.rs` reads the installation's gauges from the
//! database when scraped. A project's key sees its project's series and the instance-wide
//! ones (pickup, model calls, streams, worker slots, connections); open mode and
//! `metrics.public` see every project's.

pub mod meters;
pub mod scrape;

pub use meters::{Meters, ModelCall, OpenStream};

use sqlx::PgPool;

use crate::projects::ProjectId;

/// The whole page: this process's meters, then the database's gauges. `project` (its id and
/// name) keeps only that project's series where a series names one.
pub async fn render(
    meters: &Meters,
    pool: &PgPool,
    project: Option<(ProjectId, &str)>,
) -> sqlx::Result<String> {
    let mut page = meters.render();
    if let Some((_, name)) = project {
        page = only_project(&page, name);
    }
    if !page.is_empty() && !page.ends_with('\n') {
        page.push('\n');
    }
    page.push_str(&scrape::database_gauges(pool, project.map(|(id, _)| id)).await?);
    Ok(page)
}

/// `page` without the samples labelled with another project.
fn only_project(page: &str, name: &str) -> String {
    let own = format!("project=\"{}\"", scrape::escaped(name));
    page.lines()
        .filter(|line| line.starts_with('#') || project_label(line).is_none_or(|l| l == own))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The `project="…"` label of a sample line, as written.
fn project_label(line: &str) -> Option<&str> {
    let labels = &line[line.find('{')? + 1..];
    let start = ["project=\"", ",project=\""]
        .iter()
        .filter_map(|p| {
            let at = labels.find(p)?;
            (p.starts_with(',') || at == 0).then_some(at + usize::from(p.starts_with(',')))
        })
        .min()?;
    let value = &labels[start + "project=\"".len()..];
    let mut escaped = false;
    let end = value.char_indices().find_map(|(i, c)| match (escaped, c) {
        (true, _) => {
            escaped = false;
            None
        }
        (false, '\\') => {
            escaped = true;
            None
        }
        (false, '"') => Some(i),
        _ => None,
    })?;
    Some(&labels[start..start + "project=\"".len() + end + 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_project_s_samples_are_left_out() {
        let page = "# HELP x help\n# TYPE x counter\n\
            x{project=\"a\",runner=\"r\"} 1\n\
            x{project=\"b\",runner=\"r\"} 2\n\
            x{runner=\"r\",project=\"a\\\"b\"} 3\n\
            y 4\n\
            z{subproject=\"b\"} 5\n";
        let own = only_project(page, "a");
        assert_eq!(
            own,
            "# HELP x help\n# TYPE x counter\nx{project=\"a\",runner=\"r\"} 1\ny 4\nz{subproject=\"b\"} 5\n"
        );
        let quoted = only_project(page, "a\"b");
        assert!(
            quoted.contains("x{runner=\"r\",project=\"a\\\"b\"} 3"),
            "{quoted}"
        );
        assert!(!quoted.contains("} 1\n"), "{quoted}");
    }

    #[test]
    fn model_labels_are_bounded() {
        let meters = Meters::new().unwrap();
        let long = "L".repeat(100);
        let names: Vec<String> = (0..150).map(|i| format!("m{i}")).chain([long]).collect();
        for name in &names {
            meters.model_call(&meters::ModelCall {
                provider: "mock",
                model: name,
                ok: true,
                took: std::time::Duration::from_millis(1),
                input_tokens: 1,
                output_tokens: 1,
                cost_usd: None,
            });
        }
        let page = meters.render();
        let calls: Vec<&str> = page
            .lines()
            .filter(|l| l.starts_with("errand_model_calls_total{"))
            .collect();
        assert_eq!(calls.len(), 101, "100 models and `other`: {calls:?}");
        assert!(page.contains("model=\"other\""));
        assert!(!page.contains(&"L".repeat(100)));
    }
}
