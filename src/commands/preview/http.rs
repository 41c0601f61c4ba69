//! The preview's web server: std's `TcpListener` on 127.0.0.1 only, a
//! thread per connection, HTTP/1.1 with one request per connection. It
//! serves the page from memory and a long-poll endpoint the page's script
//! waits on; every other path is 404, so nothing on disk can be reached.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::Shared;

/// The longest request head read; a longer one is refused.
const MAX_HEAD: usize = 16 * 1024;

/// At most this many connections are served at once (each waiting page
/// holds one); more are closed at once.
const MAX_CONNECTIONS: usize = 64;

/// How long a page's wait for a rebuild lasts before it asks again.
const LONG_POLL: Duration = Duration::from_secs(20);

/// Serves `listener` until the process ends.
pub fn serve(listener: &TcpListener, shared: &Arc<Shared>, port: u16) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let (shared, open) = (Arc::clone(shared), Arc::clone(&open));
        std::thread::spawn(move || {
            // A client that went away is no error of ours.
            let _ = handle(stream, &shared, port);
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// A response: status line, content type, body.
struct Response {
    status: &'static str,
    kind: &'static str,
    body: String,
}

impl Response {
    /// A plain-text response.
    fn text(status: &'static str, body: &str) -> Response {
        Response {
            status,
            kind: "text/plain; charset=utf-8",
            body: format!("{body}\n"),
        }
    }
}

/// Reads one request from `stream` and answers it.
fn handle(mut stream: TcpStream, shared: &Shared, port: u16) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut head = Vec::new();
    let mut buffer = [0; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..n]);
        if head.len() > MAX_HEAD {
            return send(
                &mut stream,
                &Response::text("431 Request Header Fields Too Large", "too large"),
                false,
            );
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.lines();
    let mut request = lines.next().unwrap_or_default().split(' ');
    let (method, target) = (
        request.next().unwrap_or_default(),
        request.next().unwrap_or_default(),
    );
    let host = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim().to_string());
    let response = respond(method, target, host.as_deref(), shared, port);
    send(&mut stream, &response, method == "HEAD")
}

/// The answer to `method target`: only GET (and HEAD) of the page and of
/// the rebuild events, and only when asked for by the address it serves
/// (a page elsewhere that renames itself 127.0.0.1 cannot read it).
fn respond(method: &str, target: &str, host: Option<&str>, shared: &Shared, port: u16) -> Response {
    let allowed = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    if host.is_some_and(|h| !allowed.iter().any(|a| a == h)) {
        return Response::text("421 Misdirected Request", "unknown host");
    }
    if method != "GET" && method != "HEAD" {
        return Response::text("405 Method Not Allowed", "only GET");
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        "/" | "/index.html" => Response {
            status: "200 OK",
            kind: "text/html; charset=utf-8",
            body: shared.page(),
        },
        "/events" => {
            let since = query
                .split('&')
                .find_map(|p| p.strip_prefix("since="))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let generation = shared.wait_after(since, LONG_POLL);
            Response::text("200 OK", &generation.to_string())
        }
        _ => Response::text("404 Not Found", "not found: the preview serves / only"),
    }
}

/// Writes `response` (headers only when `head_only`) and closes.
fn send(stream: &mut TcpStream, response: &Response, head_only: bool) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        response.status,
        response.kind,
        response.body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(response.body.as_bytes())?;
    }
    stream.flush()
}
