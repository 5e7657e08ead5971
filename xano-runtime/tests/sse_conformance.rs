//! `EventStream` against the WHATWG HTML "event stream interpretation" rules.
//!
//! `model` below is written from the spec text (§ 9.2.6, quoted step by step), as
//! plainly as possible: decode the whole stream, then walk it line by line. It
//! shares no code with the runtime's decoder, which reads chunk by chunk in place.
//! A seeded generator writes streams that lean on every rule (BOMs, the three
//! line ends, invalid UTF-8, NUL in ids, non-digit retries, empty event types,
//! `id`/`retry`-only blocks, unknown fields, colons and spaces in values, cut
//! tails), and each stream is fed to the decoder whole, byte by byte and in
//! random chunkings. Where they differ the test prints the stream and both
//! outcomes.
//!
//! One documented departure is checked too: where the spec silently discards an
//! event the body ended in the middle of, `EventStream` ends with an error item.

use bytes::Bytes;
use futures_util::StreamExt;
use xano_runtime::{Event, EventStream};

/// What the spec's algorithm yields for a whole stream: the dispatched events,
/// and whether data was pending (discarded) when the stream ended.
#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<Event>,
    cut_with_data: bool,
    /// Error items other than a last "ended in the middle of an event": the spec
    /// has none.
    other_errors: Vec<String>,
}

/// The spec, literally.
fn model(stream: &[u8]) -> Outcome {
    // "Streams must be decoded using the UTF-8 decode algorithm." That algorithm
    // removes one leading BOM and replaces invalid sequences with U+FFFD.
    let mut bytes = stream;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes = &bytes[3..];
    }
    let text = String::from_utf8_lossy(bytes).into_owned();

    // "The stream must then be parsed by reading everything line by line, with a
    // U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single
    // U+000A LINE FEED (LF) character not preceded by a U+000D CARRIAGE RETURN
    // (CR) character, and a single U+000D CARRIAGE RETURN (CR) character not
    // followed by a U+000A LINE FEED (LF) character being the ways in which a line
    // can end." A last line with no line end is not a line: it is what the end of
    // the stream cuts off.
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\r' => {
                lines.push(std::mem::take(&mut current));
                if chars.get(i + 1) == Some(&'\n') {
                    i += 1;
                }
            }
            '\n' => lines.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
        i += 1;
    }
    let unterminated = current;

    let mut data = String::new();
    let mut event_type = String::new();
    let mut last_event_id_buffer = String::new();
    let mut reconnection_time: Option<u64> = None;
    let mut events = Vec::new();

    for line in lines {
        // "If the line is empty (a blank line): Dispatch the event."
        if line.is_empty() {
            // "1. Set the last event ID string of the event source to the value of
            // the last event ID buffer."
            let last_event_id = last_event_id_buffer.clone();
            // "2. If the data buffer is an empty string, set the data buffer and the
            // event type buffer to the empty string and return."
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            // "3. If the data buffer's last character is a U+000A LINE FEED (LF)
            // character, then remove the last character from the data buffer."
            if data.ends_with('\n') {
                data.pop();
            }
            // "4./5. ... the type attribute initialized to the value of the event
            // type buffer ... if it is not the empty string; otherwise 'message'."
            events.push(Event {
                event: (!event_type.is_empty()).then(|| event_type.clone()),
                data: std::mem::take(&mut data).into(),
                id: (!last_event_id.is_empty()).then(|| last_event_id.clone()),
                retry: reconnection_time,
            });
            // "7. Set the data buffer and the event type buffer to the empty string."
            event_type.clear();
            continue;
        }
        // "If the line starts with a U+003A COLON character (:): Ignore the line."
        if line.starts_with(':') {
            continue;
        }
        // "If the line contains a U+003A COLON character (:): Collect the characters
        // on the line before the first U+003A COLON character (:), and let field be
        // that string. Collect the characters on the line after the first U+003A
        // COLON character (:), and let value be that string. If value starts with a
        // U+0020 SPACE character, remove it from value." Otherwise: "using the whole
        // line as the field name, and the empty string as the field value."
        let (field, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line.as_str(), ""),
        };
        match field {
            // "Set the event type buffer to the field value."
            "event" => event_type = value.to_owned(),
            // "Append the field value to the data buffer, then append a single
            // U+000A LINE FEED (LF) character to the data buffer."
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            // "If the field value does not contain U+0000 NULL, then set the last
            // event ID buffer to the field value. Otherwise, ignore the field."
            "id" if !value.contains('\0') => last_event_id_buffer = value.to_owned(),
            // "If the field value consists of only ASCII digits, then interpret the
            // field value as an integer in base ten, and set the event stream's
            // reconnection time to that integer. Otherwise, ignore the field."
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                reconnection_time = Some(value.parse().unwrap_or(u64::MAX));
            }
            // "Otherwise: The field is ignored."
            _ => {}
        }
    }
    // "Once the end of the file is reached, any pending data must be discarded.
    // (If the file ends in the middle of an event, before the final empty line,
    // the incomplete event is not dispatched.)" Data is pending when the data
    // buffer is not empty, or the cut-off line was a data line.
    let unterminated_data = match unterminated.find(':') {
        Some(colon) => &unterminated[..colon] == "data",
        None => unterminated == "data",
    };
    Outcome {
        events,
        cut_with_data: !data.is_empty() || unterminated_data,
        other_errors: Vec::new(),
    }
}

