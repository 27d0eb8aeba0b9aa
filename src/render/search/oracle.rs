//! The index as elasticlunr-rs's own `Index` gives it, with our document
//! store put in through a tree of JSON values: how the index was built
//! before [`super::write`], kept to check that writer byte for byte.

use std::collections::BTreeMap;

use elasticlunr::IndexBuilder;
use serde_json::{Map, Value};

use super::analyze::{MAX_WORD_CHARS, is_url_like};
use super::{FIELDS, urls};
use crate::model::{Event, Session};

/// A document: its field texts in [`FIELDS`] order and its stored fields.
pub type Doc = ([String; FIELDS.len()], BTreeMap<&'static str, String>);

/// The index of `docs` (texts as [`super::indexed_texts`] gives them), refs
/// being their positions: each text without long words and the abstract
/// without URLs, then indexed by elasticlunr-rs.
pub fn index_json(docs: &[Doc]) -> String {
    let mut index = IndexBuilder::new()
        .save_docs(false)
        .add_fields(FIELDS)
        .build();
    let mut stored = Map::new();
    for (i, (texts, fields)) in docs.iter().enumerate() {
        let doc_ref = i.to_string();
        let mut texts = texts.clone();
        texts[5] = abstract_text(&texts[5]);
        index.add_doc(&doc_ref, texts.map(|text| without_long_words(&text)));
        stored.insert(doc_ref, serde_json::to_value(fields).unwrap());
    }
    let mut value = serde_json::to_value(&index).unwrap();
    let store = value
        .get_mut("documentStore")
        .and_then(Value::as_object_mut)
        .unwrap();
    store.insert("docs".into(), Value::Object(stored));
    store.insert("save".into(), Value::Bool(true));
    serde_json::to_string(&value).unwrap()
}

/// `search_index.js` as it was written: serde_json's string literal of the
/// whole text, then U+2028 and U+2029 escaped.
pub fn wrap_in_script(json: &str) -> String {
    let literal = serde_json::to_string(json).unwrap();
    let literal = literal
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    format!(
        "// The search index of this event (the same as search_index.json), for pages opened from file://.\nglobalThis.confsiteSearchIndex = JSON.parse({literal});\n"
    )
}

/// Where elasticlunr-rs's tokenizer (`lang::tokenize_whitespace`) splits.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '-'
}

/// `text` without its words longer than [`MAX_WORD_CHARS`], split where
/// elasticlunr's tokenizer splits (whitespace and hyphens).
pub fn without_long_words(text: &str) -> String {
    if !text
        .split(is_separator)
        .any(|w| w.chars().count() > MAX_WORD_CHARS)
    {
        return text.to_string();
    }
    text.split(is_separator)
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD_CHARS)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Plain text of the abstract without bare URLs.
pub fn abstract_text(plain: &str) -> String {
    plain
        .split_whitespace()
        .filter(|w| !is_url_like(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The stored fields of a session, as they were put together.
pub fn stored_fields(event: &Event, s: &Session) -> BTreeMap<&'static str, String> {
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
    doc
}
