//! Streaming responses end to end: the generated `post_chat_stream` against the
//! fake Xano's SSE (split at awkward byte boundaries), JSON Lines, plain JSON, a
//! stream cut mid-event, a fast producer read slowly (back-pressure), and errors
//! before the stream starts.

use futures::StreamExt;
use std::time::Duration;
use xano_runtime::{Client, Error};
use xano_tests::fake_xano::FakeXano;
use xano_tests::generated::bookstore_spec::bookstore as api;

async fn signed_in() -> (FakeXano, Client, api::Client) {
    let fake = FakeXano::start().await;
    let xano = Client::builder(fake.origin()).build().unwrap();
    let books = api::Client::new(&xano);
    let token = xano_tests::sign_up(&books, "ada@example.com", "pw").await;
    xano.session().set_token(token);
    (fake, xano, books)
}

fn chat(format: api::Format, count: i64) -> api::PostChatInput {
    api::PostChatInput {
        message: "Dune?".into(),
        format: Some(format),
        count: Some(count),
    }
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Delta {
    text: String,
}

#[tokio::test]
async fn server_sent_events_arrive_whole_and_typed() {
    let (_fake, _xano, books) = signed_in().await;
    let events: Vec<xano_runtime::Event> = books
        .post_chat_stream(&chat(api::Format::Sse, 3))
        .await
        .expect("stream starts")
        .map(|event| event.expect("event"))
        .collect()
        .await;
    assert_eq!(events.len(), 4, "{events:?}");
    assert_eq!(events[0].event.as_deref(), Some("delta"));
    assert_eq!(events[2].id.as_deref(), Some("2"));
    assert_eq!(events[1].json::<Delta>().unwrap().text, "Dune? — réponse 1");
    assert_eq!(events[3].event.as_deref(), Some("done"));

    // Typed decoding of every event's data.
    let typed: Vec<serde_json::Value> = books
        .post_chat_stream(&chat(api::Format::Sse, 2))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(typed[0]["text"], "Dune? — réponse 0");
    assert_eq!(typed[2]["reply"], "Dune? — réponse 0 Dune? — réponse 1");
}

#[tokio::test]
async fn json_lines_and_plain_json_also_stream() {
    let (_fake, _xano, books) = signed_in().await;
    let lines: Vec<Delta> = books
        .post_chat_stream(&chat(api::Format::Jsonl, 3))
        .await
        .unwrap()
        .json::<Delta>()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2].text, "Dune? — réponse 2");

    // A non-streaming answer is one event; the plain call still works too.
    let whole: Vec<_> = books
        .post_chat_stream(&chat(api::Format::Json, 2))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(whole.len(), 1);
    let reply = whole[0]
        .as_ref()
        .unwrap()
        .json::<serde_json::Value>()
        .unwrap();
    assert_eq!(reply["reply"], "Dune? — réponse 0 Dune? — réponse 1");
    let plain = books.post_chat(&chat(api::Format::Json, 1)).await.unwrap();
    assert_eq!(plain.reply.as_deref(), Some("Dune? — réponse 0"));
}

#[tokio::test]
async fn a_stream_cut_mid_event_ends_with_an_error() {
    let (_fake, _xano, books) = signed_in().await;
    let items: Vec<Result<xano_runtime::Event, Error>> = books
        .post_chat_stream(&chat(api::Format::Cut, 2))
        .await
        .unwrap()
        .collect()
        .await;
    assert!(
        items[0].is_ok(),
        "the complete first event arrives: {items:?}"
    );
    assert!(
        items.last().unwrap().is_err(),
        "the cut is reported, not a silent end: {items:?}"
    );
    assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 1);
}

#[tokio::test]
async fn errors_before_the_stream_are_api_errors() {
    let (_fake, xano, books) = signed_in().await;
    xano.session().clear();
    match books.post_chat_stream(&chat(api::Format::Sse, 1)).await {
        Err(err) => assert!(err.is_unauthorized(), "{err:?}"),
        Ok(_) => panic!("a 401 must not start a stream"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_holds_back_a_fast_producer() {
    let (fake, _xano, books) = signed_in().await;
    // 50,000 events of 1 KiB: 50 MB if the client buffered everything.
    let mut events = books
        .post_chat_stream(&chat(api::Format::Slow, 50_000))
        .await
        .unwrap();
    for _ in 0..20 {
        events.next().await.unwrap().unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let produced = fake.produced();
    println!("the server wrote {produced} bytes while the client read 20 KiB");
    // What was read (20 KiB) plus the kernel's socket buffers and one chunk in
    // flight: a few MB at most, never the whole stream.
    assert!(produced < 16 << 20, "the server got {produced} bytes ahead");
    // Dropping the stream closes the connection: the producer stops.
    drop(events);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after_drop = fake.produced();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        fake.produced() - after_drop < 1 << 20,
        "the producer kept going after the drop"
    );
}
