//! The authorization matrix: every route × {anonymous, stranger, viewer, contributor, editor,
//! owner, share-link holder}, on private and unlisted playlists, on both backends. A caller who
//! may read a playlist but lacks the permission gets 403; one who may not read it gets 404.
//! A test checks that the matrix lists exactly the routes of the OpenAPI document.

use std::{collections::BTreeSet, sync::Arc};

use reqwest::Method;
use serde_json::{json, Value};
use sharify::{
    auth::tokens::hash_token,
    ids,
    playlists::{
        history,
        model::{Collaborator, Item, Playlist, Role, Visibility},
    },
    sharing::links::ShareLink,
    tracks::model::Enrichment,
    users::model::User,
};

use crate::helpers::{Backend, TestApp, TestUser};

const ACTORS: [&str; 7] = ["anonymous", "stranger", "viewer", "contributor", "editor", "owner", "link holder"];

struct Row {
    method: Method,
    path: &'static str,
    body: Option<fn() -> Value>,
    expect: [u16; 7],
}

fn row(method: Method, path: &'static str, body: Option<fn() -> Value>, expect: [u16; 7]) -> Row {
    Row { method, path, body, expect }
}

/// Expected statuses by permission class.
struct Classes {
    read: [u16; 7],
    add: fn(u16) -> [u16; 7],
    edit: fn(u16) -> [u16; 7],
    manage: fn(u16) -> [u16; 7],
}

fn classes(private: bool) -> Classes {
    if private {
        Classes {
            read: [404, 404, 200, 200, 200, 200, 404],
            add: |ok| [401, 404, 403, ok, ok, ok, 404],
            edit: |ok| [401, 404, 403, 403, ok, ok, 404],
            manage: |ok| [401, 404, 403, 403, 403, ok, 404],
        }
    } else {
        Classes {
            read: [200; 7],
            add: |ok| [401, 403, 403, ok, ok, ok, 403],
            edit: |ok| [401, 403, 403, 403, ok, ok, 403],
            manage: |ok| [401, 403, 403, 403, 403, ok, 403],
        }
    }
}

/// A one-track JSPF file (sent as JSON, so imported as JSPF).
fn jspf() -> Value {
    json!({"playlist": {"title": "imported", "track": [{"creator": "Someone", "title": ids::new_id()}]}})
}

