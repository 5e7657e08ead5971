//! A fake Xano Realtime server on 127.0.0.1 speaking v1 (`/rt/…`) and v2 (`/ws/…`):
//! the token as the WebSocket sub-protocol, joins with history and presence
//! (`presence_full` to the joiner, `presence_update` to the others), channel and
//! private messages, per-channel and per-client history, v2 join
//! acknowledgements, pings and the "not ready" error, and closes with any code
//! (to test reconnects).
//!
//! It is strict: a frame the official SDK would never send (an unknown action, no
//! `channel`, an option the SDK does not have, a missing `payload`, a private
//! message to nobody), a client close without a code, or a server close the
//! client does not answer is a violation. Violations are answered with an `error`
//! frame and fail the test when the fake is dropped.

// tungstenite's handshake callback must return its own (large) error response type.
#![allow(clippy::result_large_err)]

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
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

/// One open connection.
struct Member {
    out: mpsc::UnboundedSender<Out>,
    /// Joined channels, and whether each join asked for presence.
    channels: BTreeMap<String, bool>,
}

#[derive(Default)]
struct State {
    connections: HashMap<usize, Member>,
    received: Vec<Value>,
    protocols: Vec<Option<String>>,
    /// Messages per channel: (sender socket id, payload).
    history: BTreeMap<String, Vec<(String, Value)>>,
    /// Close codes clients sent (1005: a close frame without a code).
    client_closes: Vec<u16>,
    violations: Vec<String>,
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
        let violations = self.violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!("the realtime client sent what the SDK never would: {violations:#?}");
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

fn socket_id(id: usize) -> String {
    format!("s{id}")
}

/// A presence entry as Xano describes a client.
fn client(id: usize) -> Value {
    json!({"socketId": socket_id(id), "extras": {}, "permissions": {"dbo_id": 0, "row_id": 0}})
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
        lock(&self.state).received.clone()
    }

    /// The sub-protocol (token) each connection offered.
    pub fn protocols(&self) -> Vec<Option<String>> {
        lock(&self.state).protocols.clone()
    }

    /// The close codes clients sent, in order (1005: no code).
    pub fn client_closes(&self) -> Vec<u16> {
        lock(&self.state).client_closes.clone()
    }

    /// What the fake refused.
    pub fn violations(&self) -> Vec<String> {
        lock(&self.state).violations.clone()
    }

    /// Closes every open connection with `code` (0: drop the TCP connection without
    /// a close frame). The client must answer the close.
    pub fn drop_all(&self, code: u16) {
        for member in lock(&self.state).connections.values() {
            let _ = member.out.send(Out::Close(code));
        }
    }

    /// Sends a server-side event to every member of `channel` (v1 `event`).
    pub fn event(&self, channel: &str, payload: Value) {
        let state = lock(&self.state);
        for member in state.connections.values() {
            if member.channels.contains_key(channel) {
                let _ = member.out.send(Out::Frame(
                    json!({"action": "event", "options": {"channel": channel}, "payload": payload}),
                ));
            }
        }
    }
}

/// Why the SDK would never send `frame` on v1, if it would not.
fn v1_violation(frame: &Value) -> Option<String> {
    let Some(object) = frame.as_object() else {
        return Some("a frame that is not a JSON object".into());
    };
    let action = object.get("action").and_then(Value::as_str).unwrap_or("");
    if !matches!(action, "join" | "leave" | "message" | "history") {
        return Some(format!("the SDK never sends the action `{action}`"));
    }
    let Some(options) = object.get("options").and_then(Value::as_object) else {
        return Some(format!("`{action}` without an `options` object"));
    };
    if let Some(key) = options
        .keys()
        .find(|k| !matches!(k.as_str(), "channel" | "socketId" | "authenticated"))
    {
        return Some(format!(
            "`{action}` with an option the SDK does not have: `{key}`"
        ));
    }
    if options
        .get("channel")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Some(format!("`{action}` without a channel"));
    }
    if options
        .get("authenticated")
        .is_some_and(|a| *a != Value::Bool(true))
    {
        return Some("`authenticated` other than true".into());
    }
    if options.get("socketId").is_some_and(|s| !s.is_string()) {
        return Some("a `socketId` that is not a string".into());
    }
    if options.contains_key("socketId") && !matches!(action, "message" | "history") {
        return Some(format!("`{action}` aimed at one client"));
    }
    let Some(payload) = object.get("payload") else {
        return Some(format!("`{action}` without a `payload` key"));
    };
    match action {
        "join" if !(payload["history"].is_boolean() && payload["presence"].is_boolean()) => {
            Some("a join whose payload is not {history, presence}".into())
        }
        "leave" | "history" if !payload.is_null() => Some(format!("`{action}` with a payload")),
        _ => None,
    }
}

