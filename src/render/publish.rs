//! Files a static host needs beside the pages: `.nojekyll` (GitHub Pages
//! would otherwise hide paths starting with `_`), `robots.txt`,
//! `sitemap.xml` listing every page, and `CNAME` when configured.

use super::{RenderContext, urls};
use crate::output::OutputFile;

/// The files for a static host; `paths` are those of every other output file, sorted.
pub fn render(ctx: &RenderContext, paths: &[String]) -> Vec<OutputFile> {
    let base = &ctx.site.config.base_url;
    let mut files = vec![OutputFile::new(".nojekyll", "")];
    files.push(OutputFile::new(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            urls::absolute(base, "sitemap.xml")
        ),
    ));
    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let page_paths = paths
        .iter()
        .filter(|p| p.ends_with(".html") && *p != "404.html");
    for path in page_paths {
        sitemap.push_str("  <url><loc>");
        sitemap.push_str(&escape_xml(&urls::absolute(base, path)));
        sitemap.push_str("</loc></url>\n");
    }
    sitemap.push_str("</urlset>\n");
    files.push(OutputFile::new("sitemap.xml", sitemap));
    if let Some(cname) = &ctx.site.config.cname {
        files.push(OutputFile::new("CNAME", format!("{}\n", cname.trim())));
    }
    files
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
