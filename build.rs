//! Enables the MongoDB half of the test suite when `SHARIFY_TEST_MONGO_URI` is set at build time,
//! and the headless-browser test when `SHARIFY_TEST_BROWSER` (a Chromium path) is; otherwise those
//! tests are compiled as `#[ignore]` and reported as skipped. `SHARIFY_TEST_DOCUMENTDB` (the
//! DocumentDB tools' folder) enables the test that crashes and restarts a real engine.
fn main() {
    for (var, cfg) in [
        ("SHARIFY_TEST_MONGO_URI", "mongo_tests"),
        ("SHARIFY_TEST_BROWSER", "browser_tests"),
        ("SHARIFY_TEST_DOCUMENTDB", "documentdb_tests"),
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={var}");
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
    // A MongoDB URI with credentials: the server checks them, so a wrong password can be tested.
    println!("cargo::rustc-check-cfg=cfg(mongo_auth_tests)");
    if std::env::var("SHARIFY_TEST_MONGO_URI").is_ok_and(|uri| uri.contains('@')) {
        println!("cargo::rustc-cfg=mongo_auth_tests");
    }
}
