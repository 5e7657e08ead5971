//! What goes on the wire, judged against the official `@xano/js-sdk` 3.0.1.
//!
//! Both clients send the same calls to the fake Xano, which records every request
//! as it arrived; the test compares the two recordings: method, path, the raw
//! query string byte for byte, JSON bodies, multipart parts, and the auth and
//! data-source headers. The SDK runs in Node from `tests/references` (`npm ci` there;
//! CI does it). Without Node or the SDK installed the test says so and passes,
//! so a machine without Node can still run the suite.

use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use xano_runtime::{Client, File};
use xano_tests::fake_xano::{FakeXano, Recorded, RecordedBody};

const GROUP: &str = "api:sdkcompare";

fn sdk_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("references")
}

/// Whether the reference can run here; prints why not.
fn reference_available() -> bool {
    let installed = sdk_dir().join("node_modules/@xano/js-sdk/package.json");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node || !installed.exists() {
        // CI installs the reference; there, its absence is a failure, not a pass.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but the official SDK reference is missing (node: {node}, SDK installed: {}): run `npm ci --prefix tests/references`",
            installed.exists()
        );
        eprintln!(
            "SKIPPED: the official SDK reference needs Node and `npm ci --prefix tests/references` (node: {node}, SDK installed: {})",
            installed.exists()
        );
        return false;
    }
    true
}

/// The calls both clients make. Query inputs cover every shape the SDK's
/// serializer distinguishes, and characters that need encoding.
fn cases() -> Vec<Value> {
    vec![
        json!({"method": "GET", "path": "/flat", "params": {"page": 2, "search": "dune", "in_stock": true, "price": 9.5}}),
        json!({"method": "GET", "path": "/array", "params": {"tags": ["sci-fi", "classic"], "ids": [1, 2, 3]}}),
        json!({"method": "GET", "path": "/object", "params": {"range": {"from": 1, "to": 10}}}),
        json!({"method": "GET", "path": "/objects", "params": {"objs": [{"a": 1, "b": 2}, {"a": 3}]}}),
        json!({"method": "GET", "path": "/nested", "params": {"nest": {"arr": [1, 2], "deep": {"x": "y"}}}}),
        json!({"method": "GET", "path": "/grid", "params": {"grid": [[1, 2], [3]]}}),
        json!({"method": "GET", "path": "/nulls", "params": {"a": null, "list": [1, null, 2], "o": {"k": null, "v": 1}}}),
        json!({"method": "GET", "path": "/empty", "params": {"none": [], "nothing": {}, "kept": "x"}}),
        json!({"method": "GET", "path": "/chars", "params": {"q": "a b&c=d+e/f?g#h", "brackets": "[x]:$,;@", "unicode": "café 🚀", "quote": "\"q\"", "marks": "!~*'()"}}),
        json!({"method": "POST", "path": "/json", "params": {"title": "Ubik", "price": 8.0, "tags": ["a"], "meta": {"k": [1, {"z": null}]}, "nothing": null}}),
        json!({"method": "DELETE", "path": "/with-body", "params": {"reason": "duplicate"}}),
        json!({"method": "PATCH", "path": "/patch", "params": {"in_stock": false}}),
        // The SDK's multipart path only takes strings, files and objects (a number
        // or boolean makes form-data throw), so that is what real callers send.
        json!({"method": "POST", "path": "/upload", "params": {"caption": "cover", "count": "3", "meta": {"w": 640}},
               "files": {"image": {"file_name": "cover.png", "base64": "iVBORw0KGgoAAAANSUhEUg=="}}}),
        // A null field of a multipart body: the SDK sends the text `null`, which is
        // what an optional nullable input set to `Some(None)` sends.
        json!({"method": "POST", "path": "/upload-null", "params": {"caption": null, "kept": "x"},
               "files": {"image": {"file_name": "a.png", "base64": "iVBORw0KGgoAAAANSUhEUg=="}}}),
    ]
}

