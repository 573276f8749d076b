//! What synchronous replication promises an IRP, tried for real: a node on PostgreSQL through
//! HAProxy, the primary with one synchronous standby (`synchronous_standby_names = '*'`,
//! `synchronous_commit = on`), Generate IRN load, then the primary crashes (`pg_ctl stop -m
//! immediate`) and the standby is promoted while the load goes on. Afterwards every IRN a client got
//! an answer for is on the new primary byte for byte, no AckNo repeats, every request answered with an
//! error or not at all left its document whole or absent, and the node registers again without a
//! restart.
//!
//! Needs Debian's PostgreSQL server binaries (`/usr/lib/postgresql/*/bin`, or `OPENIRP_PG_BIN`) and
//! `haproxy`; without them the test says SKIPPED, and fails under `OPENIRP_REQUIRE_TOOLS`. As root
//! (CI) the clusters run as the `postgres` user.

mod nodes;
mod support;

use nodes::{AfterTransportError, Ledger, Load, Node, log_tail, parties, verify};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Concurrent Generate IRN clients.
const TASKS: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failover_to_a_synchronous_standby_loses_no_acknowledged_irn() {
    let Some(tools) = Tools::find() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    tools.give_to_postgres(work.path());
    let ports = [free_port(), free_port(), free_port()];
    let [primary_port, standby_port, proxy_port] = ports;

    let primary = Cluster::primary(&tools, &work.path().join("primary"), primary_port);
    let standby = Cluster::standby_of(&primary, &work.path().join("standby"), standby_port);
    primary.wait_for_sync_standby();
    let _proxy = Proxy::start(work.path(), proxy_port, primary_port, standby_port);

    let database = format!("postgres://postgres@127.0.0.1:{proxy_port}/postgres");
    let log = work.path().join("node.log");
    let node = Node::start(&work.path().join("node"), Some(&database), &log).await;
    let parties = Arc::new(parties(&node.base).await);
    let client = parties.client(&node.base).await;
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let load = Load::start(
        client,
        parties.clone(),
        ledger.clone(),
        "F",
        TASKS,
        AfterTransportError::Continue,
    );

    tokio::time::sleep(Duration::from_millis(800)).await;
    let before_crash = ledger.lock().unwrap().acked.len();
    primary.crash();
    let crashed = Instant::now();
    standby.promote();
    let promoted_after = crashed.elapsed();
    // The node must register again on the new primary, on its own: wait for 200 more answers.
    let deadline = Instant::now() + Duration::from_secs(30);
    while ledger.lock().unwrap().acked.len() < before_crash + 200 {
        assert!(
            Instant::now() < deadline,
            "no recovery within 30 s of the promotion; node log:\n{}",
            log_tail(&log)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let recovered_after = crashed.elapsed();
    load.stop(Duration::from_secs(60)).await;

    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    let summary = verify(&node, &parties, &ledger).await;
    eprintln!(
        "failover: {} acknowledged ({before_crash} before the crash), {} answered with an error, {} \
         without an answer; unanswered afterwards: {} registered, {} absent; {} distinct AckNos; \
         standby promoted {} ms after the crash, registering again after {} ms",
        ledger.acked.len(),
        ledger.refused.len(),
        ledger.transport_errors,
        summary.recovered,
        summary.absent,
        summary.ack_nos,
        promoted_after.as_millis(),
        recovered_after.as_millis()
    );
    assert!(
        before_crash > 0,
        "nothing was acknowledged before the crash"
    );
}

/// The PostgreSQL server binaries and haproxy, and whether commands must run as `postgres`.
struct Tools {
    pg_bin: PathBuf,
    as_postgres: bool,
}

impl Tools {
    /// The tools, or `None` after saying SKIPPED (a failure under `OPENIRP_REQUIRE_TOOLS`).
    fn find() -> Option<Tools> {
        let pg_bin = std::env::var_os("OPENIRP_PG_BIN")
            .map(PathBuf::from)
            .or_else(newest_debian_pg_bin);
        let haproxy = Command::new("haproxy")
            .arg("-v")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        match pg_bin.filter(|bin| bin.join("pg_ctl").exists()) {
            Some(pg_bin) if haproxy => Some(Tools {
                pg_bin,
                as_postgres: running_as_root(),
            }),
            _ => {
                assert!(
                    std::env::var_os("OPENIRP_REQUIRE_TOOLS").is_none(),
                    "OPENIRP_REQUIRE_TOOLS is set but PostgreSQL's server binaries or haproxy are \
                     missing (apt-get install postgresql haproxy)"
                );
                eprintln!("SKIPPED failover: needs PostgreSQL's server binaries and haproxy");
                None
            }
        }
    }

    /// `tool` of the PostgreSQL binaries, as the `postgres` user when this runs as root (the
    /// server refuses root).
    fn pg(&self, tool: &str) -> Command {
        let path = self.pg_bin.join(tool);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(path);
            cmd
        } else {
            Command::new(path)
        }
    }

    /// Lets the `postgres` user create the clusters under `dir`.
    fn give_to_postgres(&self, dir: &Path) {
        if self.as_postgres {
            run(Command::new("chown").arg("postgres:postgres").arg(dir));
        }
    }
}

fn newest_debian_pg_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `cmd` to completion and fails the test, with its output, if it fails.
fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One PostgreSQL server in a folder of its own, stopped when dropped.
struct Cluster<'t> {
    tools: &'t Tools,
    dir: PathBuf,
    port: u16,
}

