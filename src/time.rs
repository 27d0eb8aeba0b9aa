//! Reading and writing the times and durations that content pages hold.
//!
//! Times are stored with their UTC offset (`2025-11-13T11:00:00-05:00`) so a
//! page is unambiguous on its own; a local time without offset is read in the
//! event's zone. jiff's bundled tz database keeps results host-independent.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

/// Looks up an IANA zone in the bundled database.
pub fn zone(name: &str) -> Result<TimeZone, String> {
    jiff::tz::db().get(name).map_err(|_| {
        format!("unknown time zone `{name}` (expected an IANA name such as `Europe/Prague`)")
    })
}

/// Parses `2025-11-13T11:00:00-05:00`, `2025-11-13T11:00`, `2025-11-13 11:00` or
/// `2025-11-13 11:00:00` into a time in `tz`. An explicit offset must match the
/// zone's offset at that moment, so a hand edit across a DST change cannot
/// silently shift a session by an hour.
pub fn parse_datetime(text: &str, tz: &TimeZone, tz_name: &str) -> Result<Zoned, String> {
    let text = text.trim();
    let normalized = text.replacen(' ', "T", 1);
    if let Ok(ts) = normalized.parse::<Timestamp>() {
        let zoned = ts.to_zoned(tz.clone());
        let local: DateTime = normalized
            .get(..19.min(normalized.len()))
            .and_then(|s| s.parse().ok())
            .or_else(|| normalized.get(..16).and_then(|s| s.parse().ok()))
            .unwrap_or(zoned.datetime());
        if local != zoned.datetime() {
            return Err(format!(
                "`{text}` has a UTC offset that {tz_name} does not use at that time (it is {} there); fix the offset or drop it",
                zoned.strftime("%Y-%m-%dT%H:%M:%S%:z")
            ));
        }
        return Ok(zoned);
    }
    let local: DateTime = normalized.parse().map_err(|_| {
        format!("`{text}` is not a date and time (expected e.g. `2025-11-13T11:00:00-05:00` or `2025-11-13 11:00`)")
    })?;
    local_in_zone(local, tz, tz_name)
}

/// Resolves a local wall-clock time in `tz`, refusing times that do not exist
/// (skipped by a DST change) or exist twice (repeated by one).
pub fn local_in_zone(local: DateTime, tz: &TimeZone, tz_name: &str) -> Result<Zoned, String> {
    let ambiguous = tz.to_ambiguous_zoned(local);
    if ambiguous.is_ambiguous() {
        return Err(format!(
            "{local} does not exist or exists twice in {tz_name} (a daylight-saving change); give the UTC offset"
        ));
    }
    ambiguous
        .compatible()
        .map_err(|e| format!("{local} in {tz_name}: {e}"))
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("`{}` is not a date (expected YYYY-MM-DD)", text.trim()))
}

/// Parses `09:30`, `9:30`, `09:30:00`, `9:30am`, `12:05 PM`.
pub fn parse_time(text: &str) -> Result<Time, String> {
    let t = text.trim().to_ascii_lowercase();
    let (clock, meridiem) = if let Some(c) = t.strip_suffix("am") {
        (c.trim(), Some(false))
    } else if let Some(c) = t.strip_suffix("pm") {
        (c.trim(), Some(true))
    } else {
        (t.as_str(), None)
    };
    let bad = || format!("`{}` is not a time of day", text.trim());
    let mut parts = clock.split(':');
    let hour: i8 = parts.next().and_then(|h| h.parse().ok()).ok_or_else(bad)?;
    // Minutes and seconds always have two digits: `3:4` is a cut-off `3:45`, not 03:04.
    let two_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    let minute: i8 = match parts.next() {
        Some(m) if two_digits(m) => m.parse().map_err(|_| bad())?,
        Some(_) => return Err(bad()),
        None if meridiem.is_some() => 0,
        None => return Err(bad()),
    };
    let second: i8 = match parts.next() {
        Some(s) if two_digits(s) => s.parse().map_err(|_| bad())?,
        Some(_) => return Err(bad()),
        None => 0,
    };
    if parts.next().is_some() {
        return Err(bad());
    }
    let hour = match meridiem {
        Some(pm) => {
            if !(1..=12).contains(&hour) {
                return Err(bad());
            }
            (hour % 12) + if pm { 12 } else { 0 }
        }
        None => hour,
    };
    Time::new(hour, minute, second, 0).map_err(|_| bad())
}

