//! The real engine taken down mid-load: a DocumentDB server of this test's own (so the rest of
//! the suite keeps its server) has its gateway killed and PostgreSQL stopped at once (immediate
//! shutdown, as in a crash), then both started again on the same data. Needs the DocumentDB
//! tools (`SHARIFY_TEST_DOCUMENTDB`, set by tools/test.sh when they are built) and root, as CI has.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
};

use tokio::process::Command;

use crate::faults::{fast_selection, store_outage_mid_load};

/// A DocumentDB server started by the shared `start` script, stopped by `stop` when dropped.
struct Engine {
    tools: PathBuf,
    dir: tempfile::TempDir,
    gateway: PathBuf,
}

impl Engine {
    async fn start() -> (Self, String) {
        let tools = PathBuf::from(std::env::var("SHARIFY_TEST_DOCUMENTDB").expect("SHARIFY_TEST_DOCUMENTDB"));
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(tools.join("start")).arg(dir.path()).stderr(Stdio::inherit()).output().await.unwrap();
        assert!(out.status.success(), "the DocumentDB start script failed");
        let uri = String::from_utf8(out.stdout).unwrap().lines().last().unwrap().trim().to_owned();
        let gateway = std::fs::read_link(format!("/proc/{}/exe", pid(dir.path()))).unwrap();
        (Self { tools, dir, gateway }, uri)
    }

    fn home(&self) -> PathBuf {
        PathBuf::from(std::fs::read_to_string(self.dir.path().join("home")).unwrap().trim())
    }

    async fn as_postgres(&self, pg_ctl_args: &str) {
        let pg_ctl = "/usr/lib/postgresql/15/bin/pg_ctl";
        let script = format!(
            "{pg_ctl} -D '{}/pg' -l '{}/pg.log' -w {pg_ctl_args}",
            self.home().display(),
            self.home().display()
        );
        let status = Command::new("su").args(["postgres", "-s", "/bin/bash", "-c", &script]).status().await.unwrap();
        assert!(status.success(), "pg_ctl {pg_ctl_args}");
    }

    /// Kills the gateway (SIGKILL) and stops PostgreSQL without a checkpoint.
    async fn crash(&self) {
        let status = Command::new("kill").args(["-KILL", &pid(self.dir.path()).to_string()]).status().await.unwrap();
        assert!(status.success(), "gateway killed");
        self.as_postgres("-m immediate stop").await;
    }

    /// Starts PostgreSQL (it recovers from its log) and the gateway again, on the same port.
    async fn restart(&self) {
        self.as_postgres("start").await;
        let gw = self.home().join("gw");
        let log = std::fs::OpenOptions::new().append(true).create(true).open(self.home().join("gateway.log")).unwrap();
        let child = Command::new(&self.gateway)
            .arg(gw.join("setup.json"))
            .current_dir(&gw)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        std::fs::write(self.dir.path().join("gateway.pid"), child.id().unwrap().to_string()).unwrap();
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = std::process::Command::new(self.tools.join("stop")).arg(self.dir.path()).status();
    }
}

fn pid(dir: &Path) -> u32 {
    std::fs::read_to_string(dir.join("gateway.pid")).unwrap().trim().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(documentdb_tests),
    ignore = "SHARIFY_TEST_DOCUMENTDB is not set: needs the DocumentDB tools built (tools/test.sh sets it)"
)]
async fn documentdb_crashed_and_restarted_mid_load_loses_no_acknowledged_write() {
    let (engine, uri) = Engine::start().await;
    let engine = std::sync::Arc::new(engine);
    let (down, up) = (engine.clone(), engine.clone());
    store_outage_mid_load(
        fast_selection(&uri),
        Box::pin(async move { down.crash().await }),
        Box::pin(async move { up.restart().await }),
    )
    .await;
}
