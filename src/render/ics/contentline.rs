//! Render stage, iCalendar content lines (RFC 5545 §3.1, §3.3.11): property
//! name and value in, escaped, folded, CRLF-terminated text out.
//!
//! Everything a feed says passes through here, so this is where hostile text
//! is made inert: TEXT values lose every control character (line breaks
//! become the two characters `\n`), and no value of any type can put a raw
//! CR or LF into the output. Lines are folded at 75 octets *including* the
//! leading space of a continuation line, only between characters and never
//! inside an escape sequence such as `\,`.
//!
//! Hand-written because the crates get exactly this part wrong: `ics` 0.5
//! and `icalendar` 0.17 both let a continuation line reach 76 octets (75
//! after the leading space), `ics` leaves TEXT escaping to the caller, and
//! `icalendar` keeps a lone CR inside TEXT and stamps `DTSTAMP` from the
//! wall clock unless told otherwise.

/// RFC 5545 §3.1: "Lines of text SHOULD NOT be longer than 75 octets,
/// excluding the line break."
const MAX_OCTETS: usize = 75;

/// A calendar being written: content lines appended in order.
#[derive(Default)]
pub struct Lines {
    out: String,
}

impl Lines {
    /// Starts with room for `bytes` of output.
    pub fn with_capacity(bytes: usize) -> Self {
        Lines {
            out: String::with_capacity(bytes),
        }
    }

    /// `NAME:value` where the value is TEXT: escaped, controls removed.
    pub fn text(&mut self, name: &str, value: &str) {
        self.push_folded(name, &escape_text(value), true);
    }

    /// `NAME:a,b,c` where each item is TEXT (e.g. `CATEGORIES`).
    pub fn text_list<'a>(&mut self, name: &str, items: impl IntoIterator<Item = &'a str>) {
        // Escaped items never end inside an escape, so the unescaped `,`
        // separators stay units of their own.
        let mut joined = String::new();
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            joined.push_str(&escape_text(item));
        }
        self.push_folded(name, &joined, true);
    }

    /// `NAME:value` for values that are not TEXT (URI, DATE-TIME, DURATION,
    /// fixed keywords). They are not escaped, but cannot break the line.
    pub fn raw(&mut self, name: &str, value: &str) {
        // Not escaped, so each character is its own unit: `\` in a URI is literal.
        if value.chars().any(char::is_control) {
            let value: String = value.chars().filter(|c| !c.is_control()).collect();
            self.push_folded(name, &value, false);
        } else {
            self.push_folded(name, value, false);
        }
    }

    /// Appends already-written lines (a shared VEVENT block).
    pub fn append(&mut self, other: &str) {
        self.out.push_str(other);
    }

    pub fn finish(self) -> String {
        self.out
    }

    /// Writes `name:` and the value, starting a continuation line (CRLF +
    /// space) whenever the next unit would pass 75 octets. A unit is one
    /// character, or in an `escaped` TEXT value a backslash with the
    /// character it escapes, which folding must not separate.
    fn push_folded(&mut self, name: &str, value: &str, escaped: bool) {
        debug_assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b';' || b == b'='),
            "property names and parameters are fixed ASCII: {name}"
        );
        self.out
            .reserve(name.len() + value.len() + 3 * (value.len() / 70 + 2));
        self.out.push_str(name);
        self.out.push(':');
        let mut room = MAX_OCTETS.saturating_sub(name.len() + 1);
        let bytes = value.as_bytes();
        let mut start = 0;
        // Whole lines at a time: cut where the line is full, then back off
        // to the start of the unit the cut would split.
        while bytes.len() - start > room {
            let mut end = start + room;
            while !value.is_char_boundary(end) {
                end -= 1;
            }
            if escaped {
                // Backslashes only come in units (`\\`, `\,`, ...), which start
                // at the line start or after another unit: an odd run of them
                // just before the cut ends in the first half of a unit.
                let run = bytes[start..end]
                    .iter()
                    .rev()
                    .take_while(|&&b| b == b'\\')
                    .count();
                if run % 2 == 1 {
                    end -= 1;
                }
            }
            self.out.push_str(&value[start..end]);
            self.out.push_str("\r\n ");
            start = end;
            room = MAX_OCTETS - 1;
        }
        self.out.push_str(&value[start..]);
        self.out.push_str("\r\n");
    }
}

