//! Render stage, Markdown: session bodies and descriptions from content
//! pages → sanitised HTML for pages, plain text for feeds and the search
//! index. Raw HTML in abstracts is untrusted: ammonia keeps only harmless
//! tags and attributes.
//!
//! Every session body is rendered once per build, in parallel, into
//! [`Bodies`] (reached through [`super::RenderContext::bodies`]); pages,
//! feeds and the search index all read it instead of parsing the Markdown
//! again.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, html};
use rayon::prelude::*;

use crate::model::{self, Site};

/// One session body, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// [`to_html`]: sanitised HTML for pages.
    pub html: String,
    /// [`to_plain_text`]: for feeds, the search index and excerpts.
    pub plain: String,
}

impl Body {
    /// The Markdown is parsed once for both forms.
    pub fn new(markdown: &str) -> Self {
        let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
        Body {
            html: if markdown.trim().is_empty() {
                String::new()
            } else {
                html_of(markdown.len(), events.iter().cloned())
            },
            plain: plain_text_of(markdown.len(), events),
        }
    }
}

/// Every session body of a site, rendered once.
#[derive(Debug, Clone, Default)]
pub struct Bodies {
    /// Per event (in site order): its slug and its sessions' slugs and
    /// bodies, in session order.
    events: Vec<EventBodies>,
}

#[derive(Debug, Clone, Default)]
struct EventBodies {
    slug: String,
    sessions: Vec<String>,
    bodies: Vec<Arc<Body>>,
}

impl Bodies {
    /// Renders every session body of `site`, in parallel.
    pub fn new(site: &Site) -> Self {
        Self::reusing(site, &Bodies::default(), &|_, _| true)
    }

    /// Like [`Bodies::new`], but takes the body of each session that
    /// `changed(event slug, session slug)` says is unchanged from `previous`
    /// (bodies of an earlier build) when it has one, instead of rendering it
    /// again. `serve` uses this after an edit.
    pub fn reusing(
        site: &Site,
        previous: &Bodies,
        changed: &(dyn Fn(&str, &str) -> bool + Sync),
    ) -> Self {
        let events = site
            .events
            .iter()
            .map(|event| {
                let before: HashMap<&str, &Arc<Body>> = previous
                    .events
                    .iter()
                    .find(|e| e.slug == event.slug)
                    .map(|e| {
                        e.sessions
                            .iter()
                            .map(String::as_str)
                            .zip(&e.bodies)
                            .collect()
                    })
                    .unwrap_or_default();
                let bodies = event
                    .sessions
                    .par_iter()
                    .with_max_len(crate::SESSIONS_PER_PIECE)
                    .map(|s| match before.get(s.slug.as_str()) {
                        Some(body) if !changed(&event.slug, &s.slug) => Arc::clone(body),
                        _ => Arc::new(Body::new(&s.body)),
                    })
                    .collect();
                EventBodies {
                    slug: event.slug.clone(),
                    sessions: event.sessions.iter().map(|s| s.slug.clone()).collect(),
                    bodies,
                }
            })
            .collect();
        Bodies { events }
    }

    /// The bodies of `event`'s sessions, indexed like `event.sessions`.
    ///
    /// # Panics
    /// When `event` is not an event of the site these bodies were made from.
    pub fn event(&self, event: &model::Event) -> &[Arc<Body>] {
        let bodies = &self
            .events
            .iter()
            .find(|e| e.slug == event.slug)
            .expect("bodies are rendered for every event of the site")
            .bodies;
        debug_assert_eq!(bodies.len(), event.sessions.len());
        bodies
    }

    /// The body of `event.sessions[index]`.
    pub fn session(&self, event: &model::Event, index: usize) -> &Body {
        &self.event(event)[index]
    }
}

/// The first `max` characters of `text` with whitespace runs collapsed to
/// one space, cut at a word boundary with `…` when longer.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.is_ascii() {
        return excerpt_ascii(text.as_bytes(), max);
    }
    let mut flat = String::with_capacity(text.len().min(max * 4 + 8));
    let mut chars = 0usize;
    for word in text.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
        if chars > max {
            let end = flat.char_indices().nth(max).map_or(flat.len(), |(i, _)| i);
            return cut_at_word(&flat[..end]);
        }
    }
    flat
}

