//! `openirp serve --log-format json`: every stderr line is one JSON object, lines logged while serving
//! a request carry its request id, and credentials sent in headers never reach the log.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const SECRET: &str = "SuperSecretClientValue-9f8e7d";
const PASSWORD: &str = "Hunter2-Password-Value";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request with `headers`; returns the raw answer.
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut text = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    tcp.write_all(text.as_bytes()).unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).unwrap();
    answer
}

fn header<'a>(answer: &'a str, name: &str) -> Option<&'a str> {
    answer.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn json_logs_carry_the_request_id_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_openirp"))
        .args(["serve", "--log-format", "json", "--listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        // Per-request lines (tower-http at debug) plus everything at info.
        .env("OPENIRP_LOG", "info,tower_http=debug")
        .env_remove("OPENIRP_LOG_FORMAT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);

    // Drain stderr from the start so the server never blocks on a full pipe.
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let (url_tx, url_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.trim().strip_prefix("listening") {
                let _ = url_tx.send(url.trim().to_string());
            }
        }
    });
    let url = url_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the banner names the address");
    let addr = url.strip_prefix("http://").unwrap().to_string();

    let healthz = request(
        &addr,
        "GET",
        "/healthz",
        &[("x-request-id", "log-test-1")],
        "",
    );
    assert!(healthz.starts_with("HTTP/1.1 200"), "{healthz}");
    assert_eq!(header(&healthz, "x-request-id"), Some("log-test-1"));

    let auth = request(
        &addr,
        "POST",
        "/eivital/v1.04/auth",
        &[
            ("x-request-id", "log-test-2"),
            ("content-type", "application/json"),
            ("client_id", "AAAAAAAAAAAAAAAAAAAA"),
            ("client_secret", SECRET),
            ("password", PASSWORD),
            ("authtoken", SECRET),
        ],
        r#"{"Data":"not base64"}"#,
    );
    assert!(auth.starts_with("HTTP/1.1 200"), "{auth}");
    let missing = request(&addr, "GET", "/no/such/page", &[], "");
    let generated = header(&missing, "x-request-id").unwrap().to_string();
    assert!(!generated.is_empty());

    // tower-http logs "finished processing request" after the answer is sent: wait for all three.
    let mut lines = Vec::new();
    let wanted = ["log-test-1", "log-test-2", generated.as_str()];
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        match lines_rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => lines.push(line),
            Err(_) if wanted.iter().all(|id| lines.iter().any(|l| l.contains(id))) => break,
            Err(_) => {}
        }
    }
    drop(server);
    lines.extend(lines_rx.try_iter());

    assert!(!lines.is_empty());
    let mut ids_seen = std::collections::HashSet::new();
    for line in &lines {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(value["level"].is_string(), "{line}");
        assert!(!line.contains(SECRET), "a secret reached the log: {line}");
        assert!(
            !line.contains(PASSWORD),
            "a password reached the log: {line}"
        );
        if let Some(spans) = value["spans"].as_array() {
            let id = spans.iter().find_map(|s| s["request_id"].as_str());
            let id = id.unwrap_or_else(|| panic!("a request line without its id: {line}"));
            ids_seen.insert(id.to_string());
        }
    }
    for id in wanted {
        assert!(
            ids_seen.contains(id),
            "no log line for request {id}: {lines:#?}"
        );
    }
}
