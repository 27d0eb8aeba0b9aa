//! Field texts → tokens, one session at a time and on every core, with
//! elasticlunr-rs's English tokenizer and pipeline (trimmer, stop-word
//! filter, stemmer): what a document adds to the index, as
//! `elasticlunr::Index::add_doc` would compute it.
//!
//! Tokens are numbered in a [`Vocabulary`] shared by the sessions of an
//! index, so that merging them into the inverted index handles numbers,
//! not strings. The pipeline is a function of each word alone, and a
//! program repeats its words, so each thread remembers what every word it
//! has seen becomes ([`Memo`]): the stemmer runs once per distinct word,
//! not per occurrence.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use ahash::AHashMap;
use elasticlunr::Pipeline;
use elasticlunr::lang::{English, Language};

use super::FIELDS;

/// Longer words are not indexed. The index is a trie with one nested JSON
/// object per character, so one very long "word" (a hash, a data URI) in a
/// content page would make it deep enough to overflow the stack of a
/// recursive writer or reader, and nobody types such words into a search
/// box.
pub const MAX_WORD_CHARS: usize = 64;

/// How a field's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Every word.
    All,
    /// Without words that look like URLs (bare links in an abstract: their
    /// tokens would only grow the index, and nobody searches for a video
    /// link).
    WithoutUrls,
}

/// Whether a whitespace-separated word is left out of a
/// [`Reading::WithoutUrls`] field.
pub fn is_url_like(word: &str) -> bool {
    word.contains("://") || word.starts_with("www.")
}

/// The tokens of an index, numbered in the order they were first seen.
/// Shared by every session analysed for it (and, through a
/// [`super::TokenCache`], by later builds of the same event).
#[derive(Debug)]
pub struct Vocabulary {
    inner: Mutex<Tokens>,
}

/// The id of the empty token, which elasticlunr-rs counts in a field's
/// length but leaves out of the trie.
const EMPTY: u32 = 0;

impl Default for Vocabulary {
    fn default() -> Self {
        let vocabulary = Vocabulary {
            inner: Mutex::default(),
        };
        let empty = vocabulary.id(String::new());
        debug_assert_eq!(empty, EMPTY);
        vocabulary
    }
}

/// A [`Vocabulary`]'s tokens: `list[id]`, and each token's id.
#[derive(Debug, Default)]
pub struct Tokens {
    ids: AHashMap<Arc<str>, u32>,
    list: Vec<Arc<str>>,
}

impl Tokens {
    /// The token numbered `id`.
    pub fn get(&self, id: u32) -> &str {
        &self.list[id as usize]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }
}

impl Vocabulary {
    /// The tokens, locked: for writing the index once its sessions are
    /// analysed.
    pub fn tokens(&self) -> MutexGuard<'_, Tokens> {
        // A panic elsewhere cannot leave the map and list disagreeing: they
        // are updated together after the only fallible step.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn id(&self, token: String) -> u32 {
        let mut tokens = self.tokens();
        if let Some(&id) = tokens.ids.get(token.as_str()) {
            return id;
        }
        let id = u32::try_from(tokens.list.len()).expect("fewer than 2^32 distinct tokens");
        let token: Arc<str> = token.into();
        tokens.list.push(Arc::clone(&token));
        tokens.ids.insert(token, id);
        id
    }
}

/// What one session adds to the index: per field, the number of tokens
/// (the document store's `docInfo`) and each distinct non-empty token (by
/// its id in the [`Vocabulary`]) with its count.
#[derive(Debug, PartialEq, Eq)]
pub struct SessionTokens {
    /// Per field, the number of tokens the pipeline kept.
    pub lengths: [usize; FIELDS.len()],
    /// Per field, where its terms end in `terms`.
    field_ends: [u32; FIELDS.len()],
    /// Per field, its distinct non-empty tokens and their counts.
    terms: Vec<(u32, u32)>,
}

impl SessionTokens {
    /// The terms of `field`, as (token id, count).
    pub fn terms(&self, field: usize) -> &[(u32, u32)] {
        let start = field.checked_sub(1).map_or(0, |f| self.field_ends[f]);
        &self.terms[start as usize..self.field_ends[field] as usize]
    }
}

