//! Import stage, format 5 (`sched-export`): a schedule-site export of one or
//! more conference days → an event file and session pages.
//!
//! Input: an `Event name#` line, `Weekday, Month D, YYYY#` day headers, a
//! `Total Sessions: N` line, then per session a `Title#` line followed by
//! `Time:`, `Speakers:`, `Venue:`, `Type:` and `Description:` fields (a
//! description may run over several lines). Output: an [`Imported`] program
//! whose times carry the offset of an IANA zone chosen from the zone
//! abbreviation and the venue's country, plus a diagnostic for every repair
//! of a mangled entry and every doubt.
//!
//! The export damages entries in known ways: two people run together in one
//! `Speakers:` entry, the end of a title cut at ` - ` and pushed into
//! `Speakers:`, the session's time where a role and company belong. Each of
//! those is recovered and reported with its line.

use std::path::Path;

use jiff::Zoned;
use jiff::civil::{Date, Time};

use super::text::{
    Day, EventZone, ProgramDays, TimedEvent, check_weekday, clip, event_zone, parse_day,
    refuse_unreadable, shift_date, source_lines,
};
use super::{ImportOptions, Imported, choose};
use crate::content::pages::{OneOrMany, SessionPage, SpeakerEntry, SpeakerRef};
use crate::diagnostic::Diagnostic;
use crate::model::NON_CLASHING_KINDS;
use crate::time;

// ---------------------------------------------------------------------------
// Times: `8:00am EST - 4:00pm EST`, `Thursday November 13, 2025 1:45pm - 3:00pm EST`

/// One end of a `Time:` range.
#[derive(Debug, Clone, PartialEq)]
struct Clock {
    date: Option<Date>,
    time: Time,
    abbr: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct When {
    start: Clock,
    end: Option<Clock>,
}

fn is_abbreviation(word: &str) -> bool {
    (2..=5).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_uppercase())
}

fn parse_clock(side: &str) -> Result<Clock, String> {
    let mut words: Vec<&str> = side.split_whitespace().collect();
    let abbr = match words.last() {
        Some(w) if is_abbreviation(w) => {
            let a = w.to_string();
            words.pop();
            Some(a)
        }
        _ => None,
    };
    let mut clock = words
        .pop()
        .ok_or_else(|| format!("no time of day in `{}`", side.trim()))?
        .to_string();
    if matches!(
        clock.to_ascii_lowercase().as_str(),
        "am" | "pm" | "a.m." | "p.m."
    ) {
        let number = words
            .pop()
            .ok_or_else(|| format!("no time of day in `{}`", side.trim()))?;
        clock = format!("{number}{}", clock.replace('.', ""));
    }
    if !clock.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("no time of day in `{}`", side.trim()));
    }
    let time = time::parse_time(&clock.replace(['.'], ""))?;
    let date = if words.is_empty() {
        None
    } else {
        let text = words.join(" ");
        match parse_day(&text) {
            Some(Day::Date(d, _)) => Some(d),
            Some(Day::Invalid) => return Err(format!("`{text}` is not a real date")),
            None => return Err(format!("`{text}` is not a date")),
        }
    };
    Ok(Clock { date, time, abbr })
}

fn parse_when(value: &str) -> Result<When, String> {
    let v = value.replace(['\u{2013}', '\u{2014}'], "-");
    let v = v.trim();
    if v.is_empty() {
        return Err("`Time:` is empty".to_string());
    }
    let split = v
        .split_once(" - ")
        .or_else(|| v.split_once(" to "))
        .or_else(|| {
            // `1:45pm-3:00pm`: a dash between two clock times, not inside an ISO date.
            v.char_indices()
                .filter(|&(i, c)| {
                    c == '-'
                        && v[..i].ends_with(|p: char| p.is_ascii_alphabetic() || p.is_ascii_digit())
                        && v[i + 1..].contains(':')
                        && v[..i].contains(':')
                })
                .map(|(i, _)| (&v[..i], &v[i + 1..]))
                .next()
        });
    let (left, right) = match split {
        Some((l, r)) => (l, Some(r)),
        None => (v, None),
    };
    let mut start = parse_clock(left)?;
    let end = match right {
        Some(r) => Some(parse_clock(r)?),
        None => None,
    };
    // `1:45pm - 3:00pm EST`: the zone written once applies to both ends.
    if start.abbr.is_none()
        && let Some(e) = &end
    {
        start.abbr = e.abbr.clone();
    }
    Ok(When { start, end })
}

// ---------------------------------------------------------------------------
// Zone abbreviations → IANA zones, by country (and region where it matters)

/// One row: abbreviation, ISO country, regions it is limited to (empty: any),
/// IANA zone, and the UTC offset in minutes the abbreviation states (`None`
/// for generic names such as `ET` that cover both standard and summer time).
type ZoneRow = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    Option<i32>,
);