/// [`excerpt`] of ASCII text, where a byte is a character: copies runs of
/// words that are already single-spaced whole, and reads no further than
/// the `max + 1` characters that decide the cut.
fn excerpt_ascii(text: &[u8], max: usize) -> String {
    // ASCII characters `char::is_whitespace` accepts (`\x0B` included).
    let is_space = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    let limit = max + 1;
    let n = text.len();
    let mut flat: Vec<u8> = Vec::with_capacity(n.min(limit));
    let mut i = 0;
    while flat.len() < limit {
        while i < n && is_space(text[i]) {
            i += 1;
        }
        if i == n {
            break;
        }
        if !flat.is_empty() {
            flat.push(b' ');
        }
        let start = i;
        let end = (i + limit - flat.len()).min(n);
        // A single space between two words stays in the run.
        while i < end
            && !(is_space(text[i]) && (text[i] != b' ' || i + 1 == n || is_space(text[i + 1])))
        {
            i += 1;
        }
        flat.extend_from_slice(&text[start..i]);
    }
    let flat = String::from_utf8(flat).expect("ASCII in, ASCII out");
    if flat.len() > max {
        cut_at_word(&flat[..max])
    } else {
        flat
    }
}

/// `cut` back to its last space (the word there may be cut off), plus `…`.
fn cut_at_word(cut: &str) -> String {
    let cut = cut.rsplit_once(' ').map_or(cut, |(head, _)| head);
    format!("{cut}…")
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders Markdown to HTML that is safe to insert into a page.
pub fn to_html(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    html_of(markdown.len(), Parser::new_ext(markdown, options()))
}

/// [`to_html`] of parsed Markdown (`len` bytes of it).
fn html_of<'a>(len: usize, events: impl Iterator<Item = Event<'a>>) -> String {
    let mut raw = String::with_capacity(len * 3 / 2);
    let mut plain = true;
    let events = events.inspect(|e| plain &= is_plain(e));
    html::push_html(&mut raw, events);
    // Markdown without raw HTML, links or images gives only tags the
    // sanitiser keeps as they are; it would parse the HTML and write back
    // the same text, but for the few spellings it writes differently.
    if plain && !raw.contains(['\r', '\u{a0}', '\0']) && !raw.contains("&quot;") {
        return raw;
    }
    SANITIZER.clean(&raw).to_string()
}

/// Whether `event` becomes HTML that the sanitiser writes back unchanged:
/// text and the plain block and inline elements, nothing with attributes,
/// URLs or markup of its own (and no `<br />` or `<hr />`, which it
/// writes as `<br>`, `<hr>`).
fn is_plain(event: &Event) -> bool {
    match event {
        Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::End(_) => true,
        Event::Start(tag) => match tag {
            Tag::Paragraph | Tag::Item | Tag::Emphasis | Tag::Strong | Tag::Strikethrough => true,
            Tag::Heading {
                id, classes, attrs, ..
            } => id.is_none() && classes.is_empty() && attrs.is_empty(),
            Tag::BlockQuote(kind) => kind.is_none(),
            Tag::List(start) => matches!(start, None | Some(1)),
            Tag::CodeBlock(CodeBlockKind::Indented) => true,
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => info.is_empty(),
            _ => false,
        },
        _ => false,
    }
}

/// The sanitiser's settings, made once: building them (a few hundred hash
/// set entries) cost more than cleaning a typical abstract.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect());
    builder
});

/// Renders Markdown to plain text: paragraphs separated by a blank line,
/// list items on their own lines with `- `, no markup and no raw HTML.
pub fn to_plain_text(markdown: &str) -> String {
    plain_text_of(markdown.len(), Parser::new_ext(markdown, options()))
}