/// What `EventStream` yields for `chunks`, in the same terms.
fn decoder(runtime: &tokio::runtime::Runtime, chunks: Vec<Vec<u8>>) -> Outcome {
    let bytes = futures_util::stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from(c))));
    let items: Vec<_> = runtime
        .block_on(EventStream::from_bytes(Some("text/event-stream"), bytes).collect::<Vec<_>>());
    let mut events = Vec::new();
    let mut cut_with_data = false;
    let mut other_errors = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match item {
            Ok(event) => events.push(event.clone()),
            Err(err) => {
                let message = err.to_string();
                if index + 1 == items.len() && message.contains("ended in the middle of an event") {
                    cut_with_data = true;
                } else {
                    other_errors.push(message);
                }
            }
        }
    }
    Outcome {
        events,
        cut_with_data,
        other_errors,
    }
}

/// A small deterministic PRNG (xorshift64*), so every run sees the same streams.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// A stream that leans on the rules.
fn generate(rng: &mut Rng) -> Vec<u8> {
    const VALUES: &[&[u8]] = &[
        b"",
        b"hello",
        b" two leading spaces",
        b"a:b:c",
        b"{\"text\":\"h\xc3\xa9\"}",
        b"\xff\xfe bad utf-8",
        b"half \xe2\x82",
        b"\xe2\x82\xac euro",
        b"nul\x00inside",
        b"\xEF\xBB\xBF bom inside",
        b"5",
        b"+5",
        b"-1",
        b"5x",
        b"007",
        b"99999999999999999999999",
        b"  ",
        b":",
    ];
    const FIELDS: &[&[u8]] = &[
        b"data", b"data", b"data", b"event", b"id", b"retry", b"Data", b"dat", b"unknown", b"",
    ];
    const ENDS: &[&[u8]] = &[b"\n", b"\r\n", b"\r"];
    let mut out = Vec::new();
    match rng.below(6) {
        0 => out.extend_from_slice(b"\xEF\xBB\xBF"),
        1 => out.extend_from_slice(b"\xEF\xBB\xBF\xEF\xBB\xBF"),
        _ => {}
    }
    let lines = 1 + rng.below(14);
    for _ in 0..lines {
        match rng.below(10) {
            0 | 1 => {} // a blank line
            2 => {
                out.push(b':');
                out.extend_from_slice(rng.pick(VALUES));
            }
            3 => out.extend_from_slice(rng.pick(FIELDS)), // no colon at all
            _ => {
                out.extend_from_slice(rng.pick(FIELDS));
                out.push(b':');
                if rng.below(2) == 0 {
                    out.push(b' ');
                }
                out.extend_from_slice(rng.pick(VALUES));
            }
        }
        out.extend_from_slice(rng.pick(ENDS));
    }
    // Sometimes the stream is cut anywhere, even inside a line end or a UTF-8
    // sequence.
    if rng.below(3) == 0 && !out.is_empty() {
        let keep = rng.below(out.len() + 1);
        out.truncate(keep);
    }
    out
}

fn random_chunks(rng: &mut Rng, stream: &[u8]) -> Vec<Vec<u8>> {
    let mut chunks = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        let size = 1 + rng.below(rest.len().min(12));
        chunks.push(rest[..size].to_vec());
        rest = &rest[size..];
        if rng.below(8) == 0 {
            chunks.push(Vec::new()); // empty chunks happen too
        }
    }
    chunks
}

