//! Every request media type a spec declares goes out as declared
//! (`xano-codegen/tests/fixtures/media_types.json`, shaped like Xano's Metadata
//! API): XanoScript as raw `text/x-xanoscript`, bytes as
//! `application/octet-stream`, forms urlencoded, and a required input that may be
//! null sent as `null` rather than left out. Checked on the raw bytes a server
//! reads.

use xano_runtime::{Bytes, Client};
use xano_tests::fault_server::{Conn, FaultServer, RawRequest};
use xano_tests::generated::media_types_spec::media_types as api;

async fn recorder() -> FaultServer {
    FaultServer::start(|mut conn: Conn, _| async move {
        while conn.request().await.is_some() {
            conn.respond(200, &[], br#"{"id": 1}"#).await;
        }
    })
    .await
}

fn last(server: &FaultServer) -> RawRequest {
    server.requests().pop().expect("a request")
}

#[tokio::test]
async fn bodies_go_in_their_declared_media_type() {
    let server = recorder().await;
    let xano = Client::builder(server.origin()).build().unwrap();
    xano.session().set_token("t");
    let media = api::Client::new(&xano);

    let program = "tool foo {\n  input {\n    int score\n  }\n}\n";
    media
        .post_workspace_tool(
            7,
            &api::PostWorkspaceToolInput {
                branch: Some("dev".into()),
                body: program.into(),
            },
        )
        .await
        .unwrap();
    let sent = last(&server);
    assert_eq!(sent.target, "/api:media1/workspace/7/tool?branch=dev");
    assert_eq!(sent.header("content-type"), Some("text/x-xanoscript"));
    assert_eq!(sent.body, program.as_bytes(), "raw, not JSON-quoted");

    let csv = Bytes::from_static(b"id,title\n1,Dune\n\xff\x00binary-safe");
    media
        .post_imports(&api::PostImportsInput {
            table: "books".into(),
            body: csv.clone(),
        })
        .await
        .unwrap();
    let sent = last(&server);
    assert_eq!(
        sent.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(sent.body, csv.to_vec());
    assert_eq!(sent.target, "/api:media1/imports?table=books");

    media
        .post_subscribe(&api::PostSubscribeInput {
            email: "ada@example.com".into(),
            topics: Some(vec!["new books".into(), "sales".into()]),
            consent: Some(true),
        })
        .await
        .unwrap();
    let sent = last(&server);
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&sent.body)
        .into_owned()
        .collect();
    let expected: Vec<(String, String)> = [
        ("email", "ada@example.com"),
        ("topics[]", "new books"),
        ("topics[]", "sales"),
        ("consent", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(form, expected);

    // Where the spec offers XanoScript, multipart and JSON, the typed JSON wins.
    media
        .post_workspace_apigroup(
            7,
            &api::PostWorkspaceApigroupInput {
                name: "Shop".into(),
                swagger: None,
            },
        )
        .await
        .unwrap();
    let sent = last(&server);
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.body, br#"{"name":"Shop"}"#);
}

#[tokio::test]
async fn required_inputs_that_may_be_null_are_sent_as_null() {
    let server = recorder().await;
    let xano = Client::builder(server.origin()).build().unwrap();
    xano.session().set_token("t");
    api::Client::new(&xano)
        .post_notes(&api::PostNotesInput {
            text: "hello".into(),
            parent_id: None,
            color: None,
        })
        .await
        .unwrap();
    // `parent_id` is required (Xano answers 400 without it) and nullable: null
    // goes out; `color` is optional: left out.
    assert_eq!(last(&server).body, br#"{"text":"hello","parent_id":null}"#);
}
