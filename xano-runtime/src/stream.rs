//! Streaming responses: Server-Sent Events, JSON Lines, or a plain body as one item.
//!
//! Xano specs do not mark streaming endpoints (the 200 is always
//! `application/json`), so streaming is opt-in per endpoint in the generator; the
//! runtime then decides by the response's `Content-Type`.
//!
//! SSE is decoded by the WHATWG HTML rules ("event stream interpretation"): one
//! leading byte order mark is dropped; lines end at CR, LF or CRLF; invalid UTF-8
//! becomes U+FFFD; `id` sets a last event ID that stays in force for later events
//! (blocks holding only `id:` or `retry:` still apply); `retry` counts only when it
//! is all ASCII digits; an empty `event` means the default type; a block with no
//! `data` dispatches nothing. `tests/sse_conformance.rs` checks the decoder against
//! a model written from the spec, over seeded random streams and chunkings.

use crate::Error;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::pin::Pin;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One streamed event.
///
/// For `text/event-stream`, an SSE event. For JSON Lines, one line as `data`. For
/// any other content type, the whole body as one event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    /// The event type (`event:`); `None` is the default type, `message`.
    pub event: Option<String>,
    /// The data: the event's `data:` lines joined with `\n` (reads as a `&str`).
    pub data: EventData,
    /// The last event ID in force when the event was dispatched (like
    /// `EventSource.lastEventId`): set by an `id:` line of this or any earlier
    /// block, so it is the value to resume from with a `Last-Event-ID` header.
    /// `None` when no ID was set or the last `id:` was empty.
    pub id: Option<String>,
    /// The reconnection time in force (the last valid `retry:`, in milliseconds).
    pub retry: Option<u64>,
}

impl Event {
    /// Decodes `data` as JSON ([`decode_json`](crate::decode_json)'s rules: a
    /// failure names the path to the bad value).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        crate::decode_json(self.data.as_bytes())
    }
}

/// A stream of [`Event`]s; dropping it closes the connection.
///
/// Events are decoded as the bytes arrive and only when the consumer asks for the
/// next one. For a streamed call the body is read by a task of its own, at most
/// two chunks ahead of the decoder (so reading and decoding overlap), and a slow
/// consumer still slows the reads (back-pressure). Memory is bounded
/// by the client's `max_event_size`: an event (its data plus the line being read)
/// larger than that ends the stream with an [`Error::Stream`] item, after every
/// event decoded before it.
///
/// **A cut stream is an error.** Where the WHATWG rules silently drop an event the
/// server had started but not finished (no blank line before the end of the body),
/// this stream ends with an [`Error::Stream`] item instead, so a connection lost
/// mid-answer is not mistaken for a complete one. A tail that holds no data (a
/// comment, an `id:` or `event:` line without a blank line) ends the stream
/// cleanly. Transport errors (a reset, a chunk that did not come within the
/// client's timeout) also end it with an error item.
pub struct EventStream {
    bytes: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>,
    decoder: Decoder,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl Stream for EventStream {
    type Item = Result<Event, Error>;

    /// The next event: decoded from what was read first, reading more bytes only
    /// when none is ready (back-pressure).
    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        loop {
            if let Some(item) = this.decoder.ready.pop_front() {
                return Poll::Ready(Some(item));
            }
            if this.decoder.done {
                return Poll::Ready(None);
            }
            match this.bytes.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.decoder.feed(&chunk),
                Poll::Ready(Some(Err(err))) => {
                    this.decoder.done = true;
                    return Poll::Ready(Some(Err(err)));
                }
                Poll::Ready(None) => this.decoder.finish(),
            }
        }
    }
}

impl EventStream {
    /// Each event's data decoded as JSON into `T` (events without data are skipped).
    pub fn json<T: DeserializeOwned + Send + 'static>(self) -> crate::ResultStream<T> {
        Box::pin(self.filter_map(|event| async move {
            match event {
                Ok(event) if event.data.is_empty() => None,
                Ok(event) => Some(event.json::<T>()),
                Err(err) => Some(Err(err)),
            }
        }))
    }

    /// Events from a byte stream of the given content type, each at most
    /// [`crate::DEFAULT_MAX_EVENT_SIZE`] bytes.
    pub fn from_bytes<S>(content_type: Option<&str>, bytes: S) -> EventStream
    where
        S: Stream<Item = Result<Bytes, Error>> + Send + 'static,
    {
        Self::from_bytes_within(content_type, bytes, crate::DEFAULT_MAX_EVENT_SIZE)
    }

    /// Events from a byte stream of the given content type, each at most
    /// `max_event_size` bytes (data plus the line being read).
    pub fn from_bytes_within<S>(
        content_type: Option<&str>,
        bytes: S,
        max_event_size: usize,
    ) -> EventStream
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
        EventStream {
            bytes: Box::pin(bytes),
            decoder: Decoder::new(kind, max_event_size),
        }
    }
}

