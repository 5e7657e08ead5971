//! Realtime channels against the fake realtime server: v1 and v2 frames, the token
//! as sub-protocol, reconnects that rejoin and flush queued messages, v2 pings and
//! the "not ready" join retry.

use serde_json::{Value, json};
use std::time::Duration;
use tokio::time::timeout;
use xano_runtime::realtime::{
    Action, Channel, JoinOptions, MessageOptions, Realtime, RealtimeEvent, RealtimeOptions,
};
use xano_tests::fake_realtime::{FakeRealtime, REALTIME_TOKEN};

const WAIT: Duration = Duration::from_secs(5);

fn fast(options: RealtimeOptions) -> RealtimeOptions {
    options
        .token(REALTIME_TOKEN)
        .backoff(Duration::from_millis(20), Duration::from_millis(200))
        .ping_interval(Duration::from_millis(50))
}

/// The next event of `channel` with `action` (skipping others).
async fn next_of(channel: &mut Channel, action: Action) -> RealtimeEvent {
    timeout(WAIT, async {
        loop {
            let event = channel.next().await.expect("open");
            if event.action == action {
                return event;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {action:?} event"))
}

/// Waits for a connection status change to `connected` on `channel`.
async fn status(channel: &mut Channel, connected: bool) {
    timeout(WAIT, async {
        loop {
            if channel.next().await.expect("open").is_connected() == Some(connected) {
                return;
            }
        }
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "never {}",
            if connected {
                "connected"
            } else {
                "disconnected"
            }
        )
    });
}

async fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    timeout(WAIT, async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
}

#[tokio::test]
async fn v1_channels_presence_history_and_messages() {
    let fake = FakeRealtime::start().await;
    let ada = Realtime::connect(fast(RealtimeOptions::v1(&fake.origin, "conn1")))
        .await
        .unwrap();
    let bob = Realtime::connect(fast(RealtimeOptions::v1(&fake.origin, "conn1")))
        .await
        .unwrap();
    let mut room = ada
        .channel(
            "room/1",
            JoinOptions {
                history: true,
                presence: true,
            },
        )
        .unwrap();
    let presence = next_of(&mut room, Action::PresenceFull).await;
    assert_eq!(presence.payload["presence"].as_array().unwrap().len(), 1);
    next_of(&mut room, Action::History).await;
    let mut bob_room = bob.channel("room/1", JoinOptions::default()).unwrap();
    wait_for("bob's join", || {
        fake.received()
            .iter()
            .filter(|f| f["action"] == "join")
            .count()
            == 2
    })
    .await;

    room.message(
        json!({"text": "hello"}),
        MessageOptions {
            authenticated: true,
            ..Default::default()
        },
    )
    .unwrap();
    let got = next_of(&mut bob_room, Action::Message).await;
    assert_eq!(got.payload["text"], "hello");
    assert_eq!(got.channel.as_deref(), Some("room/1"));
    #[derive(serde::Deserialize)]
    struct Text {
        text: String,
    }
    assert_eq!(got.payload_as::<Text>().unwrap().text, "hello");

    // The frames on the wire are the JS SDK's.
    let sent = fake.received();
    assert_eq!(
        sent[0],
        json!({"action": "join", "options": {"channel": "room/1"}, "payload": {"history": true, "presence": true}})
    );
    assert!(sent.contains(&json!({"action": "message", "options": {"channel": "room/1", "authenticated": true}, "payload": {"text": "hello"}})));
    assert_eq!(
        fake.protocols(),
        [
            Some(REALTIME_TOKEN.to_owned()),
            Some(REALTIME_TOKEN.to_owned())
        ]
    );

    fake.event("room/1", json!({"kind": "server"}));
    assert_eq!(
        next_of(&mut bob_room, Action::Event).await.payload["kind"],
        "server"
    );
}

#[tokio::test]
async fn reconnects_rejoin_and_flush_the_queue() {
    let fake = FakeRealtime::start().await;
    let client = Realtime::connect(fast(RealtimeOptions::v1(&fake.origin, "conn1")))
        .await
        .unwrap();
    let mut room = client.channel("room/9", JoinOptions::default()).unwrap();
    wait_for("the join", || fake.received().len() == 1).await;

    // A service restart (1012): disconnected, then connected again, rejoined.
    fake.drop_all(1012);
    status(&mut room, false).await;
    // Sent while away: queued, delivered after the reconnect.
    room.message(json!({"n": 1}), MessageOptions::default())
        .unwrap();
    status(&mut room, true).await;
    assert_eq!(next_of(&mut room, Action::Message).await.payload["n"], 1);
    assert_eq!(fake.connections(), 2);
    let joins = fake
        .received()
        .iter()
        .filter(|f| f["action"] == "join")
        .count();
    assert_eq!(joins, 2, "the channel was joined again");

    // A dropped TCP connection (no close frame, like 1006) also reconnects.
    fake.drop_all(0);
    wait_for("a third connection", || fake.connections() == 3).await;
    // A normal close (1000) does not.
    wait_for("the rejoin", || {
        fake.received()
            .iter()
            .filter(|f| f["action"] == "join")
            .count()
            == 3
    })
    .await;
    fake.drop_all(1000);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fake.connections(), 3, "no reconnect after a normal close");
}

#[tokio::test]
async fn v2_pings_join_retry_and_broadcast() {
    let fake = FakeRealtime::start().await;
    fake.not_ready_first
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let client = Realtime::connect(fast(RealtimeOptions::v2(&fake.origin, "srv")))
        .await
        .unwrap();
    let mut lobby = client.channel("lobby", JoinOptions::default()).unwrap();
    // The first join is refused ("Connection is not ready"); the client joins again.
    let joined = next_of(&mut lobby, Action::Join).await;
    assert_eq!(joined.payload["joined"], true);
    lobby
        .message(
            json!({"hi": true}),
            MessageOptions {
                kind: Some("chat".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let message = next_of(&mut lobby, Action::Message).await;
    assert_eq!(
        (message.kind.as_deref(), message.payload["hi"].as_bool()),
        (Some("chat"), Some(true))
    );
    wait_for("two pings", || {
        fake.received()
            .iter()
            .filter(|f| f["action"] == "ping")
            .count()
            >= 2
    })
    .await;
    let sent = fake.received();
    assert_eq!(sent[0], json!({"action": "join", "channel": "lobby"}));
    assert!(sent.contains(
        &json!({"action": "broadcast", "channel": "lobby", "type": "chat", "payload": {"hi": true}})
    ));
}

#[tokio::test]
async fn a_wrong_token_is_refused() {
    let fake = FakeRealtime::start().await;
    let client = Realtime::connect(
        RealtimeOptions::v1(&fake.origin, "conn1")
            .token("wrong")
            .backoff(Duration::from_secs(60), Duration::from_secs(60)),
    )
    .await
    .unwrap();
    let mut room = client.channel("room", JoinOptions::default()).unwrap();
    // The server closes with 4001 (not a reconnect code): disconnected for good.
    status(&mut room, false).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        fake.protocols(),
        [Some("wrong".to_owned())],
        "no reconnect after 4001"
    );
}

#[tokio::test]
async fn presence_updates_private_messages_and_client_history() {
    let fake = FakeRealtime::start().await;
    let with_presence = JoinOptions {
        history: false,
        presence: true,
    };
    let ada = Realtime::connect(fast(RealtimeOptions::v1(&fake.origin, "conn1")))
        .await
        .unwrap();
    let mut ada_room = ada.channel("room/7", with_presence).unwrap();
    next_of(&mut ada_room, Action::PresenceFull).await;
    let bob = Realtime::connect(fast(RealtimeOptions::v1(&fake.origin, "conn1")))
        .await
        .unwrap();
    let mut bob_room = bob.channel("room/7", with_presence).unwrap();
    next_of(&mut bob_room, Action::PresenceFull).await;

    // Ada hears Bob arrive, with the socket id to write to him privately.
    let arrived = next_of(&mut ada_room, Action::PresenceUpdate).await;
    assert_eq!(arrived.payload["action"], "join");
    let bob_socket = arrived.payload["presence"]["socketId"]
        .as_str()
        .unwrap()
        .to_owned();
    ada_room
        .message_client(&bob_socket, json!({"psst": 1}))
        .unwrap();
    let private = next_of(&mut bob_room, Action::Message).await;
    assert_eq!(private.payload["psst"], 1);
    let ada_socket = private.client.as_ref().unwrap()["socketId"]
        .as_str()
        .unwrap()
        .to_owned();

    // One client's history: only what that client said.
    bob_room
        .message(json!({"from": "bob"}), MessageOptions::default())
        .unwrap();
    next_of(&mut ada_room, Action::Message).await;
    ada_room.client_history(&ada_socket).unwrap();
    let history = next_of(&mut ada_room, Action::History).await;
    let said: Vec<&Value> = history.payload["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["payload"])
        .collect();
    assert_eq!(said, [&json!({"psst": 1})]);

    // The frames are the SDK's, channel included on the private message.
    assert!(fake.received().contains(&json!({"action": "message",
        "options": {"channel": "room/7", "socketId": bob_socket}, "payload": {"psst": 1}})));
    assert!(fake.received().contains(&json!({"action": "history",
        "options": {"channel": "room/7", "socketId": ada_socket}, "payload": null})));

    // Bob goes away with a normal close (1000); Ada hears him leave.
    drop(bob_room);
    drop(bob);
    let left = next_of(&mut ada_room, Action::PresenceUpdate).await;
    assert_eq!(left.payload["action"], "leave");
    wait_for("Bob's close", || !fake.client_closes().is_empty()).await;
    assert_eq!(fake.client_closes(), [1000]);
}

#[tokio::test]
async fn a_server_close_4000_is_answered_then_reconnected() {
    let fake = FakeRealtime::start().await;
    let client = Realtime::connect(fast(RealtimeOptions::v1(&fake.origin, "conn1")))
        .await
        .unwrap();
    let mut room = client.channel("room/4", JoinOptions::default()).unwrap();
    wait_for("the join", || fake.received().len() == 1).await;
    fake.drop_all(4000);
    status(&mut room, false).await;
    status(&mut room, true).await;
    wait_for("the rejoin", || fake.received().len() == 2).await;
    assert_eq!(fake.connections(), 2);
    // The fake fails the test on drop if the close went unanswered.
}

/// A channel is a `Stream` (combinators work on it), and a subscriber that
/// falls behind hears how many events it missed instead of losing them
/// silently.
#[tokio::test]
async fn channels_are_streams_and_report_what_a_slow_reader_missed() {
    use futures::StreamExt as _;
    let fake = FakeRealtime::start().await;
    let client = Realtime::connect(fast(RealtimeOptions::v1(&fake.origin, "conn1")))
        .await
        .unwrap();
    let room = client.channel("room/lag", JoinOptions::default()).unwrap();
    wait_for("the join", || fake.received().len() == 1).await;
    // 1,500 events while nobody reads: more than the 1,024 kept per subscriber.
    for n in 0..1500 {
        fake.event("room/lag", json!({"n": n}));
    }
    // Let the connection task take them all in before this reader starts.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let events: Vec<RealtimeEvent> = timeout(
        WAIT,
        room.filter(|e| futures::future::ready(e.action != Action::ConnectionStatus))
            .take(3)
            .collect(),
    )
    .await
    .expect("events");
    let lagged = events
        .iter()
        .find(|e| e.action == Action::Lagged)
        .expect("a Lagged notice");
    let skipped = lagged.payload["skipped"].as_u64().unwrap();
    assert!(skipped >= 400, "skipped {skipped}");
    // After the notice, the newest events follow, in order.
    let after: Vec<i64> = events
        .iter()
        .filter(|e| e.action == Action::Event)
        .map(|e| e.payload["n"].as_i64().unwrap())
        .collect();
    assert!(after.iter().all(|n| *n >= 400), "{after:?}");
}