fn rows(visibility: &str) -> Vec<Row> {
    let private = visibility == "private";
    let c = classes(private);
    let signed_in = |ok: u16| [401, ok, ok, ok, ok, ok, ok];
    let leave = if private { [401, 404, 204, 403, 403, 204, 404] } else { [401, 403, 204, 403, 403, 204, 403] };
    let fork = if private { [401, 404, 201, 201, 201, 201, 404] } else { [401, 201, 201, 201, 201, 201, 201] };
    let page = if private { [404; 7] } else { [200; 7] };
    let push = if private { [401, 404, 409, 409, 409, 409, 404] } else { [401, 409, 409, 409, 409, 409, 409] };
    let copies = if private { [401, 404, 200, 200, 200, 200, 404] } else { [401, 200, 200, 200, 200, 200, 200] };
    let legacy_named = [401, 400, 400, 400, 400, 200, 400];
    vec![
        row(
            Method::POST,
            "/v1/users",
            Some(|| json!({"username": ids::new_id(), "password": "matrix password 1", "display_name": "m"})),
            [201; 7],
        ),
        row(
            Method::POST,
            "/v1/auth/tokens",
            Some(|| json!({"username": "owner", "password": "owner-correct-horse-battery"})),
            [201; 7],
        ),
        row(Method::DELETE, "/v1/auth/tokens/current", None, signed_in(204)),
        row(Method::GET, "/v1/me", None, signed_in(200)),
        row(Method::GET, "/v1/me/export", None, signed_in(200)),
        row(Method::PATCH, "/v1/me", Some(|| json!({"timezone": "Asia/Tokyo"})), signed_in(200)),
        row(Method::GET, "/v1/connections", None, signed_in(200)),
        row(Method::POST, "/v1/connections/{platform}", None, signed_in(503)), // not configured here
        row(Method::GET, "/v1/connections/{platform}/callback?state=unknown&code=x", None, [400; 7]),
        row(Method::POST, "/v1/connections/{platform}/callback", None, [400; 7]), // no form: no username
        row(Method::GET, "/v1/connections/spotify/playlists", None, signed_in(409)), // not linked
        row(Method::PUT, "/v1/connections/{platform}", Some(|| json!({"username": "rj"})), signed_in(422)), // spotify
        row(Method::DELETE, "/v1/connections/{platform}", None, signed_in(404)),  // not linked
        // Pushing needs read access, then a linked account (none here: 409).
        row(Method::POST, "/v1/playlists/{id}/push", Some(|| json!({"platform": "spotify"})), push),
        row(Method::GET, "/v1/playlists/{id}/copies", None, copies),
        // Push runs are their starter's alone: any other id is 404.
        row(Method::GET, "/v1/push-runs/{id}", None, signed_in(404)),
        row(Method::GET, "/v1/import-runs/{id}", None, signed_in(404)),
        row(Method::GET, "/v1/playlists/{id}/changes?since=0", None, c.read),
        // Organise: folders and tags are each user's own (a playlist's id is no folder: 404).
        row(Method::POST, "/v1/folders", Some(|| json!({"name": ids::new_id()})), signed_in(201)),
        row(Method::GET, "/v1/folders", None, signed_in(200)),
        row(Method::GET, "/v1/folders/{id}", None, signed_in(404)),
        row(Method::PATCH, "/v1/folders/{id}", Some(|| json!({"name": "x"})), signed_in(404)),
        row(Method::DELETE, "/v1/folders/{id}", None, signed_in(404)),
        row(Method::GET, "/v1/tags", None, signed_in(200)),
        row(Method::GET, "/v1/library/search?q=matrix", None, signed_in(200)),
        row(Method::POST, "/v1/playlists/{id}/items/bulk", Some(|| json!({"move": ["{item_id}"]})), (c.edit)(200)),
        row(Method::POST, "/v1/playlists/{id}/sort", Some(|| json!({"by": "title", "order": "desc"})), (c.edit)(200)),
        row(Method::POST, "/v1/playlists/{id}/dedupe", Some(|| json!({})), (c.edit)(200)),
        // Merge and split need read access to every source (another, public playlist here).
        row(Method::POST, "/v1/playlists/merge", Some(|| json!({"sources": ["{id}", "{public_id}"]})), fork),
        row(Method::POST, "/v1/playlists/{id}/split", Some(|| json!({"by": "size", "size": 1})), fork),
        // Hooks: owners and editors; a public target is accepted, a missing hook is 404.
        row(
            Method::POST,
            "/v1/playlists/{id}/webhooks",
            Some(|| json!({"url": "https://93.184.216.34/h", "events": ["*"]})),
            (c.edit)(201),
        ),
        row(Method::GET, "/v1/playlists/{id}/webhooks", None, (c.edit)(200)),
        row(Method::GET, "/v1/playlists/{id}/webhooks/{hook_id}", None, (c.edit)(404)),
        row(Method::DELETE, "/v1/playlists/{id}/webhooks/{hook_id}", None, (c.edit)(404)),
        row(Method::POST, "/v1/playlists/{id}/webhooks/{hook_id}/rotate-secret", None, (c.edit)(404)),
        row(Method::GET, "/v1/playlists/{id}/webhooks/{hook_id}/deliveries", None, (c.edit)(404)),
        // Schedules are their owner's alone: anyone else's id (here a playlist's) is 404.
        row(
            Method::POST,
            "/v1/schedules",
            Some(|| json!({"kind": "listens", "params": {"source": "lastfm"}, "interval_secs": 86400})),
            signed_in(201),
        ),
        row(Method::GET, "/v1/schedules", None, signed_in(200)),
        row(Method::GET, "/v1/schedules/{id}", None, signed_in(404)),
        row(Method::PATCH, "/v1/schedules/{id}", Some(|| json!({"enabled": false})), signed_in(404)),
        row(Method::DELETE, "/v1/schedules/{id}", None, signed_in(404)),
        row(Method::POST, "/v1/schedules/{id}/run", None, signed_in(404)),
        row(Method::GET, "/v1/schedules/{id}/runs", None, signed_in(404)),
        row(Method::GET, "/v1/me/notifications", None, signed_in(200)),
        row(Method::DELETE, "/v1/me/notifications/{id}", None, signed_in(404)),
        row(Method::GET, "/v1/status", None, signed_in(200)),
        row(Method::GET, "/v1/me/stats", None, signed_in(200)),
        // No Last.fm here: generation is unavailable (503) once signed in.
        row(Method::POST, "/v1/playlists/generate", Some(|| json!({"name": "g", "artists": ["x"]})), signed_in(503)),
        // A wrong current password: refused for everyone (anonymous callers before looking).
        row(
            Method::POST,
            "/v1/me/password",
            Some(|| json!({"current_password": "not it at all", "new_password": "matrix password 2"})),
            [401; 7],
        ),
        row(Method::DELETE, "/v1/me", Some(|| json!({"password": "not it at all"})), [401; 7]),
        row(Method::POST, "/v1/playlists", Some(|| json!({"name": "new"})), signed_in(201)),
        row(Method::GET, "/v1/playlists", None, signed_in(200)),
        row(Method::GET, "/v1/playlists/public", None, [200; 7]),
        row(Method::GET, "/v1/playlists/{id}", None, c.read),
        row(Method::PATCH, "/v1/playlists/{id}", Some(|| json!({"name": "renamed"})), (c.edit)(200)),
        row(Method::DELETE, "/v1/playlists/{id}", None, (c.manage)(204)),
        row(
            Method::POST,
            "/v1/playlists/{id}/items",
            Some(|| json!({"tracks": [{"artist": "x", "title": "y"}]})),
            (c.add)(200),
        ),
        row(Method::GET, "/v1/playlists/{id}/items", None, c.read),
        row(Method::GET, "/v1/playlists/{id}/export?format=csv", None, c.read),
        row(Method::POST, "/v1/playlists/import", Some(jspf), signed_in(201)),
        row(Method::POST, "/v1/playlists/{id}/import", Some(jspf), (c.add)(200)),
        row(Method::GET, "/v1/playlists/{id}/review", None, c.read),
        // The owner's item: a contributor may decide only on the items they added.
        row(Method::POST, "/v1/playlists/{id}/items/{item_id}/match", Some(|| json!({"reject": true})), (c.edit)(200)),
        // The owner's item: a contributor may not remove it.
        row(Method::DELETE, "/v1/playlists/{id}/items/{item_id}", None, (c.edit)(204)),
        row(Method::POST, "/v1/playlists/{id}/items/{item_id}/move", Some(|| json!({"position": 1})), (c.edit)(200)),
        // No Last.fm key in this app: editors and owners pass authorization, then get 503.
        row(Method::POST, "/v1/playlists/{id}/items/refresh", None, (c.edit)(503)),
        row(Method::GET, "/v1/tracks/lookup?artist=a&title=b", None, signed_in(503)),
        row(Method::GET, "/v1/tracks/search?q=abc", None, signed_in(503)),
        row(Method::GET, "/v1/playlists/{id}/collaborators", None, c.read),
        row(
            Method::PUT,
            "/v1/playlists/{id}/collaborators/{username}",
            Some(|| json!({"role": "editor"})),
            (c.manage)(200),
        ),
        // The target is the viewer: the owner removes anyone, the viewer may leave.
        row(Method::DELETE, "/v1/playlists/{id}/collaborators/{username}", None, leave),
        row(Method::POST, "/v1/playlists/{id}/transfer", Some(|| json!({"username": "editor"})), (c.manage)(200)),
        row(Method::POST, "/v1/playlists/{id}/share-links", Some(|| json!({"role": "viewer"})), (c.manage)(201)),
        row(Method::GET, "/v1/playlists/{id}/share-links", None, (c.manage)(200)),
        row(Method::DELETE, "/v1/playlists/{id}/share-links/{link_id}", None, (c.manage)(204)),
        row(Method::GET, "/v1/shared/{token}", None, [200; 7]),
        row(Method::POST, "/v1/shared/{token}/join", None, signed_in(200)),
        row(Method::POST, "/v1/playlists/{id}/fork", None, fork),
        row(Method::POST, "/v1/playlists/{id}/sync", Some(|| json!({"source": "{id}", "mode": "add"})), (c.add)(200)),
        row(Method::GET, "/v1/playlists/{id}/history", None, c.read),
        row(Method::POST, "/v1/playlists/{id}/restore", Some(|| json!({"version": 1})), (c.edit)(200)),
        row(Method::GET, "/s/{token}", None, [200; 7]),
        row(Method::GET, "/s/{token}/playlist.jspf", None, [200; 7]),
        row(Method::GET, "/p/{id}", None, page),
        row(Method::GET, "/p/{id}/playlist.jspf", None, page),
        row(Method::GET, "/static/share.css", None, [200; 7]),
        row(Method::GET, "/healthz", None, [200; 7]),
        row(Method::GET, "/readyz", None, [200; 7]),
        row(Method::GET, "/openapi.json", None, [200; 7]),
        row(Method::GET, "/docs", None, [200; 7]),
        row(Method::GET, "/static/docs.css", None, [200; 7]),
        // Legacy API: Basic or Bearer; only the owner has a playlist with the fixture's (unique) name.
        row(
            Method::PUT,
            "/sign-up",
            Some(|| json!({"username": format!("u{}", &ids::new_id()[..16]), "password": "Passw0rd12", "name": "m"})),
            [200; 7],
        ),
        row(Method::PUT, "/playlist", Some(|| json!({"name": "legacy new"})), signed_in(200)),
        row(Method::GET, "/playlist", Some(|| json!({"name": "{name}"})), legacy_named),
        row(
            Method::POST,
            "/playlist",
            Some(|| json!({"name": "{name}", "track": "t", "artist": "a", "op_type": "ADD"})),
            signed_in(503),
        ),
        row(Method::DELETE, "/playlist", Some(|| json!({"name": "{name}"})), legacy_named),
        row(Method::GET, "/song", Some(|| json!({"track": "t", "artist": "a"})), signed_in(503)),
    ]
}

