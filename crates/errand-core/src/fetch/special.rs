//! The special-purpose ranges the outbound guard refuses: IANA's IPv4 and IPv6
//! special-purpose address registries (RFC 6890 and their later rows), multicast, the
//! IPv6 space outside global unicast, and the cloud metadata addresses. One ordered table
//! per family; the first row holding an address decides, so a narrower row (a metadata
//! address, broadcast) stands before the range around it. An address in no row is public.
//!
//! Rows IANA marks globally reachable inside a refused block (PCP and TURN anycast in
//! 192.0.0.0/24; AMT, AS112, ORCHIDv2 and drone DET in 2001::/23) are refused with their
//! block: they are protocol anycast, never a web server a user's URL needs.

use std::net::{Ipv4Addr, Ipv6Addr};

use V6Rule::{Embeds, Refuse};

/// An IPv4 range and why an address in it is refused.
pub(super) struct V4Range {
    net: Ipv4Addr,
    bits: u8,
    pub why: &'static str,
}

impl V4Range {
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        let mask = u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0);
        u32::from(addr) & mask == u32::from(self.net) & mask
    }
}

/// What an IPv6 range means for an address in it.
pub(super) enum V6Rule {
    /// Refused, for this reason.
    Refuse(&'static str),
    /// It carries an IPv4 address (taken out by the function) that reaches, or tells where
    /// to tunnel, an IPv4 host: the IPv4 rows judge that address.
    Embeds(&'static str, fn(Ipv6Addr) -> Ipv4Addr),
}

/// An IPv6 range and its rule.
pub(super) struct V6Range {
    net: Ipv6Addr,
    bits: u8,
    pub rule: V6Rule,
}

impl V6Range {
    pub fn contains(&self, addr: Ipv6Addr) -> bool {
        let mask = u128::MAX
            .checked_shl(128 - u32::from(self.bits))
            .unwrap_or(0);
        u128::from(addr) & mask == u128::from(self.net) & mask
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, bits: u8, why: &'static str) -> V4Range {
    V4Range {
        net: Ipv4Addr::new(a, b, c, d),
        bits,
        why,
    }
}

const fn v6(segments: [u16; 8], bits: u8, rule: V6Rule) -> V6Range {
    let [a, b, c, d, e, f, g, h] = segments;
    V6Range {
        net: Ipv6Addr::new(a, b, c, d, e, f, g, h),
        bits,
        rule,
    }
}

const METADATA: &str = "a cloud metadata address";
const PRIVATE: &str = "a private address";
const DOCUMENTATION: &str = "a documentation address";
const RESERVED_V6: &str = "a reserved address (outside 2000::/3, the global unicast space)";

// One row a line: the table reads as the registry does.
#[rustfmt::skip]
pub(super) const IPV4: &[V4Range] = &[
    v4(169, 254, 169, 254, 32, METADATA), // AWS, GCP, Azure, OpenStack
    v4(100, 100, 100, 200, 32, METADATA), // Alibaba Cloud
    v4(0, 0, 0, 0, 8, "an unspecified (\"this network\") address"),
    v4(10, 0, 0, 0, 8, PRIVATE),
    v4(100, 64, 0, 0, 10, "a carrier-grade NAT (shared) address"),
    v4(127, 0, 0, 0, 8, "a loopback address"),
    v4(169, 254, 0, 0, 16, "a link-local address"),
    v4(172, 16, 0, 0, 12, PRIVATE),
    // DS-Lite, NAT64 discovery, dummy, PCP/TURN anycast; Oracle Cloud's metadata too.
    v4(192, 0, 0, 0, 24, "an IETF protocol assignment address"),
    v4(192, 0, 2, 0, 24, DOCUMENTATION),
    v4(192, 88, 99, 0, 24, "a 6to4 relay anycast address (deprecated)"),
    v4(192, 168, 0, 0, 16, PRIVATE),
    v4(198, 18, 0, 0, 15, "a benchmarking address"),
    v4(198, 51, 100, 0, 24, DOCUMENTATION),
    v4(203, 0, 113, 0, 24, DOCUMENTATION),
    v4(224, 0, 0, 0, 4, "a multicast address"),
    v4(255, 255, 255, 255, 32, "the broadcast address"),
    v4(240, 0, 0, 0, 4, "a reserved address"),
];

/// The IPv4 address in the last 32 bits (mapped, compatible, NAT64 /96).
fn last_32_bits(a: Ipv6Addr) -> Ipv4Addr {
    // Truncation is the point: the low 32 bits are the address.
    Ipv4Addr::from(u128::from(a) as u32)
}

/// The 6to4 gateway's IPv4 address, in bits 16 to 47.
fn bits_16_to_47(a: Ipv6Addr) -> Ipv4Addr {
    let [_, high, low, ..] = a.segments();
    Ipv4Addr::from((u32::from(high) << 16) | u32::from(low))
}

#[rustfmt::skip]
pub(super) const IPV6: &[V6Range] = &[
    v6([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254], 128, Refuse(METADATA)), // AWS
    v6([0, 0, 0, 0, 0, 0, 0, 0], 128, Refuse("an unspecified address")),
    v6([0, 0, 0, 0, 0, 0, 0, 1], 128, Refuse("a loopback address")),
    v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96, Embeds("an IPv4-mapped IPv6 address", last_32_bits)),
    v6([0, 0, 0, 0, 0, 0, 0, 0], 96, Embeds("an IPv4-compatible IPv6 address", last_32_bits)),
    v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96, Embeds("a NAT64 address", last_32_bits)),
    // Local-use NAT64 (RFC 8215): the operator picks where the IPv4 address sits, so it
    // cannot be read back reliably; refused whole.
    v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, Refuse("a local-use NAT64 address")),
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64, Refuse("a discard-only address")),
    v6([0x100, 0, 0, 1, 0, 0, 0, 0], 64, Refuse("a dummy address")),
    // Teredo hides its IPv4 server and client (the latter inverted): refused whole.
    v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, Refuse("a Teredo address")),
    v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48, Refuse("a benchmarking address")),
    v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, Refuse("an IETF protocol assignment address")),
    v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, Refuse(DOCUMENTATION)),
    v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16, Embeds("a 6to4 address", bits_16_to_47)),
    v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, Refuse(DOCUMENTATION)),
    v6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16, Refuse("a segment-routing (SRv6 SID) address")),
    v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, Refuse("a private (unique local) address")),
    v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, Refuse("a link-local address")),
    v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, Refuse("a site-local address (deprecated)")),
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, Refuse("a multicast address")),
    // Everything outside 2000::/3, the only space allocated for global unicast.
    v6([0, 0, 0, 0, 0, 0, 0, 0], 3, Refuse(RESERVED_V6)),
    v6([0x4000, 0, 0, 0, 0, 0, 0, 0], 2, Refuse(RESERVED_V6)),
    v6([0x8000, 0, 0, 0, 0, 0, 0, 0], 1, Refuse(RESERVED_V6)),
];

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;
    use crate::fetch::refusal;

    /// Each row's first and last address, and words its refusal must hold.
    const V4_ROWS: &[(&str, &str, &str)] = &[
        ("169.254.169.254", "169.254.169.254", "metadata"),
        ("100.100.100.200", "100.100.100.200", "metadata"),
        ("0.0.0.0", "0.255.255.255", "unspecified"),
        ("10.0.0.0", "10.255.255.255", "private"),
        ("100.64.0.0", "100.127.255.255", "carrier-grade NAT"),
        ("127.0.0.0", "127.255.255.255", "loopback"),
        ("169.254.0.0", "169.254.255.255", "link-local"),
        ("172.16.0.0", "172.31.255.255", "private"),
        ("192.0.0.0", "192.0.0.255", "IETF protocol assignment"),
        ("192.0.2.0", "192.0.2.255", "documentation"),
        ("192.88.99.0", "192.88.99.255", "6to4 relay"),
        ("192.168.0.0", "192.168.255.255", "private"),
        ("198.18.0.0", "198.19.255.255", "benchmarking"),
        ("198.51.100.0", "198.51.100.255", "documentation"),
        ("203.0.113.0", "203.0.113.255", "documentation"),
        ("224.0.0.0", "239.255.255.255", "multicast"),
        ("255.255.255.255", "255.255.255.255", "broadcast"),
        ("240.0.0.0", "255.255.255.254", "reserved"),
    ];

    const V6_ROWS: &[(&str, &str, &str)] = &[
        ("fd00:ec2::254", "fd00:ec2::254", "metadata"),
        ("::", "::", "unspecified"),
        ("::1", "::1", "loopback"),
        ("::ffff:0.0.0.0", "::ffff:255.255.255.255", "IPv4-mapped"),
        ("::0.0.0.2", "::255.255.255.255", "IPv4-compatible"),
        (
            "64:ff9b::",
            "64:ff9b::255.255.255.255",
            "NAT64 address embedding",
        ),
        (
            "64:ff9b:1::",
            "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
            "local-use NAT64",
        ),
        ("100::", "100::ffff:ffff:ffff:ffff", "discard-only"),
        ("100:0:0:1::", "100:0:0:1:ffff:ffff:ffff:ffff", "dummy"),
        ("2001::", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "Teredo"),
        (
            "2001:2::",
            "2001:2:0:ffff:ffff:ffff:ffff:ffff",
            "benchmarking",
        ),
        (
            "2001:1::1",
            "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",
            "IETF protocol",
        ),
        (
            "2001:db8::",
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
            "documentation",
        ),
        ("2002::", "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "6to4"),
        (
            "3fff::",
            "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
            "documentation",
        ),
        ("5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "SRv6"),
        (
            "fc00::",
            "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "unique local",
        ),
        (
            "fe80::",
            "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "link-local",
        ),
        (
            "fec0::",
            "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "site-local",
        ),
        (
            "ff00::",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "multicast",
        ),
        (
            "1::",
            "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "outside 2000::/3",
        ),
        (
            "4000::",
            "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "outside 2000::/3",
        ),
        (
            "8000::",
            "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "outside 2000::/3",
        ),
    ];

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    fn assert_refused(addr: &str, words: &str) {
        let why = refusal(ip(addr)).unwrap_or_else(|| panic!("{addr} should be refused"));
        assert!(why.contains(words), "{addr}: {why:?} should say {words:?}");
    }

    #[test]
    fn every_ipv4_row_refuses_its_first_and_last_address() {
        assert_eq!(V4_ROWS.len(), IPV4.len(), "one case per row");
        for (row, (first, last, words)) in IPV4.iter().zip(V4_ROWS) {
            for addr in [first, last] {
                let IpAddr::V4(v4) = ip(addr) else { panic!() };
                assert!(row.contains(v4), "{addr} is not in the row for {words}");
                assert_refused(addr, words);
            }
        }
    }

    #[test]
    fn every_ipv6_row_refuses_its_first_and_last_address() {
        assert_eq!(V6_ROWS.len(), IPV6.len(), "one case per row");
        for (row, (first, last, words)) in IPV6.iter().zip(V6_ROWS) {
            for addr in [first, last] {
                let IpAddr::V6(v6) = ip(addr) else { panic!() };
                assert!(row.contains(v6), "{addr} is not in the row for {words}");
                assert_refused(addr, words);
            }
        }
    }

    #[test]
    fn the_addresses_just_outside_each_range_are_public() {
        for addr in [
            "1.0.0.0",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "191.255.255.255",
            "192.0.1.0",
            "192.0.3.0",
            "192.88.98.255",
            "192.88.100.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "198.51.99.255",
            "198.51.101.0",
            "203.0.112.255",
            "203.0.114.0",
            "223.255.255.255",
            "2000::",
            "2001:200::",
            "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
            "2001:db9::",
            "2003::",
            "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "3fff:1000::",
            "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        ] {
            assert_eq!(refusal(ip(addr)), None, "{addr} should be allowed");
        }
        // Between the NAT64 /96 and the local-use /48: reserved, not NAT64.
        assert_refused("64:ff9b::1:0:0", "outside 2000::/3");
    }
}
