//! The index as JSON text, written in one pass from each session's tokens:
//! the inverted index (per field, a trie of tokens whose nodes hold the
//! postings) is merged and written part by part on every core, without an
//! intermediate tree of JSON values.
//!
//! The text is what `serde_json::to_string` gives for
//! `serde_json::to_value(&elasticlunr::Index)` with our document store: in
//! every object the keys in byte order (serde_json's `Map` is a `BTreeMap`),
//! so a trie node's `df` and `docs` come between its children `d` and `e`;
//! numbers, floats and strings as serde_json writes them. The tests compare
//! it byte for byte with elasticlunr-rs's own index.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde_json::Value;

use super::FIELDS;
use super::analyze::{SessionTokens, Tokens};

/// One document of the index: its tokens and its stored fields as a JSON
/// object.
pub struct Document {
    pub tokens: Arc<SessionTokens>,
    pub stored: String,
}

/// The index as JSON text in parts; their concatenation is the whole text,
/// and each part is valid UTF-8 on its own. `tokens` is the vocabulary the
/// documents' tokens are numbered in.
pub fn index_parts(docs: &[Document], tokens: &Tokens) -> Vec<Vec<u8>> {
    // Refs are positions; elasticlunr-rs keeps documents in BTreeMaps, so
    // its text lists them in string order ("0", "1", "10", …, "2").
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let refs: Vec<String> = order.iter().map(usize::to_string).collect();
    order.sort_unstable_by(|&a, &b| refs[a].cmp(&refs[b]));
    let sorted_refs: Vec<&str> = order.iter().map(|&i| refs[i].as_str()).collect();
    let ordered: Vec<&Document> = order.iter().map(|&i| &docs[i]).collect();

    let mut fields_by_name: Vec<usize> = (0..FIELDS.len()).collect();
    fields_by_name.sort_unstable_by_key(|&f| FIELDS[f]);

    // Each field's tokens with their postings, sorted, then the trie of
    // each field written in shards; the store alongside.
    let (store, posted) = rayon::join(
        || document_store(&ordered, &sorted_refs, &fields_by_name),
        || {
            fields_by_name
                .par_iter()
                .map(|&field| postings(&ordered, tokens, field))
                .collect::<Vec<_>>()
        },
    );
    let shards: Vec<&[Posted]> = posted.iter().flat_map(|p| shards(p)).collect();
    let writer = TrieWriter { refs: &sorted_refs };
    let written: Vec<Vec<u8>> = shards
        .par_iter()
        .map(|shard| {
            // Room for the usual size, so the buffer is rarely copied: a
            // posting `"123":{"tf":1.0}` and a node per character.
            let postings: usize = shard.iter().map(|p| p.postings.len()).sum();
            let chars: usize = shard.iter().map(|p| p.token.len()).sum();
            let mut out = Vec::with_capacity(postings * 20 + chars * 24);
            writer.entries(&mut out, shard, 0);
            out
        })
        .collect();
    let mut written = written.into_iter();
    let mut store = Some(store);

    let mut parts = Vec::new();
    let mut head = b"{".to_vec();
    for (i, (key, value)) in frame().iter().enumerate() {
        if i > 0 {
            head.push(b',');
        }
        push_str(&mut head, key);
        head.push(b':');
        match key.as_str() {
            "documentStore" => {
                parts.push(std::mem::take(&mut head));
                parts.extend(store.take());
            }
            "index" => {
                head.push(b'{');
                for (n, &field) in fields_by_name.iter().enumerate() {
                    if n > 0 {
                        head.push(b',');
                    }
                    push_str(&mut head, FIELDS[field]);
                    head.extend_from_slice(b":{\"root\":{");
                    let mut first = true;
                    for start in SHARD_STARTS {
                        if start == b'e' {
                            // The root's own keys (no token is empty), after
                            // its children up to `d`.
                            separate(&mut head, &mut first);
                            head.extend_from_slice(b"\"df\":0,\"docs\":{}");
                        }
                        let entries = written.next().expect("a part per field and shard");
                        if !entries.is_empty() {
                            separate(&mut head, &mut first);
                            parts.push(std::mem::take(&mut head));
                            parts.push(entries);
                        }
                    }
                    head.extend_from_slice(b"}}");
                }
                head.push(b'}');
            }
            _ => head.extend_from_slice(value.as_bytes()),
        }
    }
    head.push(b'}');
    parts.push(head);
    parts.retain(|p| !p.is_empty());
    parts
}