/// RFC 5545 §3.3.11 TEXT: `\` `;` `,` escaped, every line break (CRLF, CR,
/// LF, and the Unicode ones some parsers split on) written as `\n`, other
/// control characters dropped (TEXT forbids them, and a raw CR or LF would
/// end the content line and let the rest be read as a new property).
pub fn escape_text(value: &str) -> String {
    // Byte-wise: runs of ordinary text are copied whole. Every byte that
    // starts a replacement is ASCII or a UTF-8 lead byte (0xC2, 0xE2), so
    // slices always end on character boundaries.
    let bytes = value.as_bytes();
    let mut out = String::with_capacity(value.len() + 8);
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !MAY_CHANGE[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let (len, replacement) = match bytes[i] {
            b'\\' => (1, "\\\\"),
            b';' => (1, "\\;"),
            b',' => (1, "\\,"),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => (2, "\\n"),
            b'\r' | b'\n' | 0x0B | 0x0C => (1, "\\n"),
            b'\t' => {
                i += 1;
                continue;
            }
            0x00..=0x1F | 0x7F => (1, ""),
            // U+0080–U+009F: C1 controls; U+0085 (NEL) is a line break.
            0xC2 if matches!(bytes.get(i + 1), Some(0x80..=0x9F)) => {
                (2, if bytes[i + 1] == 0x85 { "\\n" } else { "" })
            }
            // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR.
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                (3, "\\n")
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&value[copied..i]);
        out.push_str(replacement);
        i += len;
        copied = i;
    }
    out.push_str(&value[copied..]);
    out
}

/// The bytes [`escape_text`] looks at twice: everything else is copied as is.
const MAY_CHANGE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\t' as usize;
        b += 1;
    }
    table[0x7F] = true;
    table[b'\\' as usize] = true;
    table[b';' as usize] = true;
    table[b',' as usize] = true;
    table[0xC2] = true;
    table[0xE2] = true;
    table
};

