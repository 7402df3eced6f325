//! The caller's address for throttling and the audit log: Spin's `spin-client-addr` request
//! header (`ip:port`, which Spin sets from the connection), without the port.
//!
//! Spin passes the caller's own headers on and *appends* its own after them (its HTTP trigger's
//! `prepare_request_headers` lists the request's headers, then the ones it computes, and the wasi
//! executor extends the header map with that list). So a caller can send a `spin-client-addr` of
//! its choosing, and the value Spin set is the last one; only that one is read.

use std::net::{IpAddr, SocketAddr};

use emmaus_http::auth::ClientAddress;

/// The header Spin's HTTP trigger adds to every request.
pub const CLIENT_ADDR_HEADER: &str = "spin-client-addr";

/// The address in the last `spin-client-addr`, if it holds one (`203.0.113.9:51234`,
/// `[2001:db8::1]:443`).
pub fn client_address(headers: &http::HeaderMap) -> Option<ClientAddress> {
    let value = headers.get_all(CLIENT_ADDR_HEADER).iter().next_back()?.to_str().ok()?.trim();
    let ip = match value.parse::<SocketAddr>() {
        Ok(socket) => socket.ip(),
        // A bare address, should a runtime send one without the port.
        Err(_) => value.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok()?,
    };
    Some(ClientAddress(ip.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(value: &str) -> Option<String> {
        let mut headers = http::HeaderMap::new();
        headers.insert(CLIENT_ADDR_HEADER, http::HeaderValue::from_str(value).unwrap());
        client_address(&headers).map(|a| a.0)
    }

    #[test]
    fn the_port_is_stripped() {
        assert_eq!(address("203.0.113.9:51234").as_deref(), Some("203.0.113.9"));
        assert_eq!(address("[2001:db8::1]:443").as_deref(), Some("2001:db8::1"));
        assert_eq!(address("203.0.113.9").as_deref(), Some("203.0.113.9"));
        assert_eq!(address("2001:db8::1").as_deref(), Some("2001:db8::1"));
        assert_eq!(address("not an address"), None);
        assert_eq!(address(""), None);
        assert_eq!(client_address(&http::HeaderMap::new()), None);
    }

    #[test]
    fn a_value_the_caller_sent_is_not_read() {
        let mut headers = http::HeaderMap::new();
        headers.append(CLIENT_ADDR_HEADER, http::HeaderValue::from_static("198.51.100.1:1"));
        headers.append(CLIENT_ADDR_HEADER, http::HeaderValue::from_static("203.0.113.9:51234"));
        assert_eq!(client_address(&headers).map(|a| a.0).as_deref(), Some("203.0.113.9"));
    }
}