#[test]
fn the_decoder_agrees_with_the_spec_model() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut rng = Rng(0x5EED_2026_1124);
    let streams = 10_000;
    let mut runs = 0;
    let mut disagreements = Vec::new();
    let mut disagreeing = 0;
    for _ in 0..streams {
        let stream = generate(&mut rng);
        let expected = model(&stream);
        let mut chunkings = vec![
            vec![stream.clone()],
            stream.chunks(1).map(<[u8]>::to_vec).collect(),
        ];
        for _ in 0..3 {
            chunkings.push(random_chunks(&mut rng, &stream));
        }
        for chunks in chunkings {
            runs += 1;
            let got = decoder(&runtime, chunks.clone());
            disagreeing += usize::from(got != expected);
            if got != expected && disagreements.len() < 5 {
                disagreements.push(format!(
                    "stream {:?}\nchunks {:?}\nspec    {expected:?}\ndecoder {got:?}",
                    String::from_utf8_lossy(&stream),
                    chunks.iter().map(Vec::len).collect::<Vec<_>>()
                ));
            }
        }
    }
    println!("{streams} streams, {runs} decodings compared with the spec model");
    assert!(
        disagreements.is_empty(),
        "{disagreeing} of {runs} decodings disagree, first ones:\n{}",
        disagreements.join("\n\n")
    );
}

/// Hand-picked cases, most from the examples of the spec itself.
#[test]
fn spec_examples_and_edge_cases() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    /// Data, type and last event ID of each event.
    type Expected<'a> = &'a [(&'a str, Option<&'a str>, Option<&'a str>)];
    let cases: &[(&[u8], Expected)] = &[
        // "data: YHOO\ndata: +2\ndata: 10\n\n" is one event, lines joined by LF.
        (b"data: YHOO\ndata: +2\ndata: 10\n\n", &[("YHOO\n+2\n10", None, None)]),
        // The spec's id example: the second block's id stays for the third event.
        (
            b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n",
            &[("first event", None, Some("1")), ("second event", None, None), (" third event", None, None)],
        ),
        // "data" with no colon, and "data:" — two empty lines of data.
        (b"data\n\ndata\ndata\n\ndata:", &[("", None, None), ("\n", None, None)]),
        // "test" with and without the space after the colon.
        (b"data:test\n\ndata: test\n\n", &[("test", None, None), ("test", None, None)]),
        // A leading BOM is dropped; a second one is content (field name "\u{feff}data").
        (b"\xEF\xBB\xBFdata: a\n\n", &[("a", None, None)]),
        (b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n", &[]),
        // An id-only block sets the id of the next event.
        (b"id: 42\n\ndata: x\n\n", &[("x", None, Some("42"))]),
        // An id holding NUL is ignored; an empty id clears it.
        (b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\nid\ndata: c\n\n", &[("a", None, Some("1")), ("b", None, Some("1")), ("c", None, None)]),
        // An empty event type is the default type.
        (b"event:\ndata: a\n\nevent: ping\ndata: b\n\ndata: c\n\n", &[("a", None, None), ("b", Some("ping"), None), ("c", None, None)]),
        // Invalid UTF-8 is replaced, never an error.
        (b"data: \xff!\n\n", &[("\u{fffd}!", None, None)]),
    ];
    for (stream, expected) in cases {
        let got = decoder(&runtime, vec![stream.to_vec()]);
        assert_eq!(
            got,
            model(stream),
            "model and decoder on {:?}",
            String::from_utf8_lossy(stream)
        );
        let summary: Vec<(&str, Option<&str>, Option<&str>)> = got
            .events
            .iter()
            .map(|e| (e.data.as_str(), e.event.as_deref(), e.id.as_deref()))
            .collect();
        assert_eq!(&summary, expected, "{:?}", String::from_utf8_lossy(stream));
    }

    // retry: only all-digit values count, and an invalid one keeps the earlier.
    let retries = decoder(
        &runtime,
        vec![
            b"retry: 5000\ndata: a\n\nretry: +5\ndata: b\n\nretry: 5x\nretry: 12\ndata: c\n\n"
                .to_vec(),
        ],
    );
    let in_force: Vec<Option<u64>> = retries.events.iter().map(|e| e.retry).collect();
    assert_eq!(in_force, [Some(5000), Some(5000), Some(12)]);
}
