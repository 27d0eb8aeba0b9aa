//! The search index, a render-stage output: one event of the model →
//! `<event>/search_index.json`, an elasticlunr index in the format
//! elasticlunr.js 0.9.x loads with `elasticlunr.Index.load`; and
//! `<event>/search_index.js`, the same index wrapped in a script, because
//! browsers refuse `fetch` on `file://` pages while a `<script src>` still
//! loads there.
//!
//! Indexed fields: [`FIELDS`]. Boosts are a query-time setting in
//! elasticlunr, so they live with the client (`search.js`). The document
//! store keeps only what a result line shows ([`STORED`]): the abstract is
//! indexed but not stored, which keeps the file small. Document refs are
//! the session's position in program order (`"0"`, `"1"`, …): short refs
//! make every posting small, and elasticlunr.js breaks score ties in that
//! order. Stored URLs are relative to the event root, so the index works
//! under any base path and from `file://`.
//!
//! elasticlunr-rs does the linguistics: its English tokenizer and pipeline
//! turn each session's fields into tokens, per session on every core
//! (module `analyze`). The inverted index and its JSON text are ours
//! (module `write`): the same text elasticlunr-rs's `Index` gives (the
//! tests compare them byte for byte), written in parts on every core
//! instead of through a tree of JSON values. A session's tokens can be kept
//! ([`TokenCache`]) so that `serve` analyses only the sessions an edit
//! changed.

mod analyze;
mod write;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{RenderContext, urls};
use crate::model::{Event, Session};
use crate::output::{OutputFile, Sink};
#[cfg(test)]
use analyze::MAX_WORD_CHARS;
use analyze::{Reading, SessionTokens, Vocabulary};

/// Indexed fields, in the order elasticlunr searches them.
pub const FIELDS: [&str; 6] = ["title", "speakers", "track", "room", "tags", "abstract"];

/// How each of [`FIELDS`] is read: the abstract without bare URLs (their
/// tokens would only grow the index, and nobody searches for a video link).
const READINGS: [Reading; FIELDS.len()] = [
    Reading::All,
    Reading::All,
    Reading::All,
    Reading::All,
    Reading::All,
    Reading::WithoutUrls,
];

/// Stored fields of each document: what a result line shows.
pub const STORED: [&str; 5] = ["title", "speakers", "time", "room", "url"];

/// Each session's tokens from one build of an event's index, by session
/// slug, for a later build to reuse: a session whose indexed text is
/// unchanged is not analysed again.
#[derive(Debug, Default, Clone)]
pub struct TokenCache {
    /// What the tokens are numbered in.
    vocabulary: Arc<Vocabulary>,
    /// Slug → hash of the indexed texts ([`texts_key`]) and their tokens.
    sessions: HashMap<String, (u128, Arc<SessionTokens>)>,
}

impl TokenCache {
    /// The number of sessions held.
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// The sessions whose tokens were analysed anew rather than taken from
    /// `earlier`, sorted.
    #[cfg(test)]
    pub(crate) fn analysed_since(&self, earlier: &TokenCache) -> Vec<&str> {
        let mut slugs: Vec<&str> = self
            .sessions
            .iter()
            .filter(|(slug, (_, tokens))| {
                !earlier
                    .sessions
                    .get(*slug)
                    .is_some_and(|(_, known)| Arc::ptr_eq(known, tokens))
            })
            .map(|(slug, _)| slug.as_str())
            .collect();
        slugs.sort_unstable();
        slugs
    }
}

pub fn render_event(ctx: &RenderContext, event: &Event, sink: &dyn Sink) {
    let plain = plain_texts(ctx, event);
    let (parts, _) = index_parts(event, &plain, None);
    for file in files(event, &parts) {
        sink.put(file);
    }
}

/// [`render_event`], also returning the sessions' tokens for a later
/// [`render_event_reusing`] (`serve` keeps them from its full render). Not
/// what `build` uses: keeping them costs a hash of every session's texts.
pub fn render_event_returning_tokens(
    ctx: &RenderContext,
    event: &Event,
    sink: &dyn Sink,
) -> TokenCache {
    let (files, tokens) = render_event_reusing(ctx, event, &TokenCache::default());
    for file in files {
        sink.put(file);
    }
    tokens
}

/// [`render_event`], reusing the tokens in `previous` of every session
/// whose indexed text has not changed; also returns the tokens of this
/// build's sessions, for the next.
pub fn render_event_reusing(
    ctx: &RenderContext,
    event: &Event,
    previous: &TokenCache,
) -> (Vec<OutputFile>, TokenCache) {
    let plain = plain_texts(ctx, event);
    let (parts, cache) = index_parts(event, &plain, Some(previous));
    (files(event, &parts), cache.unwrap_or_default())
}

