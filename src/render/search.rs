//! The search index, a render-stage output: one event of the model →
//! `<event>/search_index.json`, an elasticlunr index in the format
//! elasticlunr.js 0.9.x loads with `elasticlunr.Index.load`, built with
//! elasticlunr-rs; and `<event>/search_index.js`, the same index wrapped in a
//! script, because browsers refuse `fetch` on `file://` pages while a
//! `<script src>` still loads there.
//!
//! Indexed fields: [`FIELDS`]. Boosts are a query-time setting in
//! elasticlunr, so they live with the client (`search.js`). The document
//! store keeps only what a result line shows ([`STORED`]): the abstract is
//! indexed but not stored, which keeps the file small. Document refs are
//! the session's position in program order (`"0"`, `"1"`, …): short refs
//! make every posting small, and elasticlunr.js breaks score ties in that
//! order. Stored URLs are relative to the event root, so the index works
//! under any base path and from `file://`.

use std::collections::BTreeMap;

use elasticlunr::IndexBuilder;
use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{RenderContext, urls};
use crate::model::{Event, Session};
use crate::output::OutputFile;

/// Indexed fields, in the order elasticlunr searches them.
pub const FIELDS: [&str; 6] = ["title", "speakers", "track", "room", "tags", "abstract"];

/// Stored fields of each document: what a result line shows.
pub const STORED: [&str; 5] = ["title", "speakers", "time", "room", "url"];

/// Longer words are not indexed. The index is a trie with one nested JSON
/// object per character, so one very long "word" (a hash, a data URI) in a
/// content page would make it deep enough to overflow the serialiser's
/// stack, and nobody types such words into a search box.
const MAX_WORD_CHARS: usize = 64;

pub fn render_event(ctx: &RenderContext, event: &Event) -> Vec<OutputFile> {
    let plain: Vec<&str> = ctx
        .bodies()
        .event(event)
        .iter()
        .map(|b| b.plain.as_str())
        .collect();
    let json = index_json(event, &plain);
    let script = wrap_in_script(&json);
    vec![
        OutputFile::new(urls::search_index(event), json),
        OutputFile::new(urls::search_index_js(event), script),
    ]
}

/// The event's elasticlunr index as JSON text; `plain` holds each session's
/// body as plain text (the shared Markdown cache), in session order.
pub fn index_json(event: &Event, plain: &[&str]) -> String {
    let mut index = IndexBuilder::new()
        .save_docs(false)
        .add_fields(FIELDS)
        .build();
    let mut stored = Map::new();
    for (i, session) in event.sessions.iter().enumerate() {
        let doc_ref = i.to_string();
        index.add_doc(
            &doc_ref,
            indexed_fields(session, plain.get(i).copied().unwrap_or_default()),
        );
        stored.insert(doc_ref, Value::Object(stored_fields(event, session)));
    }
    // elasticlunr-rs stores every indexed field or none; store only the
    // result-line fields instead, under the same refs.
    let mut value = serde_json::to_value(&index).expect("an index serialises");
    let store = value
        .get_mut("documentStore")
        .and_then(Value::as_object_mut)
        .expect("elasticlunr-rs writes a documentStore");
    store.insert("docs".into(), Value::Object(stored));
    store.insert("save".into(), Value::Bool(true));
    serde_json::to_string(&value).expect("JSON values serialise")
}

/// `search_index.js`: assigns the index to `globalThis.confsiteSearchIndex`.
/// `JSON.parse` of a string literal, rather than an object literal, keeps
/// JSON semantics exactly (a `__proto__` key stays a key) and parses faster.
pub fn wrap_in_script(json: &str) -> String {
    let literal = serde_json::to_string(json).expect("a string serialises");
    // JSON leaves U+2028/U+2029 raw; escape them for older script parsers.
    let literal = literal
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    format!(
        "// The search index of this event (the same as search_index.json), for pages opened from file://.\nglobalThis.confsiteSearchIndex = JSON.parse({literal});\n"
    )
}

/// Field texts in [`FIELDS`] order.
fn indexed_fields(s: &Session, plain: &str) -> [String; 6] {
    let mut speakers = Vec::new();
    for sp in &s.speakers {
        speakers.push(sp.name.clone());
        // "Kaldstrom" finds "Käldström": phone keyboards and habit often drop accents.
        let folded = fold_words(&sp.name);
        if !folded.is_empty() {
            speakers.push(folded);
        }
        speakers.extend(sp.affiliation.clone());
    }
    let mut tags = s.tags.clone();
    if s.kind != "talk" {
        tags.push(s.kind.clone());
    }
    [
        s.title.clone(),
        speakers.join(", "),
        s.tracks.join(", "),
        s.room.clone().unwrap_or_default(),
        tags.join(", "),
        abstract_text(plain),
    ]
    .map(|text| without_long_words(&text))
}

