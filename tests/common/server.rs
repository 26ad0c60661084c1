//! The real `waymark` binary, started for a test on port 0: its log kept
//! as it is written, its addresses read from that log, and the process
//! killed when the test lets go of it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::TODAY;

/// What the server logs before its public address.
pub const PUBLIC: &str = "listening on http://";
/// What it logs before the staff listener's address.
pub const STAFF: &str = "staff pages (/status, /metrics) on http://";

/// How long a server may take to say where it listens.
const START_LIMIT: Duration = Duration::from_secs(30);

/// `waymark serve` on 127.0.0.1 port 0, with today fixed, no index cache
/// and logging at info: the caller adds the content folder and any other options.
pub fn serve_command() -> Command {
    serve_with_open_files(None)
}

/// [`serve_command`], under a shell that first sets the open-file limit
/// when `nofile` is given.
pub fn serve_with_open_files(nofile: Option<u32>) -> Command {
    let bin = env!("CARGO_BIN_EXE_waymark");
    let mut command = match nofile {
        Some(n) => {
            let mut c = Command::new("sh");
            c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), bin]);
            c
        }
        None => Command::new(bin),
    };
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("WAYMARK_TODAY", TODAY)
        // No index cache unless a test asks for one: tests must not leave
        // folders in the user's cache.
        .env("WAYMARK_CACHE_DIR", "off")
        .env("RUST_LOG", "info");
    command
}

/// A running server.
pub struct Server {
    pub child: Child,
    /// The public address; empty until [`Server::start`] has read it.
    pub addr: String,
    /// The staff listener's address; empty when it is off.
    pub admin: String,
    /// Every line logged so far, filled by a thread as lines come.
    log: Arc<Mutex<Vec<String>>>,
    /// That thread, which ends when the process closes its log.
    reader: Option<JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Spawns `command` with its log captured, without waiting for it.
    pub fn spawn(command: &mut Command) -> Server {
        let mut child = command
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        Server {
            child,
            addr: String::new(),
            admin: String::new(),
            log,
            reader: Some(reader),
        }
    }

    /// Spawns `command` and waits for its public address; with `staff`, the
    /// staff address too, which must be logged first.
    pub fn start(command: &mut Command, staff: bool) -> Server {
        let mut server = Server::spawn(command);
        server.addr = server.wait_for(PUBLIC);
        if staff {
            let log = server.log();
            let at = |marker: &str| log.iter().position(|l| l.contains(marker));
            assert!(
                matches!((at(STAFF), at(PUBLIC)), (Some(s), Some(p)) if s < p),
                "the staff address is logged first: {log:#?}"
            );
            server.admin = server.wait_for(STAFF);
        }
        server
    }

    /// Every line logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The whole log of a process that has exited: waits for the last
    /// lines to be read.
    pub fn final_log(&mut self) -> Vec<String> {
        assert!(
            self.child.try_wait().unwrap().is_some(),
            "the process is still running"
        );
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the log reader ends");
        }
        self.log()
    }

    /// Whether any line so far holds `text`.
    pub fn logged(&self, text: &str) -> bool {
        self.log.lock().unwrap().iter().any(|l| l.contains(text))
    }

    /// Waits for a line holding `marker` and returns what follows it.
    pub fn wait_for(&self, marker: &str) -> String {
        let deadline = Instant::now() + START_LIMIT;
        loop {
            if let Some(rest) = self.log.lock().unwrap().iter().find_map(|l| {
                l.find(marker)
                    .map(|i| l[i + marker.len()..].trim().to_string())
            }) {
                return rest;
            }
            assert!(
                Instant::now() < deadline,
                "no {marker:?} in the log: {:#?}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends SIGTERM.
    pub fn sigterm(&self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success(), "kill -TERM {pid}");
    }

    /// The exit status, if the process exits within `limit`.
    pub fn exit_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Sends SIGTERM and returns the exit status, which must come within
    /// `limit`.
    pub fn terminate(&mut self, limit: Duration) -> ExitStatus {
        self.sigterm();
        self.exit_within(limit)
            .unwrap_or_else(|| panic!("did not stop in {limit:?}"))
    }
}