/// [`to_plain_text`] of parsed Markdown (`len` bytes of it).
fn plain_text_of<'a>(len: usize, events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut out = String::with_capacity(len);
    let mut list_depth = 0usize;
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => {
                trim_trailing_spaces(&mut out);
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&"  ".repeat(list_depth.saturating_sub(1)));
                out.push_str("- ");
            }
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    out.push_str("\n\n");
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::BlockQuote(_),
            ) if list_depth == 0 => {
                out.push_str("\n\n");
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let _ = dest_url;
            }
            _ => {}
        }
    }
    // Collapse the blank-line runs the block ends leave behind.
    let mut text = String::with_capacity(out.len());
    let mut blank_run = 0;
    for line in out.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        text.push_str(line);
    }
    text
}

fn trim_trailing_spaces(s: &mut String) {
    while s.ends_with(' ') {
        s.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_sanitised() {
        let html = to_html(
            "Hi <script>alert(1)</script> <a href=\"javascript:x\">l</a> <b onclick=\"x\">b</b>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(html.contains("<b>b</b>"), "{html}");
    }

    #[test]
    fn excerpts_collapse_whitespace_and_cut_at_a_word() {
        assert_eq!(excerpt("a  b\n\nc", 10), "a b c");
        assert_eq!(excerpt("", 10), "");
        assert_eq!(excerpt("one two three", 13), "one two three");
        assert_eq!(excerpt("one two three", 12), "one two…");
        assert_eq!(excerpt("one two three", 7), "one…");
        assert_eq!(excerpt("one two three", 6), "one…");
        assert_eq!(excerpt("abcdefgh", 3), "abc…");
        assert_eq!(excerpt("héllo wörld", 8), "héllo…");
        assert_eq!(excerpt(" \t\x0Ba\x0C\r\nb  ", 10), "a b");
        assert_eq!(excerpt("one two ", 7), "one two");
        assert_eq!(excerpt("one two x", 7), "one…");
        assert_eq!(excerpt("one two  x", 8), "one two…");
    }

    /// The ASCII fast path says what the general one says.
    #[test]
    fn ascii_excerpts_match_the_general_rule() {
        let general = |text: &str, max: usize| {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if flat.chars().count() <= max {
                return flat;
            }
            let cut: String = flat.chars().take(max).collect();
            let cut = cut
                .rsplit_once(' ')
                .map_or(cut.as_str(), |(h, _)| h)
                .to_string();
            format!("{cut}…")
        };
        for text in [
            "  Lorem ipsum\tdolor\n\nsit amet, consectetur\x0Badipiscing   elit. ",
            "a b c d e f g h i j k l m n o p",
            "word  word \t word\r\nend",
            " ",
            "x",
        ] {
            for max in 0..text.len() + 2 {
                assert_eq!(excerpt(text, max), general(text, max), "{text:?} max {max}");
            }
        }
    }

    #[test]
    fn bodies_reuse_unchanged_sessions() {
        use crate::content::{LoadOptions, load_site};
        let tmp = tempfile::tempdir().unwrap();
        crate::synthetic::write_site(tmp.path(), &crate::synthetic::Params::with_sessions(20))
            .unwrap();
        let site = load_site(tmp.path(), &LoadOptions::default()).unwrap().site;
        let bodies = Bodies::new(&site);
        let event = &site.events[0];
        assert_eq!(bodies.event(event).len(), 20);
        assert_eq!(
            bodies.session(event, 3),
            &Body::new(&event.sessions[3].body)
        );
        let mut edited = site.clone();
        edited.events[0].sessions[3].body = "*Changed*".to_string();
        let changed = edited.events[0].sessions[3].slug.clone();
        let again = Bodies::reusing(&edited, &bodies, &|_, slug| slug == changed);
        assert_eq!(
            again.session(&edited.events[0], 3).html,
            "<p><em>Changed</em></p>\n"
        );
        assert!(Arc::ptr_eq(
            &again.event(&edited.events[0])[4],
            &bodies.event(event)[4]
        ));
    }

    /// Skipping the sanitiser for plain Markdown gives what it would give.
    #[test]
    fn plain_markdown_reads_as_the_sanitiser_writes_it() {
        let sanitized = |markdown: &str| {
            let mut raw = String::new();
            html::push_html(&mut raw, Parser::new_ext(markdown, options()));
            SANITIZER.clean(&raw).to_string()
        };
        let mut samples: Vec<String> = [
            "Plain text.",
            "Two\nlines\n\nand a paragraph with \"quotes\", 'single' -- dashes... & <b>",
            "# Head\n\n## Sub *em* **strong** ~~gone~~\n\nText `code \"q\" <x>` after.",
            "- one\n- two\n  - nested\n\n1. first\n2. second\n\n3. third\n4. fourth",
            "- loose\n\n- list\n\n> quote\n> more\n\n    indented code\n    \"q\"\n\n```\nfenced\n```\n\n```rust\nlang\n```",
            "Hard  \nbreak and rule\n\n---\n\nafter",
            "A [link](https://x.org) and ![img](a.png) and <https://auto.link>",
            "Raw <span class=\"x\">html</span> <script>x</script>",
            "| a | b |\n|---|:-:|\n| 1 | 2 |",
            "nbsp\u{a0}here, CR\r\nline, NUL\u{0}char, tab\tend",
            "* [ ] task\n* [x] done",
            "Footnote[^1]\n\n[^1]: note",
            "Émile, 老, 🦀 — “curly” and 'straight' & more",
            "> [!NOTE]\n> alert",
            "Setext\n======\n\ntext",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every session page body of the demo, too.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        for entry in walkdir::WalkDir::new(root) {
            let path = entry.unwrap().into_path();
            if path.extension().is_some_and(|e| e == "md")
                && let Ok(text) = std::fs::read_to_string(&path)
                && let Some((_, body)) = text.split_once("\n---\n")
            {
                samples.push(body.to_string());
            }
        }
        for markdown in &samples {
            assert_eq!(to_html(markdown), sanitized(markdown), "{markdown:?}");
        }
    }

    /// The same over generated Markdown: random runs of the pieces that
    /// change how Markdown reads (emphasis, code, headings, quotes, lists,
    /// links, raw HTML, entities, odd whitespace). Deterministic, so a
    /// failure repeats.
    #[test]
    fn generated_markdown_reads_as_the_sanitiser_writes_it() {
        const PIECES: &[&str] = &[
            "word",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\t",
            "\r\n",
            "    ",
            "*",
            "**",
            "_",
            "__",
            "`",
            "```",
            "~~",
            "# ",
            "## ",
            "> ",
            "- ",
            "* ",
            "1. ",
            "3) ",
            "---",
            "===",
            "|",
            "[",
            "]",
            "(",
            ")",
            "![",
            "<",
            ">",
            "&",
            "&amp;",
            "&quot;",
            "&#x41;",
            "\"",
            "'",
            "\\",
            "!",
            ":",
            "[^1]",
            "[x] ",
            "<b>",
            "</p>",
            "<script>",
            "javascript:alert(1)",
            "https://x.org",
            "<https://a.b>",
            "\u{a0}",
            "\u{0}",
            "\u{1}",
            "\u{b}",
            "\u{c}",
            "\u{7f}",
            "\u{85}",
            "\u{fffe}",
            "\u{feff}",
            "\u{2028}",
            "\u{d}",
            "é",
            "🦀",
            "{#id}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            // xorshift64*
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let sanitized = |markdown: &str| {
            let mut raw = String::new();
            html::push_html(&mut raw, Parser::new_ext(markdown, options()));
            SANITIZER.clean(&raw).to_string()
        };
        let mut plain = 0;
        for _ in 0..20_000 {
            let len = 1 + (next() % 14) as usize;
            let markdown: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let mut raw = String::new();
            html::push_html(&mut raw, Parser::new_ext(&markdown, options()));
            // Text that is only whitespace renders to nothing on either path.
            if markdown.trim().is_empty() {
                continue;
            }
            let html = to_html(&markdown);
            if html == raw {
                plain += 1;
            }
            assert_eq!(html, sanitized(&markdown), "{markdown:?}");
        }
        // Generated input both with and without markup to clean.
        assert!(
            plain > 1_000 && plain < 19_000,
            "{plain} of 20,000 needed no cleaning"
        );
    }

    #[test]
    fn plain_text_drops_markup() {
        let text =
            to_plain_text("# Head\n\nSome *em* and `code`.\n\n* one\n* two\n\nLast <b>x</b>");
        assert_eq!(text, "Head\n\nSome em and code.\n\n- one\n- two\n\nLast x");
    }
}