/// `text` without its words longer than [`MAX_WORD_CHARS`], split where
/// elasticlunr's tokenizer splits (whitespace and hyphens).
fn without_long_words(text: &str) -> String {
    if !text
        .split(|c: char| c.is_whitespace() || c == '-')
        .any(|w| w.chars().count() > MAX_WORD_CHARS)
    {
        return text.to_string();
    }
    text.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD_CHARS)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of `text` whose accent-free form differs, accents removed:
/// `Lucas Käldström` → `Kaldstrom`.
fn fold_words(text: &str) -> String {
    text.split_whitespace()
        .filter_map(|word| {
            let folded: String = word.nfd().filter(|c| !is_combining_mark(*c)).collect();
            (folded != word).then_some(folded)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Plain text of the abstract without bare URLs: their tokens would only
/// grow the index, and nobody searches for a video link.
fn abstract_text(plain: &str) -> String {
    plain
        .split_whitespace()
        .filter(|w| !(w.contains("://") || w.starts_with("www.")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn stored_fields(event: &Event, s: &Session) -> Map<String, Value> {
    let mut doc = BTreeMap::new();
    doc.insert("title", s.title.clone());
    let names: Vec<&str> = s.speakers.iter().map(|sp| sp.name.as_str()).collect();
    if !names.is_empty() {
        doc.insert("speakers", names.join(", "));
    }
    if let Some(start) = &s.start {
        let mut when = start.strftime("%a %-d %b, %H:%M").to_string();
        if let Some(end) = s.end.as_ref().filter(|e| e.date() == start.date()) {
            when.push('–');
            when.push_str(&end.strftime("%H:%M").to_string());
        }
        doc.insert("time", when);
    }
    if let Some(room) = &s.room {
        doc.insert("room", room.clone());
    }
    let path = urls::session(event, s);
    let relative = path
        .strip_prefix(&format!("{}/", event.slug))
        .unwrap_or(&path);
    doc.insert("url", relative.to_string());
    doc.into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_only_changed_words() {
        assert_eq!(fold_words("Lucas Käldström"), "Kaldstrom");
        assert_eq!(fold_words("José Padilla"), "Jose");
        assert_eq!(fold_words("Liz Rice"), "");
    }

    #[test]
    fn abstracts_lose_markup_and_urls() {
        let text = abstract_text(&super::super::markdown::to_plain_text(
            "See **bold** at [the video](https://v.example/x) and https://v.example/y or www.example.org.",
        ));
        assert_eq!(text, "See bold at the video and or");
    }

    /// Content is untrusted: elasticlunr-rs's stemmer works on bytes, so feed
    /// it words mixing multi-byte characters with the suffixes it cuts.
    #[test]
    fn the_indexer_takes_any_word_without_panicking() {
        let pieces = [
            "é",
            "ß",
            "y",
            "Y",
            "ies",
            "sses",
            "eed",
            "ed",
            "ing",
            "at",
            "bl",
            "iz",
            "ll",
            "e",
            "ational",
            "ousli",
            "ement",
            "ion",
            "t",
            "s",
            "ǅ",
            "İ",
            "ﬁ",
            "ą",
            "ि",
            "त",
            "🧑\u{200d}🤝",
            "\u{301}",
            "-",
            "_",
            "1",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut index = IndexBuilder::new().add_fields(["t"]).build();
        for i in 0..20_000 {
            let word: String = (0..1 + next(6))
                .map(|_| pieces[next(pieces.len())])
                .collect();
            index.add_doc(&i.to_string(), [word.as_str()]);
        }
        assert!(index.to_json().starts_with('{'));
    }

    #[test]
    fn long_words_are_left_out() {
        let long = "x".repeat(MAX_WORD_CHARS + 1);
        let ok = "y".repeat(MAX_WORD_CHARS);
        assert_eq!(
            without_long_words(&format!("a {long}-b {ok}")),
            format!("a b {ok}")
        );
        assert_eq!(without_long_words("Käldström-Rice x"), "Käldström-Rice x");
    }

    #[test]
    fn script_wrapper_holds_the_json_as_a_string() {
        let json = "{\"a\":\"x\\\"</script>\u{2028}y\"}";
        let script = wrap_in_script(json);
        assert!(!script.contains('\u{2028}'));
        let literal = script
            .lines()
            .nth(1)
            .unwrap()
            .strip_prefix("globalThis.confsiteSearchIndex = JSON.parse(")
            .unwrap()
            .strip_suffix(");")
            .unwrap();
        let back: String = serde_json::from_str(literal).unwrap();
        assert_eq!(back, json);
    }
}
