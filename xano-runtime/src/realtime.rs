//! Xano Realtime channels over WebSockets (feature `realtime`).
//!
//! Two protocols (docs/XANO.md §6, §9):
//! - **v1** (`wss://<host>/rt/<connection canonical>`, the official JS SDK's):
//!   `{"action", "options": {"channel", "socketId", "authenticated"}, "payload"}`
//!   frames; actions `join`, `leave`, `message`, `history`, `presence_full`,
//!   `presence_update`, `event`, `error`, `connection_status`.
//! - **v2** (`wss://<host>/ws/<server canonical>`): flat frames, `join` acknowledged
//!   with `{"payload": {"joined": true}}`, `broadcast` to publish, a `ping` every
//!   20 s, and "Connection is not ready" errors that mean "join again".
//!
//! The realtime token travels as the WebSocket sub-protocol. A background task owns
//! the socket: it reconnects with exponential backoff (1 s to 60 s) when the server
//! closes with 1006, 1011, 1012, 1013, 1014 or 4000 (or the connection drops),
//! rejoins every channel and sends the messages queued while it was away.

use crate::{Error, Json};
use futures_util::{SinkExt, StreamExt};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// Which realtime protocol a server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Legacy realtime (`/rt/`), as in the official JS SDK.
    V1,
    /// Realtime v2 (`/ws/`).
    V2,
}

/// How to reach a realtime server.
#[derive(Clone)]
pub struct RealtimeOptions {
    url: String,
    protocol: Protocol,
    token: Option<SecretString>,
    initial_backoff: Duration,
    max_backoff: Duration,
    ping_interval: Duration,
}

impl std::fmt::Debug for RealtimeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealtimeOptions")
            .field("url", &self.url)
            .field("protocol", &self.protocol)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl RealtimeOptions {
    /// v1: `wss://<host>/rt/<connection canonical>` from an instance origin
    /// (`https://…` becomes `wss://…`).
    pub fn v1(origin: &str, canonical: &str) -> Self {
        Self::new(
            format!("{}/rt/{canonical}", ws_origin(origin)),
            Protocol::V1,
        )
    }

    /// v2: `wss://<host>/ws/<server canonical>`.
    pub fn v2(origin: &str, canonical: &str) -> Self {
        Self::new(
            format!("{}/ws/{canonical}", ws_origin(origin)),
            Protocol::V2,
        )
    }

    /// From `[xano]` of a `xano.toml`: `instance`, `realtime` (the connection
    /// canonical) and `realtime_version` (1, the default, or 2).
    pub fn config_file(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let section = crate::config::Section::read(path)?;
        let missing =
            |key: &str| Error::Config(format!("{}: [xano] has no `{key}`", path.display()));
        let origin = section.origin().ok_or_else(|| missing("instance"))?;
        let canonical = section
            .realtime
            .clone()
            .ok_or_else(|| missing("realtime"))?;
        Ok(match section.realtime_version.unwrap_or(1) {
            2 => Self::v2(&origin, &canonical),
            _ => Self::v1(&origin, &canonical),
        })
    }

    fn new(url: String, protocol: Protocol) -> Self {
        RealtimeOptions {
            url,
            protocol,
            token: None,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            ping_interval: Duration::from_secs(20),
        }
    }

    /// The realtime auth token (sent as the WebSocket sub-protocol).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// Reconnection backoff: first wait and cap (default 1 s and 60 s).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// The v2 keep-alive interval (default 20 s).
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        self.ping_interval = interval;
        self
    }
}

fn ws_origin(origin: &str) -> String {
    let origin = origin.trim().trim_end_matches('/');
    if let Some(rest) = origin.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = origin.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        origin.to_owned()
    }
}

/// What a frame is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Connected or disconnected (synthesised by the client, as the JS SDK does).
    ConnectionStatus,
    /// An error from the server.
    Error,
    /// A server-side event.
    Event,
    /// A channel's history.
    History,
    /// A join (v2: its acknowledgement).
    Join,
    /// A leave.
    Leave,
    /// A message.
    Message,
    /// Everyone present in a channel.
    PresenceFull,
    /// Someone joined or left a channel.
    PresenceUpdate,
    /// Not from the server: this subscriber fell behind by more than the
    /// buffer (1,024 events) and missed `payload.skipped` events; the events
    /// after it are the newest.
    Lagged,
    /// Anything else (kept as sent).
    Other(String),
}