struct Cast {
    users: Vec<(TestUser, User)>,
}

impl Cast {
    /// owner, stranger, viewer, contributor, editor, link holder.
    async fn new(app: &TestApp) -> Self {
        let mut users = vec![];
        for name in ["owner", "stranger", "viewer", "contributor", "editor", "holder"] {
            let test_user = app.user(name).await;
            let user = app.store.store.user_by_username(name).await.unwrap().unwrap();
            users.push((test_user, user));
        }
        Self { users }
    }
    fn get(&self, name: &str) -> &(TestUser, User) {
        self.users.iter().find(|(t, _)| t.username == name).unwrap()
    }
    /// The test user acting as `actor` (index into ACTORS), if signed in.
    fn actor(&self, actor: usize) -> Option<&TestUser> {
        let name = ["", "stranger", "viewer", "contributor", "editor", "owner", "holder"][actor];
        (!name.is_empty()).then(|| &self.get(name).0)
    }
}

struct Fixture {
    id: String,
    public_id: String,
    name: String,
    item_id: String,
    link_id: String,
    token: String,
}

fn item(by: &User, title: &str, n: i64) -> Arc<Item> {
    Arc::new(Item {
        item_id: ids::new_id(),
        pos: n * sharify::playlists::model::POSITION_GAP,
        artist: "Artist".into(),
        title: title.into(),
        album: None,
        added_by: by.id.clone(),
        added_at: ids::now(),
        track_key: sharify::playlists::normalize::track_key("Artist", title),
        enrichment: Enrichment::Unenriched,
        meta: None,
        duration_ms: None,
        mbid: None,
        isrc: None,
        links: Vec::new(),
        matching: None,
        featured_artists: Vec::new(),
        image: None,
    })
}

