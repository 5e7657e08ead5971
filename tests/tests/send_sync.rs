//! What users move across tasks and threads can be moved: checked at compile
//! time. A change that made `Client`, a call's future, a paging stream or an
//! event stream `!Send` (or tied a stream to a borrow) fails to build this file.

use xano_runtime::{Client, Error, EventStream, Page, ResultStream, Session};
use xano_tests::generated::bookstore_spec::bookstore as api;

fn send_sync<T: Send + Sync>() {}
fn send_static<T: Send + 'static>(_: &T) {}
fn send<T: Send>(_: &T) {}

#[test]
fn runtime_types_are_send_and_sync() {
    send_sync::<Client>();
    send_sync::<Session>();
    send_sync::<Error>();
    send_sync::<api::Client>();
    send_sync::<Page<api::Book>>();
    fn stream_is_send<T: Send + Unpin>() {}
    stream_is_send::<EventStream>();
    stream_is_send::<ResultStream<api::Book>>();
    send_sync::<xano_runtime::realtime::Realtime>();
    fn channel_is_send<T: Send + Unpin + futures::Stream>() {}
    channel_is_send::<xano_runtime::realtime::Channel>();
}

#[test]
fn generated_calls_and_streams_can_be_spawned() {
    let xano = Client::builder("https://x.n7.xano.io").build().unwrap();
    let books = api::Client::new(&xano);
    let input = api::GetBooksInput::default();
    // A call's future is Send: it can be awaited inside `tokio::spawn`.
    let call = books.get_books(&input);
    send(&call);
    drop(call);
    // Paging streams own what they need: Send + 'static, spawnable as they are.
    let pages = books.get_books_pages(input.clone());
    send_static(&pages);
    let items = books.get_books_items(input);
    send_static(&items);
}