const ZONES: &[ZoneRow] = &[
    // United States: Arizona keeps MST all year.
    ("EST", "US", &[], "America/New_York", Some(-300)),
    ("EDT", "US", &[], "America/New_York", Some(-240)),
    ("ET", "US", &[], "America/New_York", None),
    ("CST", "US", &[], "America/Chicago", Some(-360)),
    ("CDT", "US", &[], "America/Chicago", Some(-300)),
    ("CT", "US", &[], "America/Chicago", None),
    (
        "MST",
        "US",
        &["AZ", "ARIZONA"],
        "America/Phoenix",
        Some(-420),
    ),
    ("MST", "US", &[], "America/Denver", Some(-420)),
    ("MDT", "US", &[], "America/Denver", Some(-360)),
    ("MT", "US", &[], "America/Denver", None),
    ("PST", "US", &[], "America/Los_Angeles", Some(-480)),
    ("PDT", "US", &[], "America/Los_Angeles", Some(-420)),
    ("PT", "US", &[], "America/Los_Angeles", None),
    ("AKST", "US", &[], "America/Anchorage", Some(-540)),
    ("AKDT", "US", &[], "America/Anchorage", Some(-480)),
    ("HST", "US", &[], "Pacific/Honolulu", Some(-600)),
    // Canada: Saskatchewan keeps CST all year.
    ("EST", "CA", &[], "America/Toronto", Some(-300)),
    ("EDT", "CA", &[], "America/Toronto", Some(-240)),
    ("ET", "CA", &[], "America/Toronto", None),
    (
        "CST",
        "CA",
        &["SK", "SASKATCHEWAN"],
        "America/Regina",
        Some(-360),
    ),
    ("CST", "CA", &[], "America/Winnipeg", Some(-360)),
    ("CDT", "CA", &[], "America/Winnipeg", Some(-300)),
    ("MST", "CA", &[], "America/Edmonton", Some(-420)),
    ("MDT", "CA", &[], "America/Edmonton", Some(-360)),
    ("PST", "CA", &[], "America/Vancouver", Some(-480)),
    ("PDT", "CA", &[], "America/Vancouver", Some(-420)),
    ("AST", "CA", &[], "America/Halifax", Some(-240)),
    ("ADT", "CA", &[], "America/Halifax", Some(-180)),
    ("NST", "CA", &[], "America/St_Johns", Some(-210)),
    ("NDT", "CA", &[], "America/St_Johns", Some(-150)),
    ("CST", "MX", &[], "America/Mexico_City", Some(-360)),
    ("BRT", "BR", &[], "America/Sao_Paulo", Some(-180)),
    // Europe.
    ("GMT", "GB", &[], "Europe/London", Some(0)),
    ("BST", "GB", &[], "Europe/London", Some(60)),
    ("GMT", "IE", &[], "Europe/Dublin", Some(0)),
    ("IST", "IE", &[], "Europe/Dublin", Some(60)),
    ("WET", "PT", &[], "Europe/Lisbon", Some(0)),
    ("WEST", "PT", &[], "Europe/Lisbon", Some(60)),
    ("CET", "DE", &[], "Europe/Berlin", Some(60)),
    ("CEST", "DE", &[], "Europe/Berlin", Some(120)),
    ("CET", "FR", &[], "Europe/Paris", Some(60)),
    ("CEST", "FR", &[], "Europe/Paris", Some(120)),
    ("CET", "NL", &[], "Europe/Amsterdam", Some(60)),
    ("CEST", "NL", &[], "Europe/Amsterdam", Some(120)),
    ("CET", "BE", &[], "Europe/Brussels", Some(60)),
    ("CEST", "BE", &[], "Europe/Brussels", Some(120)),
    ("CET", "ES", &[], "Europe/Madrid", Some(60)),
    ("CEST", "ES", &[], "Europe/Madrid", Some(120)),
    ("CET", "IT", &[], "Europe/Rome", Some(60)),
    ("CEST", "IT", &[], "Europe/Rome", Some(120)),
    ("CET", "AT", &[], "Europe/Vienna", Some(60)),
    ("CEST", "AT", &[], "Europe/Vienna", Some(120)),
    ("CET", "CH", &[], "Europe/Zurich", Some(60)),
    ("CEST", "CH", &[], "Europe/Zurich", Some(120)),
    ("CET", "CZ", &[], "Europe/Prague", Some(60)),
    ("CEST", "CZ", &[], "Europe/Prague", Some(120)),
    ("CET", "PL", &[], "Europe/Warsaw", Some(60)),
    ("CEST", "PL", &[], "Europe/Warsaw", Some(120)),
    ("CET", "DK", &[], "Europe/Copenhagen", Some(60)),
    ("CEST", "DK", &[], "Europe/Copenhagen", Some(120)),
    ("CET", "SE", &[], "Europe/Stockholm", Some(60)),
    ("CEST", "SE", &[], "Europe/Stockholm", Some(120)),
    ("CET", "NO", &[], "Europe/Oslo", Some(60)),
    ("CEST", "NO", &[], "Europe/Oslo", Some(120)),
    ("CET", "HU", &[], "Europe/Budapest", Some(60)),
    ("CEST", "HU", &[], "Europe/Budapest", Some(120)),
    ("EET", "FI", &[], "Europe/Helsinki", Some(120)),
    ("EEST", "FI", &[], "Europe/Helsinki", Some(180)),
    ("EET", "GR", &[], "Europe/Athens", Some(120)),
    ("EEST", "GR", &[], "Europe/Athens", Some(180)),
    ("EET", "RO", &[], "Europe/Bucharest", Some(120)),
    ("EEST", "RO", &[], "Europe/Bucharest", Some(180)),
    ("EET", "BG", &[], "Europe/Sofia", Some(120)),
    ("EEST", "BG", &[], "Europe/Sofia", Some(180)),
    // Asia and Oceania: Queensland keeps AEST all year.
    ("IST", "IN", &[], "Asia/Kolkata", Some(330)),
    ("IST", "IL", &[], "Asia/Jerusalem", Some(120)),
    ("IDT", "IL", &[], "Asia/Jerusalem", Some(180)),
    ("JST", "JP", &[], "Asia/Tokyo", Some(540)),
    ("KST", "KR", &[], "Asia/Seoul", Some(540)),
    ("CST", "CN", &[], "Asia/Shanghai", Some(480)),
    ("SGT", "SG", &[], "Asia/Singapore", Some(480)),
    ("HKT", "HK", &[], "Asia/Hong_Kong", Some(480)),
    (
        "AEST",
        "AU",
        &["QLD", "QUEENSLAND"],
        "Australia/Brisbane",
        Some(600),
    ),
    (
        "AEST",
        "AU",
        &["NSW", "NEW SOUTH WALES", "ACT"],
        "Australia/Sydney",
        Some(600),
    ),
    (
        "AEDT",
        "AU",
        &["NSW", "NEW SOUTH WALES", "ACT"],
        "Australia/Sydney",
        Some(660),
    ),
    (
        "AEST",
        "AU",
        &["VIC", "VICTORIA"],
        "Australia/Melbourne",
        Some(600),
    ),
    (
        "AEDT",
        "AU",
        &["VIC", "VICTORIA"],
        "Australia/Melbourne",
        Some(660),
    ),
    (
        "AEST",
        "AU",
        &["TAS", "TASMANIA"],
        "Australia/Hobart",
        Some(600),
    ),
    (
        "AEDT",
        "AU",
        &["TAS", "TASMANIA"],
        "Australia/Hobart",
        Some(660),
    ),
    (
        "ACST",
        "AU",
        &["SA", "SOUTH AUSTRALIA"],
        "Australia/Adelaide",
        Some(570),
    ),
    (
        "ACDT",
        "AU",
        &["SA", "SOUTH AUSTRALIA"],
        "Australia/Adelaide",
        Some(630),
    ),
    (
        "ACST",
        "AU",
        &["NT", "NORTHERN TERRITORY"],
        "Australia/Darwin",
        Some(570),
    ),
    (
        "AWST",
        "AU",
        &["WA", "WESTERN AUSTRALIA"],
        "Australia/Perth",
        Some(480),
    ),
    ("NZST", "NZ", &[], "Pacific/Auckland", Some(720)),
    ("NZDT", "NZ", &[], "Pacific/Auckland", Some(780)),
];

const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY",
];

/// The ISO country code of a country as venues write it.
fn country_code(name: &str) -> Option<&'static str> {
    let n = name
        .trim()
        .trim_end_matches('.')
        .to_uppercase()
        .replace('.', "");
    let table: &[(&[&str], &str)] = &[
        (
            &["USA", "US", "UNITED STATES", "UNITED STATES OF AMERICA"],
            "US",
        ),
        (&["CANADA"], "CA"),
        (&["MEXICO", "MÉXICO"], "MX"),
        (&["BRAZIL", "BRASIL"], "BR"),
        (
            &[
                "UK",
                "GB",
                "UNITED KINGDOM",
                "GREAT BRITAIN",
                "ENGLAND",
                "SCOTLAND",
                "WALES",
                "NORTHERN IRELAND",
            ],
            "GB",
        ),
        (&["IRELAND"], "IE"),
        (&["PORTUGAL"], "PT"),
        (&["GERMANY", "DEUTSCHLAND"], "DE"),
        (&["FRANCE"], "FR"),
        (&["NETHERLANDS", "THE NETHERLANDS", "NEDERLAND"], "NL"),
        (&["BELGIUM"], "BE"),
        (&["SPAIN", "ESPAÑA"], "ES"),
        (&["ITALY", "ITALIA"], "IT"),
        (&["AUSTRIA", "ÖSTERREICH"], "AT"),
        (&["SWITZERLAND"], "CH"),
        (&["CZECHIA", "CZECH REPUBLIC"], "CZ"),
        (&["POLAND", "POLSKA"], "PL"),
        (&["DENMARK"], "DK"),
        (&["SWEDEN"], "SE"),
        (&["NORWAY"], "NO"),
        (&["HUNGARY"], "HU"),
        (&["FINLAND"], "FI"),
        (&["GREECE"], "GR"),
        (&["ROMANIA"], "RO"),
        (&["BULGARIA"], "BG"),
        (&["INDIA"], "IN"),
        (&["ISRAEL"], "IL"),
        (&["JAPAN"], "JP"),
        (&["KOREA", "SOUTH KOREA", "REPUBLIC OF KOREA"], "KR"),
        (&["CHINA"], "CN"),
        (&["SINGAPORE"], "SG"),
        (&["HONG KONG"], "HK"),
        (&["AUSTRALIA"], "AU"),
        (&["NEW ZEALAND"], "NZ"),
    ];
    table
        .iter()
        .find(|(names, _)| names.contains(&n.as_str()))
        .map(|(_, code)| *code)
}