/// Words remembered per thread and vocabulary before the memory is
/// emptied: bounds it on hostile input, far above the vocabulary of any
/// real program.
const MAX_REMEMBERED: usize = 1 << 20;

/// A thread's memory of the words it analysed for one vocabulary.
#[derive(Default)]
struct Memo {
    /// Per [`Reading`]: a whitespace-separated word as written → where its
    /// token ids are in `tokens`.
    words: [AHashMap<Box<str>, (u32, u32)>; 2],
    tokens: Vec<u32>,
}

/// elasticlunr-rs's English analysis and a [`Memo`] per live vocabulary.
struct Analyzer {
    language: English,
    pipeline: Pipeline,
    memos: Vec<(Weak<Vocabulary>, Memo)>,
    /// Scratch for one field: each token id's count (zero again after each
    /// field), and the ids counted, in order of first occurrence.
    counts: Vec<u32>,
    counted: Vec<u32>,
}

thread_local! {
    static ANALYZER: RefCell<Analyzer> = RefCell::new(Analyzer::new());
}

/// Tokenizes a session's field texts (in [`FIELDS`] order, each read as
/// `readings` says) as elasticlunr-rs's `Index::add_doc` would tokenize
/// them once words longer than [`MAX_WORD_CHARS`] and, in
/// [`Reading::WithoutUrls`] fields, URL-like words are taken out.
pub fn analyze(
    vocabulary: &Arc<Vocabulary>,
    texts: &[&str; FIELDS.len()],
    readings: &[Reading; FIELDS.len()],
) -> SessionTokens {
    ANALYZER.with(|a| a.borrow_mut().analyze(vocabulary, texts, readings))
}

impl Analyzer {
    fn new() -> Self {
        let language = English::new();
        let pipeline = language.make_pipeline();
        Analyzer {
            language,
            pipeline,
            memos: Vec::new(),
            counts: Vec::new(),
            counted: Vec::new(),
        }
    }

    fn analyze(
        &mut self,
        vocabulary: &Arc<Vocabulary>,
        texts: &[&str; FIELDS.len()],
        readings: &[Reading; FIELDS.len()],
    ) -> SessionTokens {
        // Forget the vocabularies no longer in use. (A `Weak` keeps its
        // allocation, so a live vocabulary never shares an address with a
        // dropped one.)
        self.memos.retain(|(v, _)| v.strong_count() > 0);
        let slot = match self
            .memos
            .iter()
            .position(|(v, _)| v.as_ptr() == Arc::as_ptr(vocabulary))
        {
            Some(slot) => slot,
            None => {
                self.memos
                    .push((Arc::downgrade(vocabulary), Memo::default()));
                self.memos.len() - 1
            }
        };
        let Analyzer {
            language,
            pipeline,
            memos,
            counts,
            counted,
        } = self;
        let memo = &mut memos[slot].1;
        if memo.words.iter().map(|w| w.len()).sum::<usize>() > MAX_REMEMBERED {
            *memo = Memo::default();
        }
        let mut tokens = SessionTokens {
            lengths: [0; FIELDS.len()],
            field_ends: [0; FIELDS.len()],
            terms: Vec::new(),
        };
        for (field, (text, &reading)) in texts.iter().zip(readings).enumerate() {
            let mut length = 0;
            for word in words(text) {
                let (start, len) = memo.tokens_of(word, reading, language, pipeline, vocabulary);
                for &id in &memo.tokens[start as usize..(start + len) as usize] {
                    let id = id as usize;
                    if id >= counts.len() {
                        counts.resize((id + 1).max(counts.len() * 2), 0);
                    }
                    if counts[id] == 0 {
                        counted.push(id as u32);
                    }
                    counts[id] += 1;
                    length += 1;
                }
            }
            tokens.lengths[field] = length;
            // In order of first occurrence: the index sorts tokens itself.
            for id in counted.drain(..) {
                let count = std::mem::take(&mut counts[id as usize]);
                if id != EMPTY {
                    tokens.terms.push((id, count));
                }
            }
            tokens.field_ends[field] = tokens.terms.len() as u32;
        }
        tokens
    }
}

