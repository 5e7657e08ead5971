//! What the typed layer costs per call: a generated call (`get_books_by_book_id`)
//! against the same request written by hand with reqwest and a serde-derived struct,
//! both against one loopback server, both on one `reqwest::Client`.
//!
//! `cargo bench -p xano-tests --bench call_overhead [-- CALLS]` (default 10,000 of
//! each). The variants alternate in rounds of 500 so that machine noise hits all
//! of them; each figure is the median round, as wall time per call and as the
//! client thread's CPU time per call (steadier, and without the server's share).
//! Allocations are counted on the client's thread only (the server runs on its own
//! threads).

use axum::Router;
use axum::routing::get;
use serde::Deserialize;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use xano_tests::generated::bookstore_spec::bookstore;

/// Counts the allocations made on threads that opted in.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTED.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTED.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A book as Xano returns it (the bundled spec's book record).
const BOOK: &str = r#"{"id": 7, "created_at": 1718000000000, "title": "Dune", "author_id": 3,
  "genre": "scifi", "price": 9.99, "in_stock": true, "tags": ["classic", "desert"],
  "cover": {"access": "public", "path": "/vault/abc/dune.jpg", "name": "dune.jpg",
  "type": "image", "size": 48213, "mime": "image/jpeg", "meta": {"width": 600, "height": 900},
  "url": "https://x.xano.io/vault/abc/dune.jpg"}, "metadata": {"pages": 412}}"#;

/// What a careful hand-written client would declare.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Book {
    id: Option<i64>,
    created_at: Option<i64>,
    title: Option<String>,
    author_id: Option<i64>,
    genre: Option<String>,
    price: Option<f64>,
    in_stock: Option<bool>,
    tags: Option<Vec<String>>,
    cover: Option<Cover>,
    metadata: Option<serde_json::Value>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Cover {
    access: Option<String>,
    path: Option<String>,
    name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    size: Option<i64>,
    mime: Option<String>,
    meta: Option<serde_json::Value>,
    url: Option<String>,
}

