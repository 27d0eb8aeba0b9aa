"""The schedule exports of the demo build, checked with the real validators:
every event's schedule.xml against the c3voc XSD with xmllint, and its
schedule.json against the c3voc JSON schema with jsonschema (the draft the
schema names, with format checking). Then what apps rely on beyond the
schemas: unique ids and guids, stable person ids, one version everywhere,
every scheduled session exported once, each on its evening's day.
"""

import json
import os
import re
import subprocess
import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[2]
C3VOC = REPO / "tests" / "fixtures" / "interop" / "c3voc"
XSD = C3VOC / "schedule.xml.xsd"
SCHEMA = C3VOC / "schema.json"


def demo_output() -> Path:
    out = os.environ.get("CONFSITE_DEMO_OUTPUT")
    if not out:
        pytest.fail("CONFSITE_DEMO_OUTPUT is not set: point it at a demo build (scripts/test does)")
    path = Path(out)
    if not path.is_dir():
        pytest.fail(f"CONFSITE_DEMO_OUTPUT={out} is not a directory")
    return path


def events() -> list[Path]:
    """Every event directory of the demo build (each has a sessions.json)."""
    return sorted(p.parent for p in demo_output().glob("*/sessions.json"))


def scheduled_sessions(event: Path) -> list[dict]:
    sessions = json.loads((event / "sessions.json").read_text(encoding="utf-8"))
    return [s for s in sessions if s["start"]]


def scheduled_events() -> list[Path]:
    found = [e for e in events() if scheduled_sessions(e)]
    if not found:
        pytest.fail("the demo build has no event with scheduled sessions: nothing to validate")
    return found


def test_exports_exist_exactly_for_events_with_a_schedule():
    for event in events():
        has_schedule = bool(scheduled_sessions(event))
        for name in ("schedule.xml", "schedule.json", "version.json"):
            assert (event / name).is_file() == has_schedule, (
                f"{event.name}/{name}: expected {'a' if has_schedule else 'no'} file"
            )


@pytest.mark.parametrize("event", scheduled_events(), ids=lambda p: p.name)
def test_schedule_xml_is_valid_against_the_xsd(event):
    result = subprocess.run(
        ["xmllint", "--noout", "--schema", str(XSD), str(event / "schedule.xml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "validates" in result.stderr, result.stderr


def format_checker() -> jsonschema.FormatChecker:
    """jsonschema's format checks, plus the formats the c3voc schema uses
    that jsonschema checks only with optional packages (date, date-time,
    uri, uuid), checked here with the standard library."""
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value):
        if not isinstance(value, str):
            return True
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
            return False
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None

    @checker.checks("date", raises=ValueError)
    def _date(value):
        if not isinstance(value, str):
            return True
        return bool(re.fullmatch(r"\d{4}-\d\d-\d\d", value)) and bool(date.fromisoformat(value))

    @checker.checks("uri", raises=ValueError)
    def _uri(value):
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return (
            bool(parts.scheme)
            and (bool(parts.netloc) or parts.scheme == "mailto")
            and not re.search(r"\s", value)
        )

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value):
        if not isinstance(value, str):
            return True
        return str(uuid.UUID(value)) == value.lower()

    return checker


def test_the_format_checks_catch_bad_values():
    checker = format_checker()
    for fmt, good, bad in [
        ("date-time", "2025-03-30T01:00:00+01:00", "2025-03-30 01:00"),
        ("date", "2025-03-30", "30.03.2025"),
        ("uri", "https://example.org/a?b=1", "not a uri"),
        ("uuid", "8079583e-8321-506c-95af-fd2903a5f075", "8079583e"),
    ]:
        assert checker.conforms(good, fmt), (fmt, good)
        assert not checker.conforms(bad, fmt), (fmt, bad)


@pytest.mark.parametrize("event", scheduled_events(), ids=lambda p: p.name)
def test_schedule_json_is_valid_against_the_schema(event):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft6Validator, "the schema names draft-06"
    cls.check_schema(schema)
    validator = cls(schema, format_checker=format_checker())
    doc = json.loads((event / "schedule.json").read_text(encoding="utf-8"))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:20]
    )