impl Action {
    fn parse(action: &str) -> Action {
        match action {
            "connection_status" => Action::ConnectionStatus,
            "error" => Action::Error,
            "event" => Action::Event,
            "history" => Action::History,
            "join" => Action::Join,
            "leave" => Action::Leave,
            "message" => Action::Message,
            "presence_full" => Action::PresenceFull,
            "presence_update" => Action::PresenceUpdate,
            other => Action::Other(other.to_owned()),
        }
    }
}

/// One incoming frame.
#[derive(Debug, Clone, PartialEq)]
pub struct RealtimeEvent {
    /// The action.
    pub action: Action,
    /// The channel it concerns, if any.
    pub channel: Option<String>,
    /// The v2 message type, if any.
    pub kind: Option<String>,
    /// The payload.
    pub payload: Json,
    /// The sending client (v1), if any.
    pub client: Option<Json>,
}

impl RealtimeEvent {
    /// The payload as `T`.
    pub fn payload_as<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_value(self.payload.clone()).map_err(|err| Error::Decode {
            status: None,
            path: String::new(),
            message: err.to_string(),
            excerpt: crate::error::excerpt(self.payload.to_string().as_bytes()),
        })
    }

    /// For a `connection_status` event: whether the socket is now connected.
    pub fn is_connected(&self) -> Option<bool> {
        (self.action == Action::ConnectionStatus).then(|| self.payload["status"] == "connected")
    }

    fn from_frame(frame: &Json) -> RealtimeEvent {
        let channel = frame["options"]["channel"]
            .as_str()
            .or_else(|| frame["channel"].as_str())
            .map(str::to_owned);
        RealtimeEvent {
            action: Action::parse(frame["action"].as_str().unwrap_or_default()),
            channel,
            kind: frame["type"].as_str().map(str::to_owned),
            payload: frame.get("payload").cloned().unwrap_or(Json::Null),
            client: frame.get("client").cloned(),
        }
    }

    fn status(connected: bool) -> RealtimeEvent {
        RealtimeEvent {
            action: Action::ConnectionStatus,
            channel: None,
            kind: None,
            payload: json!({"status": if connected { "connected" } else { "disconnected" }}),
            client: None,
        }
    }
}

/// Options of a join.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JoinOptions {
    /// Ask for the channel's history (v1).
    pub history: bool,
    /// Ask for presence (v1).
    pub presence: bool,
}

/// Options of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageOptions {
    /// Send as an authenticated client (v1).
    pub authenticated: bool,
    /// Send privately to one client (v1 `socketId`).
    pub socket_id: Option<String>,
    /// The message type (v2 `broadcast` `type`; default `message`).
    pub kind: Option<String>,
}

enum Command {
    Join(String, JoinOptions),
    Leave(String),
    Send(Json),
}

/// A connection to a realtime server. Cheap to clone; the socket closes when every
/// clone (and every [`Channel`]) is dropped.
#[derive(Clone)]
pub struct Realtime {
    commands: mpsc::Sender<Command>,
    events: broadcast::Sender<RealtimeEvent>,
    protocol: Protocol,
}

impl std::fmt::Debug for Realtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Realtime")
            .field("protocol", &self.protocol)
            .finish_non_exhaustive()
    }
}

