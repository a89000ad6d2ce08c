//! The test harness's Last.fm-shaped server, for trying matching and the review locally without a
//! Last.fm key (`tools/dev/fake-lastfm [ADDR]`, default 127.0.0.1:8099). It speaks Last.fm's wire
//! format and answers from `tests/data/lastfm` and generated bodies, as in the tests; it is not
//! Last.fm, and sharify says so only by its address: never point a deployment at it.

#[path = "../tests/api/lastfm_fake.rs"]
mod lastfm_fake;
#[path = "../tests/api/lastfm_world.rs"]
mod lastfm_world;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8099".to_owned());
    let fake = match lastfm_fake::FakeLastfm::start_on(&addr).await {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("fake-lastfm: cannot listen on {addr}: {e} (pass another address: tools/dev/fake-lastfm 127.0.0.1:8098)");
            return std::process::ExitCode::FAILURE;
        }
    };
    fake.set_catalog(lastfm_fake::demo_catalog());
    println!("A Last.fm-shaped test server is listening on {}", fake.base_url);
    println!("Start sharify against it (in another shell):");
    println!(
        "  SHARIFY_LASTFM__API_KEY={} SHARIFY_LASTFM__BASE_URL={} cargo run",
        lastfm_fake::FAKE_KEY,
        fake.base_url
    );
    println!("Ctrl-C stops it.");
    let _ = tokio::signal::ctrl_c().await;
    std::process::ExitCode::SUCCESS
}