/// Country and region of a location such as `Atlanta, GA, USA` or `Austin, TX`.
fn country_and_region(location: &str) -> Option<(&'static str, Option<String>)> {
    let parts: Vec<&str> = location
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let last = parts.last()?;
    if let Some(code) = country_code(last) {
        let region = (parts.len() >= 3).then(|| parts[parts.len() - 2].to_uppercase());
        return Some((code, region));
    }
    // `Austin, TX`: a US state code where the country would be.
    let upper = last.to_uppercase();
    (parts.len() >= 2 && US_STATES.contains(&upper.as_str())).then_some(("US", Some(upper)))
}

/// The IANA zone a zone abbreviation names at `location`, and the offset it
/// states; `None` when the pair is not in the table (never a guess).
fn zone_for(abbr: &str, location: Option<&str>) -> Option<(&'static str, Option<i32>)> {
    if matches!(abbr, "UTC" | "Z") {
        return Some(("UTC", Some(0)));
    }
    let (country, region) = location.and_then(country_and_region)?;
    let rows = ZONES.iter().filter(|r| r.0 == abbr && r.1 == country);
    let mut fallback = None;
    for row in rows {
        if row.2.is_empty() {
            fallback = fallback.or(Some((row.3, row.4)));
        } else if region.as_deref().is_some_and(|r| row.2.contains(&r)) {
            return Some((row.3, row.4));
        }
    }
    fallback
}

fn format_offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

// ---------------------------------------------------------------------------
// Speakers: `Name (Role, Company); Name (Company)`, and the ways the export mangles them

/// Legal-form words that end a company name after a comma (`Red Hat, Inc.`).
fn is_company_suffix(part: &str) -> bool {
    let p = part.trim().to_lowercase().replace('.', "");
    matches!(
        p.as_str(),
        "inc"
            | "llc"
            | "ltd"
            | "limited"
            | "corp"
            | "co"
            | "gmbh"
            | "ag"
            | "sa"
            | "bv"
            | "nv"
            | "plc"
            | "llp"
            | "pty ltd"
            | "sl"
            | "sas"
            | "sarl"
            | "srl"
            | "spa"
            | "oy"
            | "ab"
            | "as"
            | "a/s"
            | "kk"
    )
}

/// Words that say a phrase is a job title or an organisation, not a person.
const NOT_NAME_WORDS: &[&str] = &[
    "the",
    "of",
    "at",
    "for",
    "and",
    "engineer",
    "engineering",
    "manager",
    "management",
    "director",
    "founder",
    "co-founder",
    "cofounder",
    "ceo",
    "cto",
    "vp",
    "president",
    "lead",
    "head",
    "architect",
    "advocate",
    "scientist",
    "developer",
    "maintainer",
    "researcher",
    "consultant",
    "officer",
    "chair",
    "principal",
    "senior",
    "staff",
    "product",
    "member",
    "specialist",
    "analyst",
    "professor",
    "student",
    "evangelist",
    "creator",
    "owner",
    "partner",
    "fellow",
    "technologist",
    "intern",
    "designer",
    "writer",
    "strategist",
    "leader",
    "chief",
    "general",
    "technical",
    "software",
    "project",
    "program",
    "community",
    "team",
    "group",
    "committee",
    "ambassador",
    "relations",
    "operations",
    "solutions",
    "cloud",
    "platform",
    "security",
    "foundation",
    "university",
    "labs",
    "technologies",
    "systems",
    "services",
    "inc",
    "llc",
    "ltd",
    "corp",
    "gmbh",
    "independent",
];

const NAME_PARTICLES: &[&str] = &[
    "van", "von", "de", "da", "del", "della", "der", "den", "di", "du", "la", "le", "bin", "al",
    "dos", "das", "do", "ter", "ten", "y",
];

/// True for `Daron Yöndem`, `Tracy P Holmes`, `Ludwig van Beethoven`; false
/// for `General Manager`, `Argo CD Maintainer`, `AMD`, `The Why`.
fn is_person_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) {
        return false;
    }
    words.iter().all(|w| {
        let lower = w.to_lowercase();
        if NAME_PARTICLES.contains(&lower.as_str()) {
            return true;
        }
        if NOT_NAME_WORDS.contains(&lower.trim_end_matches('.')) {
            return false;
        }
        let mut chars = w.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        let rest: Vec<char> = chars.collect();
        let initial = rest.is_empty() || rest == ['.'];
        first.is_uppercase()
            && rest
                .iter()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '\u{2019}' | '.'))
            && (initial || rest.iter().any(|c| c.is_lowercase()))
    })
}

/// Splits at `sep` outside parentheses.
fn split_top<'a>(text: &'a str, sep: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if depth == 0 && rest.starts_with(sep) {
            parts.push(&text[start..i]);
            i += sep.len();
            start = i;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            _ => {}
        }
        i += c.len_utf8();
    }
    parts.push(&text[start..]);
    parts
}

/// Byte offsets of `sep` outside parentheses.
fn top_positions(text: &str, sep: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for part in split_top(text, sep) {
        offset += part.len();
        if offset < text.len() {
            out.push(offset);
        }
        offset += sep.len();
    }
    out
}

/// `Name (details) trailing` → name, details, trailing text.
fn split_entry(entry: &str) -> (String, Option<String>, String) {
    let Some(open) = entry.find('(') else {
        return (entry.trim().to_string(), None, String::new());
    };
    let name = entry[..open].trim().to_string();
    let mut depth = 0i32;
    for (i, c) in entry[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    let inner = entry[open + 1..open + i].trim().to_string();
                    let trailing = entry[open + i + 1..].trim().to_string();
                    return (name, Some(inner).filter(|s| !s.is_empty()), trailing);
                }
            }
            _ => {}
        }
    }
    // An unclosed parenthesis: the rest of the entry is its content.
    let inner = entry[open + 1..].trim().to_string();
    (name, Some(inner).filter(|s| !s.is_empty()), String::new())
}

/// `Role, Role, Company` → role and company; `Company, Inc.` stays one company.
fn role_and_company(details: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(details) = details else {
        return (None, None);
    };
    let parts: Vec<&str> = split_top(details, ",")
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return (None, None);
    }
    let mut company_from = parts.len() - 1;
    if parts.len() >= 2 && is_company_suffix(parts[parts.len() - 1]) {
        company_from = parts.len() - 2;
    }
    let company = parts[company_from..].join(", ");
    let role = (company_from > 0).then(|| parts[..company_from].join(", "));
    (role, Some(company))
}

/// True when `text` holds a clock time such as `1:45pm`: the export put the
/// session's time where a role and company belong.
fn holds_clock_time(text: &str) -> bool {
    let b = text.as_bytes();
    (1..b.len().saturating_sub(2)).any(|i| {
        b[i] == b':'
            && b[i - 1].is_ascii_digit()
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
    })
}