impl Realtime {
    /// Connects (the first connection must succeed; later drops reconnect on their
    /// own) and starts the background task.
    ///
    /// # Errors
    ///
    /// [`Error::Realtime`] when the first connection cannot be opened (refused,
    /// TLS, a token the server rejects); [`Error::Config`] when the platform's
    /// TLS roots cannot be loaded.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), xano_runtime::Error> {
    /// use xano_runtime::realtime::{JoinOptions, Realtime, RealtimeOptions};
    /// let options = RealtimeOptions::v1("https://x8d0-doy0-xx99.n0.xano.io", "conn1").token("rt-token");
    /// let realtime = Realtime::connect(options).await?;
    /// let mut room = realtime.channel("room/1", JoinOptions::default())?;
    /// while let Some(event) = room.next().await {
    ///     println!("{:?}: {}", event.action, event.payload);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn connect(options: RealtimeOptions) -> Result<Realtime, Error> {
        let socket = open(&options).await?;
        let (commands, receiver) = mpsc::channel(COMMAND_QUEUE);
        let (events, _) = broadcast::channel(1024);
        let realtime = Realtime {
            commands,
            events: events.clone(),
            protocol: options.protocol,
        };
        tokio::spawn(run(options, socket, receiver, events));
        Ok(realtime)
    }

    /// Every incoming frame (and connection status changes), for this subscriber
    /// from now on. A subscriber that falls more than 1,024 events behind skips the
    /// oldest and gets an [`Action::Lagged`] event saying how many.
    pub fn events(&self) -> impl futures_util::Stream<Item = RealtimeEvent> + Send + 'static {
        events_of(self.events.subscribe(), None)
    }

    /// Joins `name` (again after every reconnect) and returns its handle.
    ///
    /// # Errors
    ///
    /// [`Error::Realtime`] when the connection's task has ended or its queue of
    /// outgoing frames (1,024) is full.
    pub fn channel(&self, name: impl Into<String>, options: JoinOptions) -> Result<Channel, Error> {
        let name = name.into();
        let events = Box::pin(events_of(self.events.subscribe(), Some(name.clone())));
        self.queue(Command::Join(name.clone(), options))?;
        Ok(Channel {
            realtime: self.clone(),
            name,
            events,
        })
    }

    fn queue(&self, command: Command) -> Result<(), Error> {
        self.commands.try_send(command).map_err(|err| {
            Error::Realtime(match err {
                mpsc::error::TrySendError::Full(_) => format!(
                    "{COMMAND_QUEUE} frames are already waiting to be sent: the server is not reading"
                ),
                mpsc::error::TrySendError::Closed(_) => "the realtime connection has ended".into(),
            })
        })
    }
}

/// How many outgoing frames may wait (while disconnected, or while the server
/// reads slowly) before sending fails instead of holding more memory.
const COMMAND_QUEUE: usize = 1024;

/// A joined channel: a `Stream` of its events, connection status changes and
/// [`Action::Lagged`] notices (`StreamExt::next`, or [`Channel::next`]).
pub struct Channel {
    realtime: Realtime,
    name: String,
    events: std::pin::Pin<Box<dyn futures_util::Stream<Item = RealtimeEvent> + Send>>,
}

