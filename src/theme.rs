//! Themes: Tera templates plus static files, resolved for one site.
//!
//! The repo's `themes/` are compiled into the binary, so an installed
//! `confsite` carries them. A site overrides them file by file: its own
//! `themes/<name>/` (templates and static files; a new name is a new theme)
//! and `templates/` (overrides any template of every theme). A theme can
//! extend another with `extends: <name>` in its `theme.yaml`: it inherits
//! every template and static file it does not have, and the parent's
//! templates stay available as `<parent>/<template>` for `{% extends %}`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use serde::Deserialize;

use crate::content::display_path;
use crate::content::frontmatter::parse_yaml;
use crate::diagnostic::{Diagnostic, Failed};

static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes");

pub const THEME_FILE: &str = "theme.yaml";

/// `themes/<name>/theme.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeMeta {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub extends: Option<String>,
    /// Defaults for the options an event may set (`theme_options`).
    #[serde(default)]
    pub options: Option<serde_json::Value>,
}

/// A template or static file and where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub contents: Vec<u8>,
    /// `themes/default/templates/session.html`, or `<bundled>/...`.
    pub origin: PathBuf,
}

/// One theme with `extends` and site overrides applied.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub meta: ThemeMeta,
    /// By template name, e.g. `session.html`.
    pub templates: BTreeMap<String, ThemeFile>,
    /// By path under `static/`, e.g. `style.css`.
    pub statics: BTreeMap<String, ThemeFile>,
}

impl Theme {
    /// Default theme options merged under `overrides` (key by key).
    pub fn options(&self, overrides: &serde_json::Value) -> serde_json::Value {
        let mut merged = self.meta.options.clone().unwrap_or(serde_json::json!({}));
        if let (Some(base), Some(extra)) = (merged.as_object_mut(), overrides.as_object()) {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
        merged
    }
}

/// An event's `theme_options` over the site's (key by key): the site's
/// options apply to every event, each event can change any of them.
pub fn layered(site: &serde_json::Value, event: &serde_json::Value) -> serde_json::Value {
    match (site.as_object(), event.as_object()) {
        (Some(s), Some(e)) => {
            let mut merged = s.clone();
            merged.extend(e.iter().map(|(k, v)| (k.clone(), v.clone())));
            serde_json::Value::Object(merged)
        }
        (Some(_), None) => site.clone(),
        _ => event.clone(),
    }
}

/// Unresolved theme sources before `extends` is applied.
#[derive(Debug, Clone, Default)]
struct RawTheme {
    meta: Option<ThemeMeta>,
    templates: BTreeMap<String, ThemeFile>,
    statics: BTreeMap<String, ThemeFile>,
}

/// Every theme available to a site.
#[derive(Debug, Clone)]
pub struct Themes {
    themes: BTreeMap<String, Theme>,
}

impl Themes {
    /// Bundled themes with the overrides found under `root`.
    pub fn load(root: &Path) -> Result<Themes, Failed> {
        let mut diags = Vec::new();
        let mut raw: BTreeMap<String, RawTheme> = BTreeMap::new();
        for dir in BUNDLED.dirs() {
            let name = dir.path().to_string_lossy().into_owned();
            let theme = raw.entry(name.clone()).or_default();
            collect_bundled(dir, dir.path(), theme, &mut diags);
        }
        let site_themes = root.join("themes");
        if let Ok(entries) = fs::read_dir(&site_themes) {
            let mut dirs: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            dirs.sort();
            for dir in dirs {
                let name = dir
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                let theme = raw.entry(name.clone()).or_default();
                collect_dir(root, &dir, theme, &mut diags);
            }
        }
        let site_templates = root.join("templates");
        let mut template_overrides = BTreeMap::new();
        if site_templates.is_dir() {
            collect_files(root, &site_templates, &mut template_overrides, &mut diags);
        }
        let mut themes = BTreeMap::new();
        for name in raw.keys() {
            match resolve(name, &raw, &mut Vec::new()) {
                Ok(mut theme) => {
                    for (k, v) in &template_overrides {
                        theme.templates.insert(k.clone(), v.clone());
                    }
                    themes.insert(name.clone(), theme);
                }
                Err(msg) => diags.push(Diagnostic::error(
                    display_path(root, &Path::new("themes").join(name).join(THEME_FILE)),
                    0,
                    msg,
                )),
            }
        }
        if diags.iter().any(Diagnostic::is_error) {
            return Err(Failed(diags));
        }
        Ok(Themes { themes })
    }