/// The sessions' bodies as plain text (the shared Markdown cache).
fn plain_texts<'a>(ctx: &'a RenderContext, event: &Event) -> Vec<&'a str> {
    ctx.bodies()
        .event(event)
        .iter()
        .map(|b| b.plain.as_str())
        .collect()
}

/// `search_index.json` and `search_index.js` from the index's parts.
fn files(event: &Event, parts: &[Vec<u8>]) -> Vec<OutputFile> {
    let (json, script) = rayon::join(|| parts.concat(), || write::script(parts));
    vec![
        OutputFile::new(urls::search_index(event), json),
        OutputFile::new(urls::search_index_js(event), script),
    ]
}

/// The event's elasticlunr index as JSON text; `plain` holds each session's
/// body as plain text (the shared Markdown cache), in session order.
pub fn index_json(event: &Event, plain: &[&str]) -> String {
    let (parts, _) = index_parts(event, plain, None);
    String::from_utf8(parts.concat()).expect("the index is UTF-8")
}

/// The index's JSON text in parts ([`write::index_parts`]); with `reuse`,
/// also the tokens of its sessions.
fn index_parts(
    event: &Event,
    plain: &[&str],
    reuse: Option<&TokenCache>,
) -> (Vec<Vec<u8>>, Option<TokenCache>) {
    let vocabulary = match reuse {
        // A vocabulary only grows; past this size, start again.
        Some(cache) if cache.vocabulary.tokens().len() < MAX_KEPT_TOKENS => {
            Arc::clone(&cache.vocabulary)
        }
        _ => Arc::default(),
    };
    let (docs, keys) = documents(event, plain, reuse, &vocabulary);
    let parts = write::index_parts(&docs, &vocabulary.tokens());
    let cache = reuse.map(|_| TokenCache {
        sessions: event
            .sessions
            .iter()
            .zip(keys)
            .zip(docs)
            .filter_map(|((s, key), doc)| Some((s.slug.clone(), (key?, doc.tokens))))
            .collect(),
        vocabulary,
    });
    (parts, cache)
}

/// Distinct tokens a [`TokenCache`]'s vocabulary may reach before a build
/// starts a new one (and analyses every session again).
const MAX_KEPT_TOKENS: usize = 1 << 22;

/// Each session's tokens (numbered in `vocabulary`) and stored fields, on
/// every core; with `reuse`, the tokens of sessions whose texts are
/// unchanged come from there, and each session's [`texts_key`] comes back
/// too.
fn documents(
    event: &Event,
    plain: &[&str],
    reuse: Option<&TokenCache>,
    vocabulary: &Arc<Vocabulary>,
) -> (Vec<write::Document>, Vec<Option<u128>>) {
    // Tokens numbered in another vocabulary cannot be reused.
    let reuse = reuse.filter(|cache| Arc::ptr_eq(&cache.vocabulary, vocabulary));
    event
        .sessions
        .par_iter()
        .enumerate()
        .with_max_len(crate::SESSIONS_PER_PIECE)
        .map(|(i, session)| {
            let texts = indexed_texts(session, plain.get(i).copied().unwrap_or_default());
            let texts: [&str; FIELDS.len()] = std::array::from_fn(|f| texts[f].as_ref());
            let key = reuse.map(|_| texts_key(&texts));
            let known = reuse
                .and_then(|cache| cache.sessions.get(&session.slug))
                .filter(|(known_key, _)| Some(*known_key) == key);
            let tokens = match known {
                Some((_, tokens)) => Arc::clone(tokens),
                None => Arc::new(analyze::analyze(vocabulary, &texts, &READINGS)),
            };
            let stored = stored_json(event, session);
            (write::Document { tokens, stored }, key)
        })
        .unzip()
}

