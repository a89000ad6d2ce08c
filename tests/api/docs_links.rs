//! The README and `docs/` stay true (issue 31): every relative link leads to a file that exists,
//! every route a shell block calls exists in the served OpenAPI document, and the configuration
//! reference names exactly the keys the code reads.

use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::Value;
use sharify::config::CONFIG_KEYS;

use crate::helpers::{Backend, TestApp};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every Markdown file under docs/.
fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut out = vec![root().join("README.md")];
    walk(&root().join("docs"), &mut out);
    out
}

#[test]
fn every_relative_link_leads_to_a_file() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (at, _) in text.match_indices("](") {
            let target: String = text[at + 2..].chars().take_while(|c| *c != ')').collect();
            let target = target.split('#').next().unwrap_or("");
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            if !page.parent().unwrap().join(target).exists() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to nothing: {broken:?}");
    assert!(pages().len() >= 12, "the docs are there");
}

/// Whether `path` (`/v1/playlists/$ID/items`) is one of the document's templates.
fn documented(doc: &Value, path: &str) -> bool {
    let want: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    doc["paths"].as_object().unwrap().keys().any(|template| {
        let have: Vec<&str> = template.split('/').collect();
        have.len() == want.len()
            && have
                .iter()
                .zip(&want)
                .all(|(h, w)| h == w || h.starts_with('{') || w.starts_with('$') || w.starts_with('<'))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_a_shell_block_calls_exists() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let doc: Value = app.request(Method::GET, "/openapi.json").send().await.unwrap().json().await.unwrap();
    let mut missing = Vec::new();
    let mut seen = 0;
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for block in text.split("```sh\n").skip(1) {
            let block = block.split("```").next().unwrap_or("");
            for line in block.lines().filter(|l| !l.trim_start().starts_with('#')) {
                for host in ["$B/", "localhost:8080/"] {
                    for (at, _) in line.match_indices(host) {
                        let path: String = line[at + host.len() - 1..]
                            .chars()
                            .take_while(|c| !matches!(c, '"' | '\'' | ' ' | '?' | '\\'))
                            .collect();
                        if !path.starts_with("/v1/") && !path.starts_with("/s/") && !path.starts_with("/p/") {
                            continue;
                        }
                        seen += 1;
                        if !documented(&doc, &path) {
                            missing.push(format!("{}: {path}", page.display()));
                        }
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "routes the docs call that do not exist: {missing:?}");
    assert!(seen > 20, "the shell blocks were read ({seen} routes)");
}

#[test]
fn the_configuration_reference_names_exactly_the_keys_the_code_reads() {
    let text = std::fs::read_to_string(root().join("docs/operations/configuration.md")).unwrap();
    for key in CONFIG_KEYS {
        let suffix = key.env.rsplit("__").next().unwrap();
        assert!(
            text.contains(key.env) || text.contains(&format!("`__{suffix}`")),
            "{} is not in docs/operations/configuration.md",
            key.env
        );
    }
    let named = text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| {
        w.starts_with("SHARIFY_") && w.contains("__") && !w.ends_with("__") && !w.starts_with("SHARIFY_TEST")
    });
    for word in named {
        assert!(CONFIG_KEYS.iter().any(|k| k.env == word), "{word} is documented but the code reads no such key");
    }
}