/// A playlist with an owner's and a contributor's item, three collaborators, version 1 in the
/// history, and a viewer share link; written straight through the store.
async fn fixture(app: &TestApp, cast: &Cast, visibility: Visibility) -> Fixture {
    let owner = &cast.get("owner").1;
    let name = format!("matrix {}", ids::new_id());
    let mut p = Playlist::new(ids::new_id(), owner, name.clone(), "d".into(), visibility);
    p.items = vec![item(owner, "by owner", 1), item(&cast.get("contributor").1, "by contributor", 2)];
    for (name, role) in [("viewer", Role::Viewer), ("contributor", Role::Contributor), ("editor", Role::Editor)] {
        let u = &cast.get(name).1;
        p.meta.collaborators.push(Collaborator {
            user_id: u.id.clone(),
            username: u.username.clone(),
            role,
            added_at: ids::now(),
        });
    }
    p.sync_derived();
    let store = &app.store.store;
    let entry = history::entry(None, &p.meta, &[], &p.items, Some(owner), "create");
    store.insert_playlist(&p, &entry).await.unwrap();
    let token = ids::new_id();
    let link = ShareLink {
        link_id: ids::new_id(),
        playlist_id: p.meta.id.clone(),
        token_hash: hash_token(&token),
        role: Role::Viewer,
        created_by: owner.id.clone(),
        created_at: ids::now(),
        expires_at: None,
        max_uses: None,
        uses: 0,
        visits: 0,
        revoked: false,
    };
    store.insert_link(&link).await.unwrap();
    let mut public = Playlist::new(ids::new_id(), owner, "public".into(), String::new(), Visibility::Public);
    public.items = vec![item(owner, "public item", 1)];
    public.sync_derived();
    let entry = history::entry(None, &public.meta, &[], &public.items, Some(owner), "create");
    store.insert_playlist(&public, &entry).await.unwrap();
    Fixture {
        public_id: public.meta.id.clone(),
        id: p.meta.id.clone(),
        name,
        item_id: p.items[0].item_id.clone(),
        link_id: link.link_id,
        token,
    }
}

