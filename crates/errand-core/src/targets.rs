//! The checks a saved target shares, whether a schedule's (a fire makes a task or a message)
//! or a trigger's (a delivery does): the runner it names exists, a thread key fits, a queue
//! name is a slug. Each finding is a violation under `/target`.

use crate::error::Violation;
use crate::ids::valid_name;
use crate::projects::ProjectId;
use crate::runners::model::Runner;

/// The runner `name` in `project`, or the violation that there is none.
pub async fn runner(
    db: impl sqlx::PgExecutor<'_>,
    project: ProjectId,
    name: &str,
) -> sqlx::Result<Result<Runner, Violation>> {
    let found = match valid_name(name) {
        true => crate::runners::store::get(db, project, name).await?,
        false => None,
    };
    Ok(found.ok_or_else(|| Violation::new("/target/runner", format!("no runner named {name:?}"))))
}

/// A thread id or key: 1 to 255 characters.
pub fn thread(key: Option<&str>) -> Option<Violation> {
    key.filter(|k| !(1..=255).contains(&k.chars().count()))
        .map(|_| Violation::new("/target/thread", "1 to 255 characters"))
}

/// A queue's name: a slug.
pub fn queue(name: &str) -> Option<Violation> {
    (!valid_name(name)).then(|| {
        Violation::new(
            "/target/queue",
            format!("{name:?} is not a queue name (a slug)"),
        )
    })
}