fn start_server() -> String {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let app = Router::new().route(
                "/api:bookstore1/books/{book_id}",
                get(|| async { ([("content-type", "application/json")], BOOK) }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            ready_tx
                .send(format!("http://{}", listener.local_addr().expect("addr")))
                .expect("ready");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    ready_rx.recv().expect("server address")
}

/// One way of making the call. Each variant boxes its future the same way, so the
/// box costs all of them alike.
type Call<'a> = Box<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + 'a>> + 'a>;

/// Time, the client thread's CPU time and allocations of one round.
struct Round {
    elapsed: Duration,
    cpu: Duration,
    allocations: u64,
}

/// CPU time used by this thread so far (user and system). Steadier than wall time
/// on a shared machine, and it leaves out the server, which is the same for all.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for clock_gettime to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

async fn round<'a>(calls: usize, call: &Call<'a>) -> Round {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let cpu = thread_cpu_time();
    let started = Instant::now();
    for _ in 0..calls {
        call().await;
    }
    Round {
        elapsed: started.elapsed(),
        cpu: thread_cpu_time() - cpu,
        allocations: ALLOCATIONS.load(Ordering::Relaxed) - before,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Allocations made by `decode` once, on this thread.
fn allocations_of(decode: impl Fn()) -> u64 {
    COUNTED.with(|counted| counted.set(true));
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    decode();
    let made = ALLOCATIONS.load(Ordering::Relaxed) - before;
    COUNTED.with(|counted| counted.set(false));
    made
}

/// Nanoseconds per decode of `BOOK` by `decode` (median of 5 batches of
/// 20,000) and allocations per decode.
fn decode_cost(decode: impl Fn(&str) -> bool) -> (f64, u64) {
    let decode = || assert!(decode(std::hint::black_box(BOOK)), "decode");
    let allocations = allocations_of(decode);
    let batches = (0..5)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..20_000 {
                decode();
            }
            started.elapsed().as_nanos() as f64 / 20_000.0
        })
        .collect();
    (median(batches), allocations)
}

fn main() {
    let calls: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(10_000);
    // The share of the decoding: the body alone, into each side's type.
    let hand = decode_cost(|body| serde_json::from_str::<Book>(body).map(drop).is_ok());
    let generated = decode_cost(|body| {
        xano_runtime::decode_json::<bookstore::GetBooksByBookIdOutput>(body.as_bytes())
            .map(drop)
            .is_ok()
    });
    println!(
        "decoding the body alone: serde derive {:.0} ns, {} allocations; generated type as the runtime decodes it {:.0} ns, {} allocations",
        hand.0, hand.1, generated.0, generated.1
    );
    let origin = start_server();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    runtime.block_on(async {
        // Building a client the default way installs the process's TLS provider,
        // which `reqwest::Client::new` needs.
        drop(xano_runtime::Client::builder(origin.clone()).build());
        // One reqwest client for both sides: the same pool, the same settings.
        let http = reqwest::Client::new();
        let xano = xano_runtime::Client::builder(origin.clone())
            .http_client(http.clone())
            .build()
            .expect("client");
        let books = bookstore::Client::new(&xano);
        let url = format!("{origin}/api:bookstore1/books/");

        let group = xano.with_api_group(bookstore::API_GROUP);
        let variants: Vec<(&str, Call)> = vec![
            (
                "hand-written reqwest + serde derive",
                Box::new(|| {
                    Box::pin(async {
                        let response = http
                            .get(format!("{url}{}", 7))
                            .send()
                            .await
                            .expect("send")
                            .error_for_status()
                            .expect("status");
                        let book: Book = response.json().await.expect("decode");
                        assert_eq!(book.id, Some(7));
                    })
                }),
            ),
            (
                "xano-runtime call, serde-derived type",
                Box::new(|| {
                    Box::pin(async {
                        let book: Book = group
                            .get(&format!("/books/{}", 7))
                            .send()
                            .await
                            .expect("runtime call");
                        assert_eq!(book.id, Some(7));
                    })
                }),
            ),
            (
                "generated client (typed call and type)",
                Box::new(|| {
                    Box::pin(async {
                        let book = books.get_books_by_book_id(7).await.expect("generated call");
                        assert_eq!(book.id, Some(7));
                    })
                }),
            ),
        ];

        // Warm up every variant (connections, caches), then alternate rounds.
        for (_, call) in &variants {
            round(500, call).await;
        }
        COUNTED.with(|counted| counted.set(true));
        let per_round = 500.min(calls);
        let rounds = calls.div_ceil(per_round);
        let mut times = vec![Vec::new(); variants.len()];
        let mut cpu_times = vec![Vec::new(); variants.len()];
        let mut allocations = vec![0u64; variants.len()];
        for r in 0..rounds {
            // Each round starts with a different variant, so none always runs
            // first (or right after the same neighbour).
            for k in 0..variants.len() {
                let i = (r + k) % variants.len();
                let measured = round(per_round, &variants[i].1).await;
                times[i].push(measured.elapsed.as_secs_f64() * 1e6 / per_round as f64);
                cpu_times[i].push(measured.cpu.as_secs_f64() * 1e6 / per_round as f64);
                allocations[i] += measured.allocations;
            }
        }
        COUNTED.with(|counted| counted.set(false));
        let total = (rounds * per_round) as f64;
        // Ratios are taken round by round (the variants of one round ran within
        // a few milliseconds of each other) and the median ratio reported, which
        // cancels drift in the machine's speed over the run.
        let ratio = |series: &[Vec<f64>], i: usize| {
            median(
                series[i]
                    .iter()
                    .zip(&series[0])
                    .map(|(value, base)| value / base)
                    .collect(),
            )
        };
        let ratios: Vec<f64> = (0..variants.len()).map(|i| ratio(&times, i)).collect();
        let cpu_ratios: Vec<f64> = (0..variants.len()).map(|i| ratio(&cpu_times, i)).collect();
        let medians: Vec<f64> = times.into_iter().map(median).collect();
        let cpu_medians: Vec<f64> = cpu_times.into_iter().map(median).collect();
        println!(
            "{} calls each, {rounds} alternating rounds of {per_round}:",
            rounds * per_round
        );
        for (i, (name, _)) in variants.iter().enumerate() {
            println!(
                "  {name:<38} {:>6.1} µs/call {:.3}×  client CPU {:>5.1} µs/call {:.3}×  {:>5.1} allocations/call",
                medians[i],
                ratios[i],
                cpu_medians[i],
                cpu_ratios[i],
                allocations[i] as f64 / total,
            );
        }
    });
}