/// Why a v2 frame is not one a client sends, if it is not.
fn v2_violation(frame: &Value) -> Option<String> {
    let action = frame["action"].as_str().unwrap_or("");
    match action {
        "ping" => None,
        "join" | "leave" if frame["channel"].is_string() => None,
        "broadcast" if frame["channel"].is_string() && frame["type"].is_string() => None,
        _ => Some(format!("not a v2 client frame: {frame}")),
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
        let mut s = lock(&state);
        s.protocols.push(protocol.clone());
        s.connections.insert(
            id,
            Member {
                out: sender.clone(),
                channels: BTreeMap::new(),
            },
        );
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
                    let close = Message::Close(Some(CloseFrame { code: code.into(), reason: "".into() }));
                    let _ = write.send(close).await;
                    // The client must answer with a close of its own.
                    let answered = tokio::time::timeout(Duration::from_secs(2), async {
                        while let Some(Ok(message)) = read.next().await {
                            if matches!(message, Message::Close(_)) {
                                return true;
                            }
                        }
                        false
                    })
                    .await
                    .unwrap_or(false);
                    if !answered {
                        lock(&state).violations.push(format!("the client did not answer the server's close {code}"));
                    }
                    break;
                }
            },
            incoming = read.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(frame))) => {
                        let code = frame.map_or(1005, |f| u16::from(f.code));
                        let mut s = lock(&state);
                        s.client_closes.push(code);
                        if code == 1005 {
                            s.violations.push("the client closed without a code (the SDK sends 1000)".into());
                        }
                        break;
                    }
                    Some(Ok(_)) => continue,
                    _ => break,
                };
                let frame: Value = match serde_json::from_str(&text) {
                    Ok(frame) => frame,
                    Err(_) => {
                        lock(&state).violations.push(format!("a frame that is not JSON: {text}"));
                        continue;
                    }
                };
                let mut s = lock(&state);
                s.received.push(frame.clone());
                let violation = if v2 { v2_violation(&frame) } else { v1_violation(&frame) };
                if let Some(violation) = violation {
                    let _ = sender.send(Out::Frame(json!({"action": "error", "options": {}, "payload": {"message": violation}})));
                    s.violations.push(violation);
                    continue;
                }
                if v2 {
                    handle_v2(&mut s, id, &frame, &mut refused_join, &not_ready_first);
                } else {
                    handle_v1(&mut s, id, &frame);
                }
            }
        }
    }
    let mut s = lock(&state);
    if let Some(member) = s.connections.remove(&id) {
        for (channel, _) in member.channels {
            announce(&s, &channel, id, "leave");
        }
    }
}

/// Tells the members of `channel` that asked for presence that `id` joined or left.
fn announce(state: &State, channel: &str, id: usize, action: &str) {
    let update = json!({"action": "presence_update", "options": {"channel": channel},
        "payload": {"action": action, "presence": client(id)}});
    for (other, member) in &state.connections {
        if *other != id && member.channels.get(channel) == Some(&true) {
            let _ = member.out.send(Out::Frame(update.clone()));
        }
    }
}

