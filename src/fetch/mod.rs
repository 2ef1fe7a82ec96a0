//! Outbound HTTP for a user's URLs, guarded against server-side request forgery: the host
//! is resolved, every address it resolves to is checked, the request goes to the address
//! that was checked (pinned: no second lookup an attacker's DNS could answer differently),
//! redirects are followed by hand and each target checked the same way, and the body is
//! read up to a size limit, all within a time limit. Private, loopback, link-local, CGNAT,
//! multicast, unspecified, IPv4-mapped IPv6 and cloud-metadata addresses are refused unless
//! `fetch.allow_hosts` names them.

mod client;
mod guard;

pub use client::{Fetched, Fetcher, Request};
pub use guard::{AllowList, refusal};