/// What [`TokenCache`] reuse is keyed on: a hash of the indexed texts.
fn texts_key(texts: &[&str; FIELDS.len()]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for text in texts {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hasher.digest128()
}

/// `search_index.js`: assigns the index to `globalThis.confsiteSearchIndex`.
/// `JSON.parse` of a string literal, rather than an object literal, keeps
/// JSON semantics exactly (a `__proto__` key stays a key) and parses faster.
pub fn wrap_in_script(json: &str) -> String {
    String::from_utf8(write::script(&[json])).expect("the script is UTF-8")
}

/// Field texts in [`FIELDS`] order; the abstract is the body's plain text
/// (read [`Reading::WithoutUrls`]).
fn indexed_texts<'a>(s: &'a Session, plain: &'a str) -> [Cow<'a, str>; FIELDS.len()] {
    let mut speakers = String::new();
    let mut add = |text: &str| {
        if !speakers.is_empty() {
            speakers.push_str(", ");
        }
        speakers.push_str(text);
    };
    for sp in &s.speakers {
        add(&sp.name);
        // "Kaldstrom" finds "Käldström": phone keyboards and habit often drop accents.
        let folded = fold_words(&sp.name);
        if !folded.is_empty() {
            add(&folded);
        }
        if let Some(affiliation) = &sp.affiliation {
            add(affiliation);
        }
    }
    let tags = if s.kind == "talk" {
        s.tags.join(", ")
    } else {
        let mut tags = s.tags.clone();
        tags.push(s.kind.clone());
        tags.join(", ")
    };
    [
        Cow::Borrowed(s.title.as_str()),
        Cow::Owned(speakers),
        Cow::Owned(s.tracks.join(", ")),
        Cow::Borrowed(s.room.as_deref().unwrap_or_default()),
        Cow::Owned(tags),
        Cow::Borrowed(plain),
    ]
}

