//! Which addresses a user's URL may reach.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::special::{IPV4, IPV6, V6Rule};

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

/// Why `addr` may not be reached by default, or `None` for a globally reachable address.
/// An IPv6 address that carries an IPv4 one (mapped, compatible, NAT64, 6to4) is judged by
/// the IPv4 rows too: `[::ffff:127.0.0.1]` is loopback whatever family it is written in.
pub fn refusal(addr: IpAddr) -> Option<String> {
    match addr {
        IpAddr::V4(v4) => refusal_v4(v4).map(str::to_owned),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

fn refusal_v4(addr: Ipv4Addr) -> Option<&'static str> {
    IPV4.iter()
        .find(|row| row.contains(addr))
        .map(|row| row.why)
}

fn refusal_v6(addr: Ipv6Addr) -> Option<String> {
    match &IPV6.iter().find(|row| row.contains(addr))?.rule {
        V6Rule::Refuse(why) => Some((*why).to_owned()),
        V6Rule::Embeds(kind, embedded) => {
            let v4 = embedded(addr);
            refusal_v4(v4).map(|why| format!("{kind} embedding {v4}, {why}"))
        }
    }
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
    fn globally_routable_addresses_are_allowed() {
        for a in [
            "93.184.216.34",
            "1.1.1.1",
            "8.8.8.8",
            "192.31.196.1", // AS112, globally reachable in IANA's registry
            "192.175.48.1", // AS112 direct delegation
            "2606:4700::1111",
            "2001:4860:4860::8888",
            "2a00:1450:4001::1",
            "2620:4f:8000::1", // AS112-v6 direct delegation
        ] {
            assert_eq!(
                refusal(a.parse().expect("ip")),
                None,
                "{a} should be allowed"
            );
        }
    }

    #[test]
    fn ipv4_carried_in_ipv6_is_judged_by_the_ipv4_rules() {
        let why = |s: &str| refusal(s.parse().expect("ip"));
        assert_eq!(
            why("::ffff:127.0.0.1").as_deref(),
            Some("an IPv4-mapped IPv6 address embedding 127.0.0.1, a loopback address")
        );
        for (refused, words) in [
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:169.254.169.254", "metadata"),
            ("::ffff:198.18.0.1", "benchmarking"),
            (
                "::7f00:1",
                "IPv4-compatible IPv6 address embedding 127.0.0.1",
            ),
            ("::a9fe:a9fe", "metadata"),
            ("::c0a8:101", "private"),
            ("64:ff9b::7f00:1", "NAT64 address embedding 127.0.0.1"),
            ("64:ff9b::10.1.2.3", "private"),
            ("2002:7f00:1::", "6to4 address embedding 127.0.0.1"),
            ("2002:a00:1::1", "private"),
            ("2002:c0a8:101:1::1", "private"),
            ("2002:a9fe:a9fe::", "metadata"),
            ("64:ff9b:1::808:808", "local-use NAT64"),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
            ("2001:0:808:808::1", "Teredo"),
        ] {
            let found = why(refused).unwrap_or_else(|| panic!("{refused} should be refused"));
            assert!(found.contains(words), "{refused}: {found}");
        }
        // A public IPv4 address stays public in any of the forms that carry it.
        for public in [
            "::ffff:8.8.8.8",
            "::ffff:93.184.216.34",
            "::808:808",
            "64:ff9b::808:808",
            "64:ff9b::1.1.1.1",
            "2002:808:808::1",
            "2002:5db8:d822::",
        ] {
            assert_eq!(why(public), None, "{public} should be allowed");
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