/// The same call through xano-runtime: query inputs one by one as generated code
/// adds them, bodies as JSON or (with files) multipart.
async fn send_ours(xano: &Client, case: &Value) {
    let client = xano.with_api_group(GROUP);
    let method: xano_runtime::Method = case["method"].as_str().unwrap().parse().unwrap();
    let path = case["path"].as_str().unwrap();
    let params = case["params"].as_object().cloned().unwrap_or_default();
    let mut call = client.request(method.clone(), path).auth();
    if method == xano_runtime::Method::GET {
        for (name, value) in &params {
            call = call.query(name, value);
        }
    } else if let Some(files) = case["files"].as_object() {
        for (name, value) in &params {
            call = if value.is_null() {
                // Generated code for an `Option<Option<T>>` input set to `Some(None)`.
                call.nullable_field(name, &Some(None::<String>))
            } else {
                call.field(name, value)
            };
        }
        for (name, file) in files {
            use base64_decode::decode;
            let bytes = decode(file["base64"].as_str().unwrap());
            let file = File::from_bytes(file["file_name"].as_str().unwrap(), bytes);
            call = call.file(name, &file);
        }
    } else {
        call = call.json(&params);
    }
    // The recorder answers 404; only the request matters.
    let _ = call.send::<Value>().await;
}

/// A tiny standard base64 decoder (the cases are fixed and well-formed).
mod base64_decode {
    pub fn decode(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let mut buffer = 0u32;
        let mut bits = 0;
        for byte in text.bytes().filter(|b| *b != b'=') {
            let value = ALPHABET.iter().position(|a| *a == byte).expect("base64") as u32;
            buffer = (buffer << 6) | value;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((buffer >> bits) as u8);
            }
        }
        out
    }
}

fn run_reference(origin: &str) {
    let mut child = Command::new("node")
        .arg(sdk_dir().join("capture.mjs"))
        .arg(origin)
        .arg(GROUP)
        .current_dir(sdk_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(Value::Array(cases()).to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the SDK harness failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What of a request both clients must agree on.
#[derive(Debug, PartialEq)]
struct Wire {
    method: String,
    path: String,
    query: Option<String>,
    authorization: Option<String>,
    data_source: Option<String>,
    content_type: Option<String>,
    body: RecordedBody,
}

/// The two differences that are not ours to remove, made equal:
/// - `'` in a query: Node sends it raw; reqwest's URL type follows the WHATWG URL
///   standard, which (like browsers) writes `%27` for http(s) URLs. The same
///   character to any server.
/// - JSON numbers: JavaScript has one number type, so the SDK writes a whole `f64`
///   as `8`; serde writes `8.0`. The same number to any JSON reader.
fn wire(request: &Recorded) -> Wire {
    let header = |name: &str| request.header(name).map(str::to_owned);
    let mut body = request.body.clone();
    if let RecordedBody::Json(value) = &mut body {
        numbers_as_f64(value);
    }
    if let RecordedBody::Multipart(parts) = &mut body {
        // Part order is each client's own; compare as a set.
        parts.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Wire {
        method: request.method.to_string(),
        path: request.path.clone(),
        query: request.query.as_ref().map(|q| q.replace('\'', "%27")),
        authorization: header("authorization").map(|v| v.replace("sdk-token", "TOKEN")),
        data_source: header("x-data-source"),
        // Multipart boundaries differ by construction.
        content_type: header("content-type")
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned()),
        body,
    }
}

fn numbers_as_f64(value: &mut Value) {
    match value {
        Value::Number(number) => {
            *value = json!(number.as_f64().unwrap_or(f64::NAN));
        }
        Value::Array(items) => items.iter_mut().for_each(numbers_as_f64),
        Value::Object(fields) => fields.values_mut().for_each(numbers_as_f64),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_match_the_official_sdk() {
    if !reference_available() {
        return;
    }
    let reference = FakeXano::start().await;
    let origin = reference.origin().to_owned();
    tokio::task::spawn_blocking(move || run_reference(&origin))
        .await
        .unwrap();
    let theirs: Vec<Wire> = reference.requests().iter().map(wire).collect();
    assert_eq!(theirs.len(), cases().len(), "the SDK sent every case");

    let ours_server = FakeXano::start().await;
    let xano = Client::builder(ours_server.origin())
        .data_source("test")
        .build()
        .unwrap();
    xano.session().set_token("sdk-token");
    for case in cases() {
        send_ours(&xano, &case).await;
    }
    let ours: Vec<Wire> = ours_server.requests().iter().map(wire).collect();

    let mut differences = Vec::new();
    for ((case, theirs), ours) in cases().iter().zip(&theirs).zip(&ours) {
        if theirs != ours {
            differences.push(format!("{case}\n  SDK:  {theirs:?}\n  ours: {ours:?}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} requests differ from the official SDK's:\n{}",
        differences.len(),
        cases().len(),
        differences.join("\n")
    );
}
