//! The OpenAPI document: 3.1, every served route documented, every documented route served.

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{Backend, TestApp};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test(flavor = "multi_thread")]
async fn document_is_openapi_3_1_with_schemas_and_error_responses() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let doc: Value = app.request(Method::GET, "/openapi.json").send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for schema in
        ["ErrorEnvelope", "PlaylistDto", "AddItems", "AddItemsResponse", "NewUser", "TokenResponse", "ItemPage"]
    {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema} missing");
    }
    // Every schema a route names is in the document (clients and fuzzers resolve them).
    let text = doc.to_string();
    let unresolved: Vec<&str> = text
        .split("\"#/components/schemas/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| !doc["components"]["schemas"][*name].is_object())
        .collect();
    assert!(unresolved.is_empty(), "schemas named but not in the document: {unresolved:?}");
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{method} {path} documents no responses");
            let authed = op.get("security").is_some();
            if authed {
                assert!(responses.contains_key("401"), "{method} {path} needs auth but documents no 401");
            }
        }
    }
}

/// Each documented operation is served (never `route_not_found` or 405), and on each documented
/// path every undocumented method answers 405: the router serves exactly what the document lists.
#[tokio::test(flavor = "multi_thread")]
async fn router_serves_exactly_the_documented_routes() {
    // Hundreds of requests without credentials from one address: lift that limit here.
    let app = TestApp::spawn_with(Backend::Embedded, |c| c.ratelimit.anonymous_burst = 100_000).await;
    let doc: Value = app.request(Method::GET, "/openapi.json").send().await.unwrap().json().await.unwrap();
    let id = "0".repeat(32);
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let concrete = path.replace("{id}", &id).replace("{item_id}", &id);
        for method in METHODS {
            let r = app.request(method.to_uppercase().parse().unwrap(), &concrete).send().await.unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            if ops.get(method).is_some() {
                assert_ne!(status, 405, "{method} {path} is documented but not served");
                assert_ne!(body["error"]["code"], "route_not_found", "{method} {path} is documented but not served");
            } else {
                assert_eq!(status, 405, "{method} {path} is served but not documented");
            }
        }
    }
}