/// How a body is cut into events.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Sse,
    Lines,
    Whole,
}

/// The decoding state of one stream, fed chunk by chunk. Every byte is looked at
/// once: complete lines are read in place from the chunk (a data value that
/// arrives whole becomes its event's data without a copy), and only a line split
/// across chunks is copied (into `partial`), so decoding is linear in the input
/// however it is chunked.
pub(crate) struct Decoder {
    kind: Kind,
    limit: usize,
    /// Until the first three bytes are seen: whether they are a BOM is open.
    head: Option<Vec<u8>>,
    /// The start of a line whose end has not arrived yet.
    partial: Vec<u8>,
    /// The last line ended with CR: an LF right after it belongs to that line end.
    skip_lf: bool,
    /// SSE: the data buffer.
    data: PendingData,
    /// SSE: the length of the data buffer as the spec keeps it (each value plus
    /// LF), which is what the event limit counts.
    data_len: usize,
    /// SSE: the event type buffer.
    event_type: String,
    /// SSE: the last event ID buffer (sticky).
    last_id: String,
    /// SSE: the reconnection time.
    retry: Option<u64>,
    /// Whole bodies: everything so far.
    whole: Vec<u8>,
    pub(crate) ready: VecDeque<Result<Event, Error>>,
    pub(crate) done: bool,
}

/// The data lines of the event being read.
enum PendingData {
    /// No `data` line yet: a blank line dispatches nothing.
    None,
    /// One line's value, valid UTF-8, shared with the chunk it came in.
    One(Bytes),
    /// Several lines (or one that had to be copied), joined with LF.
    Many(String),
}

impl Decoder {
    pub(crate) fn new(kind: Kind, limit: usize) -> Self {
        Decoder {
            kind,
            limit,
            head: Some(Vec::new()),
            partial: Vec::new(),
            skip_lf: false,
            data: PendingData::None,
            data_len: 0,
            event_type: String::new(),
            last_id: String::new(),
            retry: None,
            whole: Vec::new(),
            ready: VecDeque::new(),
            done: false,
        }
    }

    /// Decodes one chunk; events go to `ready`.
    pub(crate) fn feed(&mut self, chunk: &Bytes) {
        if self.done {
            return;
        }
        if let Some(head) = &mut self.head {
            // One leading BOM is dropped; it may arrive split across chunks.
            if head.is_empty() && chunk.len() >= BOM.len() {
                self.head = None;
                let skip = if chunk.starts_with(BOM) { BOM.len() } else { 0 };
                self.feed_body(&chunk.slice(skip..));
                return;
            }
            head.extend_from_slice(chunk);
            if head.len() < BOM.len() && BOM.starts_with(head) {
                return;
            }
            let mut head = self.head.take().unwrap_or_default();
            if head.starts_with(BOM) {
                head.drain(..BOM.len());
            }
            self.feed_body(&Bytes::from(head));
            return;
        }
        self.feed_body(chunk);
    }

    fn feed_body(&mut self, bytes: &Bytes) {
        let chunk = Chunk::new(bytes);
        let mut rest: &[u8] = bytes;
        if self.kind == Kind::Whole {
            if self.whole.len() + rest.len() > self.limit {
                self.fail_too_large();
            } else {
                self.whole.extend_from_slice(rest);
            }
            return;
        }
        if self.skip_lf && !rest.is_empty() {
            self.skip_lf = false;
            if rest[0] == b'\n' {
                rest = &rest[1..];
            }
        }
        if !self.partial.is_empty() {
            // Complete the carried line with this chunk's start, up to its line end.
            match memchr::memchr2(b'\n', b'\r', rest) {
                None => {
                    self.partial.extend_from_slice(rest);
                    self.check_partial();
                    return;
                }
                Some(end) => {
                    self.partial.extend_from_slice(&rest[..end]);
                    // The joined line becomes a buffer of its own, so its value is
                    // shared like any other.
                    let line = Bytes::from(std::mem::take(&mut self.partial));
                    self.line(&line, Some(&Chunk::new(&line)));
                    rest = self.after_line_end(rest, end);
                }
            }
        }
        while !self.done {
            match memchr::memchr2(b'\n', b'\r', rest) {
                Some(end) => {
                    self.line(&rest[..end], Some(&chunk));
                    rest = self.after_line_end(rest, end);
                }
                None => {
                    self.partial.extend_from_slice(rest);
                    self.check_partial();
                    return;
                }
            }
        }
    }

