//! `confsite serve`: the preview serves the build, rebuilds on edits and
//! signals open tabs, and keeps serving the last good build while an edit
//! is broken.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::common::write_files;

/// A plain HTTP/1.0 GET: (status, body).
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn status(addr: SocketAddr) -> serde_json::Value {
    serde_json::from_str(&get(addr, "/__confsite/status").1).unwrap()
}

/// Polls the status endpoint until `done` holds (bounded: 20 s).
fn wait_for(
    addr: SocketAddr,
    what: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = status(addr);
        if done(&s) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; last status {s}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_rebuilds_on_edit_and_keeps_the_last_good_build_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    confsite::scaffold::init(&site).unwrap();
    let server = confsite::serve::start(&site, "127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = server.address;
    let page = "/sample-conf-2026/session/fast-static-sites.html";

    let (code, body) = get(addr, page);
    assert_eq!(code, 200);
    assert!(body.contains("Fast Static Sites"));
    assert!(
        body.contains("/__confsite/status"),
        "the reload script is injected"
    );
    let first = status(addr)["version"].as_u64().unwrap();
    assert_eq!(
        get(addr, "/sample-conf-2026/").0,
        200,
        "directories serve index.html"
    );
    assert_eq!(get(addr, "/no/such/page.html").0, 404);

    // An edit: the rebuilt page is served and the version (the reload signal) moves on.
    let session = "content/sample-conf-2026/fast-static-sites.md";
    let original = std::fs::read_to_string(site.join(session)).unwrap();
    write_files(
        &site,
        &[(
            session,
            &original.replace("title: Fast Static Sites", "title: Faster Static Sites"),
        )],
    );
    let s = wait_for(addr, "a rebuild", |s| {
        s["version"].as_u64().unwrap() > first
    });
    assert!(s["error"].is_null());
    assert!(get(addr, page).1.contains("Faster Static Sites"));

    // A broken edit: the error is reported, the last good page is still served.
    write_files(&site, &[(session, "---\ntitle: Broken\nstart: [\n---\n")]);
    let s = wait_for(addr, "the error", |s| !s["error"].is_null());
    let error = s["error"].as_str().unwrap();
    assert!(
        error.contains("fast-static-sites.md:"),
        "error names the file and line: {error}"
    );
    let (code, body) = get(addr, page);
    assert_eq!(code, 200);
    assert!(
        body.contains("Faster Static Sites"),
        "the last good build is still served"
    );

    // Fixing it clears the error.
    write_files(&site, &[(session, &original)]);
    wait_for(addr, "the fix", |s| s["error"].is_null());
    assert!(get(addr, page).1.contains("Fast Static Sites"));
    server.stop();
}

/// Building reads every page; reading is no change, so an idle preview
/// stays at its first version instead of rebuilding in a loop.
#[test]
fn serve_does_not_rebuild_without_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    confsite::scaffold::init(&site).unwrap();
    let server = confsite::serve::start(&site, "127.0.0.1:0".parse().unwrap()).unwrap();
    let first = status(server.address)["version"].as_u64().unwrap();
    // Several debounce periods (100 ms) and rebuilds of this small site.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(status(server.address)["version"].as_u64().unwrap(), first);
    server.stop();
}
