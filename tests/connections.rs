//! Slow and idle clients against the real binary on port 0: a half-sent
//! request head is closed after the header timeout, a kept-alive
//! connection after the longer idle timeout, the oldest half-sent
//! connections make room when the connection cap or the open-file limit is
//! reached, and SIGTERM ends the process within 5 s whatever clients do.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::fixture;
use common::server::{Server, serve_with_open_files};

/// Starts `waymark serve` on port 0 with `extra` options, under a shell
/// that first sets the open-file limit when `nofile` is given.
fn start_with(extra: &[&str], nofile: Option<u32>) -> Server {
    Server::start(
        serve_with_open_files(nofile)
            .args(["--no-watch", "--content"])
            .arg(fixture("valid"))
            .args(extra),
        false,
    )
}

fn start(extra: &[&str]) -> Server {
    start_with(extra, None)
}

/// A connection that has sent half a request head and stops there.
fn half_sent(addr: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: sl"
    )
    .unwrap();
    stream
}

/// Sends a keep-alive GET /healthz on `stream` and reads its whole answer.
fn healthz_kept_alive(stream: &mut TcpStream, addr: &str) -> Result<(), String> {
    write!(stream, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    // The answer to /healthz ends with its two-byte body "ok".
    while !answer.ends_with(b"\r\n\r\nok") {
        match stream.read(&mut buf) {
            Ok(0) => return Err(format!("closed after {answer:?}")),
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) => return Err(e.to_string()),
        }
    }
    if answer.starts_with(b"HTTP/1.1 200") {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&answer).into_owned())
    }
}

/// GET /healthz on a new connection, answered within `within`.
fn healthz_within(addr: &str, within: Duration) -> Result<(), String> {
    let started = Instant::now();
    let mut stream = TcpStream::connect_timeout(&addr.parse().unwrap(), within)
        .map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(within)).unwrap();
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("write: {e}"))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .map_err(|e| format!("read: {e}"))?;
    if !answer.starts_with(b"HTTP/1.1 200") {
        return Err(format!("answered {:?}", String::from_utf8_lossy(&answer)));
    }
    if started.elapsed() > within {
        return Err(format!("answered after {:?}", started.elapsed()));
    }
    Ok(())
}

/// Whether the server closes `stream` within `within` (reading nothing).
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 256];
    match stream.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

#[test]
fn a_half_sent_head_is_closed_after_the_header_timeout() {
    let server = start(&["--header-timeout-ms", "500"]);
    let started = Instant::now();
    let mut stream = half_sent(&server.addr);
    assert!(
        closed_within(&mut stream, Duration::from_secs(5)),
        "a half-sent request head was still open after 5 s"
    );
    let after = started.elapsed();
    assert!(
        after >= Duration::from_millis(400),
        "closed before the header timeout: {after:?}"
    );
    // The server serves on.
    healthz_within(&server.addr, Duration::from_secs(2)).unwrap();
}

#[test]
fn a_kept_alive_connection_waits_for_the_idle_timeout_not_the_header_timeout() {
    let server = start(&["--header-timeout-ms", "300", "--idle-timeout-ms", "1500"]);
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    healthz_kept_alive(&mut stream, &server.addr).unwrap();
    // Past the header timeout, within the idle one: the connection is
    // still there for the next request.
    std::thread::sleep(Duration::from_millis(800));
    healthz_kept_alive(&mut stream, &server.addr).expect("a kept-alive connection is reused");
    let idle_from = Instant::now();
    assert!(
        closed_within(&mut stream, Duration::from_secs(5)),
        "an idle kept-alive connection was still open after 5 s"
    );
    let idle = idle_from.elapsed();
    assert!(
        idle >= Duration::from_millis(1200),
        "closed before the idle timeout: {idle:?}"
    );
}

#[test]
fn at_the_connection_cap_the_oldest_half_sent_make_room_for_a_new_client() {
    let server = start(&["--max-connections", "16", "--workers", "2"]);
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(half_sent(&server.addr));
        // Apart in time, so "oldest" is well defined.
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..3 {
        healthz_within(&server.addr, Duration::from_secs(2))
            .expect("a new client is served at the cap");
    }
    assert!(
        closed_within(&mut held[0], Duration::from_secs(2)),
        "the oldest half-sent connection was kept"
    );
    assert!(
        !closed_within(&mut held[19], Duration::from_millis(300)),
        "the newest half-sent connection was dropped before older ones"
    );
}