struct SpeakerContext<'a> {
    path: &'a Path,
    line: usize,
    /// The record's own `Time:` value, to compare a misplaced time with.
    when: Option<&'a When>,
}

impl SpeakerContext<'_> {
    fn warn(&self, diagnostics: &mut Vec<Diagnostic>, message: String) {
        diagnostics.push(Diagnostic::warning(self.path, self.line, message));
    }
}

/// What a `Speakers:` value holds: the speakers, and the end of the title when
/// the export pushed it there.
#[derive(Debug, Default)]
struct SpeakersRead {
    speakers: Vec<SpeakerRef>,
    title_rest: Option<String>,
}

fn read_speakers(
    value: &str,
    ctx: &SpeakerContext,
    diagnostics: &mut Vec<Diagnostic>,
) -> SpeakersRead {
    let mut read = SpeakersRead::default();
    let entries: Vec<&str> = split_top(value, ";")
        .into_iter()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    for (index, entry) in entries.iter().enumerate() {
        let (mut name, mut details, trailing) = split_entry(entry);
        if !trailing.is_empty() {
            ctx.warn(
                diagnostics,
                format!("`{trailing}` after the parentheses of `{name}` is not part of a speaker: ignored"),
            );
        }
        if index == 0 {
            cut_title(
                &mut name,
                &mut details,
                &mut read.title_rest,
                entry,
                ctx,
                diagnostics,
            );
        }
        if let Some(d) = &details
            && holds_clock_time(d)
        {
            let agrees = match (parse_when(d), ctx.when) {
                (Ok(w), Some(own)) => {
                    if w.start.time == own.start.time
                        && w.end.as_ref().map(|e| e.time) == own.end.as_ref().map(|e| e.time)
                    {
                        "it agrees with `Time:`"
                    } else {
                        "it does not agree with `Time:`"
                    }
                }
                _ => "it could not be compared with `Time:`",
            };
            ctx.warn(
                diagnostics,
                format!(
                    "the parentheses after `{name}` hold a date and time (`{d}`), not a role and company: dropped ({agrees})"
                ),
            );
            details = None;
        }
        // A second person inside the first one's parentheses: `A (X & B, Y)`.
        let mut people: Vec<(String, Option<String>)> = Vec::new();
        let mut current = (name.clone(), details.clone());
        while let Some(d) = current.1.clone() {
            let found = top_positions(&d, " & ").into_iter().find_map(|pos| {
                let after = d[pos + 3..].trim();
                let (person, rest) = after.split_once(',')?;
                let rest = rest.trim();
                (is_person_name(person.trim()) && !rest.is_empty() && !is_company_suffix(rest))
                    .then(|| {
                        (
                            d[..pos].trim().to_string(),
                            person.trim().to_string(),
                            rest.to_string(),
                        )
                    })
            });
            let Some((first_details, second, second_details)) = found else {
                break;
            };
            ctx.warn(
                diagnostics,
                format!(
                    "two speakers were run together in `{} ({d})`: read as `{}` ({first_details}) and `{second}` ({second_details})",
                    current.0, current.0
                ),
            );
            people.push((current.0, Some(first_details).filter(|s| !s.is_empty())));
            current = (second, Some(second_details));
        }
        people.push(current);
        for (person, details) in people {
            let (role, company) = role_and_company(details.as_deref());
            // Two people in the name slot share the one role and company given.
            let names: Vec<String> = {
                let parts: Vec<&str> = person.split(" & ").map(str::trim).collect();
                if parts.len() > 1 && parts.iter().all(|p| is_person_name(p)) {
                    let shared = details
                        .as_deref()
                        .map_or(String::new(), |d| format!(", both given `{d}`"));
                    ctx.warn(
                        diagnostics,
                        format!(
                            "`{person}` names {} speakers in one entry: split into {}{shared}",
                            parts.len(),
                            parts
                                .iter()
                                .map(|p| format!("`{p}`"))
                                .collect::<Vec<_>>()
                                .join(" and ")
                        ),
                    );
                    parts.iter().map(|p| p.to_string()).collect()
                } else {
                    vec![person.clone()]
                }
            };
            for name in names {
                if name.is_empty() {
                    ctx.warn(
                        diagnostics,
                        format!("an entry of `Speakers:` has no name: `{entry}` skipped"),
                    );
                    continue;
                }
                let mut role = role.clone();
                if role
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(&name))
                {
                    ctx.warn(
                        diagnostics,
                        format!("`{name}` has their own name where the role belongs: role dropped"),
                    );
                    role = None;
                }
                if !is_person_name(&name)
                    && (name.chars().any(|c| c.is_ascii_digit())
                        || name.split_whitespace().count() > 5)
                {
                    ctx.warn(
                        diagnostics,
                        format!(
                            "speaker `{name}` does not look like a person's name: kept as written"
                        ),
                    );
                }
                read.speakers.push(SpeakerRef {
                    name: Some(name),
                    id: None,
                    affiliation: company.clone(),
                    role,
                });
            }
        }
    }
    read
}

/// Recovers the end of a title that the export cut at ` - ` and put before the
/// first speaker, either in the name slot (`rest - Name (Role, Company)`) or
/// split at its first comma (`rest-start (rest-end - Name, Company)`).
fn cut_title(
    name: &mut String,
    details: &mut Option<String>,
    title_rest: &mut Option<String>,
    entry: &str,
    ctx: &SpeakerContext,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(pos) = name.rfind(" - ") {
        let person = name[pos + 3..].trim();
        let head = person.split(" & ").next().unwrap_or(person).trim();
        if is_person_name(head) {
            let rest = name[..pos].trim().to_string();
            ctx.warn(
                diagnostics,
                format!("`Speakers:` begins with the end of the title (`{rest}`), cut off at ` - `: moved back into the title"),
            );
            *title_rest = Some(rest);
            *name = person.to_string();
        }
        return;
    }
    let Some(d) = details.clone() else { return };
    let Some(pos) = top_positions(&d, " - ").into_iter().last() else {
        return;
    };
    let after = d[pos + 3..].trim();
    let head = after.split([',', '&']).next().unwrap_or(after).trim();
    if !is_person_name(head) {
        return;
    }
    let rest = format!("{}, {}", name.trim(), d[..pos].trim());
    ctx.warn(
        diagnostics,
        format!(
            "`Speakers:` begins with the end of the title (`{rest}`), cut off at ` - ` and parenthesised as if it were a speaker in `{entry}`: moved back into the title"
        ),
    );
    *title_rest = Some(rest);
    match after.split_once(',') {
        Some((person, more)) => {
            *name = person.trim().to_string();
            *details = Some(more.trim().to_string()).filter(|s| !s.is_empty());
        }
        None => {
            *name = after.to_string();
            *details = None;
        }
    }
}

// ---------------------------------------------------------------------------
// `Type:` → kind or track

