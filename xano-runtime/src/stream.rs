//! Streaming responses: Server-Sent Events, JSON Lines, or a plain body as one item.
//!
//! Xano specs do not mark streaming endpoints (the 200 is always
//! `application/json`), so streaming is opt-in per endpoint in the generator; the
//! runtime then decides by the response's `Content-Type`.

use crate::Error;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt, stream};
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::pin::Pin;

/// The longest line a stream may hold in memory (16 MiB): a guard against a server
/// that never sends a newline.
pub const MAX_LINE: usize = 16 << 20;

/// One streamed event.
///
/// For `text/event-stream`, an SSE event (`event:`, `id:`, `retry:`, multi-line
/// `data:` joined with `\n`). For JSON Lines, one line as `data`. For any other
/// content type, the whole body as one event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    /// The event type (`event:`), if any.
    pub event: Option<String>,
    /// The data.
    pub data: String,
    /// The last event id (`id:`), if any.
    pub id: Option<String>,
    /// The reconnection time the server asked for (`retry:`), in milliseconds.
    pub retry: Option<u64>,
}

impl Event {
    /// Decodes `data` as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let mut deserializer = serde_json::Deserializer::from_str(&self.data);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|err| Error::Decode {
            status: 200,
            path: err.path().to_string(),
            message: err.inner().to_string(),
            excerpt: crate::error::excerpt(self.data.as_bytes()),
        })
    }
}

/// A stream of [`Event`]s; dropping it closes the connection.
pub struct EventStream {
    inner: Pin<Box<dyn Stream<Item = Result<Event, Error>> + Send>>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl Stream for EventStream {
    type Item = Result<Event, Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl EventStream {
    /// Each event's data decoded as JSON into `T` (events without data are skipped).
    pub fn json<T: DeserializeOwned + Send + 'static>(self) -> crate::BoxStream<'static, T> {
        Box::pin(self.filter_map(|event| async move {
            match event {
                Ok(event) if event.data.is_empty() => None,
                Ok(event) => Some(event.json::<T>()),
                Err(err) => Some(Err(err)),
            }
        }))
    }

    /// Events from a byte stream of the given content type.
    pub fn from_bytes<S>(content_type: Option<&str>, bytes: S) -> EventStream
    where
        S: Stream<Item = Result<Bytes, Error>> + Send + 'static,
    {
        let kind = match content_type.map(|ct| ct.to_ascii_lowercase()) {
            Some(ct) if ct.starts_with("text/event-stream") => Kind::Sse,
            Some(ct)
                if ct.contains("ndjson") || ct.contains("jsonl") || ct.contains("json-seq") =>
            {
                Kind::Lines
            }
            _ => Kind::Whole,
        };
        let state = Decoder {
            bytes: Box::pin(bytes),
            kind,
            buffer: BytesMut::new(),
            pending: SseEvent::default(),
            ready: VecDeque::new(),
            done: false,
        };
        EventStream {
            inner: Box::pin(stream::unfold(state, |mut state| async move {
                let item = state.next().await?;
                Some((item, state))
            })),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sse,
    Lines,
    Whole,
}

#[derive(Default)]
struct SseEvent {
    event: Option<String>,
    data: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    /// Whether any field line was seen since the last dispatch.
    started: bool,
}

struct Decoder {
    bytes: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>,
    kind: Kind,
    buffer: BytesMut,
    pending: SseEvent,
    ready: VecDeque<Result<Event, Error>>,
    done: bool,
}

impl Decoder {
    /// The next event: decoded from buffered lines first, reading more bytes only
    /// when none is ready (so a slow consumer slows the reads: back-pressure).
    async fn next(&mut self) -> Option<Result<Event, Error>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            match self.bytes.next().await {
                Some(Ok(chunk)) => {
                    match self.kind {
                        Kind::Whole => self.buffer.extend_from_slice(&chunk),
                        Kind::Sse | Kind::Lines => self.feed(&chunk),
                    }
                    if self.buffer.len() > MAX_LINE {
                        self.done = true;
                        return Some(Err(Error::Stream(format!(
                            "a line longer than {MAX_LINE} bytes"
                        ))));
                    }
                }
                Some(Err(err)) => {
                    self.done = true;
                    return Some(Err(err));
                }
                None => {
                    self.done = true;
                    self.finish();
                }
            }
        }
    }

    /// Handles the complete lines of `chunk`, read in place: only a line split
    /// across chunks is copied (into `buffer`), so the bytes of a stream are not
    /// copied once more on their way to the events.
    fn feed(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        if !self.buffer.is_empty() {
            // Complete the buffered line with this chunk's start, up to its line end.
            let head = match memchr::memchr2(b'\n', b'\r', rest) {
                Some(at) if rest[at] == b'\r' && rest.get(at + 1) == Some(&b'\n') => at + 2,
                Some(at) => at + 1,
                None => rest.len(),
            };
            self.buffer.extend_from_slice(&rest[..head]);
            rest = &rest[head..];
            self.drain_buffer();
            if !self.buffer.is_empty() {
                // No line end in the chunk, or a `\r` that may be half of `\r\n`:
                // keep joining (rare, so the copy does not matter).
                self.buffer.extend_from_slice(rest);
                self.drain_buffer();
                return;
            }
        }
        let used = self.drain_lines(rest);
        self.buffer.extend_from_slice(&rest[used..]);
    }

    /// Handles the complete lines in `buffer` and drops them from it.
    fn drain_buffer(&mut self) {
        let buffer = std::mem::take(&mut self.buffer);
        let used = self.drain_lines(&buffer);
        self.buffer = buffer;
        bytes::Buf::advance(&mut self.buffer, used);
    }

    /// Handles every complete line (`\n`, `\r\n` or `\r`) of `bytes`; returns how
    /// many bytes that used (the rest is an incomplete line).
    fn drain_lines(&mut self, bytes: &[u8]) -> usize {
        let mut start = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            let end = start + found;
            // A `\r` at the very end may be the first half of `\r\n`: wait for more.
            if bytes[end] == b'\r' && end + 1 == bytes.len() {
                break;
            }
            self.line(&bytes[start..end]);
            start = end
                + if bytes[end..].starts_with(b"\r\n") {
                    2
                } else {
                    1
                };
        }
        start
    }

    fn line(&mut self, raw: &[u8]) {
        let line = match std::str::from_utf8(raw) {
            Ok(line) => line,
            Err(_) => {
                self.ready
                    .push_back(Err(Error::Stream("a line that is not UTF-8".into())));
                return;
            }
        };
        match self.kind {
            Kind::Lines => {
                if !line.trim().is_empty() {
                    self.ready.push_back(Ok(Event {
                        data: line.to_owned(),
                        ..Event::default()
                    }));
                }
            }
            Kind::Sse => self.sse_line(line),
            Kind::Whole => {}
        }
    }

    /// One line of the SSE wire format (WHATWG HTML § 9.2.6).
    fn sse_line(&mut self, line: &str) {
        if line.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            if let Some(data) = pending.data {
                self.ready.push_back(Ok(Event {
                    event: pending.event,
                    data,
                    id: pending.id,
                    retry: pending.retry,
                }));
            }
            return;
        }
        if line.starts_with(':') {
            return; // a comment (keep-alive)
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        self.pending.started = true;
        match field {
            "data" => match &mut self.pending.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.pending.data = Some(value.to_owned()),
            },
            "event" => self.pending.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => self.pending.id = Some(value.to_owned()),
            "retry" => self.pending.retry = value.parse().ok(),
            _ => {}
        }
    }

