//! Enables the MongoDB half of the test suite when `SHARIFY_TEST_MONGO_URI` is set at build time;
//! otherwise those tests are compiled as `#[ignore]` and reported as skipped.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(mongo_tests)");
    println!("cargo::rerun-if-env-changed=SHARIFY_TEST_MONGO_URI");
    if std::env::var_os("SHARIFY_TEST_MONGO_URI").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=mongo_tests");
    }
}
