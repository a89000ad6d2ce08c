//! The web app's main journey in a real browser (Playwright driving Debian's Chromium, axe-core
//! checking every page), on both stores: sign up, import a CSV and a Deezer link (fake), reorder
//! by keyboard, review two doubtful matches, file into a folder with a tag, share a link a
//! second browser opens, the account page, link Spotify through its consent page (fake), push
//! with a dry run first, import plays and see the stats page, the schedules page; phone and
//! desktop, light and dark; then a form from another site refused, a stale edit in a second tab
//! refused and kept, and a password change ending a sign-in elsewhere. With
//! `SHARIFY_UPDATE_SCREENSHOTS=1` the screenshots it takes replace those in docs/guide/img/web/.

use serde_json::Value;

use crate::helpers::{Backend, TestApp};

/// Two tracks with their Spotify links (so a push has them at once), two doubtful ones.
const CSV: &str = "artist,title,album,spotify url\n\
                   Radiohead,Karma Police,OK Computer,https://open.spotify.com/track/00000000000000000000J1\n\
                   Björk,Jóga,Homogenic,https://open.spotify.com/track/00000000000000000000J2\n\
                   Queen,Bohemian Rhapsody (Live Aid 1985),,\nNirvana,Come As You Are (Live),,\n";

async fn journey(app: &TestApp, shots: &std::path::Path, other_site: &str) -> Value {
    let chromium = std::env::var("SHARIFY_TEST_BROWSER").expect("SHARIFY_TEST_BROWSER names Chromium");
    let tools = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/browser");
    assert!(
        std::path::Path::new(tools).join("node_modules/playwright-core").exists(),
        "the browser test's tools are not installed: run `npm ci --prefix tools/browser` (tools/test.sh does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("Road trip.csv");
    std::fs::write(&csv, CSV).unwrap();
    let out = tokio::process::Command::new("node")
        .env("SHARIFY_JOURNEY_LINK", "https://www.deezer.com/playlist/908622995")
        .env("SHARIFY_JOURNEY_OTHER_SITE", other_site)
        .arg(format!("{tools}/web-journey.mjs"))
        .args([app.url("").as_str(), &chromium, csv.to_str().unwrap(), shots.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "the browser journey failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn the_main_journey_works_in_chromium_and_every_page_passes_axe(backend: Backend) {
    let fake = crate::lastfm_fake::FakeLastfm::start().await;
    fake.set_catalog(crate::web_review::catalog());
    let platforms = crate::platform_fakes::FakePlatforms::start().await;
    // Spotify sends the browser back to this app: its address is known before it starts.
    let port = crate::helpers::free_port();
    let app = TestApp::spawn_with(backend, |c| {
        crate::helpers::use_fake_lastfm(c, &fake);
        crate::spotify_link::configure(c, &platforms);
        c.http.bind = format!("127.0.0.1:{port}").parse().unwrap();
        c.spotify.redirect_uri = Some(format!("http://127.0.0.1:{port}/v1/connections/spotify/callback"));
    })
    .await;
    let update = std::env::var_os("SHARIFY_UPDATE_SCREENSHOTS").is_some() && backend == Backend::Embedded;
    let temp = tempfile::tempdir().unwrap();
    let shots = if update {
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/guide/img/web"))
    } else {
        temp.path().to_owned()
    };
    std::fs::create_dir_all(&shots).unwrap();
    let report = journey(&app, &shots, &platforms.base).await;
    let steps = &report["steps"];
    assert_eq!(steps["landing"], "/app/sign-in", "a person who opens the service is asked to sign in: {report}");
    assert_eq!(steps["importHeading"], "Imported Road trip", "{report}");
    let by_link = steps["linkImport"].as_str().unwrap();
    assert!(by_link.starts_with("Imported ") && by_link != "Imported Imported playlist", "a Deezer link: {report}");
    let before: Vec<&str> = steps["before"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(before, ["Karma Police", "Jóga", "Bohemian Rhapsody (Live Aid 1985)", "Come As You Are (Live)"]);
    assert_eq!(steps["reachedByTab"], true, "the Up button is reachable by keyboard alone");
    let after: Vec<&str> = steps["after"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(
        after,
        ["Karma Police", "Bohemian Rhapsody (Live Aid 1985)", "Jóga", "Come As You Are (Live)"],
        "Enter on Up moved it"
    );
    assert_eq!(steps["toReview"], "Review 2 doubtful matches", "{report}");
    assert_eq!(steps["reviewed"], true, "two doubtful matches decided in the review page: {report}");
    let filed = steps["filedAndTagged"].as_array().unwrap();
    assert!(
        filed.len() == 1
            && filed[0].as_str().unwrap().contains("in Trips")
            && filed[0].as_str().unwrap().contains("#road"),
        "filed into a folder with a tag, found by the tag: {report}"
    );
    assert_eq!(steps["shareLink"], true);
    assert!(steps["historyRows"].as_u64().unwrap() >= 4, "the history lists the changes made: {report}");
    assert_eq!(steps["viewerSees"].as_array().unwrap().len(), 4, "the second browser opens the link: {report}");
    let linked = steps["linked"].as_str().unwrap();
    assert!(
        linked.contains("is now linked to sharify account journey"),
        "Spotify linked through its consent page: {report}"
    );
    let consent = format!("{}/spotify/accounts/authorize?", platforms.base);
    let navigations = report["navigations"].as_array().unwrap();
    assert!(
        navigations.len() == 1 && navigations[0].as_str().unwrap().starts_with(&consent),
        "the only other site visited is Spotify's consent page: {navigations:?}"
    );
    assert_eq!(steps["dryRunAdded"], "2", "the preview: the two tracks Spotify has: {report}");
    assert_eq!(steps["dryRunNotFound"], "2", "and the two it has no link for: {report}");
    assert_eq!(steps["pushed"], "Pushed to Spotify");
    assert_eq!(steps["pushedAdded"], "2");
    assert_eq!(platforms.item_writes(), 1, "only the real push wrote to Spotify, once");
    assert!(steps["statsImported"].as_str().unwrap().contains("read 20 plays"), "{report}");
    assert_eq!(steps["statsListens"], "20");
    assert_eq!(steps["charts"], 4, "top artists, top tracks, the listening clock, plays over time");
    assert_eq!(steps["schedules"], serde_json::json!(["Import plays from Spotify"]), "{report}");
    assert_eq!(steps["searchFound"], 1, "search finds Karma Police: {report}");
    assert!(steps["findHits"].as_u64().unwrap() > 0, "Last.fm (fake) finds tracks to add: {report}");
    assert_eq!(steps["missingHeading"], "404: something went wrong", "a missing playlist is a page, not JSON");
    assert_eq!(steps["crossSiteStatus"], 403, "a form from another site is refused, even with the token: {report}");
    assert_eq!(steps["nameAfterCrossSite"], "Road trip", "and changes nothing");
    assert_eq!(steps["staleStatus"], 409, "a stale rename is refused: {report}");
    assert!(
        steps["staleNotice"].as_str().unwrap().contains("changed this playlist while you were looking"),
        "{report}"
    );
    assert_eq!(steps["staleKept"], "Road trip (B's idea)", "what the second tab typed is kept");
    assert_eq!(steps["staleHeading"], "Road trip 2026", "next to the playlist as it is now");
    assert!(steps["passwordNotice"].as_str().unwrap().contains("1 other sessions"), "{report}");
    assert_eq!(steps["elsewhereAfter"], "/app/sign-in", "the other sign-in ended with the password change");
    assert_eq!(steps["hereAfter"], "/app", "this one goes on");
    let pages = report["axe"].as_object().unwrap();
    assert!(pages.len() >= 35, "every page was checked: {pages:?}");
    for (page, violations) in pages {
        assert_eq!(violations, &serde_json::json!([]), "axe-core: serious or critical violations on {page}");
    }
    for (page, overflows) in report["overflow"].as_object().unwrap() {
        assert_eq!(overflows, false, "{page} is wider than its screen");
    }
    assert_eq!(report["external"], serde_json::json!([]), "no script, style, font or call to another host");
    let covers = report["coverArt"].as_array().unwrap();
    assert!(
        covers.iter().all(|u| u.as_str().unwrap().starts_with("https://lastfm.freetls.fastly.net/")),
        "the only other host is where the tracks' cover art is: {covers:?}"
    );
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "no script or CSP error");
    let taken = std::fs::read_dir(&shots).unwrap().count();
    assert!(taken >= 35, "screenshots of each page, desktop and phone: {taken}");
}

mod embedded {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[cfg_attr(not(browser_tests), ignore = "SHARIFY_TEST_BROWSER is not set: browser test skipped")]
    async fn the_main_journey_works_in_chromium_and_every_page_passes_axe() {
        super::the_main_journey_works_in_chromium_and_every_page_passes_axe(crate::helpers::Backend::Embedded).await
    }
}

mod mongo {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[cfg_attr(
        not(all(browser_tests, mongo_tests)),
        ignore = "SHARIFY_TEST_BROWSER or SHARIFY_TEST_MONGO_URI is not set"
    )]
    async fn the_main_journey_works_in_chromium_and_every_page_passes_axe() {
        super::the_main_journey_works_in_chromium_and_every_page_passes_axe(crate::helpers::Backend::Mongo).await
    }
}
