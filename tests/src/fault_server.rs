//! A misbehaving HTTP/1.1 server on 127.0.0.1, for the runtime's fault tests.
//!
//! Each accepted connection is handed to the test's script, which reads requests
//! and answers as it likes: stalls, resets, closes a keep-alive connection it
//! promised to keep, trickles or floods a body, redirects elsewhere, or speaks
//! something that is not HTTP at all. Every request read is recorded, and the
//! bytes written to the socket are counted (to prove a client stopped reading).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    /// The headers, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The body (`Content-Length` bodies only; the runtime never sends chunked).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<RawRequest>>,
    connections: AtomicUsize,
    written: AtomicUsize,
}

/// A running fault server; stops accepting when dropped.
pub struct FaultServer {
    origin: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    /// Starts a server whose every connection runs `script(connection, index)`
    /// (index 0 for the first connection).
    pub async fn start<F, Fut>(script: F) -> FaultServer
    where
        F: Fn(Conn, usize) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let origin = format!("http://{}", listener.local_addr().expect("address"));
        let shared = Arc::new(Shared::default());
        let accepting = Arc::clone(&shared);
        let script = Arc::new(script);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let index = accepting.connections.fetch_add(1, Ordering::SeqCst);
                let conn = Conn {
                    stream: Some(stream),
                    buffer: Vec::new(),
                    shared: Arc::clone(&accepting),
                };
                tokio::spawn(script(conn, index));
            }
        });
        FaultServer {
            origin,
            shared,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// How many bytes the scripts handed to the sockets.
    pub fn written(&self) -> usize {
        self.shared.written.load(Ordering::SeqCst)
    }
}

/// One accepted connection, driven by a test's script.
pub struct Conn {
    stream: Option<TcpStream>,
    buffer: Vec<u8>,
    shared: Arc<Shared>,
}

impl Conn {
    /// Reads the next request; `None` when the client closed the connection.
    pub async fn request(&mut self) -> Option<RawRequest> {
        let stream = self.stream.as_mut()?;
        let head_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at;
            }
            let mut chunk = [0u8; 8192];
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            self.buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&self.buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next()?.split(' ');
        let method = first.next()?.to_owned();
        let target = first.next()?.to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let body_start = head_end + 4;
        while self.buffer.len() < body_start + length {
            let mut chunk = [0u8; 8192];
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            self.buffer.extend_from_slice(&chunk[..n]);
        }
        let body = self.buffer[body_start..body_start + length].to_vec();
        self.buffer.drain(..body_start + length);
        let request = RawRequest {
            method,
            target,
            headers,
            body,
        };
        self.shared
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request.clone());
        Some(request)
    }

    /// Writes bytes as they are; `false` once the client is gone.
    pub async fn send(&mut self, bytes: &[u8]) -> bool {
        let Some(stream) = self.stream.as_mut() else {
            return false;
        };
        if stream.write_all(bytes).await.is_err() {
            return false;
        }
        self.shared.written.fetch_add(bytes.len(), Ordering::SeqCst);
        true
    }

    /// A whole response with `Content-Length`, kept alive.
    pub async fn respond(&mut self, status: u16, headers: &[(&str, &str)], body: &[u8]) -> bool {
        self.send(&head(status, headers, Some(body.len()))).await && self.send(body).await
    }

    /// A response head with `Transfer-Encoding: chunked`; send chunks with
    /// [`Conn::chunk`].
    pub async fn start_chunked(&mut self, status: u16, headers: &[(&str, &str)]) -> bool {
        self.send(&head(status, headers, None)).await
    }

    /// One chunk of a chunked body.
    pub async fn chunk(&mut self, bytes: &[u8]) -> bool {
        let mut framed = format!("{:x}\r\n", bytes.len()).into_bytes();
        framed.extend_from_slice(bytes);
        framed.extend_from_slice(b"\r\n");
        self.send(&framed).await
    }

    /// Ends a chunked body.
    pub async fn end_chunked(&mut self) -> bool {
        self.send(b"0\r\n\r\n").await
    }

    /// Resets the connection (RST instead of a clean close).
    pub fn reset(mut self) {
        if let Some(stream) = self.stream.take() {
            let _ = stream.set_zero_linger();
            drop(stream);
        }
    }

    /// Closes the connection cleanly.
    pub fn close(mut self) {
        self.stream.take();
    }

    /// Keeps the connection open and silent until the client goes away.
    pub async fn stall(mut self) {
        if let Some(stream) = self.stream.as_mut() {
            let mut sink = [0u8; 1024];
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
        }
    }
}

/// `HTTP/1.1 <status>` with the headers, a content type of JSON unless given, and
/// `Content-Length` or chunked framing.
fn head(status: u16, headers: &[(&str, &str)], length: Option<usize>) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    let has_type = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    if !has_type {
        head.push_str("content-type: application/json\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match length {
        Some(length) => head.push_str(&format!("content-length: {length}\r\n")),
        None => head.push_str("transfer-encoding: chunked\r\n"),
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
