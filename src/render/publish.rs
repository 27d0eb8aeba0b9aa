//! Files a static host needs beside the pages: `.nojekyll` (GitHub Pages
//! would otherwise hide paths starting with `_`), `robots.txt`,
//! `sitemap.xml` listing every page, and `CNAME` when configured.

use super::{RenderContext, urls};
use crate::output::OutputFile;

pub fn render(ctx: &RenderContext, pages: &[OutputFile]) -> Vec<OutputFile> {
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
    let mut page_paths: Vec<&str> = pages
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .collect();
    page_paths.sort();
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
