//! A real `waymark serve` child process on a free local port, and a plain
//! HTTP GET to ask it, for the cold start and live reload probes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

/// A port on 127.0.0.1 that nothing listens on just now.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A plain HTTP/1.1 GET on a new connection: (status, body).
pub fn http_get(addr: SocketAddr, target: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_nodelay(true)?;
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    Ok((status, body))
}

/// A `waymark serve` child, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub addr: SocketAddr,
}

impl Server {
    pub fn spawn(bin: &Path, content: &Path, watch: bool) -> Result<Server> {
        Server::spawn_cached(bin, content, watch, None)
    }

    /// [`Server::spawn`] with the index cache in `cache`; `None` turns the
    /// cache off, so every start builds in full (told by the environment,
    /// which binaries from before the cache ignore).
    pub fn spawn_cached(
        bin: &Path,
        content: &Path,
        watch: bool,
        cache: Option<&Path>,
    ) -> Result<Server> {
        let port = free_port()?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut command = Process::new(bin);
        command
            .arg("serve")
            .arg("--content")
            .arg(content)
            .arg("--addr")
            .arg(addr.to_string())
            // No staff listener: runs side by side must not contend for 3001.
            .args(["--admin-addr", "off"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if !watch {
            command.arg("--no-watch");
        }
        match cache {
            Some(dir) => command.env("WAYMARK_CACHE_DIR", dir),
            None => command.env("WAYMARK_CACHE_DIR", "off"),
        };
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        Ok(Server { child, addr })
    }

    /// Polls /healthz every millisecond until it answers 200.
    pub fn wait_healthy(&mut self, limit: Duration) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Ok((200, _)) = http_get(self.addr, "/healthz") {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited with {status} before it was healthy");
            }
            if started.elapsed() > limit {
                bail!("no 200 from /healthz within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
