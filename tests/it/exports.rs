//! The schedule exports apps read (`schedule.xml`, `schedule.json`,
//! `version.json`), built by the `confsite` binary from the interop test site
//! and checked with real tools: xmllint against the c3voc XSD (and XPath),
//! Python's jsonschema against the c3voc JSON schema, serde_json for the rest.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{build_into_temp_dir, copy_tree, interop_fixture, read, read_json, repo};

/// A copy of the interop test site that a test may change.
fn site_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&interop_fixture("site"), dir.path());
    dir
}

fn xmllint(args: &[&str]) -> std::process::Output {
    Command::new("xmllint")
        .args(args)
        .output()
        .expect("xmllint runs (scripts/install-test-deps installs libxml2-utils)")
}

/// The text at an XPath in a file, by xmllint.
fn xpath(file: &Path, expr: &str) -> String {
    let out = xmllint(&[
        "--xpath",
        &format!("string({expr})"),
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{expr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // xmllint ends its output with a newline of its own.
    text.strip_suffix('\n').unwrap_or(&text).to_string()
}

/// All events of a schedule.json, with the date of the day each is listed under.
fn events(doc: &Value) -> Vec<(String, &Value)> {
    doc["schedule"]["conference"]["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|day| {
            let date = day["date"].as_str().unwrap().to_string();
            day["rooms"]
                .as_object()
                .unwrap()
                .values()
                .flat_map(|list| list.as_array().unwrap())
                .map(move |e| (date.clone(), e))
        })
        .collect()
}

fn by_title<'a>(doc: &'a Value, title: &str) -> (String, &'a Value) {
    events(doc)
        .into_iter()
        .find(|(_, e)| e["title"] == title)
        .unwrap_or_else(|| panic!("no event `{title}`"))
}

#[test]
fn exports_validate_against_the_c3voc_schemas() {
    let (_out, dir) = build_into_temp_dir(&interop_fixture("site"));
    let xml = dir.join("nightconf/schedule.xml");
    let xsd = repo().join("tests/fixtures/interop/c3voc/schedule.xml.xsd");
    let out = xmllint(&[
        "--noout",
        "--schema",
        xsd.to_str().unwrap(),
        xml.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let python = repo().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: scripts/install-test-deps makes it",
        python.display()
    );
    let check = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
errors = list(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(json.load(open(sys.argv[2]))))
for e in errors:
    print("/".join(map(str, e.path)), e.message)
sys.exit(1 if errors else 0)
"#;
    let out = Command::new(&python)
        .args([
            "-c",
            check,
            repo()
                .join("tests/fixtures/interop/c3voc/schema.json")
                .to_str()
                .unwrap(),
            dir.join("nightconf/schedule.json").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // An event without a scheduled session has no schedule to export.
    for file in ["schedule.xml", "schedule.json", "version.json"] {
        assert!(!dir.join("notimes").join(file).exists(), "{file}");
    }
}

#[test]
fn late_sessions_stay_on_their_evening_and_days_follow_the_clock_change() {
    let (_out, dir) = build_into_temp_dir(&interop_fixture("site"));
    let doc: Value = read_json(dir.join("nightconf/schedule.json"));
    let days = doc["schedule"]["conference"]["days"].as_array().unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0]["day_start"], "2025-03-29T04:00:00+01:00");
    assert_eq!(days[0]["day_end"], "2025-03-30T04:00:00+02:00");
    assert_eq!(days[1]["day_start"], "2025-03-30T04:00:00+02:00");

    let (day, e) = by_title(&doc, "After midnight");
    assert_eq!(day, "2025-03-29", "01:00 on Sunday is Saturday night");
    assert_eq!(e["date"], "2025-03-30T01:00:00+01:00");
    assert_eq!(e["start"], "01:00");
    let (day, e) = by_title(&doc, "Late-night hacking <live>");
    assert_eq!(day, "2025-03-29");
    assert_eq!(e["duration"], "02:00");
    let (day, e) = by_title(&doc, "Sunday panel");
    assert_eq!(day, "2025-03-30");
    assert_eq!(e["date"], "2025-03-30T10:00:00+02:00");
    assert_eq!(e["duration"], "01:30");

    // The same in the XML, read by xmllint.
    let xml = dir.join("nightconf/schedule.xml");
    assert_eq!(
        xpath(&xml, "//day[room/event/title='After midnight']/@date"),
        "2025-03-29"
    );
    assert_eq!(
        xpath(&xml, "//event[title='Sunday panel']/duration"),
        "01:30"
    );

    // With the day change at midnight, 01:00 is Sunday's.
    let site = site_copy();
    let config = site.path().join("confsite.yaml");
    let text = read(&config) + "day_change: \"00:00\"\n";
    std::fs::write(&config, text).unwrap();
    let (_out2, dir2) = build_into_temp_dir(site.path());
    let doc: Value = read_json(dir2.join("nightconf/schedule.json"));
    assert_eq!(by_title(&doc, "After midnight").0, "2025-03-30");
    assert_eq!(
        doc["schedule"]["conference"]["days"][1]["day_start"],
        "2025-03-30T00:00:00+01:00"
    );
}

#[test]
fn sessions_carry_people_rooms_tracks_and_links() {
    let (_out, dir) = build_into_temp_dir(&interop_fixture("site"));
    let doc: Value = read_json(dir.join("nightconf/schedule.json"));
    let conf = &doc["schedule"]["conference"];
    assert_eq!(conf["title"], "Night & Day Conf <2025>");
    assert_eq!(conf["acronym"], "nightconf");
    assert_eq!(conf["time_zone_name"], "Europe/Berlin");
    let rooms: Vec<&str> = conf["rooms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(rooms, ["Main Hall", "Room: B"]);
    assert_eq!(
        conf["tracks"][0],
        serde_json::json!({"name": "Web", "slug": "web", "color": "#33aa77"})
    );

    let (_, e) = by_title(&doc, "Opening: <Welcome> & \"Thanks\"");
    assert_eq!(e["room"], "Main Hall");
    assert_eq!(e["track"], "Web");
    assert_eq!(e["type"], "keynote");
    assert_eq!(e["language"], "en");
    assert_eq!(
        e["url"],
        "https://example.org/conf/nightconf/session/opening.html"
    );
    assert_eq!(e["persons"][0]["public_name"], "Ada Example");
    assert_eq!(e["persons"][0]["biography"], "Ada builds **schedules**.");
    assert_eq!(
        e["persons"][0]["url"],
        "https://example.org/conf/nightconf/speaker/ada-example.html"
    );
    assert_eq!(
        e["links"],
        serde_json::json!([
            {"type": "media", "url": "https://video.example.org/opening?a=1&b=2", "title": "Recording"},
            {"type": "slides", "url": "https://example.org/slides/opening.pdf", "title": "slides"},
            {"type": "related", "url": "https://cfp.example.org/talk/OPEN01/", "title": "source"},
        ])
    );
    assert!(
        e["abstract"]
            .as_str()
            .unwrap()
            .starts_with("Welcome to **Night & Day**.")
    );

    // The same speaker has the same id in every session.
    let ada_ids: Vec<&Value> = events(&doc)
        .into_iter()
        .flat_map(|(_, e)| e["persons"].as_array().unwrap())
        .filter(|p| p["public_name"] == "Ada Example")
        .map(|p| &p["id"])
        .collect();
    assert_eq!(ada_ids.len(), 2);
    assert_eq!(ada_ids[0], ada_ids[1]);

    // Notes are not an abstract, and a URL with a space is written as a URI.
    let (_, e) = by_title(&doc, "Sunday panel");
    assert_eq!(
        e["links"][0]["url"],
        "https://example.org/Folien%20Sonntag%20%C3%A4.pdf"
    );
    assert_eq!(e["abstract"], "");
    assert_eq!(e["description"], "My notes: the panel agreed on *nothing*.");

    // No room: an empty room name, not an invented one.
    let (_, e) = by_title(&doc, "Lunch \u{1b} break");
    assert_eq!(e["room"], "");

    // The XML escapes what it must and drops what XML cannot hold.
    let xml = dir.join("nightconf/schedule.xml");
    assert_eq!(
        xpath(&xml, "//event[contains(url,'/opening.html')]/title"),
        "Opening: <Welcome> & \"Thanks\""
    );
    assert_eq!(
        xpath(&xml, "//event[contains(url,'/lunch.html')]/title"),
        "Lunch  break"
    );
    assert_eq!(
        xpath(
            &xml,
            "//event[contains(url,'/opening.html')]/links/link[1]/@href"
        ),
        "https://video.example.org/opening?a=1&b=2"
    );
    assert_eq!(
        xpath(
            &xml,
            "//event[contains(url,'/opening.html')]/links/link[3]/@type"
        ),
        "source"
    );
}

#[test]
fn ids_and_guids_are_stable_and_kept_guids_win_once() {
    let (_out, dir) = build_into_temp_dir(&interop_fixture("site"));
    let (_out2, dir2) = build_into_temp_dir(&interop_fixture("site"));
    for file in ["schedule.xml", "schedule.json", "version.json"] {
        assert_eq!(
            std::fs::read(dir.join("nightconf").join(file)).unwrap(),
            std::fs::read(dir2.join("nightconf").join(file)).unwrap(),
            "{file} is byte-identical across builds"
        );
    }
    let doc: Value = read_json(dir.join("nightconf/schedule.json"));
    let (_, kept) = by_title(&doc, "A talk imported with its guid");
    assert_eq!(kept["guid"], "8079583e-8321-506c-95af-fd2903a5f075");
    let (_, copy) = by_title(&doc, "A copy of that page");
    assert_ne!(copy["guid"], kept["guid"], "a copied guid is not reused");
    assert_eq!(
        &copy["guid"].as_str().unwrap()[14..15],
        "5",
        "a derived UUIDv5"
    );

    let version: Value = read_json(dir.join("nightconf/version.json"));
    let v = version["version"].as_str().unwrap();
    assert_eq!(doc["schedule"]["version"], v);
    assert_eq!(
        version["schedule_xml"],
        "https://example.org/conf/nightconf/schedule.xml"
    );

    // A new session changes the version, not the others' ids or guids.
    let site = site_copy();
    std::fs::write(
        site.path().join("content/nightconf/added.md"),
        "---\ntitle: Added later\nstart: 2025-03-30 15:00\nduration: 30m\nroom: Main Hall\n---\n",
    )
    .unwrap();
    let (_out3, dir3) = build_into_temp_dir(site.path());
    let doc3: Value = read_json(dir3.join("nightconf/schedule.json"));
    assert_ne!(doc3["schedule"]["version"], v);
    assert_eq!(events(&doc3).len(), events(&doc).len() + 1);
    for (_, e) in events(&doc) {
        let (_, again) = by_title(&doc3, e["title"].as_str().unwrap());
        assert_eq!(again["id"], e["id"]);
        assert_eq!(again["guid"], e["guid"]);
        assert_eq!(again["persons"], e["persons"]);
    }

    // A change outside the schedule (an unscheduled session) keeps the version.
    let site = site_copy();
    std::fs::write(
        site.path().join("content/nightconf/someday.md"),
        "---\ntitle: Someday, maybe\n---\n\nA new abstract.\n",
    )
    .unwrap();
    let (_out4, dir4) = build_into_temp_dir(site.path());
    assert_eq!(
        read_json::<Value>(dir4.join("nightconf/version.json"))["version"],
        v
    );
}
