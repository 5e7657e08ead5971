use serde::Deserialize;
use std::time::Instant;
fn main() {
    for path in std::env::args().skip(1) {
        let raw = xano_codegen::RawSpec::from_path(path.as_ref()).unwrap();
        let mut doc = raw.json.clone();
        xano_codegen::normalize::normalize(&mut doc);
        let t = Instant::now();
        let _a: openapiv3::OpenAPI = serde_path_to_error::deserialize(&doc).unwrap();
        let ta = t.elapsed();
        let t = Instant::now();
        let _b = openapiv3::OpenAPI::deserialize(&doc).unwrap();
        let tb = t.elapsed();
        let c = doc.clone();
        let t = Instant::now();
        let _c = openapiv3::OpenAPI::deserialize(c).unwrap();
        let tc = t.elapsed();
        let text = serde_json::to_vec(&doc).unwrap();
        let t = Instant::now();
        let _d: openapiv3::OpenAPI = serde_json::from_slice(&text).unwrap();
        let td = t.elapsed();
        let t = Instant::now();
        let _e = doc.clone();
        let te = t.elapsed();
        println!("tracked {ta:?} plain-ref {tb:?} owned {tc:?} from-text {td:?} clone {te:?}");
    }
}