impl futures_util::Stream for Channel {
    type Item = RealtimeEvent;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<RealtimeEvent>> {
        self.events.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Channel {
    /// The channel name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sends `payload` to the channel (queued while disconnected).
    ///
    /// # Errors
    ///
    /// [`Error::Realtime`] when the connection has ended or 1,024 frames are
    /// already waiting to be sent.
    pub fn message(&self, payload: Json, options: MessageOptions) -> Result<(), Error> {
        let frame = match self.realtime.protocol {
            Protocol::V1 => {
                let mut opts = json!({"channel": self.name});
                if options.authenticated {
                    opts["authenticated"] = json!(true);
                }
                if let Some(socket) = options.socket_id {
                    opts["socketId"] = json!(socket);
                }
                json!({"action": "message", "options": opts, "payload": payload})
            }
            Protocol::V2 => json!({
                "action": "broadcast",
                "channel": self.name,
                "type": options.kind.unwrap_or_else(|| "message".into()),
                "payload": payload,
            }),
        };
        self.realtime.queue(Command::Send(frame))
    }

    /// Asks for the channel's history; it arrives as a `History` event (v1).
    ///
    /// # Errors
    ///
    /// [`Error::Realtime`] when the connection has ended or 1,024 frames are
    /// already waiting to be sent.
    pub fn history(&self) -> Result<(), Error> {
        self.realtime.queue(Command::Send(json!({
            "action": "history",
            "options": {"channel": self.name},
            "payload": null,
        })))
    }

    /// Sends `payload` privately to one client of this channel (v1; the
    /// `socketId` of a presence entry or of a message's `client`), as the SDK's
    /// `XanoRealtimeClient.message` does.
    ///
    /// # Errors
    ///
    /// [`Error::Realtime`] when the connection has ended or 1,024 frames are
    /// already waiting to be sent.
    pub fn message_client(&self, socket_id: &str, payload: Json) -> Result<(), Error> {
        self.realtime.queue(Command::Send(json!({
            "action": "message",
            "options": {"channel": self.name, "socketId": socket_id},
            "payload": payload,
        })))
    }

    /// Asks for the history of one client of this channel (v1); it arrives as a
    /// `History` event.
    ///
    /// # Errors
    ///
    /// [`Error::Realtime`] when the connection has ended or 1,024 frames are
    /// already waiting to be sent.
    pub fn client_history(&self, socket_id: &str) -> Result<(), Error> {
        self.realtime.queue(Command::Send(json!({
            "action": "history",
            "options": {"channel": self.name, "socketId": socket_id},
            "payload": null,
        })))
    }

    /// Leaves the channel (it is no longer rejoined after reconnects).
    ///
    /// # Errors
    ///
    /// [`Error::Realtime`] when the connection has ended or 1,024 frames are
    /// already waiting to be sent.
    pub fn leave(self) -> Result<(), Error> {
        self.realtime.queue(Command::Leave(self.name.clone()))
    }

    /// The next event of this channel (or a connection status change, or an
    /// [`Action::Lagged`] notice).
    pub async fn next(&mut self) -> Option<RealtimeEvent> {
        futures_util::StreamExt::next(self).await
    }
}

/// The events of `channel` (all events when `None`), connection status changes,
/// and a [`Action::Lagged`] event where the subscriber fell behind.
fn events_of(
    receiver: broadcast::Receiver<RealtimeEvent>,
    channel: Option<String>,
) -> impl futures_util::Stream<Item = RealtimeEvent> + Send + 'static {
    futures_util::stream::unfold((receiver, channel), |(mut receiver, channel)| async move {
        loop {
            match receiver.recv().await {
                Ok(event)
                    if channel.is_none()
                        || event.channel == channel
                        || event.action == Action::ConnectionStatus =>
                {
                    return Some((event, (receiver, channel)));
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    let notice = RealtimeEvent {
                        action: Action::Lagged,
                        channel: channel.clone(),
                        kind: None,
                        payload: json!({"skipped": skipped}),
                        client: None,
                    };
                    return Some((notice, (receiver, channel)));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(options: &RealtimeOptions) -> Result<Socket, Error> {
    let mut request = options
        .url
        .as_str()
        .into_client_request()
        .map_err(|err| Error::Realtime(format!("realtime URL `{}`: {err}", options.url)))?;
    if let Some(token) = &options.token {
        let value = token.expose_secret().parse().map_err(|_| {
            Error::Realtime("the realtime token is not a valid header value".into())
        })?;
        request
            .headers_mut()
            .insert("sec-websocket-protocol", value);
    }
    // Our own TLS configuration, not the process's default provider.
    let tls = crate::tls::client_config(&[])?;
    let connector = tokio_tungstenite::Connector::Rustls(std::sync::Arc::new(tls));
    let (socket, _) =
        tokio_tungstenite::connect_async_tls_with_config(request, None, false, Some(connector))
            .await
            .map_err(|err| {
                Error::Realtime(format!(
                    "realtime connection to {} failed: {err}",
                    options.url
                ))
            })?;
    Ok(socket)
}

/// Close codes after which the JS SDK reconnects.
fn reconnects_after(code: CloseCode) -> bool {
    matches!(u16::from(code), 1006 | 1011 | 1012 | 1013 | 1014 | 4000)
}

/// The background task: one socket at a time, reconnecting as needed.
async fn run(
    options: RealtimeOptions,
    first: Socket,
    mut commands: mpsc::Receiver<Command>,
    events: broadcast::Sender<RealtimeEvent>,
) {
    let mut joined: BTreeMap<String, JoinOptions> = BTreeMap::new();
    let mut queued: VecDeque<Json> = VecDeque::new();
    let mut socket = Some(first);
    let mut backoff = options.initial_backoff;
    loop {
        let mut ws = match socket.take() {
            Some(ws) => ws,
            None => match open(&options).await {
                Ok(ws) => ws,
                Err(err) => {
                    tracing::debug!(error = %err, ?backoff, "realtime reconnect failed");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(options.max_backoff);
                    continue;
                }
            },
        };
        backoff = options.initial_backoff;
        let _ = events.send(RealtimeEvent::status(true));
        // Rejoin, then flush what was queued while disconnected.
        let mut outgoing: VecDeque<Json> = joined
            .iter()
            .map(|(name, opts)| join_frame(options.protocol, name, *opts))
            .collect();
        outgoing.extend(queued.drain(..));
        let mut ping = tokio::time::interval(options.ping_interval);
        ping.tick().await;
        let reconnect = 'connected: loop {
            while let Some(frame) = outgoing.pop_front() {
                if ws.send(Message::text(frame.to_string())).await.is_err() {
                    queued.push_back(frame);
                    queued.extend(outgoing.drain(..));
                    break 'connected true;
                }
            }
            tokio::select! {
                command = commands.recv() => {
                    let Some(command) = command else {
                        // Every handle is gone: close normally, with the code the
                        // SDK sends (1000), not an empty close (read as 1005).
                        let _ = ws.close(Some(CloseFrame { code: CloseCode::Normal, reason: "".into() })).await;
                        break 'connected false;
                    };
                    match command {
                        Command::Join(name, opts) => {
                            outgoing.push_back(join_frame(options.protocol, &name, opts));
                            joined.insert(name, opts);
                        }
                        Command::Leave(name) => {
                            joined.remove(&name);
                            outgoing.push_back(match options.protocol {
                                Protocol::V1 => json!({"action": "leave", "options": {"channel": name}, "payload": null}),
                                Protocol::V2 => json!({"action": "leave", "channel": name}),
                            });
                        }
                        Command::Send(frame) => outgoing.push_back(frame),
                    }
                }
                _ = ping.tick(), if options.protocol == Protocol::V2 => {
                    outgoing.push_back(json!({"action": "ping"}));
                }
                incoming = ws.next() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        let Ok(frame) = serde_json::from_str::<Json>(&text) else { continue };
                        let event = RealtimeEvent::from_frame(&frame);
                        // v2: "Connection is not ready" means the join came too early.
                        if options.protocol == Protocol::V2
                            && event.action == Action::Error
                            && event.payload["message"].as_str().is_some_and(|m| m.contains("not ready"))
                        {
                            let retries: Vec<Json> = joined.iter().map(|(name, opts)| join_frame(options.protocol, name, *opts)).collect();
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            outgoing.extend(retries);
                        }
                        let _ = events.send(event);
                    }
                    Some(Ok(Message::Close(frame))) => {
                        let code = frame.map(|f| f.code).unwrap_or(CloseCode::Abnormal);
                        // Answer the close so the server is not left waiting and
                        // the socket does not linger through the backoff:
                        // tungstenite queued the echo; flushing sends it.
                        let _ = ws.flush().await;
                        break 'connected reconnects_after(code);
                    }
                    Some(Ok(_)) => {}
                    // A dropped connection is an abnormal close (1006).
                    Some(Err(_)) | None => break 'connected true,
                },
            }
        };
        drop(ws);
        let _ = events.send(RealtimeEvent::status(false));
        if !reconnect {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(options.max_backoff);
    }
}

fn join_frame(protocol: Protocol, name: &str, options: JoinOptions) -> Json {
    match protocol {
        Protocol::V1 => json!({
            "action": "join",
            "options": {"channel": name},
            "payload": {"history": options.history, "presence": options.presence},
        }),
        Protocol::V2 => json!({"action": "join", "channel": name}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_frames() {
        assert_eq!(
            RealtimeOptions::v1("https://x.n7.xano.io/", "abc").url,
            "wss://x.n7.xano.io/rt/abc"
        );
        assert_eq!(
            RealtimeOptions::v2("http://127.0.0.1:9", "srv").url,
            "ws://127.0.0.1:9/ws/srv"
        );
        let shown = format!(
            "{:?}",
            RealtimeOptions::v1("https://x", "c").token("rt-secret")
        );
        assert!(!shown.contains("rt-secret"));
        let event = RealtimeEvent::from_frame(
            &json!({"action": "message", "options": {"channel": "room"}, "payload": {"n": 1}, "client": {"socketId": "s1"}}),
        );
        assert_eq!(
            (event.action.clone(), event.channel.as_deref()),
            (Action::Message, Some("room"))
        );
        assert_eq!(event.payload_as::<serde_json::Value>().unwrap()["n"], 1);
        let v2 = RealtimeEvent::from_frame(
            &json!({"action": "message", "channel": "room", "type": "chat", "payload": 5}),
        );
        assert_eq!(v2.kind.as_deref(), Some("chat"));
        assert!(reconnects_after(CloseCode::from(4000)) && !reconnects_after(CloseCode::Normal));
        let path = std::env::temp_dir().join(format!("xano-rt-{}.toml", std::process::id()));
        std::fs::write(
            &path,
            "[xano]\ninstance = \"x.n7.xano.io\"\nrealtime = \"conn9\"\nrealtime_version = 2\n",
        )
        .unwrap();
        let options = RealtimeOptions::config_file(&path).unwrap();
        assert_eq!(
            (options.url.as_str(), options.protocol),
            ("wss://x.n7.xano.io/ws/conn9", Protocol::V2)
        );
        std::fs::remove_file(path).unwrap();
    }
}