/// Reverses folding and TEXT escaping: what a conforming parser reads. Used
/// by tests to prove that values round-trip.
#[cfg(test)]
pub(crate) fn unfold(text: &str) -> String {
    text.replace("\r\n ", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &str, value: &str) -> String {
        let mut l = Lines::default();
        l.text(name, value);
        l.finish()
    }

    fn unescape(v: &str) -> String {
        let mut out = String::new();
        let mut chars = v.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') | Some('N') => out.push('\n'),
                    Some(d) => out.push(d),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn escapes_text_specials() {
        assert_eq!(
            one("SUMMARY", "a\\b;c,d\ne\r\nf\rg"),
            "SUMMARY:a\\\\b\\;c\\,d\\ne\\nf\\ng\r\n"
        );
        // Controls are dropped, tabs kept, Unicode line separators become \n.
        assert_eq!(
            one("SUMMARY", "a\u{0}\u{1b}b\tc\u{2028}d\u{7f}"),
            "SUMMARY:ab\tc\\nd\r\n"
        );
    }

    #[test]
    fn escaping_matches_the_rules_character_by_character() {
        // The rules of RFC 5545 §3.3.11 applied one character at a time.
        fn reference(value: &str) -> String {
            let mut out = String::new();
            let mut chars = value.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    ';' => out.push_str("\\;"),
                    ',' => out.push_str("\\,"),
                    '\r' => {
                        if chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                        out.push_str("\\n");
                    }
                    '\n' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                        out.push_str("\\n")
                    }
                    '\t' => out.push('\t'),
                    c if c.is_control() => {}
                    c => out.push(c),
                }
            }
            out
        }
        let samples = [
            "",
            "plain",
            "a\\b;c,d",
            "\r\n\r\r\n\n",
            "x\u{0}\u{1f}\u{7f}\u{80}\u{85}\u{9f}\u{a0}y",
            "\u{2027}\u{2028}\u{2029}\u{202a}",
            "Émile Öztürk, Łukasz — 老 🦀; \\n",
            "\t tab\u{0B}\u{0C}end",
        ];
        for s in samples {
            assert_eq!(escape_text(s), reference(s), "{s:?}");
        }
        // Every character up to U+3000, alone and between letters.
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let s = format!("a{c}b{c}");
            assert_eq!(escape_text(&s), reference(&s), "{c:?}");
        }
    }

    #[test]
    fn hostile_text_stays_on_its_line() {
        let out = one("SUMMARY", "Talk\r\nBEGIN:VEVENT\r\nUID:evil\nEND:VEVENT\r");
        // One logical line: the only CRLF ends it.
        assert_eq!(unfold(&out).matches("\r\n").count(), 1);
        assert!(!out.replace("\r\n", "").contains(['\r', '\n']));
        assert!(!out.contains("\r\nBEGIN") && !out.contains("\r\nUID"));
    }

    #[test]
    fn folds_at_75_octets_including_the_leading_space() {
        for len in [60, 66, 67, 68, 140, 141, 142, 143, 149, 150, 151, 300] {
            for fill in ["x", "é", "老", "🦀", ",", "é,"] {
                let value: String = fill.repeat(len / fill.len().max(1));
                let out = one("DESCRIPTION", &value);
                assert!(out.ends_with("\r\n"));
                for line in out.strip_suffix("\r\n").unwrap().split("\r\n") {
                    assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
                    assert!(!line.is_empty());
                }
                // Every physical line is valid UTF-8 on its own: no character was cut.
                for line in out.as_bytes().split(|&b| b == b'\n') {
                    assert!(std::str::from_utf8(line).is_ok());
                }
                let logical = unfold(&out);
                let v = logical
                    .strip_prefix("DESCRIPTION:")
                    .unwrap()
                    .strip_suffix("\r\n")
                    .unwrap();
                assert_eq!(unescape(v), value);
            }
        }
    }

    #[test]
    fn never_folds_inside_an_escape() {
        // `\,` pairs at every possible position relative to the fold.
        for pad in 0..4 {
            let value = format!("{}{}", "a".repeat(pad), ",".repeat(120));
            let out = one("SUMMARY", &value);
            for line in out.split("\r\n").skip(1) {
                if let Some(rest) = line.strip_prefix(' ') {
                    assert!(!rest.starts_with(','), "escape cut: {line:?}");
                }
            }
            for line in out.split("\r\n") {
                assert!(!line.ends_with("\\") || line.ends_with("\\\\"));
            }
        }
    }

    /// Folding a unit at a time, as RFC 5545 describes it: what the
    /// line-at-a-time folding must produce.
    fn fold_reference(name: &str, value: &str, escaped: bool) -> String {
        let width = |lead: u8| match lead {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        let mut out = format!("{name}:");
        let mut used = name.len() + 1;
        let bytes = value.as_bytes();
        let (mut line_start, mut i) = (0, 0);
        while i < bytes.len() {
            let unit = if escaped && bytes[i] == b'\\' && i + 1 < bytes.len() {
                1 + width(bytes[i + 1])
            } else {
                width(bytes[i])
            };
            if used + unit > MAX_OCTETS {
                out.push_str(&value[line_start..i]);
                out.push_str("\r\n ");
                line_start = i;
                used = 1;
            }
            used += unit;
            i += unit;
        }
        out.push_str(&value[line_start..]);
        out.push_str("\r\n");
        out
    }

    #[test]
    fn folds_like_the_unit_at_a_time_rule() {
        let pieces = ["a", "é", "老", "🦀", "\\", ",", ";", "\n", " ", "\\\\"];
        let names = [
            "X",
            "SUMMARY",
            "REFRESH-INTERVAL;VALUE=DURATION",
            &"N".repeat(74),
            &"N".repeat(80),
        ];
        for seed in 0..400usize {
            // A deterministic mix of pieces, 0 to ~300 bytes long.
            let mut value = String::new();
            let mut x = seed.wrapping_mul(2_654_435_761) | 1;
            for _ in 0..(seed % 97) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                value.push_str(pieces[x % pieces.len()]);
            }
            for name in names {
                let escaped_value = escape_text(&value);
                let mut l = Lines::default();
                l.push_folded(name, &escaped_value, true);
                l.push_folded(name, &value, false);
                let expected = fold_reference(name, &escaped_value, true)
                    + &fold_reference(name, &value, false);
                assert_eq!(l.finish(), expected, "{name} {value:?}");
            }
        }
    }

    #[test]
    fn lists_and_raw_values() {
        let mut l = Lines::default();
        l.text_list("CATEGORIES", ["A, B", "C;D"]);
        l.raw("URL", "https://x.org/a\r\nb");
        l.raw("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
        assert_eq!(
            l.finish(),
            "CATEGORIES:A\\, B,C\\;D\r\nURL:https://x.org/ab\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"
        );
    }
}