/// The session format a `Type:` value names, or `None` for a topical category
/// (which becomes the track). Formats are what the clash checker and themes
/// act on; topics are how attendees browse.
fn kind_of_type(value: &str) -> Option<&'static str> {
    let normal: String = value
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    let kind = match normal.as_str() {
        "KEYNOTE" | "KEYNOTES" | "KEYNOTE SESSION" | "KEYNOTE SESSIONS" => "keynote",
        "REGISTRATION" | "BADGE PICKUP" => "registration",
        "BREAK" | "BREAKS" | "COFFEE BREAK" | "COFFEE BREAKS" => "break",
        "LUNCH" | "BREAKFAST" | "MEAL" | "MEALS" => "meal",
        "EXPO"
        | "EXHIBIT HALL"
        | "SOLUTIONS SHOWCASE"
        | "SPONSOR DEMOS"
        | "SPONSORED DEMOS"
        | "PROJECT OPPORTUNITIES"
        | "PROJECT PAVILION" => "expo",
        "LIGHTNING TALK" | "LIGHTNING TALKS" => "lightning",
        "WORKSHOP" | "WORKSHOPS" | "TUTORIAL" | "TUTORIALS" | "CONTRIBFEST" => "workshop",
        "PANEL" | "PANELS" | "PANEL DISCUSSION" => "panel",
        "EXPERIENCE" | "EXPERIENCES" => "experience",
        "SOCIAL" | "PARTY" | "PARTIES" | "RECEPTION" | "EVENING EVENT" | "EVENING EVENTS" => {
            "social"
        }
        "BOF" | "BIRDS OF A FEATHER" => "bof",
        _ => return None,
    };
    Some(kind)
}

// ---------------------------------------------------------------------------
// The document's structure

const FIELDS: &[&str] = &[
    "time",
    "speakers",
    "speaker",
    "venue",
    "type",
    "description",
];

/// `Key: value` for the export's field names (case-insensitive).
fn field_of(line: &str) -> Option<(&'static str, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().to_ascii_lowercase();
    let field = FIELDS.iter().find(|f| **f == key)?;
    let field = if *field == "speaker" {
        "speakers"
    } else {
        field
    };
    Some((field, value.trim()))
}

fn total_of(line: &str) -> Option<Result<usize, String>> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().to_ascii_lowercase();
    if key != "total sessions" && key != "total" {
        return None;
    }
    Some(
        value
            .trim()
            .parse()
            .map_err(|_| format!("`{}` is not a number of sessions", value.trim())),
    )
}

#[derive(Debug, Clone)]
struct Field {
    line: usize,
    value: String,
}

#[derive(Debug, Default)]
struct Record {
    title: String,
    title_line: usize,
    /// Set for fields found without a `Title#` line: reported, never imported.
    untitled: bool,
    day: Option<Date>,
    time: Option<Field>,
    speakers: Option<Field>,
    venue: Option<Field>,
    kind: Option<Field>,
    description: Option<Field>,
}

impl Record {
    fn has(&self, field: &str) -> bool {
        match field {
            "time" => self.time.is_some(),
            "speakers" => self.speakers.is_some(),
            "venue" => self.venue.is_some(),
            "type" => self.kind.is_some(),
            _ => self.description.is_some(),
        }
    }

    fn slot(&mut self, field: &str) -> &mut Option<Field> {
        match field {
            "time" => &mut self.time,
            "speakers" => &mut self.speakers,
            "venue" => &mut self.venue,
            "type" => &mut self.kind,
            _ => &mut self.description,
        }
    }
}

struct Total {
    line: usize,
    declared: usize,
    counted: usize,
}

/// The document read into records, before any value is interpreted.
#[derive(Default)]
struct Document {
    name: Option<(String, usize)>,
    days: Vec<(Date, usize)>,
    totals: Vec<Total>,
    records: Vec<Record>,
}

fn next_nonblank<'a>(lines: &[&'a str], after: usize) -> Option<&'a str> {
    lines[after + 1..]
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
}

fn read_document(lines: &[&str], path: &Path, diags: &mut Vec<Diagnostic>) -> Document {
    let mut doc = Document::default();
    let mut current: Option<Record> = None;
    let mut in_description = false;
    let mut blank_in_description = false;
    let mut current_total: Option<usize> = None;
    let mut day: Option<Date> = None;
    let finish = |current: &mut Option<Record>, doc: &mut Document| {
        if let Some(r) = current.take() {
            doc.records.push(r);
        }
    };
    for (index, raw) in lines.iter().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            blank_in_description |= in_description;
            continue;
        }
        if let Some(title) = line.strip_suffix('#') {
            let title = title.trim();
            let next_is_field = next_nonblank(lines, index).is_some_and(|l| field_of(l).is_some());
            if let Some(found) = parse_day(title) {
                finish(&mut current, &mut doc);
                in_description = false;
                match found {
                    Day::Date(d, weekday) => {
                        check_weekday(d, weekday, path, number, diags);
                        day = Some(d);
                        doc.days.push((d, number));
                        // A day header ends the previous day's count, once it has counted something.
                        if current_total.is_some_and(|t| doc.totals[t].counted > 0) {
                            current_total = None;
                        }
                    }
                    Day::Invalid => diags.push(Diagnostic::error(
                        path,
                        number,
                        format!("`{title}` is not a real date; the sessions after it have no day"),
                    )),
                }
                continue;
            }
            if in_description && !next_is_field {
                // `... written in C#`: part of the description, not a new title.
                diags.push(Diagnostic::warning(
                    path,
                    number,
                    "this line ends in `#` like a title, but no fields follow it: kept as part of the description",
                ));
                append_description(&mut current, line, &mut blank_in_description);
                continue;
            }
            if !next_is_field && current.is_none() && doc.records.is_empty() && doc.name.is_none() {
                doc.name = Some((title.to_string(), number));
                continue;
            }
            finish(&mut current, &mut doc);
            in_description = false;
            if title.is_empty() {
                diags.push(Diagnostic::error(
                    path,
                    number,
                    "a session title line holds only `#`: a record with no title",
                ));
            }
            if let Some(t) = current_total {
                doc.totals[t].counted += 1;
            }
            current = Some(Record {
                title: title.to_string(),
                title_line: number,
                untitled: title.is_empty(),
                day,
                ..Record::default()
            });
            continue;
        }
        if let Some(total) = total_of(line) {
            finish(&mut current, &mut doc);
            in_description = false;
            match total {
                Ok(n) => {
                    doc.totals.push(Total {
                        line: number,
                        declared: n,
                        counted: 0,
                    });
                    current_total = Some(doc.totals.len() - 1);
                }
                Err(msg) => diags.push(Diagnostic::warning(path, number, msg)),
            }
            continue;
        }
        if let Some((field, value)) = field_of(line) {
            let duplicate = current.as_ref().is_some_and(|r| r.has(field));
            if current.is_none() || duplicate {
                finish(&mut current, &mut doc);
                diags.push(Diagnostic::error(
                    path,
                    number,
                    format!(
                        "`{}:` without a `Title#` line before it: a record with no title (not imported)",
                        capitalized(field)
                    ),
                ));
                current = Some(Record {
                    untitled: true,
                    title_line: number,
                    day,
                    ..Record::default()
                });
            }
            if let Some(r) = current.as_mut() {
                *r.slot(field) = Some(Field {
                    line: number,
                    value: value.to_string(),
                });
            }
            in_description = field == "description";
            blank_in_description = false;
            continue;
        }
        if in_description {
            append_description(&mut current, line, &mut blank_in_description);
            continue;
        }
        diags.push(Diagnostic::warning(
            path,
            number,
            format!("line not recognised (expected `Title#` or a `Time:`/`Speakers:`/`Venue:`/`Type:`/`Description:` field): ignored: `{}`", clip(line)),
        ));
    }
    finish(&mut current, &mut doc);
    doc
}

