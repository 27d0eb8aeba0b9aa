//! The search index `confsite build` writes: `<event>/search_index.json` in
//! the elasticlunr.js 0.9.x format and `<event>/search_index.js` with the
//! same index, built from tests/fixtures/search/site and from hostile input.
//! (Loading and querying it with the real elasticlunr.js is in
//! tests/js/search-*.test.mjs.)

use std::path::Path;

use serde_json::Value;

use crate::common::{confsite_ok, read, read_json, repo, write_files};

fn build_fixture(base_url: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let site = repo().join("tests/fixtures/search/site");
    confsite_ok(
        &site,
        &[
            "build",
            "--output",
            out.path().to_str().unwrap(),
            "--base-url",
            base_url,
        ],
    );
    out
}

fn index(out: &Path, event: &str) -> Value {
    read_json(out.join(event).join("search_index.json"))
}

/// The trie node of `term` in `field`, if the index has one.
fn node<'a>(index: &'a Value, field: &str, term: &str) -> Option<&'a Value> {
    let mut node = &index["index"][field]["root"];
    for ch in term.chars() {
        node = node.get(ch.to_string())?;
    }
    Some(node)
}

/// Refs of the documents holding `term` in `field`.
fn refs(index: &Value, field: &str, term: &str) -> Vec<String> {
    node(index, field, term)
        .and_then(|n| n["docs"].as_object())
        .map(|docs| docs.keys().cloned().collect())
        .unwrap_or_default()
}

fn ref_of(index: &Value, title: &str) -> String {
    index["documentStore"]["docs"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, d)| d["title"] == title)
        .map(|(r, _)| r.clone())
        .unwrap_or_else(|| panic!("no document titled {title}"))
}

#[test]
fn index_is_elasticlunr_0_9_with_only_the_result_line_stored() {
    let out = build_fixture("https://org.github.io/conf/");
    let idx = index(out.path(), "search-fest");
    assert_eq!(idx["version"], "0.9.5");
    assert_eq!(idx["ref"], "id");
    assert_eq!(
        idx["fields"],
        serde_json::json!(["title", "speakers", "track", "room", "tags", "abstract"])
    );
    assert_eq!(
        idx["pipeline"],
        serde_json::json!(["trimmer", "stopWordFilter", "stemmer"])
    );
    let store = &idx["documentStore"];
    assert_eq!(store["save"], true);
    assert_eq!(store["length"], 6);
    let docs = store["docs"].as_object().unwrap();
    assert_eq!(docs.len(), 6);
    for (r, doc) in docs {
        let doc = doc.as_object().unwrap();
        for key in doc.keys() {
            assert!(
                ["title", "speakers", "time", "room", "url"].contains(&key.as_str()),
                "doc {r} stores {key}"
            );
        }
        // Relative to the event root: no base URL, no event slug, a page that exists.
        let url = doc["url"].as_str().unwrap();
        assert!(
            url.starts_with("session/") && url.ends_with(".html"),
            "{url}"
        );
        assert!(out.path().join("search-fest").join(url).is_file(), "{url}");
        assert!(store["docInfo"][r].is_object(), "field lengths of {r}");
    }
    let cilium = &docs[&ref_of(&idx, "Effortless Mutual Authentication with Cilium")];
    assert_eq!(cilium["speakers"], "Liz Rice");
    assert_eq!(cilium["room"], "Hall A");
    assert_eq!(cilium["time"], "Fri 8 May, 11:00–11:30");
    let tba = &docs[&ref_of(&idx, "Lightning Talks (to be announced)")];
    assert!(tba.get("time").is_none() && tba.get("room").is_none());
}

