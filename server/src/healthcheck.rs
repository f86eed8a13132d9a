//! `xpanel healthcheck`: the container's HEALTHCHECK. The runtime image has no shell or
//! curl, so the binary checks itself: it asks the console it would be listening on for
//! the login page and exits 0 on `200`, 1 otherwise.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Checks the console at `listen` (0.0.0.0 / :: mean this host).
pub fn check(listen: SocketAddr) -> bool {
    let mut addr = listen;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            [127, 0, 0, 1].into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    let attempt = || -> std::io::Result<bool> {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
        s.set_read_timeout(Some(Duration::from_secs(3)))?;
        s.write_all(b"GET /KunlunXPanel/login HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut head = [0u8; 12];
        s.read_exact(&mut head)?;
        Ok(head.starts_with(b"HTTP/1.") && &head[9..12] == b"200")
    };
    attempt().unwrap_or(false)
}