    /// The bytes after the line end at `end`; a CR at the very end of the chunk
    /// may be followed by LF in the next one.
    fn after_line_end<'b>(&mut self, rest: &'b [u8], end: usize) -> &'b [u8] {
        if rest[end] == b'\r' {
            match rest.get(end + 1) {
                Some(b'\n') => &rest[end + 2..],
                Some(_) => &rest[end + 1..],
                None => {
                    self.skip_lf = true;
                    &rest[end + 1..]
                }
            }
        } else {
            &rest[end + 1..]
        }
    }

    /// The pending event (data plus the line being read) must stay within the
    /// limit. Checked on partial lines and again on complete ones, the outcome
    /// does not depend on how the bytes were chunked.
    fn check_partial(&mut self) {
        if self.data_len + self.partial.len() > self.limit {
            self.fail_too_large();
        }
    }

    fn fail_too_large(&mut self) {
        self.done = true;
        self.ready.push_back(Err(Error::Stream(format!(
            "an event larger than {} bytes (the client's max_event_size)",
            self.limit
        ))));
    }

    /// One complete line; `chunk` is the buffer `raw` lies in, when it does (so
    /// values can be shared instead of copied).
    fn line(&mut self, raw: &[u8], chunk: Option<&Chunk<'_>>) {
        if self.data_len + raw.len() > self.limit {
            self.fail_too_large();
            return;
        }
        match self.kind {
            Kind::Sse => self.sse_line(raw, chunk),
            Kind::Lines => self.json_line(raw, chunk),
            Kind::Whole => {}
        }
    }

    fn json_line(&mut self, raw: &[u8], chunk: Option<&Chunk<'_>>) {
        // RFC 7464 (json-seq) starts each record with RS.
        let raw = raw.strip_prefix(b"\x1e").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        self.ready.push_back(Ok(Event {
            data: EventData::from_slice(raw, chunk),
            ..Event::default()
        }));
    }

    /// One line of the event stream format.
    fn sse_line(&mut self, line: &[u8], chunk: Option<&Chunk<'_>>) {
        if line.is_empty() {
            self.dispatch();
            return;
        }
        if line[0] == b':' {
            return; // a comment (keep-alive)
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                self.data_len += value.len() + 1;
                self.data = match std::mem::replace(&mut self.data, PendingData::None) {
                    PendingData::None => match chunk.and_then(|chunk| chunk.share(value)) {
                        Some(shared) => PendingData::One(shared),
                        None => {
                            let mut text = String::new();
                            push_lossy(&mut text, value);
                            PendingData::Many(text)
                        }
                    },
                    PendingData::One(first) => {
                        let mut joined = String::with_capacity(first.len() + 1 + value.len());
                        joined.push_str(EventData::from_valid(first).as_str());
                        joined.push('\n');
                        push_lossy(&mut joined, value);
                        PendingData::Many(joined)
                    }
                    PendingData::Many(mut joined) => {
                        joined.push('\n');
                        push_lossy(&mut joined, value);
                        PendingData::Many(joined)
                    }
                };
            }
            b"event" => {
                self.event_type.clear();
                push_lossy(&mut self.event_type, value);
            }
            b"id" if !value.contains(&0) => {
                self.last_id.clear();
                push_lossy(&mut self.last_id, value);
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All digits; too large for u64 means "as long as it gets".
                self.retry = Some(
                    std::str::from_utf8(value)
                        .ok()
                        .and_then(|digits| digits.parse().ok())
                        .unwrap_or(u64::MAX),
                );
            }
            _ => {}
        }
    }

    fn dispatch(&mut self) {
        self.data_len = 0;
        let data = match std::mem::replace(&mut self.data, PendingData::None) {
            PendingData::None => {
                self.event_type.clear();
                return;
            }
            PendingData::One(value) => EventData::from_valid(value),
            PendingData::Many(joined) => EventData::from(joined),
        };
        let event = (!self.event_type.is_empty()).then(|| std::mem::take(&mut self.event_type));
        self.ready.push_back(Ok(Event {
            event,
            data,
            id: (!self.last_id.is_empty()).then(|| self.last_id.clone()),
            retry: self.retry,
        }));
    }

    /// The body ended: flush what is complete; an event the server had started
    /// is an error, not a silent end.
    pub(crate) fn finish(&mut self) {
        if self.done {
            return;
        }
        if let Some(head) = self.head.take() {
            // A body shorter than a BOM.
            self.feed_body(&Bytes::from(head));
        }
        if self.done {
            return;
        }
        self.done = true;
        match self.kind {
            Kind::Whole => {
                let body = std::mem::take(&mut self.whole);
                self.ready.push_back(Ok(Event {
                    data: EventData::from_slice(&body, None),
                    ..Event::default()
                }));
            }
            Kind::Lines => {
                let rest = std::mem::take(&mut self.partial);
                if rest.iter().all(u8::is_ascii_whitespace) {
                    return;
                }
                // JSON Lines may omit the last newline: a complete JSON value is fine.
                let record = rest.strip_prefix(b"\x1e").unwrap_or(&rest);
                if serde_json::from_slice::<serde::de::IgnoredAny>(record).is_ok() {
                    self.json_line(&rest, None);
                } else {
                    self.ready.push_back(Err(Error::Stream(
                        "the stream ended in the middle of a line".into(),
                    )));
                }
            }
            Kind::Sse => {
                let partial_data = self.partial.starts_with(b"data")
                    && matches!(self.partial.get(4), None | Some(b':'));
                if !matches!(self.data, PendingData::None) || partial_data {
                    self.ready.push_back(Err(Error::Stream(
                        "the stream ended in the middle of an event".into(),
                    )));
                }
            }
        }
    }
}