/// Parses `30m`, `30min`, `1h`, `1h30m`, `1:30`, `90` (minutes), `PT1H30M`.
pub fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || {
        format!(
            "`{}` is not a duration (expected e.g. `30m`, `1h30m` or `1:30`)",
            text.trim()
        )
    };
    if t.starts_with("pt") || t.starts_with('p') {
        return t
            .to_uppercase()
            .parse::<SignedDuration>()
            .map_err(|_| bad());
    }
    if let Some((h, m)) = t.split_once(':') {
        let h: i64 = h.parse().map_err(|_| bad())?;
        let m: i64 = m.parse().map_err(|_| bad())?;
        return Ok(SignedDuration::from_mins(h * 60 + m));
    }
    if let Ok(mins) = t.parse::<i64>() {
        return Ok(SignedDuration::from_mins(mins));
    }
    let mut total = 0i64;
    let mut number = String::new();
    let mut chars = t.chars().peekable();
    let mut saw_unit = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let mut unit = String::from(c);
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        total += match unit.as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" => n * 60,
            "m" | "min" | "mins" | "minute" | "minutes" => n,
            _ => return Err(bad()),
        };
        saw_unit = true;
    }
    if !number.is_empty() || !saw_unit {
        return Err(bad());
    }
    Ok(SignedDuration::from_mins(total))
}

// The formatters below write digits themselves: a build formats several
// times per session for pages, feeds and exports, and jiff's strftime
// interprets its format string each time. Anything outside the common case
// (a year without four digits, an offset with seconds, a fraction of a
// second) goes to jiff, so every result is exactly what jiff writes.

/// `2025-11-13T11:00:00-05:00`: the form importers write and exports use.
pub fn rfc3339(z: &Zoned) -> String {
    let offset = z.offset().seconds();
    let dt = z.datetime();
    if !four_digit_year(dt) || offset % 60 != 0 {
        return z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    }
    let mut out = String::with_capacity(25);
    push_iso(&mut out, dt);
    out.push(if offset < 0 { '-' } else { '+' });
    let minutes = offset.unsigned_abs() / 60;
    push_two(&mut out, minutes / 60);
    out.push(':');
    push_two(&mut out, minutes % 60);
    out
}

/// `2025-11-13T16:00:00Z`: an instant in UTC as jiff displays it.
pub fn utc_iso(t: Timestamp) -> String {
    let dt = jiff::tz::Offset::UTC.to_datetime(t);
    if !four_digit_year(dt) || t.subsec_nanosecond() != 0 {
        return t.to_string();
    }
    let mut out = String::with_capacity(20);
    push_iso(&mut out, dt);
    out.push('Z');
    out
}

/// `20251113T160000Z`: RFC 5545 DATE-TIME in UTC ("form #2"), also what
/// Google Calendar links take.
pub fn utc_basic(t: Timestamp) -> String {
    let dt = jiff::tz::Offset::UTC.to_datetime(t);
    if !four_digit_year(dt) {
        return t.strftime("%Y%m%dT%H%M%SZ").to_string();
    }
    let mut out = String::with_capacity(16);
    push_four(&mut out, dt.year());
    push_two(&mut out, dt.month().unsigned_abs().into());
    push_two(&mut out, dt.day().unsigned_abs().into());
    out.push('T');
    push_two(&mut out, dt.hour().unsigned_abs().into());
    push_two(&mut out, dt.minute().unsigned_abs().into());
    push_two(&mut out, dt.second().unsigned_abs().into());
    out.push('Z');
    out
}

/// `09:30`: the time of day of `z`.
pub fn hh_mm(z: &Zoned) -> String {
    let mut out = String::with_capacity(5);
    push_two(&mut out, z.hour().unsigned_abs().into());
    out.push(':');
    push_two(&mut out, z.minute().unsigned_abs().into());
    out
}

fn four_digit_year(dt: DateTime) -> bool {
    (0..=9999).contains(&dt.year())
}