/// The words of `text` whose accent-free form differs, accents removed:
/// `Lucas Käldström` → `Kaldstrom`.
fn fold_words(text: &str) -> String {
    text.split_whitespace()
        .filter(|word| !word.is_ascii())
        .filter_map(|word| {
            let folded: String = word.nfd().filter(|c| !is_combining_mark(*c)).collect();
            (folded != word).then_some(folded)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The stored fields of a session ([`STORED`]) as a JSON object, keys in
/// byte order as serde_json writes a map's.
fn stored_json(event: &Event, s: &Session) -> String {
    let mut out = Vec::with_capacity(256);
    let field = |out: &mut Vec<u8>, key: &str, value: &str| {
        out.push(if out.is_empty() { b'{' } else { b',' });
        write::push_str(out, key);
        out.push(b':');
        write::push_str(out, value);
    };
    if let Some(room) = &s.room {
        field(&mut out, "room", room);
    }
    if let Some((first, rest)) = s.speakers.split_first() {
        let mut names = first.name.clone();
        for sp in rest {
            names.push_str(", ");
            names.push_str(&sp.name);
        }
        field(&mut out, "speakers", &names);
    }
    if let Some(start) = &s.start {
        field(&mut out, "time", &when(start, s.end.as_ref()));
    }
    field(&mut out, "title", &s.title);
    let path = urls::session(event, s);
    let relative = path
        .strip_prefix(event.slug.as_str())
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or(&path);
    field(&mut out, "url", relative);
    out.push(b'}');
    String::from_utf8(out).expect("JSON of strings is UTF-8")
}

/// A result line's time: `Tue 10 Mar, 09:00–09:30` (the end only when on
/// the same day).
fn when(start: &jiff::Zoned, end: Option<&jiff::Zoned>) -> String {
    let mut when = start.strftime("%a %-d %b, %H:%M").to_string();
    if let Some(end) = end.filter(|e| e.date() == start.date()) {
        when.push('–');
        when.push_str(&end.strftime("%H:%M").to_string());
    }
    when
}

#[cfg(test)]
mod oracle;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::content::{LoadOptions, load_site};
    use crate::model::Site;
    use crate::render::markdown::Bodies;
    use crate::synthetic::{self, Params};

    /// Our index of `docs` (field texts and stored fields).
    fn index_of(docs: &[oracle::Doc]) -> String {
        let vocabulary = Arc::new(Vocabulary::default());
        let docs: Vec<write::Document> = docs
            .iter()
            .map(|(texts, stored)| write::Document {
                tokens: Arc::new(analyze::analyze(
                    &vocabulary,
                    &std::array::from_fn(|f| texts[f].as_str()),
                    &READINGS,
                )),
                stored: serde_json::to_string(stored).unwrap(),
            })
            .collect();
        String::from_utf8(write::index_parts(&docs, &vocabulary.tokens()).concat()).unwrap()
    }

    /// Asserts that our index of `docs` is elasticlunr-rs's, byte for byte.
    fn assert_same_as_elasticlunr(docs: &[oracle::Doc]) {
        let ours = index_of(docs);
        let theirs = oracle::index_json(docs);
        if ours != theirs {
            let at = ours
                .bytes()
                .zip(theirs.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(ours.len().min(theirs.len()));
            let around = |s: &str| {
                let bytes = &s.as_bytes()[at.saturating_sub(80)..(at + 80).min(s.len())];
                String::from_utf8_lossy(bytes).into_owned()
            };
            panic!(
                "indexes differ at byte {at} (lengths {} and {}):\nours:   {}\ntheirs: {}",
                ours.len(),
                theirs.len(),
                around(&ours),
                around(&theirs)
            );
        }
    }

    /// Every event of `site`: our index equals elasticlunr-rs's.
    fn assert_site_same_as_elasticlunr(site: &Site) {
        let bodies = Bodies::new(site);
        for event in &site.events {
            let plain: Vec<&str> = bodies
                .event(event)
                .iter()
                .map(|b| b.plain.as_str())
                .collect();
            let docs: Vec<oracle::Doc> = event
                .sessions
                .iter()
                .zip(&plain)
                .map(|(s, p)| {
                    let texts = indexed_texts(s, p).map(Cow::into_owned);
                    (texts, oracle::stored_fields(event, s))
                })
                .collect();
            let (parts, _) = index_parts(event, &plain, None);
            let ours = String::from_utf8(parts.concat()).unwrap();
            assert!(
                ours == oracle::index_json(&docs),
                "the index of {} differs from elasticlunr-rs's",
                event.slug
            );
            assert!(
                write::script(&parts) == oracle::wrap_in_script(&ours).as_bytes(),
                "the script of {} differs",
                event.slug
            );
        }
    }

    #[test]
    fn demo_indexes_are_elasticlunrs() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = load_site(root, &LoadOptions::default()).unwrap().site;
        assert_eq!(site.events.len(), 5);
        assert_site_same_as_elasticlunr(&site);
    }

    #[test]
    fn synthetic_index_is_elasticlunrs() {
        let tmp = tempfile::tempdir().unwrap();
        // Over 100 sessions: refs of 1, 2 and 3 digits, in string order.
        synthetic::write_site(tmp.path(), &Params::with_sessions(250)).unwrap();
        let site = load_site(tmp.path(), &LoadOptions::default()).unwrap().site;
        assert!(site.events.iter().map(|e| e.sessions.len()).sum::<usize>() >= 250);
        assert_site_same_as_elasticlunr(&site);
    }

    fn doc(texts: [&str; FIELDS.len()]) -> oracle::Doc {
        let stored = BTreeMap::from([("title", texts[0].to_string()), ("url", "s/x.html".into())]);
        (texts.map(str::to_string), stored)
    }

    #[test]
    fn edge_cases_index_like_elasticlunr() {
        assert_same_as_elasticlunr(&[]);
        let long = "ä".repeat(MAX_WORD_CHARS);
        let upper_long = "İ".repeat(MAX_WORD_CHARS);
        let too_long = format!("{}-x", "é".repeat(MAX_WORD_CHARS + 1));
        let docs = [
            // No text at all, and only what the pipeline drops.
            doc(["", "", "", "", "", ""]),
            doc(["the a of", "--", " \t\n", "...", "'\"'", "\u{2028}\u{2029}"]),
            // Duplicates within and across fields and documents.
            doc([
                "cloud Cloud CLOUDS clouds",
                "cloud",
                "",
                "",
                "cloud cloud",
                "d dd ddd e",
            ]),
            doc(["d df docs e", "dfa", "c", "é", "z", "cloud"]),
            // Non-ASCII, keys that need escaping, long words.
            doc([
                "Käldström résumé naïve 東京 Ωmega ǅemal",
                "José Padilla, Jose",
                &long,
                &upper_long,
                "a\u{1}b x\"y back\\slash tab\u{7f}del",
                "🧑\u{200d}🤝 e\u{301}e ﬁne ß SS",
            ]),
            doc([
                "running runner runs",
                "",
                "",
                "",
                "",
                "generalization generalizations",
            ]),
            // Words left out: too long, and URLs in the abstract only.
            doc([
                &too_long,
                "https://v.example/x www.example.org",
                "",
                "",
                "",
                "See https://v.example/y, www.example.org or a-https://x.y and www.-x",
            ]),
        ];
        assert_same_as_elasticlunr(&docs);
        // Enough documents for refs to sort as strings, with one token in
        // many of them (postings in ref order).
        let many: Vec<oracle::Doc> = (0..130)
            .map(|i| doc([&format!("word{} common", i % 7), "", "", "", "", ""]))
            .collect();
        assert_same_as_elasticlunr(&many);
    }

    /// Content is untrusted: words mixing multi-byte characters with the
    /// suffixes the stemmer cuts (it works on bytes) are indexed without
    /// panicking, as elasticlunr-rs indexes them.
    #[test]
    fn any_word_indexes_like_elasticlunr() {
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
            "d",
            "\"",
            "\\",
            " ",
            "\u{2028}",
            "://",
            "www.",
            "x".repeat(30).leak(),
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let docs: Vec<oracle::Doc> = (0..5_000)
            .map(|_| {
                let mut texts: [String; FIELDS.len()] = Default::default();
                for text in &mut texts {
                    for _ in 0..next(4) {
                        let word: String = (0..1 + next(6))
                            .map(|_| pieces[next(pieces.len())])
                            .collect();
                        text.push_str(&word);
                        text.push(' ');
                    }
                }
                (texts, BTreeMap::from([("title", "t".to_string())]))
            })
            .collect();
        assert_same_as_elasticlunr(&docs);
    }

    #[test]
    fn reused_tokens_give_the_same_index() {
        let tmp = tempfile::tempdir().unwrap();
        synthetic::write_site(tmp.path(), &Params::with_sessions(40)).unwrap();
        let mut site = load_site(tmp.path(), &LoadOptions::default()).unwrap().site;
        let bodies = Bodies::new(&site);
        let event = &site.events[0];
        let plain: Vec<&str> = bodies
            .event(event)
            .iter()
            .map(|b| b.plain.as_str())
            .collect();
        let (parts, cache) = index_parts(event, &plain, Some(&TokenCache::default()));
        let cache = cache.unwrap();
        assert_eq!(cache.len(), event.sessions.len());

        let event = &mut site.events[0];
        event.sessions[3].title = "An entirely new title about zebras".into();
        let edited = event.sessions[3].slug.clone();
        let event = &site.events[0];
        let (again, reused) = index_parts(event, &plain, Some(&cache));
        let reused = reused.unwrap();
        let fresh = index_json(event, &plain);
        assert_ne!(parts.concat(), again.concat());
        assert_eq!(String::from_utf8(again.concat()).unwrap(), fresh);
        let index: serde_json::Value = serde_json::from_str(&fresh).unwrap();
        let zebra = "zebra"
            .chars()
            .fold(&index["index"]["title"]["root"], |node, c| {
                &node[c.to_string()]
            });
        assert_eq!(zebra["docs"]["3"]["tf"], 1.0);
        for s in &event.sessions {
            let same = Arc::ptr_eq(&cache.sessions[&s.slug].1, &reused.sessions[&s.slug].1);
            assert_eq!(same, s.slug != edited, "{}", s.slug);
        }
    }

    #[test]
    fn stored_fields_are_escaped_like_serde_json() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut site = load_site(root, &LoadOptions::default()).unwrap().site;
        let event = &mut site.events[0];
        let odd = "a\"b\\c\u{1}\u{1f}\u{7f} é\u{2028}</script>";
        let session = &mut event.sessions[0];
        session.title = odd.into();
        session.room = Some(format!("Room {odd}"));
        session.speakers.truncate(1);
        session.speakers[0].name = odd.into();
        let mut unscheduled = session.clone();
        unscheduled.start = None;
        unscheduled.room = None;
        unscheduled.speakers.clear();
        let event = &site.events[0];
        for s in [&event.sessions[0], &unscheduled] {
            assert_eq!(
                stored_json(event, s),
                serde_json::to_string(&oracle::stored_fields(event, s)).unwrap()
            );
        }
    }

    #[test]
    fn folding_keeps_only_changed_words() {
        assert_eq!(fold_words("Lucas Käldström"), "Kaldstrom");
        assert_eq!(fold_words("José Padilla"), "Jose");
        assert_eq!(fold_words("Liz Rice"), "");
    }

    #[test]
    fn script_wrapper_holds_the_json_as_a_string() {
        let json = "{\"a\":\"x\\\"</script>\u{2028}y\u{2029}\"}";
        let script = wrap_in_script(json);
        assert!(!script.contains('\u{2028}') && !script.contains('\u{2029}'));
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

    #[test]
    fn script_literal_escapes_like_serde_json() {
        let texts = [
            String::new(),
            "plain".to_string(),
            "\"\\\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f}".to_string(),
            "\u{2027}\u{2028}\u{2029}\u{202a}€Ⅰ\u{2028}".to_string(),
            "é東🧑\u{200d}🤝\u{2029}".repeat(3),
        ];
        for text in texts {
            assert_eq!(
                wrap_in_script(&text),
                oracle::wrap_in_script(&text),
                "{text:?}"
            );
        }
    }
}
