//! URL slugs: lowercase ASCII letters, digits and dashes, so a slug can never
//! name a path outside its directory.

use std::collections::HashSet;

/// `"Keynote: Welcome Back!"` → `"keynote-welcome-back"`. Non-Latin text is
/// transliterated; a title with nothing sluggable gives `"untitled"`.
pub fn slugify(text: &str) -> String {
    let s = slug::slugify(text);
    if s.is_empty() {
        "untitled".to_string()
    } else {
        s
    }
}

/// True when `s` is already a slug as [`slugify`] makes them.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Hands out unique slugs: the second `"intro"` becomes `"intro-2"`.
#[derive(Debug, Default)]
pub struct Deduper {
    taken: HashSet<String>,
}

impl Deduper {
    pub fn unique(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded counter always finds a free slug")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe() {
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("José Padilla"), "jose-padilla");
        assert_eq!(slugify("!!!"), "untitled");
        assert!(is_valid("a-b-2"));
        assert!(!is_valid("../x"));
        assert!(!is_valid("A"));
    }

    #[test]
    fn dedup_appends_counter() {
        let mut d = Deduper::default();
        assert_eq!(d.unique("intro"), "intro");
        assert_eq!(d.unique("intro"), "intro-2");
        assert_eq!(d.unique("intro"), "intro-3");
    }
}
