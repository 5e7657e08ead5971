//! The typed fake of real Xano specs (`../shared/xano-specs`, when present):
//! generated clients and their fakes agree on inputs the bookstore does not
//! have (wire names that are not Rust names, enums, timestamps, JSON outputs).

#![cfg(xano_shared_specs)]

use xano_runtime::{Client, Timestamp};
use xano_tests::generated::roboulos_xano_v2_admin_frontend_api_v2_openapi_derives_spec::frontend_api_v2 as roboulos;
use xano_tests::generated::sharetreedev_ep_native_rn_apispec_lmtnxskw_derives_spec::mobile_native as sharetree;

#[tokio::test]
async fn sharetree_pairs_update_round_trips_through_the_fake() {
    let fake = sharetree::fake::Server::start().await;
    fake.patch_pairs_by_pairs_id(|(id, input)| {
        Ok(sharetree::Pair {
            id: Some(id),
            pair_user_ids: input.pair_user_ids,
            pair_type: input.pair_type,
            created_at: input.deleted_at.flatten(),
            ..Default::default()
        })
    });
    let xano = Client::builder(fake.origin()).build().unwrap();
    xano.session().set_token("t");
    let pairs = sharetree::Client::new(&xano);
    let when = Timestamp::from_millis(1_700_000_000_123);
    let pair = pairs
        .patch_pairs_by_pairs_id(
            12,
            &sharetree::PairsInput {
                pair_user_ids: Some(vec![3, 4]),
                pair_type: Some(sharetree::PairType::Push),
                deleted_at: Some(Some(when)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(pair.id, Some(12));
    assert_eq!(pair.pair_user_ids, Some(vec![3, 4]));
    assert_eq!(pair.pair_type, Some(sharetree::PairType::Push));
    assert_eq!(pair.created_at, Some(when));
    let call = &fake.calls().patch_pairs_by_pairs_id()[0];
    // The wire name is Xano's, not the Rust field's.
    let body = match &call.request.body {
        xano_runtime::fake::FakeBody::Json(body) => body.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(body["pairUserIDs"], serde_json::json!([3, 4]), "{body}");
    assert_eq!(call.args.1.deleted_at, Some(Some(when)));

    // `deletedAt` may be null: three states on the wire and back through the
    // fake. `Some(None)` clears it (`null`), `None` leaves it alone (absent).
    for (sent, on_the_wire) in [(Some(None), Some(serde_json::Value::Null)), (None, None)] {
        pairs
            .patch_pairs_by_pairs_id(
                12,
                &sharetree::PairsInput {
                    deleted_at: sent,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let call = fake.calls().patch_pairs_by_pairs_id().pop().unwrap();
        let body = match &call.request.body {
            xano_runtime::fake::FakeBody::Json(body) => body.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(body.get("deletedAt").cloned(), on_the_wire, "{body}");
        assert_eq!(
            call.args.1.deleted_at, sent,
            "the fake reads back what was sent"
        );
    }
}

#[tokio::test]
async fn roboulos_chart_query_reaches_the_handler_typed() {
    let fake = roboulos::fake::Server::start().await;
    fake.get_chart_revenue_trends(|input| {
        Ok(serde_json::json!({"months": input.months_back.unwrap_or(0)}))
    });
    let xano = Client::builder(fake.origin()).build().unwrap();
    xano.session().set_token("t");
    let charts = roboulos::Client::new(&xano);
    let trends = charts
        .get_chart_revenue_trends(&roboulos::ChartInput {
            months_back: Some(6),
        })
        .await
        .unwrap();
    assert_eq!(trends["months"], 6);
    assert_eq!(
        fake.calls().get_chart_revenue_trends()[0].request.query["months_back"],
        "6"
    );
}