/// `2025-11-13T11:00:00`.
fn push_iso(out: &mut String, dt: DateTime) {
    push_four(out, dt.year());
    out.push('-');
    push_two(out, dt.month().unsigned_abs().into());
    out.push('-');
    push_two(out, dt.day().unsigned_abs().into());
    out.push('T');
    push_two(out, dt.hour().unsigned_abs().into());
    out.push(':');
    push_two(out, dt.minute().unsigned_abs().into());
    out.push(':');
    push_two(out, dt.second().unsigned_abs().into());
}

fn push_two(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

fn push_four(out: &mut String, year: i16) {
    let y = year.unsigned_abs();
    push_two(out, u32::from(y / 100));
    push_two(out, u32::from(y % 100));
}

/// Formats a duration the way content pages write it: `30m`, `1h`, `1h30m`.
pub fn format_duration(d: SignedDuration) -> String {
    let mins = d.as_mins();
    match (mins / 60, mins % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatters_write_what_jiff_writes() {
        let zones = [
            "UTC",
            "America/New_York",
            "Asia/Kolkata",
            "Pacific/Chatham",
            // Offsets with seconds (local mean time before 1900).
            "Europe/Amsterdam",
            "Africa/Monrovia",
        ];
        let instants = [
            "0001-01-01T00:00:00Z",
            "1850-06-01T12:34:56Z",
            "1969-12-31T23:59:59Z",
            "2025-11-13T16:00:00Z",
            "2025-03-30T01:00:00Z",
            "2030-07-04T09:05:07.25Z",
            "9999-12-30T20:00:00Z",
            "-000001-06-01T00:00:00Z",
        ];
        for instant in instants {
            let t: Timestamp = instant.parse().unwrap();
            assert_eq!(utc_iso(t), t.to_string(), "{instant}");
            assert_eq!(utc_basic(t), t.strftime("%Y%m%dT%H%M%SZ").to_string());
            for name in zones {
                let z = t.to_zoned(zone(name).unwrap());
                assert_eq!(
                    rfc3339(&z),
                    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                    "{instant} {name}"
                );
                assert_eq!(hh_mm(&z), z.strftime("%H:%M").to_string());
            }
        }
    }

    fn ny() -> TimeZone {
        zone("America/New_York").unwrap()
    }

    #[test]
    fn offset_form_and_local_form_agree() {
        let a = parse_datetime("2025-11-13T11:00:00-05:00", &ny(), "America/New_York").unwrap();
        let b = parse_datetime("2025-11-13 11:00", &ny(), "America/New_York").unwrap();
        assert_eq!(a.timestamp(), b.timestamp());
        assert_eq!(a.timestamp().to_string(), "2025-11-13T16:00:00Z");
    }

    #[test]
    fn wrong_offset_is_refused() {
        let err =
            parse_datetime("2025-11-13T11:00:00-04:00", &ny(), "America/New_York").unwrap_err();
        assert!(err.contains("offset"), "{err}");
    }

    #[test]
    fn times_and_durations() {
        assert_eq!(parse_time("9:07am").unwrap(), Time::constant(9, 7, 0, 0));
        assert_eq!(parse_time("12:05 PM").unwrap(), Time::constant(12, 5, 0, 0));
        assert_eq!(parse_time("12:00am").unwrap(), Time::constant(0, 0, 0, 0));
        assert!(parse_time("13:75pm").is_err());
        assert!(parse_time("25:00").is_err());
        assert!(parse_time("3:4").is_err(), "a cut-off minute is not a time");
        assert!(parse_time("3:4pm").is_err());
        assert_eq!(parse_duration("1h30m").unwrap().as_mins(), 90);
        assert_eq!(parse_duration("30min").unwrap().as_mins(), 30);
        assert_eq!(parse_duration("1:05").unwrap().as_mins(), 65);
        assert!(parse_duration("soon").is_err());
        assert_eq!(format_duration(SignedDuration::from_mins(90)), "1h30m");
    }

    #[test]
    fn nonexistent_local_time_is_refused() {
        let local: DateTime = "2025-03-09T02:30".parse().unwrap();
        assert!(local_in_zone(local, &ny(), "America/New_York").is_err());
    }
}