    /// At the end of the body, a `\r` held back in case `\n` followed ends its line.
    fn end_held_back_line(&mut self) {
        if self.buffer.ends_with(b"\r") {
            let buffer = std::mem::take(&mut self.buffer);
            self.line(&buffer[..buffer.len() - 1]);
        }
    }

    /// The body ended: flush what is complete; a half-sent event is an error, not a
    /// silent end.
    fn finish(&mut self) {
        match self.kind {
            Kind::Whole => {
                let body = std::mem::take(&mut self.buffer);
                self.ready.push_back(
                    String::from_utf8(body.to_vec())
                        .map(|data| Event {
                            data,
                            ..Event::default()
                        })
                        .map_err(|_| Error::Stream("a body that is not UTF-8".into())),
                );
            }
            Kind::Lines => {
                self.end_held_back_line();
                if !self.buffer.is_empty() {
                    let rest = std::mem::take(&mut self.buffer);
                    // JSON Lines may omit the last newline: a complete JSON value is fine.
                    if serde_json::from_slice::<serde::de::IgnoredAny>(&rest).is_ok() {
                        self.line(&rest);
                    } else {
                        self.ready.push_back(Err(Error::Stream(
                            "the stream ended in the middle of a line".into(),
                        )));
                    }
                }
            }
            Kind::Sse => {
                self.end_held_back_line();
                let partial_line = !self.buffer.is_empty();
                if partial_line || self.pending.started {
                    self.ready.push_back(Err(Error::Stream(
                        "the stream ended in the middle of an event".into(),
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(content_type: &str, chunks: Vec<&'static [u8]>) -> Vec<Result<Event, String>> {
        let bytes = stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from_static(c))));
        let events = EventStream::from_bytes(Some(content_type), bytes);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(events.map(|e| e.map_err(|err| err.to_string())).collect())
    }

    fn data(event: &Result<Event, String>) -> &str {
        &event.as_ref().unwrap().data
    }

    const SSE: &[u8] = b": keep-alive\r\nevent: delta\r\nid: 7\r\nretry: 1500\r\ndata: {\"text\":\"h\xc3\xa9\"}\r\n\r\ndata: line one\ndata: line two\n\nevent: done\ndata:\n\n";

    #[test]
    fn sse_events_split_at_every_byte() {
        let whole = collect("text/event-stream", vec![SSE]);
        assert_eq!(whole.len(), 3, "{whole:?}");
        let first = whole[0].as_ref().unwrap();
        assert_eq!(first.event.as_deref(), Some("delta"));
        assert_eq!(first.id.as_deref(), Some("7"));
        assert_eq!(first.retry, Some(1500));
        assert_eq!(first.data, "{\"text\":\"hé\"}");
        assert_eq!(data(&whole[1]), "line one\nline two");
        assert_eq!(
            (whole[2].as_ref().unwrap().event.as_deref(), data(&whole[2])),
            (Some("done"), "")
        );
        // Every split point, including inside `\r\n` and inside the two bytes of `é`.
        for at in 1..SSE.len() {
            let (a, b) = SSE.split_at(at);
            assert_eq!(
                collect("text/event-stream", vec![a, b]),
                whole,
                "split at byte {at}"
            );
        }
        let bytes: Vec<&'static [u8]> = SSE.chunks(1).collect();
        assert_eq!(
            collect("text/event-stream", bytes),
            whole,
            "one byte per chunk"
        );
        // Three chunks: lines joined across two boundaries.
        for i in 1..SSE.len() {
            for j in i + 1..SSE.len() {
                let chunks = vec![&SSE[..i], &SSE[i..j], &SSE[j..]];
                assert_eq!(
                    collect("text/event-stream", chunks),
                    whole,
                    "split at {i}, {j}"
                );
            }
        }
    }

    #[test]
    fn lone_carriage_returns_end_lines_at_every_split() {
        const CR: &[u8] = b"data: a\rdata: b\r\rdata: c\r\r";
        let whole = collect("text/event-stream", vec![CR]);
        let datas: Vec<&str> = whole.iter().map(data).collect();
        assert_eq!(datas, ["a\nb", "c"]);
        for at in 1..CR.len() {
            let (a, b) = CR.split_at(at);
            assert_eq!(
                collect("text/event-stream", vec![a, b]),
                whole,
                "split at {at}"
            );
        }
        let bytes: Vec<&'static [u8]> = CR.chunks(1).collect();
        assert_eq!(collect("text/event-stream", bytes), whole);
    }

    #[test]
    fn cut_streams_end_with_an_error() {
        let cut = collect("text/event-stream", vec![b"data: a\n\ndata: half"]);
        assert_eq!(data(&cut[0]), "a");
        assert_eq!(
            cut[1],
            Err("stream error: the stream ended in the middle of an event".into())
        );
        let cut_after_field = collect("text/event-stream", vec![b"data: a\n"]);
        assert!(cut_after_field[0].is_err(), "{cut_after_field:?}");
        assert_eq!(
            collect("text/event-stream", vec![b"data: a\n\n"]).len(),
            1,
            "a clean end is no error"
        );
    }

    #[test]
    fn json_lines_and_plain_bodies() {
        let lines = collect(
            "application/x-ndjson",
            vec![b"{\"n\":1}\n{\"n\"", b":2}\r\n\n{\"n\":3}"],
        );
        let values: Vec<&str> = lines.iter().map(data).collect();
        assert_eq!(values, ["{\"n\":1}", "{\"n\":2}", "{\"n\":3}"]);
        let cut = collect("application/jsonl", vec![b"{\"n\":1}\n{\"n\":"]);
        assert!(cut[1].is_err());
        let whole = collect("application/json", vec![b"{\"answer\":", b"42}"]);
        assert_eq!(whole.len(), 1);
        assert_eq!(data(&whole[0]), "{\"answer\":42}");
        let typed: serde_json::Value = whole[0].as_ref().unwrap().json().unwrap();
        assert_eq!(typed["answer"], 42);
    }
}
