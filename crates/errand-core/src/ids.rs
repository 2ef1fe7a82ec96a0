//! Names: what a slug (a runner's, a project's, an HTTP tool's name) and a tool's name
//! look like. The lowest layer, with `error`: every other module may use it.

/// What a runner name (any slug) looks like.
pub const NAME_PATTERN: &str = r"^[a-z0-9][a-z0-9_-]{0,62}$";

/// What a tool's name looks like: a built-in's, an HTTP tool's (a slug) or a runner's
/// `run_<name>_task`.
pub const TOOL_NAME_PATTERN: &str = r"^[a-z0-9][a-z0-9_-]{0,71}$";

/// Whether `name` is a slug: a-z, 0-9, `_` and `-`, starting with a letter or digit, at
/// most 63 characters.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() <= 63
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// `N` bytes from the operating system's random source (secrets, unguessable ids); its
/// failure is a fault of the machine, never of the request.
pub fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(bytes)
}