/// The buffer a line lies in: values are shared from it instead of copied.
struct Chunk<'b> {
    bytes: &'b Bytes,
}

impl<'b> Chunk<'b> {
    fn new(bytes: &'b Bytes) -> Self {
        Chunk { bytes }
    }

    /// `part` (a slice of this chunk) as shared bytes, when it is valid UTF-8.
    /// (Validating line by line measured faster than validating each chunk
    /// whole once.)
    fn share(&self, part: &[u8]) -> Option<Bytes> {
        if part.is_empty() {
            // May be a literal `b""`, not a slice of the chunk.
            return Some(Bytes::new());
        }
        simdutf8::basic::from_utf8(part).ok()?;
        Some(self.bytes.slice_ref(part))
    }
}

/// Appends `bytes` as UTF-8, each invalid sequence as U+FFFD.
fn push_lossy(out: &mut String, bytes: &[u8]) {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => out.push_str(&String::from_utf8_lossy(bytes)),
    }
}

/// The data of an [`Event`]: UTF-8 text. It reads like a `&str` (it derefs to
/// one, compares with strings, prints as one); when a value arrived in one
/// piece it shares the buffer it was read into instead of being copied, which
/// keeps that buffer alive as long as the data is. Keep it as a `String`
/// (`String::from(data)`) to hold it for long.
///
/// It hashes, compares and orders as the `str` it holds, so a
/// `HashSet<EventData>` can be asked `contains("done")`, and it serializes as a
/// JSON string (`json!({"data": event.data})`).
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventData(Bytes);

impl std::hash::Hash for EventData {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // As `str` hashes: `Borrow<str>` promises the same hash.
        self.as_str().hash(state);
    }
}

impl serde::Serialize for EventData {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl EventData {
    /// Text already checked to be UTF-8.
    fn from_valid(bytes: Bytes) -> Self {
        debug_assert!(std::str::from_utf8(&bytes).is_ok());
        EventData(bytes)
    }