/// elasticlunr-rs's own top-level keys in text order, with the JSON text
/// of their values for an empty index of [`FIELDS`] (`documentStore` and
/// `index` are written from the documents).
fn frame() -> &'static [(String, String)] {
    static FRAME: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FRAME.get_or_init(|| {
        let empty = elasticlunr::IndexBuilder::new().add_fields(FIELDS).build();
        let Ok(Value::Object(map)) = serde_json::to_value(&empty) else {
            unreachable!("an elasticlunr index serialises to an object")
        };
        map.into_iter()
            .map(|(key, value)| (key, value.to_string()))
            .collect()
    })
}

/// `{"docInfo":{…},"docs":{…},"length":N,"save":true}`: each document's
/// token count per field and its stored fields.
fn document_store(docs: &[&Document], refs: &[&str], fields_by_name: &[usize]) -> Vec<u8> {
    let mut out = Vec::with_capacity(docs.len() * 256);
    out.extend_from_slice(b"{\"docInfo\":{");
    let mut number = itoa::Buffer::new();
    for (n, (doc, r)) in docs.iter().zip(refs).enumerate() {
        if n > 0 {
            out.push(b',');
        }
        push_str(&mut out, r);
        out.extend_from_slice(b":{");
        for (k, &field) in fields_by_name.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            push_str(&mut out, FIELDS[field]);
            out.push(b':');
            out.extend_from_slice(number.format(doc.tokens.lengths[field]).as_bytes());
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"},\"docs\":{");
    for (n, (doc, r)) in docs.iter().zip(refs).enumerate() {
        if n > 0 {
            out.push(b',');
        }
        push_str(&mut out, r);
        out.push(b':');
        out.extend_from_slice(doc.stored.as_bytes());
    }
    out.extend_from_slice(b"},\"length\":");
    out.extend_from_slice(number.format(docs.len()).as_bytes());
    out.extend_from_slice(b",\"save\":true}");
    out
}

/// A token of one field and the documents holding it: (position in ref
/// order, count), in ref order.
struct Posted<'a> {
    token: &'a str,
    postings: Vec<(u32, u32)>,
}

/// The tokens of `field` with their postings, sorted.
fn postings<'a>(docs: &[&Document], tokens: &'a Tokens, field: usize) -> Vec<Posted<'a>> {
    // Token id → its place in `posted`.
    let mut slots: Vec<u32> = vec![u32::MAX; tokens.len()];
    let mut posted: Vec<Posted> = Vec::new();
    for (position, doc) in docs.iter().enumerate() {
        for &(id, count) in doc.tokens.terms(field) {
            let slot = &mut slots[id as usize];
            if *slot == u32::MAX {
                *slot = posted.len() as u32;
                posted.push(Posted {
                    token: tokens.get(id),
                    postings: Vec::new(),
                });
            }
            posted[*slot as usize]
                .postings
                .push((position as u32, count));
        }
    }
    posted.sort_unstable_by(|a, b| a.token.cmp(b.token));
    posted
}

/// First bytes of tokens where a field's trie is split into parts written
/// in parallel. A part holds whole subtrees of the root (all tokens that
/// start with one character start with one byte); `e` must be a start,
/// because a node's `df` and `docs` keys sort between its children `d` and
/// `e`.
const SHARD_STARTS: [u8; 16] = [
    0, b'b', b'c', b'd', b'e', b'f', b'h', b'i', b'l', b'n', b'p', b'r', b's', b't', b'v', 0x80,
];