fn capitalized(field: &str) -> String {
    let mut c = field.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn append_description(current: &mut Option<Record>, line: &str, blank: &mut bool) {
    if let Some(r) = current.as_mut() {
        let field = r.description.get_or_insert_with(|| Field {
            line: 0,
            value: String::new(),
        });
        if !field.value.is_empty() {
            field.value.push_str(if *blank { "\n\n" } else { "\n" });
        }
        field.value.push_str(line);
    }
    *blank = false;
}

// ---------------------------------------------------------------------------
// Interpreting the records

/// Parses a sched export; see the module documentation.
pub fn parse(text: &str, path: &Path, options: &ImportOptions) -> Imported {
    if let Some(refused) = refuse_unreadable(text, path) {
        return refused;
    }
    let mut diags = Vec::new();
    let lines = source_lines(text);
    let doc = read_document(&lines, path, &mut diags);
    let records: Vec<&Record> = doc.records.iter().filter(|r| !r.untitled).collect();
    if records.is_empty() {
        diags.push(Diagnostic::error(
            path,
            0,
            "no sessions found: a sched export lists each session as a `Title#` line followed by `Time:`, `Venue:`, ... fields",
        ));
    }
    for total in &doc.totals {
        if total.declared != total.counted {
            diags.push(Diagnostic::warning(
                path,
                total.line,
                format!(
                    "the document declares {} sessions here but lists {}",
                    total.declared, total.counted
                ),
            ));
        }
    }

    // Event name, location, first day and zone: the document's, unless a flag says otherwise.
    let name_line = doc.name.as_ref().map_or(0, |n| n.1);
    let name = choose(
        "name",
        doc.name.as_ref().map(|n| n.0.clone()),
        options.name.as_ref(),
        path,
        name_line,
        &mut diags,
    );
    if name.is_none() {
        diags.push(Diagnostic::error(
            path,
            0,
            "the document does not name the event (no `Name#` line): pass --name",
        ));
    }
    let venues: Vec<(&Field, Option<String>, Option<String>)> = records
        .iter()
        .filter_map(|r| r.venue.as_ref())
        .map(|v| {
            let (room, location) = split_venue(&v.value);
            (v, room, location)
        })
        .collect();
    let doc_location = venues
        .iter()
        .find_map(|(f, _, l)| l.clone().map(|l| (l, f.line)));
    if let Some((first, _)) = &doc_location
        && let Some((f, _, Some(other))) = venues
            .iter()
            .find(|(_, _, l)| l.as_ref().is_some_and(|l| l != first))
    {
        diags.push(Diagnostic::warning(
            path,
            f.line,
            format!("this venue is in `{other}`, the first one in `{first}`: the event's location is `{first}`"),
        ));
    }
    let location = choose(
        "location",
        doc_location.as_ref().map(|l| l.0.clone()),
        options.location.as_ref(),
        path,
        doc_location.as_ref().map_or(0, |l| l.1),
        &mut diags,
    );

    // A `--date` that differs moves every day of the program by the same amount.
    let days = ProgramDays::new(doc.days.first().copied(), options, path, &mut diags);

    // The zone the first readable `Time:` names at the venue.
    let whens: Vec<Option<Result<When, String>>> = records
        .iter()
        .map(|r| r.time.as_ref().map(|t| parse_when(&t.value)))
        .collect();
    let record_location = |r: &Record| {
        r.venue
            .as_ref()
            .and_then(|v| split_venue(&v.value).1)
            .or_else(|| location.clone())
    };
    let doc_zone = records.iter().zip(&whens).find_map(|(r, w)| {
        let w = w.as_ref()?.as_ref().ok()?;
        let abbr = w.start.abbr.as_deref()?;
        let (zone, _) = zone_for(abbr, record_location(r).as_deref())?;
        Some((zone.to_string(), r.time.as_ref().map_or(0, |t| t.line)))
    });
    let zone_name = choose(
        "timezone",
        doc_zone.as_ref().map(|z| z.0.clone()),
        options.timezone.as_ref(),
        path,
        doc_zone.as_ref().map_or(0, |z| z.1),
        &mut diags,
    );
    let zone = event_zone(zone_name.as_ref(), path, &mut diags);

    let mut sessions = Vec::new();
    let mut days_used: Vec<Date> = Vec::new();
    let mut missing_day_reported = false;
    for (record, when) in records.iter().zip(&whens) {
        let mut page = SessionPage::default();
        let mut title = record.title.clone();
        let when_ok = when.as_ref().and_then(|w| w.as_ref().ok());

        if let Some(sp) = &record.speakers {
            let ctx = SpeakerContext {
                path,
                line: sp.line,
                when: when_ok,
            };
            let read = read_speakers(&sp.value, &ctx, &mut diags);
            if let Some(rest) = read.title_rest {
                title = format!("{title} - {rest}");
            }
            page.front.speakers = read.speakers.into_iter().map(SpeakerEntry::Full).collect();
        }
        page.front.title = title;

        match (&record.time, when) {
            (Some(field), Some(Err(msg))) => {
                diags.push(Diagnostic::error(
                    path,
                    field.line,
                    format!("`Time: {}`: {msg}", field.value),
                ));
            }
            (Some(field), Some(Ok(w))) => {
                let day = w
                    .start
                    .date
                    .map(|d| shift_date(d, days.shift))
                    .or(days.place(record.day));
                if let (Some(own), Some(header)) = (w.start.date, record.day)
                    && own != header
                {
                    diags.push(Diagnostic::warning(
                        path,
                        field.line,
                        format!("`Time:` gives the day {own}, the day header above it {header}: using {own}"),
                    ));
                }
                match day {
                    None => {
                        if !missing_day_reported {
                            missing_day_reported = true;
                            diags.push(Diagnostic::error(
                                path,
                                field.line,
                                "the document gives times but no date, so they cannot be placed in time: pass --date YYYY-MM-DD",
                            ));
                        }
                    }
                    Some(day) => {
                        let location = record_location(record);
                        if let Some((start, end)) = place(
                            w,
                            day,
                            days.shift,
                            location.as_deref(),
                            zone.as_ref(),
                            options.timezone.is_some(),
                            path,
                            field.line,
                            &mut diags,
                        ) {
                            days_used.push(start.date());
                            page.front.start = Some(time::rfc3339(&start));
                            page.front.end = end.as_ref().map(time::rfc3339);
                        }
                    }
                }
            }
            _ => diags.push(Diagnostic::warning(
                path,
                record.title_line,
                format!(
                    "`{}` has no `Time:`: imported without a time",
                    clip(&record.title)
                ),
            )),
        }

        if let Some(v) = &record.venue {
            let (room, _) = split_venue(&v.value);
            if room.is_none() {
                diags.push(Diagnostic::warning(path, v.line, "`Venue:` names no room"));
            }
            page.front.room = room;
        }
        if let Some(t) = &record.kind {
            if t.value.is_empty() {
                diags.push(Diagnostic::warning(path, t.line, "`Type:` is empty"));
            } else if let Some(kind) = kind_of_type(&t.value) {
                page.front.kind = Some(kind.to_string());
            } else {
                page.front.track = Some(OneOrMany::One(t.value.clone()));
            }
        }
        if let Some(d) = &record.description {
            page.body = d.value.trim().to_string();
        }
        if page
            .front
            .kind
            .as_deref()
            .is_some_and(|k| NON_CLASHING_KINDS.contains(&k))
        {
            page.front.overlap = Some("allowed".to_string());
        }
        sessions.push(page);
    }

    if zone.is_none() && options.timezone.is_none() && !records.iter().any(|r| r.time.is_some()) {
        diags.push(Diagnostic::error(
            path,
            0,
            "no session has a time, so the event's time zone is unknown: pass --timezone",
        ));
    }
    TimedEvent {
        name,
        zone: zone.as_ref(),
        location,
        days: &days,
        days_used,
    }
    .imported(sessions, diags, path)
}

/// `Building B | Level 1 | Exhibit Hall B2, Atlanta, GA, USA` → the room (the
/// part before the city) and the location (city, region, country).
fn split_venue(value: &str) -> (Option<String>, Option<String>) {
    let (room, location) = match value.split_once(',') {
        Some((r, l)) => (
            r.trim(),
            Some(l.trim().to_string()).filter(|l| !l.is_empty()),
        ),
        None => (value.trim(), None),
    };
    (Some(room.to_string()).filter(|r| !r.is_empty()), location)
}

/// Places a `Time:` range on `day` in the zone its abbreviation names at
/// `location`, expressed in the event's zone.
#[allow(clippy::too_many_arguments)]
fn place(
    when: &When,
    day: Date,
    shift: i32,
    location: Option<&str>,
    event: Option<&EventZone>,
    zone_from_flag: bool,
    path: &Path,
    line: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Zoned, Option<Zoned>)> {
    let resolve = |clock: &Clock, date: Date, diags: &mut Vec<Diagnostic>| -> Option<Zoned> {
        let (tz, tz_name, stated) = match clock.abbr.as_deref() {
            Some(abbr) => match zone_for(abbr, location) {
                Some((name, offset)) => (time::zone(name).ok()?, name.to_string(), offset),
                None => match event {
                    Some(e) if zone_from_flag => {
                        diags.push(Diagnostic::warning(
                            path,
                            line,
                            format!("cannot tell which zone `{abbr}` means at {}: reading the time in {} (--timezone)", location.unwrap_or("an unknown location"), e.name),
                        ));
                        (e.tz.clone(), e.name.clone(), None)
                    }
                    _ => {
                        diags.push(Diagnostic::error(
                            path,
                            line,
                            format!(
                                "unknown time-zone abbreviation `{abbr}` for {}: pass --timezone with the IANA zone (e.g. America/New_York)",
                                location.unwrap_or("an unknown location")
                            ),
                        ));
                        return None;
                    }
                },
            },
            None => match event {
                Some(e) => (e.tz.clone(), e.name.clone(), None),
                None => {
                    diags.push(Diagnostic::error(
                        path,
                        line,
                        "the time names no zone and none is known: pass --timezone",
                    ));
                    return None;
                }
            },
        };
        let zoned = match time::local_in_zone(date.to_datetime(clock.time), &tz, &tz_name) {
            Ok(z) => z,
            Err(msg) => {
                diags.push(Diagnostic::error(path, line, msg));
                return None;
            }
        };
        if let (Some(abbr), Some(stated)) = (clock.abbr.as_deref(), stated)
            && zoned.offset().seconds() != stated * 60
        {
            diags.push(Diagnostic::warning(
                path,
                line,
                format!(
                    "`{abbr}` means {}, but {tz_name} is at {} on {date}: reading the time as local time in {tz_name}",
                    format_offset(stated),
                    format_offset(zoned.offset().seconds() / 60)
                ),
            ));
        }
        Some(match event {
            Some(e) if e.name != tz_name => zoned.with_time_zone(e.tz.clone()),
            _ => zoned,
        })
    };
    // Start and end usually repeat the same zone doubt: report it once per line.
    let mut notes = Vec::new();
    let placed = place_ends(when, day, shift, &mut notes, resolve, path, line);
    for note in notes {
        if !diags.contains(&note) {
            diags.push(note);
        }
    }
    placed
}

fn place_ends(
    when: &When,
    day: Date,
    shift: i32,
    diags: &mut Vec<Diagnostic>,
    resolve: impl Fn(&Clock, Date, &mut Vec<Diagnostic>) -> Option<Zoned>,
    path: &Path,
    line: usize,
) -> Option<(Zoned, Option<Zoned>)> {
    let start = resolve(&when.start, day, diags)?;
    let Some(end_clock) = &when.end else {
        diags.push(Diagnostic::warning(path, line, "`Time:` gives no end time"));
        return Some((start, None));
    };
    let end_day = end_clock.date.map_or(day, |d| shift_date(d, shift));
    let mut end = resolve(end_clock, end_day, diags)?;
    if end <= start && end_clock.date.is_none() {
        if end == start {
            diags.push(Diagnostic::warning(
                path,
                line,
                "the session ends when it starts: end left out",
            ));
            return Some((start, None));
        }
        // `11:00pm - 1:00am`: the end is on the next day.
        if let Some(next) = resolve(end_clock, shift_date(end_day, 1), &mut Vec::new())
            && next > start
        {
            diags.push(Diagnostic::warning(
                path,
                line,
                "the end time is before the start time: taken to be on the next day",
            ));
            end = next;
        }
    }
    if end <= start {
        diags.push(Diagnostic::error(
            path,
            line,
            "the session ends before it starts",
        ));
        return Some((start, None));
    }
    Some((start, Some(end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn time_ranges() {
        let w = parse_when("8:00am EST - 4:15pm EST").unwrap();
        assert_eq!(w.start.time, Time::constant(8, 0, 0, 0));
        assert_eq!(w.end.as_ref().unwrap().time, Time::constant(16, 15, 0, 0));
        assert_eq!(w.start.abbr.as_deref(), Some("EST"));
        // The zone written once, after the end, applies to the start too.
        let w = parse_when("1:45pm \u{2013} 3:00pm EST").unwrap();
        assert_eq!(w.start.abbr.as_deref(), Some("EST"));
        let w = parse_when("Thursday November 13, 2025 1:45pm - 3:00pm EST").unwrap();
        assert_eq!(w.start.date, Some(date("2025-11-13")));
        assert_eq!(w.start.time, Time::constant(13, 45, 0, 0));
        let w = parse_when("4:00pm-4:45pm CDT").unwrap();
        assert_eq!(w.end.unwrap().time, Time::constant(16, 45, 0, 0));
        let w = parse_when("9 am").unwrap();
        assert_eq!((w.start.time, w.end), (Time::constant(9, 0, 0, 0), None));
        assert!(
            parse_when("13:75pm EST - 2:00pm EST")
                .unwrap_err()
                .contains("13:75pm")
        );
        assert!(parse_when("").is_err());
        assert!(parse_when("soon EST").is_err());
        assert!(parse_when("Smarch 40, 2025 9:00am").is_err());
    }

    #[test]
    fn zone_abbreviations_need_a_place() {
        assert_eq!(
            zone_for("EST", Some("Atlanta, GA, USA")),
            Some(("America/New_York", Some(-300)))
        );
        assert_eq!(
            zone_for("CDT", Some("Austin, TX")),
            Some(("America/Chicago", Some(-300)))
        );
        assert_eq!(
            zone_for("MST", Some("Phoenix, AZ, USA")).unwrap().0,
            "America/Phoenix"
        );
        assert_eq!(
            zone_for("MST", Some("Denver, CO, USA")).unwrap().0,
            "America/Denver"
        );
        assert_eq!(
            zone_for("EST", Some("Toronto, ON, Canada")).unwrap().0,
            "America/Toronto"
        );
        // One abbreviation, three zones: the country decides.
        assert_eq!(
            zone_for("CST", Some("Shanghai, China")),
            Some(("Asia/Shanghai", Some(480)))
        );
        assert_eq!(
            zone_for("IST", Some("Dublin, Ireland")).unwrap().0,
            "Europe/Dublin"
        );
        assert_eq!(
            zone_for("IST", Some("Bengaluru, Karnataka, India"))
                .unwrap()
                .0,
            "Asia/Kolkata"
        );
        assert_eq!(zone_for("UTC", None), Some(("UTC", Some(0))));
        // Not in the table, or not enough to choose: refused, never guessed.
        assert_eq!(zone_for("EST", Some("Berlin, Germany")), None);
        assert_eq!(zone_for("EST", None), None);
        assert_eq!(zone_for("AEST", Some("Sydney, Australia")), None);
        assert_eq!(zone_for("XYZ", Some("Atlanta, GA, USA")), None);
        // Every zone in the table exists in the bundled database.
        for row in ZONES {
            assert!(time::zone(row.3).is_ok(), "{}", row.3);
        }
    }

    #[test]
    fn roles_and_companies() {
        let rc = |s: &str| role_and_company(Some(s));
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            rc("Principal Software Engineer, Red Hat, Inc."),
            (some("Principal Software Engineer"), some("Red Hat, Inc."))
        );
        assert_eq!(rc("CyberAgent, Inc."), (None, some("CyberAgent, Inc.")));
        assert_eq!(
            rc("VP, Engineering, Inmar Intelligence"),
            (some("VP, Engineering"), some("Inmar Intelligence"))
        );
        assert_eq!(
            rc("Founder & CEO, Solo.io"),
            (some("Founder & CEO"), some("Solo.io"))
        );
        assert_eq!(rc("Red Hat"), (None, some("Red Hat")));
        assert_eq!(
            rc("Engineer, NIPPON CORPORATION(NTT)"),
            (some("Engineer"), some("NIPPON CORPORATION(NTT)"))
        );
        assert_eq!(role_and_company(None), (None, None));
    }

    #[test]
    fn person_names() {
        for yes in [
            "Daron Yöndem",
            "Tracy P Holmes",
            "Ludwig van Beethoven",
            "Andrew L\u{2019}Ecuyer",
            "J. R. Smith",
        ] {
            assert!(is_person_name(yes), "{yes}");
        }
        for no in [
            "General Manager",
            "Argo CD Maintainer",
            "AMD",
            "The Why",
            "Kargo Project Creator",
            "Google",
            "CEO",
        ] {
            assert!(!is_person_name(no), "{no}");
        }
    }

    fn speakers(value: &str) -> (SpeakersRead, Vec<Diagnostic>) {
        let when = parse_when("1:45pm - 3:00pm EST").unwrap();
        let ctx = SpeakerContext {
            path: Path::new("x.txt"),
            line: 7,
            when: Some(&when),
        };
        let mut diags = Vec::new();
        let read = read_speakers(value, &ctx, &mut diags);
        (read, diags)
    }

    fn people(read: &SpeakersRead) -> Vec<(String, Option<String>, Option<String>)> {
        read.speakers
            .iter()
            .map(|s| {
                (
                    s.name.clone().unwrap(),
                    s.affiliation.clone(),
                    s.role.clone(),
                )
            })
            .collect()
    }

    fn p(
        name: &str,
        company: Option<&str>,
        role: Option<&str>,
    ) -> (String, Option<String>, Option<String>) {
        (
            name.to_string(),
            company.map(str::to_string),
            role.map(str::to_string),
        )
    }

    #[test]
    fn clean_speakers_need_no_repair() {
        let (read, diags) = speakers("Ana Lima (Founder & CEO, Acme, Inc.); Bo Chen (Initech)");
        assert_eq!(
            people(&read),
            vec![
                p("Ana Lima", Some("Acme, Inc."), Some("Founder & CEO")),
                p("Bo Chen", Some("Initech"), None)
            ]
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(read.title_rest, None);
    }

    #[test]
    fn second_person_inside_parentheses() {
        let (read, diags) = speakers("Ana Lima (Acme & Bo Chen, Initech)");
        assert_eq!(
            people(&read),
            vec![
                p("Ana Lima", Some("Acme"), None),
                p("Bo Chen", Some("Initech"), None)
            ]
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(
            (diags[0].line, diags[0].level),
            (7, crate::diagnostic::Level::Warning)
        );
        // A company with `&` and no comma after it is one company.
        let (read, diags) = speakers("Ana Lima (Engineer, Müller & Söhne GmbH)");
        assert_eq!(
            people(&read),
            vec![p("Ana Lima", Some("Müller & Söhne GmbH"), Some("Engineer"))]
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn two_people_in_the_name_slot_share_role_and_company() {
        let (read, diags) = speakers("Ana Lima & Bo Chen (Staff Engineer, Initech)");
        assert_eq!(
            people(&read),
            vec![
                p("Ana Lima", Some("Initech"), Some("Staff Engineer")),
                p("Bo Chen", Some("Initech"), Some("Staff Engineer"))
            ]
        );
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn cut_titles_are_moved_back() {
        let (read, diags) = speakers("and How To Fix It - Ana Lima (Engineer, Acme)");
        assert_eq!(read.title_rest.as_deref(), Some("and How To Fix It"));
        assert_eq!(
            people(&read),
            vec![p("Ana Lima", Some("Acme"), Some("Engineer"))]
        );
        assert_eq!(diags.len(), 1);
        let (read, diags) =
            speakers("Part One (Part Two - Ana Lima & Bo Chen, Acme); Cy Diaz (CTO, Initech)");
        assert_eq!(read.title_rest.as_deref(), Some("Part One, Part Two"));
        assert_eq!(
            people(&read),
            vec![
                p("Ana Lima", Some("Acme"), None),
                p("Bo Chen", Some("Acme"), None),
                p("Cy Diaz", Some("Initech"), Some("CTO"))
            ]
        );
        assert_eq!(diags.len(), 2);
        // ` - ` inside a company is not a cut title.
        let (read, diags) = speakers("Ana Lima (Strategy Lead, Mirantis Inc - USA)");
        assert_eq!(read.title_rest, None);
        assert_eq!(
            people(&read),
            vec![p(
                "Ana Lima",
                Some("Mirantis Inc - USA"),
                Some("Strategy Lead")
            )]
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn misplaced_time_and_name_as_role_are_dropped() {
        let (read, diags) = speakers("Ana Lima (Thursday November 13, 2025 1:45pm - 3:00pm EST)");
        assert_eq!(people(&read), vec![p("Ana Lima", None, None)]);
        assert!(diags[0].message.contains("agrees"), "{diags:?}");
        let (_, diags) = speakers("Ana Lima (Thursday November 13, 2025 9:00am - 10:00am EST)");
        assert!(diags[0].message.contains("does not agree"), "{diags:?}");
        let (read, diags) = speakers("Ana Lima (Ana Lima, Acme)");
        assert_eq!(people(&read), vec![p("Ana Lima", Some("Acme"), None)]);
        assert_eq!(diags.len(), 1);
    }

    #[test]
    fn types_split_into_formats_and_topics() {
        assert_eq!(kind_of_type("KEYNOTE SESSIONS"), Some("keynote"));
        assert_eq!(kind_of_type("BREAKS"), Some("break"));
        assert_eq!(kind_of_type("🚨 CONTRIBFEST"), Some("workshop"));
        assert_eq!(kind_of_type("Solutions Showcase"), Some("expo"));
        assert_eq!(kind_of_type("Lightning Talks"), Some("lightning"));
        assert_eq!(kind_of_type("AI + ML"), None);
        assert_eq!(kind_of_type("CLOUD NATIVE EXPERIENCE"), None);
        assert_eq!(kind_of_type("MAINTAINER TRACK"), None);
    }
}