    pub fn get(&self, name: &str) -> Option<&Theme> {
        self.themes.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.themes.keys().map(String::as_str)
    }
}

/// Names of the themes compiled into the binary.
pub fn bundled_names() -> Vec<String> {
    let mut names: Vec<String> = BUNDLED
        .dirs()
        .map(|d| d.path().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The bundled files of one theme, relative to its directory (for `theme eject`).
pub fn bundled_files(name: &str) -> Option<Vec<(PathBuf, &'static [u8])>> {
    let dir = BUNDLED.get_dir(name)?;
    let mut files = Vec::new();
    fn walk(dir: &'static Dir<'static>, base: &Path, files: &mut Vec<(PathBuf, &'static [u8])>) {
        for f in dir.files() {
            files.push((
                f.path()
                    .strip_prefix(base)
                    .unwrap_or(f.path())
                    .to_path_buf(),
                f.contents(),
            ));
        }
        for d in dir.dirs() {
            walk(d, base, files);
        }
    }
    walk(dir, dir.path(), &mut files);
    files.sort();
    Some(files)
}

fn resolve(
    name: &str,
    raw: &BTreeMap<String, RawTheme>,
    chain: &mut Vec<String>,
) -> Result<Theme, String> {
    if chain.iter().any(|n| n == name) {
        chain.push(name.to_string());
        return Err(format!("theme `extends` loops: {}", chain.join(" → ")));
    }
    let depth = chain.len();
    chain.push(name.to_string());
    let own = raw.get(name).ok_or_else(|| {
        format!(
            "theme `{name}` does not exist (themes: {})",
            raw.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    let meta = own.meta.clone().unwrap_or_default();
    let mut theme = match &meta.extends {
        Some(parent) => {
            let mut base = resolve(parent, raw, chain)?;
            // The parent's templates stay reachable as `<parent>/<name>`, so a
            // template here can extend the one it replaces and override only
            // some of its blocks. (Names the parent inherited this way from
            // its own ancestors are not prefixed again.)
            let grandparents = &chain[depth + 2..];
            let originals: Vec<(String, ThemeFile)> = base
                .templates
                .iter()
                .filter(|(n, _)| {
                    !grandparents.iter().any(|g| {
                        n.strip_prefix(g.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                    })
                })
                .map(|(n, f)| (format!("{parent}/{n}"), f.clone()))
                .collect();
            base.templates.extend(originals);
            base.name = name.to_string();
            if meta.options.is_some() {
                base.meta.options = Some(merge_options(
                    base.meta.options.take(),
                    meta.options.clone(),
                ));
            }
            base.meta.description = meta.description.clone();
            base.meta.extends = meta.extends.clone();
            base
        }
        None => Theme {
            name: name.to_string(),
            meta: meta.clone(),
            templates: BTreeMap::new(),
            statics: BTreeMap::new(),
        },
    };
    theme.templates.extend(own.templates.clone());
    theme.statics.extend(own.statics.clone());
    Ok(theme)
}

fn merge_options(
    base: Option<serde_json::Value>,
    over: Option<serde_json::Value>,
) -> serde_json::Value {
    let mut merged = base.unwrap_or(serde_json::json!({}));
    if let (Some(m), Some(serde_json::Value::Object(o))) = (merged.as_object_mut(), over) {
        m.extend(o);
    }
    merged
}

fn collect_bundled(
    dir: &'static Dir<'static>,
    base: &Path,
    theme: &mut RawTheme,
    diags: &mut Vec<Diagnostic>,
) {
    for file in dir.files() {
        let rel = file.path().strip_prefix(base).unwrap_or(file.path());
        let origin = PathBuf::from("<bundled>/themes").join(file.path());
        add_file(theme, rel, file.contents().to_vec(), origin, diags);
    }
    for sub in dir.dirs() {
        collect_bundled(sub, base, theme, diags);
    }
}

fn collect_dir(root: &Path, dir: &Path, theme: &mut RawTheme, diags: &mut Vec<Diagnostic>) {
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let origin = display_path(
            root,
            entry.path().strip_prefix(root).unwrap_or(entry.path()),
        );
        match fs::read(entry.path()) {
            Ok(bytes) => add_file(theme, rel, bytes, origin, diags),
            Err(e) => diags.push(Diagnostic::error(origin, 0, format!("cannot read: {e}"))),
        }
    }
}

fn collect_files(
    root: &Path,
    dir: &Path,
    into: &mut BTreeMap<String, ThemeFile>,
    diags: &mut Vec<Diagnostic>,
) {
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let origin = display_path(
            root,
            entry.path().strip_prefix(root).unwrap_or(entry.path()),
        );
        match fs::read(entry.path()) {
            Ok(contents) => {
                into.insert(rel, ThemeFile { contents, origin });
            }
            Err(e) => diags.push(Diagnostic::error(origin, 0, format!("cannot read: {e}"))),
        }
    }
}

fn add_file(
    theme: &mut RawTheme,
    rel: &Path,
    contents: Vec<u8>,
    origin: PathBuf,
    diags: &mut Vec<Diagnostic>,
) {
    let rel_str = rel.to_string_lossy().replace('\\', "/");
    if rel_str == THEME_FILE {
        let text = String::from_utf8_lossy(&contents);
        match parse_yaml::<ThemeMeta>(&text, &origin, 0) {
            Ok(meta) => theme.meta = Some(meta),
            Err(d) => diags.push(d),
        }
    } else if let Some(t) = rel_str.strip_prefix("templates/") {
        theme
            .templates
            .insert(t.to_string(), ThemeFile { contents, origin });
    } else if let Some(s) = rel_str.strip_prefix("static/") {
        theme
            .statics
            .insert(s.to_string(), ThemeFile { contents, origin });
    }
    // Anything else (a README) is documentation, not part of the theme.
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn parents_templates_stay_reachable_under_their_theme_name() {
        let dir = site(&[
            ("themes/mine/theme.yaml", "extends: compact\n"),
            (
                "themes/mine/templates/base.html",
                "{% extends \"compact/base.html\" %}",
            ),
        ]);
        let themes = Themes::load(dir.path()).unwrap();
        let mine = themes.get("mine").unwrap();
        let names: Vec<&str> = mine.templates.keys().map(String::as_str).collect();
        // Its own base.html, compact's (inherited from default) and default's.
        assert!(
            mine.templates["base.html"]
                .origin
                .ends_with("themes/mine/templates/base.html")
        );
        assert!(
            mine.templates["compact/base.html"]
                .origin
                .starts_with("<bundled>/themes/default")
        );
        assert!(
            mine.templates["compact/partials/head.html"]
                .origin
                .starts_with("<bundled>/themes/compact")
        );
        assert!(
            mine.templates["default/partials/head.html"]
                .origin
                .starts_with("<bundled>/themes/default")
        );
        assert!(
            !names.iter().any(|n| n.starts_with("compact/default/")),
            "no double prefixes: {names:?}"
        );
    }

    #[test]
    fn an_extends_loop_is_an_error_naming_the_chain() {
        let dir = site(&[
            ("themes/a/theme.yaml", "extends: b\n"),
            ("themes/b/theme.yaml", "extends: a\n"),
        ]);
        let Err(Failed(diags)) = Themes::load(dir.path()) else {
            panic!("a loop must fail");
        };
        let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|t| t.contains("a → b → a")), "{text:?}");
    }
}