/// `posted` (sorted, no token empty) split at [`SHARD_STARTS`].
fn shards<'p, 'a>(posted: &'p [Posted<'a>]) -> impl Iterator<Item = &'p [Posted<'a>]> {
    let first_byte = |p: &Posted| p.token.as_bytes()[0];
    SHARD_STARTS.into_iter().enumerate().map(move |(i, start)| {
        let from = posted.partition_point(|p| first_byte(p) < start);
        let to = SHARD_STARTS.get(i + 1).map_or(posted.len(), |&next| {
            posted.partition_point(|p| first_byte(p) < next)
        });
        &posted[from..to]
    })
}

struct TrieWriter<'a> {
    refs: &'a [&'a str],
}

impl TrieWriter<'_> {
    /// The children of a node whose tokens (sorted, each longer than
    /// `depth` bytes) share their first `depth` bytes: `"c":{…},…`.
    fn entries(&self, out: &mut Vec<u8>, mut terms: &[Posted], depth: usize) {
        let mut first = true;
        while let Some(head) = terms.first() {
            let next = head.token[depth..]
                .chars()
                .next()
                .expect("a child's token is longer than its parent's");
            let end = depth + next.len_utf8();
            let key = &head.token.as_bytes()[depth..end];
            let n = terms
                .iter()
                .position(|t| t.token.as_bytes().get(depth..end) != Some(key))
                .unwrap_or(terms.len());
            separate(out, &mut first);
            push_str(out, &head.token[depth..end]);
            out.push(b':');
            self.node(out, &terms[..n], end);
            terms = &terms[n..];
        }
    }

    /// The node of the tokens `terms` (sorted, sharing their first `depth`
    /// bytes; the first is the node's own token if it is `depth` long).
    fn node(&self, out: &mut Vec<u8>, terms: &[Posted], depth: usize) {
        let (own, children) = match terms.split_first() {
            Some((t, rest)) if t.token.len() == depth => (Some(t), rest),
            _ => (None, terms),
        };
        // Children `d` and before sort before `df`; no other character's
        // UTF-8 starts with a byte up to `d`.
        let before = children.partition_point(|t| t.token.as_bytes()[depth] <= b'd');
        out.push(b'{');
        self.entries(out, &children[..before], depth);
        if before > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"\"df\":");
        let postings = own.map_or(&[][..], |t| &t.postings);
        out.extend_from_slice(itoa::Buffer::new().format(postings.len()).as_bytes());
        out.extend_from_slice(b",\"docs\":{");
        for (n, &(position, count)) in postings.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            push_str(out, self.refs[position as usize]);
            out.extend_from_slice(b":{\"tf\":");
            out.extend_from_slice(term_frequency(count).as_bytes());
            out.push(b'}');
        }
        out.push(b'}');
        if before < children.len() {
            out.push(b',');
            self.entries(out, &children[before..], depth);
        }
        out.push(b'}');
    }
}

/// elasticlunr's term frequency, `sqrt(count)`, as serde_json writes it.
fn term_frequency(count: u32) -> Cow<'static, str> {
    const CACHED: u32 = 64;
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    let format = |count: u32| serde_json::to_string(&f64::from(count).sqrt()).unwrap_or_default();
    if count < CACHED {
        let texts = TEXTS.get_or_init(|| (0..CACHED).map(format).collect());
        Cow::Borrowed(texts[count as usize].as_str())
    } else {
        Cow::Owned(format(count))
    }
}

fn separate(out: &mut Vec<u8>, first: &mut bool) {
    if !*first {
        out.push(b',');
    }
    *first = false;
}

/// `s` as a JSON string, escaped as serde_json escapes it.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        serde_json::to_writer(&mut *out, s).expect("writing to memory cannot fail");
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// The first line of `search_index.js`, up to the string literal.
const SCRIPT_START: &str = "// The search index of this event (the same as search_index.json), for pages opened from file://.\nglobalThis.confsiteSearchIndex = JSON.parse(\"";

/// What follows the string literal in `search_index.js`.
const SCRIPT_END: &str = "\");\n";

