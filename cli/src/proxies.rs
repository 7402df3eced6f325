//! Who the client is behind reverse proxies: the `trusted_proxies` setting, and reading
//! `X-Forwarded-For` only from peers it names.
//!
//! Without the setting the socket's peer is the client, whatever the request says. With it, a
//! request from a trusted proxy names its client in `X-Forwarded-For`; the list is read from the
//! right (the entry the nearest proxy added) past every trusted address, and the first untrusted
//! one is the client. Entries further left were written by the client itself and are never read.

use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderName, header};

/// An address or a network (`10.0.0.0/8`, `::1`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(text: &str) -> Result<Self, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let base: IpAddr = address.parse().map_err(|_| format!("`{text}` is not an IP address or network"))?;
        let width = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("`{text}` has a prefix length outside 0 to {width}"))?,
        };
        Ok(Self { base, prefix })
    }

    fn contains(&self, address: IpAddr) -> bool {
        let bits = |ip: IpAddr| match ip {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32u32),
            IpAddr::V6(v6) => (u128::from(v6), 128u32),
        };
        let address = match address {
            IpAddr::V6(v6) if self.base.is_ipv4() => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            other => other,
        };
        let ((base, width), (candidate, other_width)) = (bits(self.base), bits(address));
        if width != other_width {
            return false;
        }
        let shift = width - u32::from(self.prefix);
        shift == width || (base >> shift) == (candidate >> shift)
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// Comma-separated addresses and networks; empty for none.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(Network::parse).collect::<Result<_, _>>().map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    /// The client of a request that came from `peer`, and whether it came through a proxy.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            // A port (`203.0.113.9:4711`) or brackets may come along; an unreadable entry ends the walk.
            let Some(address) = parse_hop(hop) else { break };
            client = address;
            if !self.trusts(address) {
                break;
            }
        }
        client
    }
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(address) = hop.parse() {
        return Some(address);
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[').and_then(|h| h.strip_suffix(']')).and_then(|h| h.parse().ok())
}

/// Whether the request came straight from this machine: a loopback client and no sign of a proxy
/// in between (a proxy on this machine that nobody listed in `trusted_proxies` still adds one).
pub fn direct_from_this_machine(client: IpAddr, headers: &HeaderMap) -> bool {
    const PROXY_HEADERS: [HeaderName; 3] =
        [HeaderName::from_static("x-forwarded-for"), header::FORWARDED, HeaderName::from_static("x-real-ip")];
    client.is_loopback() && !PROXY_HEADERS.iter().any(|name| headers.contains_key(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("127.0.0.1"), &forwarded("203.0.113.9")), ip("127.0.0.1"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_the_client_cannot_choose() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        assert_eq!(proxies.client(ip("127.0.0.1"), &forwarded("203.0.113.9")), ip("203.0.113.9"));
        // The client wrote the first entry itself; the proxy appended the real one.
        assert_eq!(proxies.client(ip("127.0.0.1"), &forwarded("198.51.100.1, 203.0.113.9")), ip("203.0.113.9"));
        // Two trusted hops: the first untrusted address from the right.
        assert_eq!(proxies.client(ip("10.1.2.3"), &forwarded("203.0.113.9, 10.9.9.9")), ip("203.0.113.9"));
        // An untrusted peer's header is ignored.
        assert_eq!(proxies.client(ip("192.0.2.7"), &forwarded("203.0.113.9")), ip("192.0.2.7"));
        // No header: the proxy itself.
        assert_eq!(proxies.client(ip("127.0.0.1"), &HeaderMap::new()), ip("127.0.0.1"));
        // Garbage ends the walk at the last address read.
        assert_eq!(proxies.client(ip("127.0.0.1"), &forwarded("203.0.113.9, nonsense")), ip("127.0.0.1"));
        assert_eq!(proxies.client(ip("127.0.0.1"), &forwarded("[2001:db8::1]:443")), ip("2001:db8::1"));
    }

    #[test]
    fn networks_parse_and_match() {
        assert!(TrustedProxies::parse("fd00::/8").unwrap().trusts(ip("fd12::1")));
        assert!(!TrustedProxies::parse("fd00::/8").unwrap().trusts(ip("fe80::1")));
        assert!(TrustedProxies::parse("0.0.0.0/0").unwrap().trusts(ip("203.0.113.9")));
        assert!(TrustedProxies::parse("10.0.0.0/8").unwrap().trusts(ip("::ffff:10.1.1.1")));
        assert!(!TrustedProxies::parse("10.0.0.0/8").unwrap().trusts(ip("2001:db8::1")));
        for bad in ["10.0.0.0/33", "example.org", "10.0.0.0/x", "::1/129"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(TrustedProxies::parse(" ").unwrap(), TrustedProxies::default());
    }

    #[test]
    fn only_unproxied_loopback_requests_are_from_this_machine() {
        assert!(direct_from_this_machine(ip("127.0.0.1"), &HeaderMap::new()));
        assert!(direct_from_this_machine(ip("::1"), &HeaderMap::new()));
        assert!(!direct_from_this_machine(ip("127.0.0.1"), &forwarded("203.0.113.9")));
        assert!(!direct_from_this_machine(ip("192.0.2.1"), &HeaderMap::new()));
    }
}