def json_events(doc: dict) -> list[dict]:
    return [
        ev
        for day in doc["schedule"]["conference"]["days"]
        for room_events in day["rooms"].values()
        for ev in room_events
    ]


UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.mark.parametrize("event", scheduled_events(), ids=lambda p: p.name)
def test_identifiers_apps_rely_on(event):
    doc = json.loads((event / "schedule.json").read_text(encoding="utf-8"))
    evs = json_events(doc)
    ids = [e["id"] for e in evs]
    assert len(set(ids)) == len(ids), "session ids are unique"
    assert all(0 < i < 2**31 for i in ids), "ids fit a signed 32-bit integer"
    guids = [e["guid"] for e in evs]
    assert len(set(guids)) == len(guids), "guids are unique"
    # Derived guids are UUIDv5; an imported page may keep its source's guid.
    assert sum(bool(UUID.match(g)) for g in guids) > 0
    slugs = [e["slug"] for e in evs]
    assert len(set(slugs)) == len(slugs), "slugs are unique"
    # A person id stands for one speaker page, and one page has one id.
    people: dict[int, str] = {}
    pages: dict[str, int] = {}
    for e in evs:
        for p in e["persons"]:
            assert p["public_name"].strip(), "every person has a name"
            assert people.setdefault(p["id"], p["url"]) == p["url"], (
                f"person id {p['id']} stands for two speakers"
            )
            assert pages.setdefault(p["url"], p["id"]) == p["id"], (
                f"{p['url']} has two person ids"
            )

    # The XML says the same.
    root = ET.parse(event / "schedule.xml").getroot()
    xml_events = root.findall("./day/room/event")
    assert sorted(int(e.get("id")) for e in xml_events) == sorted(ids)
    assert sorted(e.get("guid") for e in xml_events) == sorted(guids)
    names = {p["id"]: set() for e in evs for p in e["persons"]}
    for e in evs:
        for p in e["persons"]:
            names[p["id"]].add(p["public_name"])
    for e in xml_events:
        for p in e.findall("./persons/person"):
            assert p.text in names[int(p.get("id"))]

    version = json.loads((event / "version.json").read_text(encoding="utf-8"))["version"]
    assert version and doc["schedule"]["version"] == version
    assert root.findtext("version") == version


@pytest.mark.parametrize("event", scheduled_events(), ids=lambda p: p.name)
def test_every_scheduled_session_is_exported_on_its_program_day(event):
    doc = json.loads((event / "schedule.json").read_text(encoding="utf-8"))
    sessions = scheduled_sessions(event)
    evs = json_events(doc)
    assert sorted(e["url"] for e in evs) == sorted(s["url"] for s in sessions)
    by_url = {s["url"]: s for s in sessions}
    for day in doc["schedule"]["conference"]["days"]:
        day_start = datetime.fromisoformat(day["day_start"])
        day_end = datetime.fromisoformat(day["day_end"])
        assert day_end - day_start >= timedelta(hours=23), "a day runs to the next day change"
        for room, room_events in day["rooms"].items():
            for e in room_events:
                s = by_url[e["url"]]
                start = datetime.fromisoformat(e["date"])
                assert start == datetime.fromisoformat(s["start"])
                assert day_start <= start < day_end, (e["title"], day["date"])
                assert e["title"] == s["title"]
                assert e["room"] == room == (s["room"] or "")
                assert [p["public_name"] for p in e["persons"]] == [
                    p["name"] for p in s["speakers"]
                ]
                hours, minutes = map(int, e["duration"].split(":"))
                if s["end"]:
                    length = datetime.fromisoformat(s["end"]) - start
                    assert timedelta(hours=hours, minutes=minutes) == length
                assert e["start"] == start.strftime("%H:%M")
