//! Which addresses a user's URL may reach.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `fetch.allow_hosts`: host names, addresses and CIDR ranges reachable although refused by
/// default.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    hosts: Vec<String>,
    nets: Vec<(IpAddr, u8)>,
}

impl AllowList {
    /// Parses the setting; an entry that is neither a host name, an address nor a CIDR
    /// range is an error naming it.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        let mut list = Self::default();
        for entry in entries {
            let entry = entry.trim().trim_start_matches('[').trim_end_matches(']');
            if let Some((addr, bits)) = entry.split_once('/') {
                let addr: IpAddr = addr
                    .parse()
                    .map_err(|_| format!("fetch.allow_hosts: {entry:?} is not a CIDR range"))?;
                let max = if addr.is_ipv4() { 32 } else { 128 };
                let bits: u8 = bits
                    .parse()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("fetch.allow_hosts: {entry:?} has a bad prefix"))?;
                list.nets.push((addr, bits));
            } else if let Ok(addr) = entry.parse::<IpAddr>() {
                list.nets
                    .push((addr, if addr.is_ipv4() { 32 } else { 128 }));
            } else if !entry.is_empty()
                && entry
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            {
                list.hosts.push(entry.to_ascii_lowercase());
            } else {
                return Err(format!(
                    "fetch.allow_hosts: {entry:?} is not a host name, address or CIDR range"
                ));
            }
        }
        Ok(list)
    }

    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
    }

    pub fn allows_addr(&self, addr: IpAddr) -> bool {
        self.nets
            .iter()
            .any(|(net, bits)| contains(*net, *bits, addr))
    }
}

fn contains(net: IpAddr, bits: u8, addr: IpAddr) -> bool {
    match (net, addr) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// Why `addr` may not be reached by default, or `None` for a public address.
pub fn refusal(addr: IpAddr) -> Option<&'static str> {
    match addr {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

fn refusal_v4(a: Ipv4Addr) -> Option<&'static str> {
    let [o1, o2, ..] = a.octets();
    Some(
        if a == Ipv4Addr::new(169, 254, 169, 254) || a == Ipv4Addr::new(100, 100, 100, 200) {
            "a cloud metadata address"
        } else if a.is_loopback() {
            "a loopback address"
        } else if a.is_private() {
            "a private address"
        } else if a.is_link_local() {
            "a link-local address"
        } else if o1 == 100 && (64..128).contains(&o2) {
            "a carrier-grade NAT address"
        } else if a.is_multicast() {
            "a multicast address"
        } else if a.is_unspecified() || o1 == 0 {
            "an unspecified address"
        } else if a.is_broadcast() || o1 >= 240 {
            "a reserved address"
        } else {
            return None;
        },
    )
}

fn refusal_v6(a: Ipv6Addr) -> Option<&'static str> {
    let first = a.segments()[0];
    Some(if a.to_ipv4_mapped().is_some() {
        "an IPv4-mapped IPv6 address"
    } else if a
        == "fd00:ec2::254"
            .parse::<Ipv6Addr>()
            .unwrap_or(Ipv6Addr::LOCALHOST)
    {
        "a cloud metadata address"
    } else if a.is_loopback() {
        "a loopback address"
    } else if a.is_unspecified() {
        "an unspecified address"
    } else if first & 0xfe00 == 0xfc00 {
        "a private (unique local) address"
    } else if first & 0xffc0 == 0xfe80 {
        "a link-local address"
    } else if a.is_multicast() {
        "a multicast address"
    } else if first == 0x0064 && a.segments()[1] == 0xff9b {
        "a NAT64 address"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(s: &str) -> bool {
        refusal(s.parse().expect("address")).is_some()
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for a in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.1.1",
            "100.64.0.1",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "ff02::1",
            "fd00:ec2::254",
            "100.100.100.200",
        ] {
            assert!(refused(a), "{a} should be refused");
        }
        for a in ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "100.128.0.1"] {
            assert!(!refused(a), "{a} should be allowed");
        }
    }

    #[test]
    fn the_allow_list_takes_hosts_addresses_and_ranges() {
        let list = AllowList::parse(&[
            "internal.example".into(),
            "10.1.0.0/16".into(),
            "::1".into(),
        ])
        .expect("list");
        assert!(list.allows_host("Internal.Example."));
        assert!(list.allows_addr("10.1.2.3".parse().expect("ip")));
        assert!(!list.allows_addr("10.2.0.1".parse().expect("ip")));
        assert!(list.allows_addr("::1".parse().expect("ip")));
        assert!(AllowList::parse(&["not a host!".into()]).is_err());
        assert!(AllowList::parse(&["10.0.0.0/40".into()]).is_err());
    }
}
