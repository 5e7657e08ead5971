//! A fake Xano Realtime server on 127.0.0.1 speaking v1 (`/rt/…`) and v2 (`/ws/…`):
//! the token as the WebSocket sub-protocol, joins with history and presence,
//! channel messages to every member, v2 join acknowledgements, pings and the "not
//! ready" error, and a switch to drop every connection (to test reconnects).

// tungstenite's handshake callback must return its own (large) error response type.
#![allow(clippy::result_large_err)]

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

/// The token the fake accepts.
pub const REALTIME_TOKEN: &str = "rt-token-42";

/// What a connection gets told to do.
enum Out {
    Frame(Value),
    Close(u16),
}

#[derive(Default)]
struct State {
    connections: HashMap<usize, (mpsc::UnboundedSender<Out>, BTreeSet<String>)>,
    received: Vec<Value>,
    protocols: Vec<Option<String>>,
}

/// A running fake realtime server; stops accepting when dropped.
pub struct FakeRealtime {
    /// `http://127.0.0.1:<port>` (the client derives `ws://`).
    pub origin: String,
    state: Arc<Mutex<State>>,
    next_id: Arc<AtomicUsize>,
    /// v2: answer the first join of each connection with "Connection is not ready".
    pub not_ready_first: Arc<AtomicBool>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for FakeRealtime {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

impl FakeRealtime {
    /// Starts the server.
    pub async fn start() -> FakeRealtime {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let origin = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(State::default()));
        let next_id = Arc::new(AtomicUsize::new(0));
        let not_ready_first = Arc::new(AtomicBool::new(false));
        let accept = {
            let (state, next_id, not_ready_first) = (
                Arc::clone(&state),
                Arc::clone(&next_id),
                Arc::clone(&not_ready_first),
            );
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let id = next_id.fetch_add(1, Ordering::SeqCst);
                    tokio::spawn(connection(
                        stream,
                        id,
                        Arc::clone(&state),
                        Arc::clone(&not_ready_first),
                    ));
                }
            })
        };
        FakeRealtime {
            origin,
            state,
            next_id,
            not_ready_first,
            accept,
        }
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.next_id.load(Ordering::SeqCst)
    }

    /// Every frame received, in order.
    pub fn received(&self) -> Vec<Value> {
        self.state.lock().unwrap().received.clone()
    }

    /// The sub-protocol (token) each connection offered.
    pub fn protocols(&self) -> Vec<Option<String>> {
        self.state.lock().unwrap().protocols.clone()
    }

    /// Closes every open connection with `code` (0: drop the TCP connection without
    /// a close frame).
    pub fn drop_all(&self, code: u16) {
        for (sender, _) in self.state.lock().unwrap().connections.values() {
            let _ = sender.send(Out::Close(code));
        }
    }

    /// Sends a server-side event to every member of `channel` (v1 `event`).
    pub fn event(&self, channel: &str, payload: Value) {
        let state = self.state.lock().unwrap();
        for (sender, joined) in state.connections.values() {
            if joined.contains(channel) {
                let _ = sender.send(Out::Frame(
                    json!({"action": "event", "options": {"channel": channel}, "payload": payload}),
                ));
            }
        }
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    id: usize,
    state: Arc<Mutex<State>>,
    not_ready_first: Arc<AtomicBool>,
) {
    let offered = Arc::new(Mutex::new((String::new(), None::<String>)));
    let seen = Arc::clone(&offered);
    let callback =
        move |request: &Request, mut response: Response| -> Result<Response, ErrorResponse> {
            let protocol = request
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            if let Some(value) = protocol.as_deref().and_then(|p| p.parse().ok()) {
                response
                    .headers_mut()
                    .insert("sec-websocket-protocol", value);
            }
            *seen.lock().unwrap() = (request.uri().path().to_owned(), protocol);
            Ok(response)
        };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let (path, protocol) = offered.lock().unwrap().clone();
    let v2 = path.starts_with("/ws/");
    let (sender, mut outbox) = mpsc::unbounded_channel::<Out>();
    {
        let mut s = state.lock().unwrap();
        s.protocols.push(protocol.clone());
        s.connections.insert(id, (sender.clone(), BTreeSet::new()));
    }
    if protocol.as_deref() != Some(REALTIME_TOKEN) {
        let _ = sender.send(Out::Close(4001));
    }
    let (mut write, mut read) = ws.split();
    let mut refused_join = false;
    loop {
        tokio::select! {
            out = outbox.recv() => match out {
                Some(Out::Frame(frame)) => {
                    if write.send(Message::text(frame.to_string())).await.is_err() { break; }
                }
                Some(Out::Close(0)) | None => break,
                Some(Out::Close(code)) => {
                    let _ = write.send(Message::Close(Some(CloseFrame { code: code.into(), reason: "".into() }))).await;
                    break;
                }
            },
            incoming = read.next() => {
                let Some(Ok(Message::Text(text))) = incoming else {
                    match incoming { Some(Ok(_)) => continue, _ => break }
                };
                let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                let mut s = state.lock().unwrap();
                s.received.push(frame.clone());
                let channel = frame["options"]["channel"].as_str().or(frame["channel"].as_str()).unwrap_or_default().to_owned();
                match frame["action"].as_str().unwrap_or_default() {
                    "join" if v2 && !refused_join && not_ready_first.load(Ordering::SeqCst) => {
                        refused_join = true;
                        let _ = sender.send(Out::Frame(json!({"action": "error", "payload": {"message": "Connection is not ready"}})));
                    }
                    "join" => {
                        if let Some(entry) = s.connections.get_mut(&id) { entry.1.insert(channel.clone()); }
                        if v2 {
                            let _ = sender.send(Out::Frame(json!({"action": "join", "channel": channel, "payload": {"joined": true}})));
                        } else {
                            if frame["payload"]["presence"] == true {
                                let presence: Vec<Value> = s.connections.iter().filter(|(_, (_, j))| j.contains(&channel)).map(|(id, _)| json!({"socketId": format!("s{id}")})).collect();
                                let _ = sender.send(Out::Frame(json!({"action": "presence_full", "options": {"channel": channel}, "payload": {"presence": presence}})));
                            }
                            if frame["payload"]["history"] == true {
                                let _ = sender.send(Out::Frame(json!({"action": "history", "options": {"channel": channel}, "payload": {"history": []}})));
                            }
                        }
                    }
                    "leave" => { if let Some(entry) = s.connections.get_mut(&id) { entry.1.remove(&channel); } }
                    "history" => { let _ = sender.send(Out::Frame(json!({"action": "history", "options": {"channel": channel}, "payload": {"history": []}}))); }
                    "message" | "broadcast" => {
                        let delivered = if v2 {
                            json!({"action": "message", "channel": channel, "type": frame["type"], "payload": frame["payload"]})
                        } else {
                            json!({"action": "message", "options": {"channel": channel}, "payload": frame["payload"], "client": {"socketId": format!("s{id}")}})
                        };
                        for (member, joined) in s.connections.values() {
                            if joined.contains(&channel) { let _ = member.send(Out::Frame(delivered.clone())); }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    state.lock().unwrap().connections.remove(&id);
}