    /// `raw` as text (U+FFFD for invalid UTF-8), shared with `chunk` when it lies
    /// in it and is valid.
    fn from_slice(raw: &[u8], chunk: Option<&Chunk<'_>>) -> Self {
        if let Some(shared) = chunk.and_then(|chunk| chunk.share(raw)) {
            return EventData(shared);
        }
        let mut text = String::new();
        push_lossy(&mut text, raw);
        EventData::from(text)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // SAFETY: every constructor checks the bytes are UTF-8 (or takes a `str`),
        // and the bytes of a `Bytes` never change.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }

    /// The bytes of the text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::ops::Deref for EventData {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for EventData {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for EventData {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for EventData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for EventData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<String> for EventData {
    fn from(text: String) -> Self {
        EventData(Bytes::from(text.into_bytes()))
    }
}

impl From<&str> for EventData {
    fn from(text: &str) -> Self {
        EventData(Bytes::copy_from_slice(text.as_bytes()))
    }
}

impl From<EventData> for String {
    fn from(data: EventData) -> Self {
        data.as_str().to_owned()
    }
}

impl PartialEq<str> for EventData {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for EventData {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for EventData {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<EventData> for str {
    fn eq(&self, other: &EventData) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<EventData> for &str {
    fn eq(&self, other: &EventData) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<EventData> for String {
    fn eq(&self, other: &EventData) -> bool {
        self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(content_type: &str, chunks: Vec<&'static [u8]>) -> Vec<Result<Event, String>> {
        let bytes =
            futures_util::stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from_static(c))));
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
            whole[1].as_ref().unwrap().id.as_deref(),
            Some("7"),
            "the last event ID stays in force"
        );
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
        for tail in [
            &b"data: a\n\n: bye"[..],
            b"data: a\n\nid: 9\n",
            b"data: a\n\nevent: x",
            b"data: a\n\n\r",
        ] {
            let items = collect("text/event-stream", vec![tail]);
            assert_eq!(items.len(), 1, "a tail without data is no error: {items:?}");
        }
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

    fn decode_all(kind: Kind, limit: usize, chunks: &[&[u8]]) -> Vec<Result<Event, String>> {
        let mut decoder = Decoder::new(kind, limit);
        for chunk in chunks {
            decoder.feed(&Bytes::copy_from_slice(chunk));
        }
        decoder.finish();
        decoder
            .ready
            .into_iter()
            .map(|item| item.map_err(|err| err.to_string()))
            .collect()
    }

    #[test]
    fn the_event_limit_does_not_depend_on_chunking() {
        let mut body = b"data: small\n\n".to_vec();
        body.extend_from_slice(b"data: ");
        body.extend(std::iter::repeat_n(b'x', 3000));
        body.extend_from_slice(b"\n\ndata: after\n\n");
        let whole = decode_all(Kind::Sse, 2048, &[&body]);
        assert_eq!(whole.len(), 2, "{whole:?}");
        assert_eq!(
            whole[0].as_ref().unwrap().data,
            "small",
            "the event before comes first"
        );
        assert!(whole[1].as_ref().unwrap_err().contains("larger than 2048"));
        for size in [1, 7, 100, 1024, 2047, 2048, 2049, 4096] {
            let chunks: Vec<&[u8]> = body.chunks(size).collect();
            assert_eq!(
                decode_all(Kind::Sse, 2048, &chunks),
                whole,
                "chunks of {size}"
            );
        }
        // Many data lines add up.
        let many = b"data: 0123456789\n".repeat(300);
        let items = decode_all(Kind::Sse, 2048, &[&many]);
        assert!(items[0].is_err(), "{items:?}");
        // Within the limit, the same bytes pass.
        assert_eq!(decode_all(Kind::Sse, 8192, &[&body]).len(), 3);
        let long_line = decode_all(Kind::Lines, 10, &[b"{\"a\":1}\n{\"long\":1234567}\n"]);
        assert!(
            long_line[0].is_ok() && long_line[1].is_err(),
            "{long_line:?}"
        );
        let whole_body = decode_all(Kind::Whole, 4, &[b"12", b"345"]);
        assert!(whole_body[0].is_err(), "{whole_body:?}");
    }

    #[test]
    fn a_long_line_in_small_chunks_is_linear() {
        // 16 MiB in 1 KiB chunks: each byte is looked at once (quadratic rescans
        // took seconds here).
        let mut body = b"data: ".to_vec();
        body.extend(std::iter::repeat_n(b'y', 16 << 20));
        body.extend_from_slice(b"\n\n");
        let started = std::time::Instant::now();
        let mut decoder = Decoder::new(Kind::Sse, 32 << 20);
        for chunk in body.chunks(1024) {
            decoder.feed(&Bytes::copy_from_slice(chunk));
        }
        decoder.finish();
        let event = decoder.ready.pop_front().unwrap().unwrap();
        assert_eq!(event.data.len(), 16 << 20);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn event_data_hashes_and_serializes_as_its_text() {
        let mut seen = std::collections::HashSet::new();
        seen.insert(EventData::from("done"));
        assert!(seen.contains("done"), "Borrow<str> and Hash must agree");
        assert_eq!(
            serde_json::json!({"data": EventData::from("a\nb")}),
            serde_json::json!({"data": "a\nb"})
        );
    }
}