#[test]
fn near_the_open_file_limit_half_sent_connections_cannot_shut_out_a_new_client() {
    // No --max-connections: the cap comes from the open-file limit alone.
    let mut server = start_with(&["--workers", "2"], Some(256));
    let mut held = Vec::new();
    for _ in 0..300 {
        match TcpStream::connect(&server.addr) {
            Ok(mut stream) => {
                let _ = write!(stream, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                held.push(stream);
            }
            Err(e) => panic!("cannot connect: {e}"),
        }
    }
    for i in 0..3 {
        healthz_within(&server.addr, Duration::from_secs(2))
            .unwrap_or_else(|e| panic!("probe {i} with 300 half-sent connections open: {e}"));
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server is still running"
    );
    drop(held);
}

#[test]
fn sigterm_closes_waiting_connections_at_once_and_finishes_requests_in_flight() {
    let mut server = start(&[]);
    let mut waiting: Vec<TcpStream> = (0..5).map(|_| half_sent(&server.addr)).collect();
    for _ in 0..5 {
        let mut idle = TcpStream::connect(&server.addr).unwrap();
        healthz_kept_alive(&mut idle, &server.addr).unwrap();
        waiting.push(idle);
    }
    // A form post whose head has arrived and whose body has not.
    let body = "items=strategies%2Fmovement-breaks&return=%2Fplan";
    let mut in_flight = TcpStream::connect(&server.addr).unwrap();
    write!(
        in_flight,
        "POST /plan/add HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        server.addr,
        body.len(),
        &body[..10]
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    server.sigterm();
    for (i, stream) in waiting.iter_mut().enumerate() {
        assert!(
            closed_within(stream, Duration::from_secs(2)),
            "waiting connection {i} was not closed at SIGTERM"
        );
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server left before its request in flight was answered"
    );
    in_flight.write_all(&body.as_bytes()[10..]).unwrap();
    in_flight
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = in_flight.read_to_end(&mut answer);
    assert!(
        answer.starts_with(b"HTTP/1.1 303"),
        "the request in flight was answered: {:?}",
        String::from_utf8_lossy(&answer[..answer.len().min(80)])
    );
    let exit = server
        .exit_within(Duration::from_secs(6))
        .expect("the server exits once its request in flight is answered");
    assert!(exit.success(), "exits cleanly: {exit:?}");
    assert!(signalled.elapsed() < Duration::from_secs(6));
}

#[test]
fn sigterm_ends_the_process_within_five_seconds_whatever_clients_do() {
    let mut server = start(&[]);
    let mut held: Vec<TcpStream> = (0..5).map(|_| half_sent(&server.addr)).collect();
    for _ in 0..5 {
        let mut idle = TcpStream::connect(&server.addr).unwrap();
        healthz_kept_alive(&mut idle, &server.addr).unwrap();
        held.push(idle);
    }
    // A request whose body never comes.
    let mut stuck = TcpStream::connect(&server.addr).unwrap();
    write!(
        stuck,
        "POST /plan/add HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nitems=",
        server.addr
    )
    .unwrap();
    held.push(stuck);
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    server.sigterm();
    // 5 s is the promise; one more for a slow, shared test machine.
    let exit = server.exit_within(Duration::from_secs(6));
    let took = signalled.elapsed();
    let exit = exit.unwrap_or_else(|| panic!("still running {took:?} after SIGTERM"));
    assert!(exit.success(), "exits cleanly: {exit:?}");
    drop(held);
}

#[test]
fn the_healthz_command_exits_0_while_the_portal_answers_and_1_after() {
    let healthz = |addr: &str| {
        Command::new(env!("CARGO_BIN_EXE_waymark"))
            .args(["healthz", "--addr", addr])
            .stderr(Stdio::null())
            .status()
            .unwrap()
    };
    let mut server = start(&[]);
    let addr = server.addr.clone();
    // As the container asks it: the unspecified address it listens on.
    let port = addr.rsplit(':').next().unwrap();
    assert!(healthz(&addr).success());
    assert!(healthz(&format!("0.0.0.0:{port}")).success());
    server.sigterm();
    server
        .exit_within(Duration::from_secs(6))
        .expect("the server stops");
    assert_eq!(healthz(&addr).code(), Some(1));
}

#[test]
fn serving_on_one_runtime_answers_and_stops_within_the_deadline() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let state = waymark::web::AppState::new(common::site(fixture("valid")));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = runtime.spawn(waymark::web::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    healthz_within(&addr, Duration::from_secs(2)).unwrap();
    let _held = half_sent(&addr);
    std::thread::sleep(Duration::from_millis(100));
    let signalled = Instant::now();
    stop.send(()).unwrap();
    runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(6), served).await })
        .expect("serve returns within the deadline")
        .unwrap()
        .unwrap();
    assert!(
        signalled.elapsed() < Duration::from_secs(2),
        "a half-sent head is closed at once"
    );
}