async fn fresh_token(app: &TestApp, user: &TestUser) -> String {
    let body = json!({"username": user.username, "password": user.password});
    let r = app.request(Method::POST, "/v1/auth/tokens").json(&body).send().await.unwrap();
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn run_matrix(backend: Backend, visibility: Visibility) {
    let app = TestApp::spawn(backend).await;
    let cast = Cast::new(&app).await;
    let name = if visibility == Visibility::Private { "private" } else { "unlisted" };
    let mut failures = vec![];
    for row in rows(name) {
        for (actor, expected) in row.expect.iter().enumerate() {
            let f = fixture(&app, &cast, visibility).await;
            let fill = |s: &str| {
                s.replace("{id}", &f.id)
                    .replace("{item_id}", &f.item_id)
                    .replace("{link_id}", &f.link_id)
                    .replace("{token}", &f.token)
                    .replace("{username}", "viewer")
                    .replace("{name}", &f.name)
                    .replace("{platform}", "spotify")
                    .replace("{hook_id}", "nohook")
                    .replace("{public_id}", &f.public_id)
            };
            let mut request = app.request(row.method.clone(), &fill(row.path));
            if let Some(user) = cast.actor(actor) {
                let token = if row.path == "/v1/auth/tokens/current" {
                    fresh_token(&app, user).await
                } else {
                    user.token.clone()
                };
                request = request.bearer_auth(token);
            }
            if let Some(body) = row.body {
                request = request.json(&serde_json::from_str::<Value>(&fill(&body().to_string())).unwrap());
            }
            let got = request.send().await.unwrap().status().as_u16();
            if got != *expected {
                failures
                    .push(format!("{} {} as {}: expected {expected}, got {got}", row.method, row.path, ACTORS[actor]));
            }
        }
    }
    assert!(failures.is_empty(), "authorization matrix ({name}) failures:\n{}", failures.join("\n"));
}

async fn matrix_on_private_playlists(backend: Backend) {
    run_matrix(backend, Visibility::Private).await;
}

async fn matrix_on_unlisted_playlists(backend: Backend) {
    run_matrix(backend, Visibility::Unlisted).await;
}

crate::on_both_backends!(matrix_on_private_playlists, matrix_on_unlisted_playlists);

#[tokio::test(flavor = "multi_thread")]
async fn matrix_covers_every_documented_route() {
    let app = TestApp::spawn(Backend::Embedded).await;
    let doc: Value = app.request(Method::GET, "/openapi.json").send().await.unwrap().json().await.unwrap();
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| format!("{} {path}", m.to_uppercase())))
        .collect();
    let in_matrix: BTreeSet<String> =
        rows("private").iter().map(|r| format!("{} {}", r.method, r.path.split('?').next().unwrap())).collect();
    assert_eq!(documented, in_matrix);
}
