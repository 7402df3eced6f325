//! What the server may fetch when it reads a link's page (its title, description and preview
//! image): public unicast addresses only, within limits of size, time and redirects.
//!
//! The address check is for the address actually connected to, after every DNS resolution and
//! every redirect: a name that resolves to a private address, or a public page that redirects to
//! `http://169.254.169.254/`, must be refused at the moment of connecting. The fetching adapter
//! calls [`is_public`] there; this module only says which addresses are out of bounds.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// The most bytes read of a linked page (its `<head>` is what matters).
pub const MAX_PAGE_BYTES: u64 = 2 * 1024 * 1024;
/// The most bytes read of a preview image.
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
/// How long one fetch may take, redirects included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// How many redirects are followed, each one checked again.
pub const MAX_REDIRECTS: usize = 5;

/// Whether the server may connect to `address` for a person's link: a public unicast address.
/// Refused: loopback, private and shared (CGNAT) ranges, link-local (the cloud metadata address
/// 169.254.169.254 among them), unspecified, broadcast, multicast, documentation and benchmarking
/// ranges, reserved space, IPv6 unique-local and site-local, and IPv4 addresses carried inside
/// IPv6 (mapped, compatible, NAT64, 6to4, Teredo), judged by the IPv4 address they carry.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = a == 0                                     // "this network", 0.0.0.0/8
        || a == 10                                           // private
        || a == 127                                          // loopback
        || (a == 100 && (64..=127).contains(&b))             // shared address space (CGNAT)
        || (a == 169 && b == 254)                            // link-local, cloud metadata
        || (a == 172 && (16..=31).contains(&b))              // private
        || (a == 192 && b == 0 && c == 0)                    // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)                    // documentation (TEST-NET-1)
        || (a == 192 && b == 88 && c == 99)                  // 6to4 relay anycast
        || (a == 192 && b == 168)                            // private
        || (a == 198 && (18..=19).contains(&b))              // benchmarking
        || (a == 198 && b == 51 && c == 100)                 // documentation (TEST-NET-2)
        || (a == 203 && b == 0 && c == 113)                  // documentation (TEST-NET-3)
        || a >= 224; // multicast, reserved, broadcast
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    let first = segments[0];
    let refused = ip.is_unspecified()
        || ip.is_loopback()
        || (first & 0xfe00) == 0xfc00                        // unique local, fc00::/7
        || (first & 0xffc0) == 0xfe80                        // link-local, fe80::/10
        || (first & 0xffc0) == 0xfec0                        // site-local (deprecated), fec0::/10
        || (first & 0xff00) == 0xff00                        // multicast
        || (first == 0x2001 && segments[1] == 0x0db8)        // documentation
        || (first == 0x2001 && segments[1] < 0x0200)         // IETF protocol assignments (ORCHID, benchmarking, ...)
        || (first == 0x0100 && segments[1..4] == [0, 0, 0]) // discard-only, 100::/64
        || (first & 0xe000) != 0x2000; // outside global unicast, 2000::/3
    !refused
}

/// The IPv4 address an IPv6 address carries, in the forms that reach IPv4 hosts: mapped
/// (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`), 6to4 (`2002::/16`) and
/// Teredo (`2001::/32`, the client address inverted).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let from = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    match s {
        // `::` and `::1` are judged as IPv6; other `::a.b.c.d` reach IPv4.
        [0, 0, 0, 0, 0, 0, high, low] if (high, low) > (0, 1) => Some(from(high, low)),
        [0, 0, 0, 0, 0, 0xffff, high, low] | [0x64, 0xff9b, 0, 0, 0, 0, high, low] | [0x2002, high, low, ..] => {
            Some(from(high, low))
        }
        [0x2001, 0, .., high, low] => Some(from(!high, !low)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().unwrap_or_else(|e| panic!("{text}: {e}")))
    }

    #[test]
    fn public_addresses_may_be_fetched() {
        for address in [
            "93.184.216.34",
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:82a::200e",
        ] {
            assert!(public(address), "{address} is public");
        }
    }

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_refused() {
        for address in [
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.0.1",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "192.0.0.8",
            "192.88.99.1",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "100::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:a9fe:a9fe::1",
            "2002:7f00:1::",
        ] {
            assert!(!public(address), "{address} is refused");
        }
    }

    #[test]
    fn ipv4_inside_ipv6_is_judged_by_what_it_carries() {
        assert!(public("::ffff:93.184.216.34"));
        assert!(public("64:ff9b::808:808"));
        assert!(public("2002:5db8:d822::1"));
        // Teredo carries the client's address inverted: !127.0.0.1 = 128.255.255.254.
        assert!(!public("2001:0:4136:e378:8000:63bf:80ff:fffe"));
        assert!(public("2001:0:4136:e378:8000:63bf:f7f7:f7f7"));
    }
}
