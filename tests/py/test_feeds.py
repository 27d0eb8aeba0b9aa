"""Calendar feeds, read by two independent Python parsers: `icalendar`
(lenient, the most used) and `ical` (strict, pydantic-based).

Two sources of truth, neither of them the code under test:
- the fixture site in tests/fixtures/feeds/site, with hand-written
  expectations in tests/fixtures/feeds/expected.json (a daylight-saving
  change, a session past midnight, non-ASCII text, `,` `;` `\\` and line
  breaks, a hostile title);
- every event of the demo build ($CONFSITE_DEMO_OUTPUT), cross-checked
  against its sessions.json, whose times are parsed here with the standard
  library.
"""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from urllib.parse import urlparse

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "feeds"
EXPECTED = json.loads((FIXTURE / "expected.json").read_text("utf-8"))
UTC = dt.timezone.utc
PARSERS = ["icalendar", "ical"]

# Everything the parsers said while reading, for the closing report.
PARSER_WARNINGS: list[str] = []


def need_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the tests through scripts/test")
    return value


def confsite(*args: str) -> None:
    result = subprocess.run(
        [need_env("CONFSITE_BIN"), *args],
        env={**os.environ, "SOURCE_DATE_EPOCH": str(EXPECTED["source_date_epoch"])},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"confsite {args} failed:\n{result.stderr}"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def lf(text: str) -> str:
    """Line breaks as a calendar carries them: CRLF and CR read as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def ics_files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.ics"))}


# ---------------------------------------------------------------- parsing


def parse(path: Path, parser: str) -> dict:
    """One feed through one parser, as plain data: calendar properties and
    events (UTC datetimes, unescaped text)."""
    raw = path.read_bytes()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _parse_icalendar(raw) if parser == "icalendar" else _parse_ical(raw)
    for w in caught:
        PARSER_WARNINGS.append(f"{parser}: {path.name}: {w.category.__name__}: {w.message}")
    return result


def _parse_icalendar(raw: bytes) -> dict:
    cal = icalendar.Calendar.from_ical(raw)
    assert not cal.errors, cal.errors
    events = []
    for ev in cal.walk("VEVENT"):
        assert not ev.errors, ev.errors
        cats = ev.get("CATEGORIES")
        cats = cats if isinstance(cats, list) else [cats] if cats is not None else []
        events.append(
            {
                "uid": str(ev["UID"]),
                "dtstamp": ev.decoded("DTSTAMP"),
                "start": ev.decoded("DTSTART"),
                "dtend": ev.decoded("DTEND") if "DTEND" in ev else None,
                "end": ev.end,
                "summary": str(ev["SUMMARY"]),
                "description": str(ev.get("DESCRIPTION", "")),
                "location": str(ev["LOCATION"]) if "LOCATION" in ev else None,
                "url": str(ev.get("URL", "")),
                "categories": [str(c) for prop in cats for c in prop.cats],
                "organizer": "ORGANIZER" in ev,
                "attendee": "ATTENDEE" in ev,
            }
        )
    return {
        "prodid": str(cal["PRODID"]),
        "version": str(cal["VERSION"]),
        "calscale": str(cal["CALSCALE"]),
        "method": str(cal["METHOD"]),
        # icalendar 7.3 hands X-WR-CALNAME (and NAME) back as vUnknown, still
        # escaped; RFC 5545 §3.8.8.2 reads X- properties as TEXT by default.
        "calname": unescape_text(cal["X-WR-CALNAME"].to_ical().decode("utf-8")),
        "timezone": str(cal["X-WR-TIMEZONE"]),
        "refresh": cal["REFRESH-INTERVAL"].dt,
        "refresh_value": cal["REFRESH-INTERVAL"].params.get("VALUE"),
        "ttl": str(cal["X-PUBLISHED-TTL"]),
        "vevent_count": len(cal.walk("VEVENT")),
        "events": events,
    }


def _parse_ical(raw: bytes) -> dict:
    cal = IcsCalendarStream.calendar_from_ics(raw.decode("utf-8"))
    extras = {x.name.upper(): x.value for x in cal.extras}
    events = [
        {
            "uid": ev.uid,
            "dtstamp": ev.dtstamp,
            "start": ev.dtstart,
            "dtend": ev.dtend,
            "end": ev.end,
            "summary": ev.summary,
            "description": ev.description or "",
            "location": ev.location,
            "url": ev.url or "",
            "categories": list(ev.categories),
            "organizer": ev.organizer is not None,
            "attendee": bool(ev.attendees),
        }
        for ev in cal.events
    ]
    return {
        "prodid": cal.prodid,
        "version": cal.version,
        "calscale": cal.calscale,
        "method": cal.method,
        # ical keeps unknown properties raw (still escaped), as icalendar does.
        "calname": unescape_text(extras["X-WR-CALNAME"]),
        "timezone": cal.x_wr_timezone and str(cal.x_wr_timezone),
        "refresh": cal.refresh_interval,
        "refresh_value": "DURATION",  # ical only accepts REFRESH-INTERVAL with VALUE=DURATION
        "ttl": extras.get("X-PUBLISHED-TTL"),
        "vevent_count": len(cal.events),
        "events": events,
    }


def unescape_text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT unescaping."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def categories_as_read(parser: str, categories: list[str]) -> list[str]:
    """What a parser gives back for CATEGORIES. `ical` 14.3.1 splits the
    list on every comma, escaped or not (`Web\\, Mobile` becomes `Web\\` and
    ` Mobile`), so a category with a comma cannot come back whole from it;
    icalendar and ical.js read the escape. Pinned here so a fix shows up."""
    if parser != "ical" or not categories:
        return categories
    return ",".join(c.replace(",", "\\,") for c in categories).split(",")


def assert_utc(value: dt.datetime, what: str) -> None:
    assert isinstance(value, dt.datetime), f"{what}: {value!r} is not a date-time"
    assert value.tzinfo is not None, f"{what}: floating time {value}"
    assert value.utcoffset() == dt.timedelta(0), f"{what}: not UTC: {value}"


def assert_physical_lines(path: Path) -> int:
    """CRLF only, every physical line ≤ 75 octets and valid UTF-8 on its own
    (so no fold cut a character). Returns the number of physical lines."""
    raw = path.read_bytes()
    assert raw.endswith(b"\r\n"), f"{path}: does not end with CRLF"
    lines = raw[:-2].split(b"\r\n")
    for n, line in enumerate(lines, 1):
        assert b"\r" not in line and b"\n" not in line, f"{path}:{n}: bare CR or LF"
        assert len(line) <= 75, f"{path}:{n}: {len(line)} octets"
        line.decode("utf-8")  # raises if a fold split a character
        assert line, f"{path}:{n}: empty line"
    return len(lines)


# ---------------------------------------------------------------- fixture site


def _build_copy(tmp: Path, name: str, rename: bool) -> Path:
    site = tmp / f"{name}-site"
    shutil.copytree(FIXTURE / "site", site)
    if rename:
        # New file names in the reverse order, slugs kept by front matter:
        # what a re-import or a tidy-up of the content folder does.
        pages = sorted(p for p in (site / "content" / "berlin").glob("*.md") if p.name != "_event.md")
        for i, page in enumerate(pages):
            text = page.read_text("utf-8")
            if "\nslug:" not in text:
                text = text.replace("---\n", f"---\nslug: {page.stem}\n", 1)
            page.unlink()
            (page.parent / f"{len(pages) - i:02d}-renamed-{i}.md").write_text(text, "utf-8")
    out = tmp / f"{name}-out"
    confsite("build", "--root", str(site), "--output", str(out))
    return out


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feeds")
    return {
        "first": _build_copy(tmp, "first", rename=False),
        "second": _build_copy(tmp, "second", rename=False),
        "renamed": _build_copy(tmp, "renamed", rename=True),
    }


def test_fixture_writes_exactly_the_expected_feeds(builds):
    assert sorted(ics_files(builds["first"])) == sorted(EXPECTED["feeds"])


@pytest.mark.parametrize("parser", PARSERS)
def test_fixture_events_match_the_hand_written_expectations(builds, parser):
    checked = 0
    for rel, feed in EXPECTED["feeds"].items():
        cal = parse(builds["first"] / rel, parser)
        assert cal["calname"] == lf(feed["name"]), rel
        expected_uids = [EXPECTED["sessions"][s]["uid"] for s in feed["sessions"]]
        assert [e["uid"] for e in cal["events"]] == expected_uids, rel
        for slug, ev in zip(feed["sessions"], cal["events"]):
            want = EXPECTED["sessions"][slug]
            where = f"{parser}: {rel}: {slug}"
            assert_utc(ev["start"], where)
            assert ev["start"] == utc(want["start"]), where
            if want["end"] is None:
                assert ev["dtend"] is None, where
                assert ev["end"] == ev["start"], where
            else:
                assert_utc(ev["dtend"], where)
                assert ev["dtend"] == utc(want["end"]), where
            assert ev["dtstamp"] == utc(EXPECTED["dtstamp"]), where
            assert ev["summary"] == want["summary"], where
            assert ev["description"] == want["description"], where
            assert ev["location"] == want["location"], where
            assert ev["url"] == want["url"], where
            assert ev["categories"] == categories_as_read(parser, want["categories"]), where
            assert not ev["organizer"] and not ev["attendee"], where
            checked += 1
    assert checked == sum(len(f["sessions"]) for f in EXPECTED["feeds"].values())


@pytest.mark.parametrize("parser", PARSERS)
def test_fixture_calendar_properties(builds, parser):
    for rel in EXPECTED["feeds"]:
        cal = parse(builds["first"] / rel, parser)
        assert cal["prodid"].startswith("-//confsite//confsite "), rel
        assert (cal["version"], cal["calscale"], cal["method"]) == ("2.0", "GREGORIAN", "PUBLISH")
        assert cal["timezone"] == EXPECTED["timezone"], rel
        assert cal["refresh"] == dt.timedelta(hours=1) and cal["refresh_value"] == "DURATION"
        assert cal["ttl"] == "PT1H", rel


def test_fixture_lines_are_crlf_and_folded_at_75_octets(builds):
    folded = 0
    for path in ics_files(builds["first"]).values():
        assert_physical_lines(path)
        folded += path.read_bytes().count(b"\r\n ")
    assert folded > 50, "the fixture's long values must exercise folding"


@pytest.mark.parametrize("parser", PARSERS)
def test_hostile_title_cannot_inject(builds, parser):
    path = builds["first"] / "berlin/ics/session-hostile.ics"
    raw = path.read_bytes().decode("utf-8")
    unfolded = raw.replace("\r\n ", "").split("\r\n")
    # Structure as any reader sees it: one event, no smuggled lines.
    assert [l for l in unfolded if l.startswith("BEGIN:")] == ["BEGIN:VCALENDAR", "BEGIN:VEVENT"]
    assert [l for l in unfolded if l.startswith("END:")] == ["END:VEVENT", "END:VCALENDAR"]
    assert not any(l.startswith(("UID:injected", "X-INJECTED", "DTSTART:1970")) for l in unfolded)
    cal = parse(path, parser)
    assert cal["vevent_count"] == 1
    [ev] = cal["events"]
    assert ev["uid"] == "hostile.berlin@feeds.example.org"
    assert ev["start"] == utc("2026-10-26T10:00:00Z")
    assert ev["summary"] == EXPECTED["sessions"]["hostile"]["summary"]
    # The whole site: no feed holds an injected event.
    for p in ics_files(builds["first"]).values():
        for e in parse(p, parser)["events"]:
            assert "injected" not in e["uid"], p


def test_uids_and_bytes_survive_a_rebuild_and_renamed_files(builds):
    first = ics_files(builds["first"])
    for name in ("second", "renamed"):
        other = ics_files(builds[name])
        assert sorted(other) == sorted(first), name
        for rel, path in first.items():
            assert other[rel].read_bytes() == path.read_bytes(), f"{name}: {rel}"
    uids = [e["uid"] for e in parse(first["berlin/schedule.ics"], "ical")["events"]]
    assert len(uids) == len(set(uids)) == len(EXPECTED["sessions"])


# ---------------------------------------------------------------- demo build


def demo_events() -> list[Path]:
    root = Path(need_env("CONFSITE_DEMO_OUTPUT"))
    assert root.is_dir(), f"no demo build at {root}"
    events = sorted(p.parent for p in root.glob("*/sessions.json"))
    assert events, f"no event in the demo build at {root}"
    return events


def expected_demo_feeds(event_dir: Path) -> tuple[dict, dict]:
    """From sessions.json alone: for each feed file the sessions it must
    hold, in program order. Track, room and speaker feeds are matched by the
    name the feed gives itself (`<event>: <name>`)."""
    sessions = json.loads((event_dir / "sessions.json").read_text("utf-8"))
    scheduled = [s for s in sessions if s["start"]]
    by_slug = {s["slug"]: s for s in sessions}
    files = ics_files(event_dir)
    event_name = parse(files["schedule.ics"], "icalendar")["calname"]
    expected: dict[str, list[dict]] = {"schedule.ics": scheduled}
    days = sorted({s["start"][:10] for s in scheduled})
    for day in days:
        expected[f"ics/day-{day}.ics"] = [s for s in scheduled if s["start"][:10] == day]
    for s in scheduled:
        expected[f"ics/session-{s['slug']}.ics"] = [s]
    named = {"track": set(), "room": set(), "speaker": set()}
    for rel, path in files.items():
        kind = re.match(r"ics/(track|room|speaker)-", rel)
        if not kind:
            continue
        calname = parse(path, "icalendar")["calname"]
        assert calname.startswith(event_name + ": "), rel
        name = calname[len(event_name) + 2 :]
        named[kind[1]].add(name)
        member = {
            "track": lambda s: name in s["tracks"],
            "room": lambda s: s["room"] == name,
            "speaker": lambda s: any(sp["name"] == name for sp in s["speakers"]),
        }[kind[1]]
        expected[rel] = [s for s in scheduled if member(s)]
    # Every track, room and speaker of a scheduled session has its feed.
    assert {t for s in scheduled for t in s["tracks"]} <= named["track"], event_dir
    assert {s["room"] for s in scheduled if s["room"]} <= named["room"], event_dir
    assert {sp["name"] for s in scheduled for sp in s["speakers"]} <= named["speaker"], event_dir
    return expected, by_slug


@pytest.mark.parametrize("parser", PARSERS)
def test_demo_feeds_hold_the_scheduled_sessions_at_their_instants(parser):
    root = Path(need_env("CONFSITE_DEMO_OUTPUT"))
    feeds = events = 0
    all_ics = set(ics_files(root))
    seen_files = set()
    for event_dir in demo_events():
        expected, _ = expected_demo_feeds(event_dir)
        files = ics_files(event_dir)
        assert sorted(files) == sorted(expected), event_dir.name
        base_host = None
        for rel, path in files.items():
            seen_files.add(path.relative_to(root).as_posix())
            assert_physical_lines(path)
            cal = parse(path, parser)
            want = expected[rel]
            assert cal["vevent_count"] == len(want), f"{event_dir.name}/{rel}"
            for s, ev in zip(want, cal["events"]):
                where = f"{parser}: {event_dir.name}/{rel}: {s['slug']}"
                base_host = base_host or urlparse(s["url"]).hostname
                assert ev["uid"] == f"{s['slug']}.{event_dir.name}@{base_host}", where
                assert_utc(ev["start"], where)
                assert ev["start"] == utc(s["start"]), where
                if s["end"] and utc(s["end"]) > utc(s["start"]):
                    assert_utc(ev["dtend"], where)
                    assert ev["dtend"] == utc(s["end"]), where
                else:
                    assert ev["dtend"] is None, where
                assert ev["summary"] == lf(s["title"]), where
                assert ev["url"] == s["url"], where
                assert ev["description"].endswith(s["url"]), where
                for sp in s["speakers"]:
                    assert lf(sp["name"]) in ev["description"], where
                assert "](" not in ev["description"] and "<p>" not in ev["description"], where
                if s["room"]:
                    assert ev["location"].startswith(lf(s["room"])), where
                assert ev["categories"] == categories_as_read(parser, s["tracks"]), where
                assert not ev["organizer"] and not ev["attendee"], where
                events += 1
            feeds += 1
    assert seen_files == all_ics, "feeds outside an event folder"
    print(f"{parser}: {feeds} demo feeds, {events} events checked")


def test_demo_uids_are_unique_and_unchanged_by_a_second_build(tmp_path):
    root = Path(need_env("CONFSITE_DEMO_OUTPUT"))
    uids = []
    for event_dir in demo_events():
        events = parse(event_dir / "schedule.ics", "ical")["events"]
        uids += [e["uid"] for e in events]
    assert len(uids) == len(set(uids))
    # Rebuild the same content with the same base URL and compare every feed.
    sample = next(
        s for d in demo_events() for s in json.loads((d / "sessions.json").read_text("utf-8"))
    )
    base = sample["url"][: sample["url"].index("/session/")].rsplit("/", 1)[0] + "/"
    again = tmp_path / "again"
    confsite("build", "--root", str(REPO), "--output", str(again), "--base-url", base)
    first, second = ics_files(root), ics_files(again)
    assert sorted(first) == sorted(second)
    for rel in first:
        a = [(e["uid"], e["start"]) for e in parse(first[rel], "ical")["events"]]
        b = [(e["uid"], e["start"]) for e in parse(second[rel], "ical")["events"]]
        assert a == b, rel


# Sessions of the seed documents that give times, with the instant read off
# the document by hand. The test runs for a seed once the demo content holds it.
SEED_SESSIONS = [
    pytest.param(
        "AI-Assisted GitOps With Flux MCP Server",
        "2025-11-13T16:00:00Z",  # "11:00am EST - 11:30am EST", Thursday, November 13, 2025
        "2025-11-13T16:30:00Z",
        id="004-kubecon-atlanta-EST",
    ),
    pytest.param(
        "Cloud Native Authorization Landscape",
        "2022-10-23T13:50:00Z",  # 09:50, 30min, Detroit, 23 October 2022 (EDT, UTC-4)
        "2022-10-23T14:20:00Z",
        id="002-rejekts-detroit-EDT",
    ),
]


@pytest.mark.parametrize("title,start,end", SEED_SESSIONS)
@pytest.mark.parametrize("parser", PARSERS)
def test_seed_sessions_at_their_instants(parser, title, start, end):
    content = [p for p in (REPO / "content").rglob("*.md") if title in p.read_text("utf-8")]
    assert content, f"the demo content does not hold {title!r}: re-run scripts/import-demo"
    found = 0
    for event_dir in demo_events():
        for rel, path in ics_files(event_dir).items():
            for ev in parse(path, parser)["events"]:
                if ev["summary"] == title:
                    assert ev["start"] == utc(start), f"{rel}: {ev['start']}"
                    assert ev["dtend"] == utc(end), f"{rel}: {ev['dtend']}"
                    found += 1
    # schedule.ics, its day, its room, its session file at least.
    assert found >= 4, f"{title!r} in {found} feeds"


def test_parsers_printed_no_warnings():
    """Runs last in this file: everything parsed above went through parse()."""
    assert PARSER_WARNINGS == [], "\n".join(PARSER_WARNINGS)