#[test]
fn documents_are_numbered_in_program_order() {
    let out = build_fixture("http://127.0.0.1:8765/confsite-demo/");
    let idx = index(out.path(), "search-fest");
    let titles: Vec<&str> = (0..6)
        .map(|i| {
            idx["documentStore"]["docs"][i.to_string()]["title"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        titles,
        [
            "Scheduling Pods at Scale",
            "The Scheduler Deep Dive",
            "Effortless Mutual Authentication with Cilium",
            "Backstage at Home",
            "<img src=x onerror=\"window.pwned=1\"> Hostile & friends",
            "Lightning Talks (to be announced)",
        ]
    );
}

#[test]
fn fields_hold_what_the_page_says() {
    let out = build_fixture("https://org.github.io/conf/");
    let idx = index(out.path(), "search-fest");
    let cilium = ref_of(&idx, "Effortless Mutual Authentication with Cilium");
    let backstage = ref_of(&idx, "Backstage at Home");
    let deep_dive = ref_of(&idx, "The Scheduler Deep Dive");
    let tba = ref_of(&idx, "Lightning Talks (to be announced)");
    assert_eq!(refs(&idx, "title", "cilium"), [cilium.as_str()]);
    assert_eq!(refs(&idx, "speakers", "rice"), [cilium.as_str()]);
    assert_eq!(refs(&idx, "speakers", "isoval"), [cilium.as_str()]);
    assert!(refs(&idx, "track", "secur").contains(&cilium));
    assert!(refs(&idx, "room", "hall").contains(&cilium));
    assert!(refs(&idx, "tags", "ebpf").contains(&cilium));
    // A session's kind, when it is not a plain talk, is searchable with the tags.
    assert_eq!(refs(&idx, "tags", "lightn"), [tba.as_str()]);
    // Accented names are also indexed without their accents.
    assert_eq!(refs(&idx, "speakers", "käldström"), [backstage.as_str()]);
    assert_eq!(refs(&idx, "speakers", "kaldstrom"), [backstage.as_str()]);
    assert_eq!(refs(&idx, "speakers", "jose"), [backstage.as_str()]);
    // The abstract is plain text: Markdown marks and link targets are gone, link text stays.
    assert_eq!(refs(&idx, "abstract", "queue"), [deep_dive.as_str()]);
    assert_eq!(refs(&idx, "abstract", "slide"), [deep_dive.as_str()]);
    assert!(node(&idx, "abstract", "http").is_none());
    let json = read(out.path().join("search-fest/search_index.json"));
    assert!(!json.contains("**"), "Markdown emphasis reached the index");
    assert!(
        !json.contains("slides.example"),
        "a link target reached the index"
    );
}

#[test]
fn the_script_version_holds_the_same_index() {
    let out = build_fixture("https://org.github.io/conf/");
    let json = read(out.path().join("search-fest/search_index.json"));
    let script = read(out.path().join("search-fest/search_index.js"));
    let literal = script
        .lines()
        .find_map(|l| l.strip_prefix("globalThis.confsiteSearchIndex = JSON.parse("))
        .and_then(|l| l.strip_suffix(");"))
        .expect("the script assigns the parsed index");
    let inner: String = serde_json::from_str(literal).unwrap();
    assert_eq!(inner, json);
}

#[test]
fn two_builds_write_identical_indexes() {
    let a = build_fixture("https://org.github.io/conf/");
    let b = build_fixture("https://org.github.io/conf/");
    for file in ["search_index.json", "search_index.js"] {
        let path = Path::new("search-fest").join(file);
        assert_eq!(
            std::fs::read(a.path().join(&path)).unwrap(),
            std::fs::read(b.path().join(&path)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn odd_and_hostile_text_builds_an_index() {
    let site = tempfile::tempdir().unwrap();
    let titles = [
        "🚨 Contribfest 🧑‍🤝‍🧑",
        "שלום עולם and مرحبا",
        "İstanbul ǅemal ﬁnance ßsses",
        "—",
        "e\u{301}e\u{301}ed ñies ąęy शिक्षा",
        "</script><script>alert(1)</script>",
        "\u{2028}line\u{2029}separators\u{feff}",
    ];
    let mut files = vec![
        (
            "confsite.yaml".to_string(),
            "title: T\nbase_url: https://x.org/\n".to_string(),
        ),
        (
            "content/ev/_event.md".to_string(),
            "---\nname: Ev\ntimezone: UTC\n---\n".to_string(),
        ),
        (
            "content/empty/_event.md".to_string(),
            "---\nname: Nothing yet\ntimezone: UTC\n---\n".to_string(),
        ),
    ];
    for (i, t) in titles.iter().enumerate() {
        files.push((
            format!("content/ev/s{i}.md"),
            format!(
                "---\ntitle: {}\nspeakers: [{}]\n---\n{} {}\n",
                serde_json::to_string(t).unwrap(),
                serde_json::to_string(t).unwrap(),
                t,
                "x".repeat(5000)
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_files(site.path(), &refs);
    confsite_ok(site.path(), &["build"]);
    let idx = index(&site.path().join("output"), "ev");
    assert_eq!(idx["documentStore"]["length"], titles.len());
    // Titles as the model keeps them (it may collapse white space).
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let stored: Vec<String> = idx["documentStore"]["docs"]
        .as_object()
        .unwrap()
        .values()
        .map(|d| flat(d["title"].as_str().unwrap()))
        .collect();
    for t in titles {
        assert!(stored.contains(&flat(t)), "{t:?} in {stored:?}");
    }
    let empty = index(&site.path().join("output"), "empty");
    assert_eq!(empty["documentStore"]["length"], 0);
    let script = read(site.path().join("output/ev/search_index.js"));
    assert!(!script.contains('\u{2028}') && !script.contains('\u{2029}'));
}