impl Memo {
    /// Where the tokens of a whitespace-separated `word` are in
    /// `self.tokens`: elasticlunr-rs's tokenizer and pipeline on its
    /// pieces, run once per distinct word.
    fn tokens_of(
        &mut self,
        word: &str,
        reading: Reading,
        language: &English,
        pipeline: &Pipeline,
        vocabulary: &Vocabulary,
    ) -> (u32, u32) {
        let words = &mut self.words[reading as usize];
        if let Some(&found) = words.get(word) {
            return found;
        }
        let start = self.tokens.len();
        if !(reading == Reading::WithoutUrls && is_url_like(word)) {
            // The tokenizer also splits at hyphens.
            for piece in word.split('-') {
                let too_long =
                    piece.len() > MAX_WORD_CHARS && piece.chars().count() > MAX_WORD_CHARS;
                if piece.is_empty() || too_long {
                    continue;
                }
                for token in pipeline.run(language.tokenize(piece)) {
                    self.tokens.push(vocabulary.id(token));
                }
            }
        }
        let found = (start as u32, (self.tokens.len() - start) as u32);
        words.insert(word.into(), found);
        found
    }
}

/// `text.split_whitespace()`, faster on ASCII.
fn words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        // Skip whitespace, then take everything up to the next.
        let start = loop {
            let (c, len) = char_at(text, at)?;
            if !c.is_whitespace() {
                break at;
            }
            at += len;
        };
        at = start;
        while at < bytes.len() {
            let b = bytes[at];
            if b < 0x80 {
                if is_ascii_space(b) {
                    break;
                }
                at += 1;
            } else {
                let (c, len) = char_at(text, at).expect("at is a char boundary");
                if c.is_whitespace() {
                    break;
                }
                at += len;
            }
        }
        Some(&text[start..at])
    })
}

/// ASCII whitespace as `char::is_whitespace` has it (with U+000B, which
/// `u8::is_ascii_whitespace` leaves out).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// The character at byte `at` of `text` and its length, if any.
fn char_at(text: &str, at: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(at)?;
    if b < 0x80 {
        return Some((char::from(b), 1));
    }
    let c = text[at..].chars().next()?;
    Some((c, c.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_split_whitespace() {
        let texts = [
            "",
            " ",
            "a",
            "  two words\there\n",
            "x\u{b}y\u{c}z\u{1c}w\u{85}v\u{a0}u\u{2028}t\u{3000}s\u{200b}r",
            "é ü\u{2003}東京 🧑\u{200d}🤝 \u{301}",
            "trailing\u{2029}",
        ];
        for text in texts {
            let ours: Vec<&str> = words(text).collect();
            let std: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn tokens_count_per_field_like_elasticlunr() {
        let long = "y".repeat(MAX_WORD_CHARS + 1);
        let texts = [
            "Cloud clouds CLOUD the a",
            "",
            &format!("Käldström-Rice {long} x-{long}"),
            "--- ...",
            "x https://v.example/x",
            "Running runs ran run https://v.example/y www.example.org",
        ];
        let mut readings = [Reading::All; FIELDS.len()];
        readings[5] = Reading::WithoutUrls;
        let vocabulary = Arc::new(Vocabulary::default());
        let tokens = analyze(&vocabulary, &texts, &readings);
        assert_eq!(tokens.lengths, [3, 0, 3, 0, 2, 4]);
        let all = |field| -> Vec<(String, u32)> {
            let list = vocabulary.tokens();
            let mut terms: Vec<(String, u32)> = tokens
                .terms(field)
                .iter()
                .map(|&(id, n)| (list.get(id).to_string(), n))
                .collect();
            terms.sort();
            terms
        };
        assert_eq!(all(0), [("cloud".to_string(), 3)]);
        assert_eq!(all(1), []);
        assert_eq!(
            all(2),
            [("käldström".into(), 1), ("rice".into(), 1), ("x".into(), 1)]
        );
        assert!(all(4).iter().any(|(t, _)| t.contains("example")));
        assert_eq!(all(5), [("ran".into(), 1), ("run".into(), 3)]);
    }
}