fn history_frame(state: &State, channel: &str, from: Option<&str>) -> Value {
    let history: Vec<Value> = state
        .history
        .get(channel)
        .into_iter()
        .flatten()
        .filter(|(sender, _)| from.is_none_or(|from| from == sender))
        .map(|(sender, payload)| json!({"payload": payload, "client": {"socketId": sender}}))
        .collect();
    json!({"action": "history", "options": {"channel": channel}, "payload": {"history": history}})
}

fn handle_v1(s: &mut State, id: usize, frame: &Value) {
    let channel = frame["options"]["channel"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let reply = |s: &State, frame: Value| {
        if let Some(member) = s.connections.get(&id) {
            let _ = member.out.send(Out::Frame(frame));
        }
    };
    match frame["action"].as_str().unwrap_or_default() {
        "join" => {
            let presence = frame["payload"]["presence"] == true;
            if let Some(member) = s.connections.get_mut(&id) {
                member.channels.insert(channel.clone(), presence);
            }
            if presence {
                let everyone: Vec<Value> = s
                    .connections
                    .iter()
                    .filter(|(_, m)| m.channels.contains_key(&channel))
                    .map(|(other, _)| client(*other))
                    .collect();
                reply(
                    s,
                    json!({"action": "presence_full", "options": {"channel": channel}, "payload": {"presence": everyone}}),
                );
            }
            if frame["payload"]["history"] == true {
                reply(s, history_frame(s, &channel, None));
            }
            announce(s, &channel, id, "join");
        }
        "leave" => {
            if let Some(member) = s.connections.get_mut(&id) {
                member.channels.remove(&channel);
            }
            announce(s, &channel, id, "leave");
        }
        "history" => {
            let from = frame["options"]["socketId"].as_str();
            reply(s, history_frame(s, &channel, from));
        }
        "message" => {
            let delivered = json!({"action": "message", "options": {"channel": channel},
                "payload": frame["payload"], "client": client(id)});
            match frame["options"]["socketId"].as_str() {
                Some(target) => {
                    let recipient = s.connections.iter().find(|(other, member)| {
                        socket_id(**other) == target && member.channels.contains_key(&channel)
                    });
                    match recipient {
                        Some((_, member)) => {
                            let _ = member.out.send(Out::Frame(delivered));
                        }
                        None => s.violations.push(format!(
                            "a private message to `{target}`, who is not in `{channel}`"
                        )),
                    }
                }
                None => {
                    for member in s.connections.values() {
                        if member.channels.contains_key(&channel) {
                            let _ = member.out.send(Out::Frame(delivered.clone()));
                        }
                    }
                }
            }
            s.history
                .entry(channel)
                .or_default()
                .push((socket_id(id), frame["payload"].clone()));
        }
        _ => {}
    }
}

fn handle_v2(
    s: &mut State,
    id: usize,
    frame: &Value,
    refused_join: &mut bool,
    not_ready_first: &AtomicBool,
) {
    let channel = frame["channel"].as_str().unwrap_or_default().to_owned();
    let Some(out) = s.connections.get(&id).map(|m| m.out.clone()) else {
        return;
    };
    match frame["action"].as_str().unwrap_or_default() {
        "join" if !*refused_join && not_ready_first.load(Ordering::SeqCst) => {
            *refused_join = true;
            let _ = out.send(Out::Frame(
                json!({"action": "error", "payload": {"message": "Connection is not ready"}}),
            ));
        }
        "join" => {
            if let Some(member) = s.connections.get_mut(&id) {
                member.channels.insert(channel.clone(), false);
            }
            let _ = out.send(Out::Frame(
                json!({"action": "join", "channel": channel, "payload": {"joined": true}}),
            ));
        }
        "leave" => {
            if let Some(member) = s.connections.get_mut(&id) {
                member.channels.remove(&channel);
            }
        }
        "broadcast" => {
            let delivered = json!({"action": "message", "channel": channel, "type": frame["type"], "payload": frame["payload"]});
            for member in s.connections.values() {
                if member.channels.contains_key(&channel) {
                    let _ = member.out.send(Out::Frame(delivered.clone()));
                }
            }
        }
        _ => {}
    }
}