impl<'t> Cluster<'t> {
    /// A new primary with the server's durable defaults, waiting for one synchronous standby.
    fn primary(tools: &'t Tools, dir: &Path, port: u16) -> Cluster<'t> {
        run(tools
            .pg("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(dir));
        let cluster = Cluster {
            tools,
            dir: dir.to_path_buf(),
            port,
        };
        cluster.start(&[
            "-c synchronous_standby_names='*'",
            "-c synchronous_commit=on",
        ]);
        cluster
    }

    /// A streaming standby of `primary`, copied with pg_basebackup.
    fn standby_of(primary: &Cluster<'t>, dir: &Path, port: u16) -> Cluster<'t> {
        run(primary
            .tools
            .pg("pg_basebackup")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-X", "stream", "-R"])
            .args(["--checkpoint=fast", "--no-sync", "-p"])
            .arg(primary.port.to_string())
            .arg("-D")
            .arg(dir));
        let cluster = Cluster {
            tools: primary.tools,
            dir: dir.to_path_buf(),
            port,
        };
        cluster.start(&[]);
        cluster
    }

    fn start(&self, settings: &[&str]) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 {}",
            self.port,
            self.dir.display(),
            settings.join(" ")
        );
        run(self
            .tools
            .pg("pg_ctl")
            .arg("-D")
            .arg(&self.dir)
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .args(["-w", "-o", &options, "start"]));
    }

    fn sql(&self, query: &str) -> String {
        run(self
            .tools
            .pg("psql")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-Atc", query, "-p"])
            .arg(self.port.to_string()))
        .trim()
        .to_string()
    }

    fn wait_for_sync_standby(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.sql("SELECT sync_state FROM pg_stat_replication") != "sync" {
            assert!(Instant::now() < deadline, "no synchronous standby in 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops at once, as a power cut would: no shutdown checkpoint, clients cut off.
    fn crash(&self) {
        run(self
            .tools
            .pg("pg_ctl")
            .arg("-D")
            .arg(&self.dir)
            .args(["-m", "immediate", "stop"]));
    }

    fn promote(&self) {
        run(self
            .tools
            .pg("pg_ctl")
            .arg("-D")
            .arg(&self.dir)
            .args(["-w", "promote"]));
    }
}

impl Drop for Cluster<'_> {
    fn drop(&mut self) {
        let _ = self
            .tools
            .pg("pg_ctl")
            .arg("-D")
            .arg(&self.dir)
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// HAProxy in TCP mode: the primary while it answers, else the standby (as a failover manager
/// would point the nodes' address at the new primary).
struct Proxy(Child);

impl Proxy {
    fn start(dir: &Path, port: u16, primary: u16, standby: u16) -> Proxy {
        let config = dir.join("haproxy.cfg");
        std::fs::write(
            &config,
            format!(
                "defaults\n  mode tcp\n  timeout connect 200ms\n  timeout client 60s\n  \
                 timeout server 60s\n  option redispatch\nfrontend db\n  bind 127.0.0.1:{port}\n  default_backend pg\n\
                 backend pg\n  \
                 server primary 127.0.0.1:{primary} check inter 100ms fall 1 rise 1 \
                 on-marked-down shutdown-sessions\n  \
                 server standby 127.0.0.1:{standby} check inter 100ms fall 1 rise 1 backup\n"
            ),
        )
        .unwrap();
        let child = Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("haproxy starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "haproxy did not listen in 10 s");
            std::thread::sleep(Duration::from_millis(20));
        }
        Proxy(child)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