/// `search_index.js` for the JSON text in `parts`: the text as one JS
/// string literal. The parts are measured, then escaped on every core
/// straight into their place in the file.
pub fn script<P: AsRef<[u8]> + Sync>(parts: &[P]) -> Vec<u8> {
    let lengths: Vec<usize> = parts
        .par_iter()
        .map(|part| escaped_len(part.as_ref()))
        .collect();
    let total = SCRIPT_START.len() + lengths.iter().sum::<usize>() + SCRIPT_END.len();
    let mut out = vec![0; total];
    let (start, mut rest) = out.split_at_mut(SCRIPT_START.len());
    start.copy_from_slice(SCRIPT_START.as_bytes());
    let mut places = Vec::with_capacity(parts.len());
    for &len in &lengths {
        let (place, after) = rest.split_at_mut(len);
        places.push(place);
        rest = after;
    }
    rest.copy_from_slice(SCRIPT_END.as_bytes());
    places
        .into_par_iter()
        .zip(parts)
        .for_each(|(place, part)| escape(part.as_ref(), place));
    out
}

/// How many bytes [`escape`] writes for `text`.
fn escaped_len(text: &[u8]) -> usize {
    // Quotes and backslashes, counted in byte lanes (SIMD) per 255 bytes.
    let doubled: usize = text
        .chunks(255)
        .map(|chunk| {
            let n = chunk.iter().fold(0u8, |n, &b| {
                n.wrapping_add(u8::from((b == b'"') | (b == b'\\')))
            });
            usize::from(n)
        })
        .sum();
    let rare = |b: u8| b < 0x20 || b == 0xE2;
    let mut len = text.len() + doubled;
    if text
        .chunks(4096)
        .any(|chunk| chunk.iter().fold(false, |any, &b| any | rare(b)))
    {
        for (i, &b) in text.iter().enumerate() {
            if rare(b) {
                let (_, escaped, read) = escaped_at(text, i);
                len = len + escaped - read;
            }
        }
    }
    len
}

/// Writes the inside of a JS string literal of `text` (valid UTF-8) into
/// `out`, which is exactly as long as [`escaped_len`] says: escaped as
/// serde_json escapes strings (`\"`, `\\`, `\n` and the like, `\u00XX`
/// for other control characters), with U+2028 and U+2029 escaped too:
/// JSON leaves them raw, older script parsers end a line there.
fn escape(text: &[u8], out: &mut [u8]) {
    let mut slots = out.iter_mut();
    let mut put = |b: u8| *slots.next().expect("escaped_len counts every byte") = b;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b < 0x20 || b == 0xE2 {
            let (buffer, len, read) = escaped_at(text, i);
            buffer[..len].iter().for_each(|&e| put(e));
            i += read;
        } else {
            if b == b'"' || b == b'\\' {
                put(b'\\');
            }
            put(b);
            i += 1;
        }
    }
    debug_assert!(slots.next().is_none());
}

/// The escaped form of the character at `text[i]` (in a buffer, and its
/// length) and how many bytes of `text` it stands for.
fn escaped_at(text: &[u8], i: usize) -> ([u8; 6], usize, usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = |escaped: &[u8]| {
        let mut buffer = [0; 6];
        buffer[..escaped.len()].copy_from_slice(escaped);
        (buffer, escaped.len(), 1)
    };
    let b = text[i];
    match b {
        b'"' => short(b"\\\""),
        b'\\' => short(b"\\\\"),
        0x08 => short(b"\\b"),
        b'\t' => short(b"\\t"),
        b'\n' => short(b"\\n"),
        0x0C => short(b"\\f"),
        b'\r' => short(b"\\r"),
        0x00..=0x1F => {
            let mut buffer = *b"\\u0000";
            buffer[4] = HEX[usize::from(b >> 4)];
            buffer[5] = HEX[usize::from(b & 0xF)];
            (buffer, 6, 1)
        }
        0xE2 => match text.get(i + 1..i + 3) {
            Some([0x80, 0xA8]) => (*b"\\u2028", 6, 3),
            Some([0x80, 0xA9]) => (*b"\\u2029", 6, 3),
            _ => short(&[b]),
        },
        _ => short(&[b]),
    }
}
