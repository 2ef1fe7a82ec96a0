//! Outbound HTTP for a user's URLs, guarded against server-side request forgery: the host
//! is resolved, every address it resolves to is checked, the request goes to the address
//! that was checked (pinned: no second lookup an attacker's DNS could answer differently),
//! redirects are followed by hand and each target checked the same way, and the body is
//! read up to a size limit, all within a time limit. Every special-purpose address of
//! IANA's registries (private, loopback, link-local, CGNAT, benchmarking, documentation,
//! reserved, multicast, broadcast, ...), the IPv6 space outside global unicast, Teredo,
//! and IPv4 addresses carried in IPv6 (mapped, compatible, NAT64, 6to4) that the IPv4
//! rules refuse, are refused unless `fetch.allow_hosts` names them; so are cloud metadata
//! addresses. `special` holds the table.

mod client;
mod guard;
mod retry_after;
mod special;
mod tls;
mod url_check;

pub use client::{Fetched, Fetcher, Request};
pub use guard::{AllowList, refusal};
pub use retry_after::{MAX_RETRY_AFTER, retry_after};
pub use tls::tls_config;
pub use url_check::problem as url_problem;
