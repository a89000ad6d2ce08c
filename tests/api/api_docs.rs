//! `GET /docs`: the API reference, rendered from the OpenAPI document, with nothing loaded from
//! another host (issue 31).

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{Backend, TestApp};

/// Each tag's first route in the document, as `METHOD /path`.
fn a_route_per_tag(doc: &Value) -> BTreeMap<String, String> {
    let mut first = BTreeMap::new();
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            let tag = op["tags"][0].as_str().unwrap_or("other").to_owned();
            first.entry(tag).or_insert_with(|| format!("{} {path}", method.to_uppercase()));
        }
    }
    first
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reference_shows_every_route_from_the_document_and_loads_nothing_from_elsewhere() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let doc: Value = app.request(Method::GET, "/openapi.json").send().await.unwrap().json().await.unwrap();
    let r = app.request(Method::GET, "/docs").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let html = r.text().await.unwrap();
    let mut routes = 0;
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            let route = format!("data-route=\"{} {path}\"", method.to_uppercase());
            assert!(html.contains(&route), "{route} is on the page");
            routes += 1;
        }
    }
    assert!(routes > 90, "{routes} routes");
    assert!(html.contains("id=\"schema-PlaylistDto\""), "schemas are listed");
    assert!(html.contains("<td><code>visibility</code>"), "with their fields");
    assert!(html.contains("422") && html.contains("ErrorEnvelope"), "errors are documented");
    assert!(html.contains("curl -s -X POST &#34;$B/v1/playlists&#34;"), "an example per route");
    for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "<script"] {
        assert!(!html.contains(attr), "nothing from another host: {attr}");
    }
    let css = app.request(Method::GET, "/static/docs.css").send().await.unwrap();
    assert_eq!(css.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(browser_tests), ignore = "SHARIFY_TEST_BROWSER is not set: headless-Chromium test skipped")]
async fn the_reference_shows_a_route_of_every_tag_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let doc: Value = app.request(Method::GET, "/openapi.json").send().await.unwrap().json().await.unwrap();
    let report = crate::share_page::in_browser(&app.url("/docs")).await;
    let shown: Vec<&str> = report["routes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["visible"] == true)
        .filter_map(|r| r["route"].as_str())
        .collect();
    for (tag, route) in a_route_per_tag(&doc) {
        assert!(shown.contains(&route.as_str()), "{tag}: {route} is visible");
    }
    let base = app.url("/");
    for resource in report["resources"].as_array().unwrap() {
        assert!(resource.as_str().unwrap().starts_with(&base), "loaded from this service only: {resource}");
    }
    assert_eq!(report["stylesheetApplied"], true, "{report}");
    assert_eq!(report["scripts"], 0);
}
