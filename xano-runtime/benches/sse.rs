//! SSE decoding on loopback: the same 16 MiB body read as raw bytes (the baseline)
//! and as events through `RequestBuilder::stream`, with large and small events.
//!
//! `cargo bench -p xano-runtime --bench sse` — the ratio raw/events is the
//! decoder's throughput relative to just reading the socket (goal ≥ 0.8).

use criterion::{Criterion, Throughput, criterion_group};
use futures_util::StreamExt;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BODY_BYTES: usize = 16 << 20;

/// `data: <payload>\n\n` repeated up to about 16 MiB.
fn body(payload_len: usize) -> Arc<Vec<u8>> {
    let event = format!("data: {}\n\n", "x".repeat(payload_len));
    let events = BODY_BYTES / event.len();
    Arc::new(event.repeat(events).into_bytes())
}

/// A minimal HTTP/1.1 server on 127.0.0.1 answering every request with `body`.
async fn serve(body: Arc<Vec<u8>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let body = Arc::clone(&body);
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                loop {
                    let Ok(n) = socket.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    if request.windows(4).any(|w| w == b"\r\n\r\n") {
                        request.clear();
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        );
                        if socket.write_all(head.as_bytes()).await.is_err()
                            || socket.write_all(&body).await.is_err()
                        {
                            return;
                        }
                    }
                }
            });
        }
    });
    origin
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for (name, payload) in [("events_1KiB", 1018usize), ("events_64B", 56usize)] {
        let body = body(payload);
        let origin = runtime.block_on(serve(Arc::clone(&body)));
        let client = xano_runtime::Client::builder(origin.as_str())
            .build()
            .unwrap();
        let http = reqwest::Client::new();
        let mut group = c.benchmark_group(format!("sse_{name}"));
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.sample_size(20);
        group.bench_function("raw_bytes", |b| {
            b.to_async(&runtime).iter(|| async {
                let response = http.get(format!("{origin}/stream")).send().await.unwrap();
                let mut stream = response.bytes_stream();
                let mut total = 0;
                while let Some(chunk) = stream.next().await {
                    total += chunk.unwrap().len();
                }
                assert_eq!(total, body.len());
            })
        });
        let events_expected = body.len() / (payload + 8);
        group.bench_function("sse_events", |b| {
            b.to_async(&runtime).iter(|| async {
                let mut events = client.get("/stream").stream().await.unwrap();
                let mut count = 0;
                while let Some(event) = events.next().await {
                    event.unwrap();
                    count += 1;
                }
                assert_eq!(count, events_expected);
            })
        });
        // The decoder alone, on the same bytes already in memory (16 KiB chunks):
        // what decoding costs without the socket.
        let chunks: Vec<bytes::Bytes> = body
            .chunks(16 << 10)
            .map(bytes::Bytes::copy_from_slice)
            .collect();
        group.bench_function("decode_in_memory", |b| {
            b.to_async(&runtime).iter(|| async {
                let bytes = futures_util::stream::iter(chunks.clone().into_iter().map(Ok));
                let mut events =
                    xano_runtime::EventStream::from_bytes(Some("text/event-stream"), bytes);
                let mut count = 0;
                while let Some(event) = events.next().await {
                    event.unwrap();
                    count += 1;
                }
                assert_eq!(count, events_expected);
            })
        });
        group.finish();
    }
}

/// The figure the goal is about, robust to this machine's drift: raw and events
/// reads alternate, 25 of each per size, and the median of the per-pair ratios
/// (events throughput / raw throughput) is printed.
fn alternating_ratio() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for (name, payload) in [("1 KiB events", 1018usize), ("64-byte events", 56usize)] {
        let body = body(payload);
        let origin = runtime.block_on(serve(Arc::clone(&body)));
        let client = xano_runtime::Client::builder(origin.as_str())
            .build()
            .unwrap();
        let http = reqwest::Client::new();
        let mut ratios = Vec::new();
        for _ in 0..25 {
            let raw = runtime.block_on(async {
                let started = std::time::Instant::now();
                let response = http.get(format!("{origin}/stream")).send().await.unwrap();
                let mut stream = response.bytes_stream();
                while let Some(chunk) = stream.next().await {
                    chunk.unwrap();
                }
                started.elapsed()
            });
            let events = runtime.block_on(async {
                let started = std::time::Instant::now();
                let mut events = client.get("/stream").stream().await.unwrap();
                while let Some(event) = events.next().await {
                    event.unwrap();
                }
                started.elapsed()
            });
            ratios.push(raw.as_secs_f64() / events.as_secs_f64());
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "{name}: events at {:.2}x raw throughput (median of 25 alternating pairs; range {:.2}-{:.2})",
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1]
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    alternating_ratio();
    Criterion::default().configure_from_args().final_summary();
}
