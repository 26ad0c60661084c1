//! `waymark healthz`: asks a running portal's `/healthz` over plain TCP and
//! says whether it answered 200, for container health checks (a slim image
//! has no curl).

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Why the portal is not healthy, or could not be asked.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{addr}: not an address to connect to ({source})")]
    Address {
        addr: String,
        source: std::io::Error,
    },
    #[error("{addr}: cannot connect: {source}")]
    Connect {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{addr}: no answer: {source}")]
    Exchange {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{addr}: answered {status:?}, not 200")]
    Status { addr: SocketAddr, status: String },
}

/// The most of the answer that is read: the status line is all we need.
const MAX_ANSWER: u64 = 4096;

/// GETs `{base_path}/healthz` at `addr` (`HOST:PORT`; an unspecified host
/// such as `0.0.0.0`, which a server listens on, is asked on loopback),
/// waiting at most `timeout` for each step.
pub fn probe(addr: &str, base_path: &str, timeout: Duration) -> Result<(), ProbeError> {
    let target = addr
        .to_socket_addrs()
        .map_err(|source| ProbeError::Address {
            addr: addr.to_string(),
            source,
        })?
        .next()
        .map(loopback_if_unspecified)
        .ok_or_else(|| ProbeError::Address {
            addr: addr.to_string(),
            source: std::io::Error::other("it resolves to nothing"),
        })?;
    let mut stream =
        TcpStream::connect_timeout(&target, timeout).map_err(|source| ProbeError::Connect {
            addr: target,
            source,
        })?;
    let exchange = |stream: &mut TcpStream| -> std::io::Result<Vec<u8>> {
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        write!(
            stream,
            "GET {base_path}/healthz HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n"
        )?;
        let mut answer = Vec::new();
        stream.take(MAX_ANSWER).read_to_end(&mut answer)?;
        Ok(answer)
    };
    let answer = exchange(&mut stream).map_err(|source| ProbeError::Exchange {
        addr: target,
        source,
    })?;
    let status_line = answer
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .unwrap_or_default();
    let mut parts = status_line.split(' ');
    let ok = parts.next().is_some_and(|v| v.starts_with("HTTP/1.")) && parts.next() == Some("200");
    if ok {
        Ok(())
    } else {
        Err(ProbeError::Status {
            addr: target,
            status: status_line,
        })
    }
}

fn loopback_if_unspecified(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unspecified_host_is_asked_on_loopback() {
        let any: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        assert_eq!(
            loopback_if_unspecified(any),
            "127.0.0.1:3000".parse().unwrap()
        );
        let any6: SocketAddr = "[::]:3000".parse().unwrap();
        assert_eq!(loopback_if_unspecified(any6), "[::1]:3000".parse().unwrap());
        let one: SocketAddr = "10.0.0.1:3000".parse().unwrap();
        assert_eq!(loopback_if_unspecified(one), one);
    }

    #[test]
    fn nothing_listening_is_unhealthy() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        drop(listener);
        let error = probe(&addr, "", Duration::from_secs(2)).unwrap_err();
        assert!(matches!(error, ProbeError::Connect { .. }), "{error}");
    }
}
