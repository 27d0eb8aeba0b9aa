//! Synthetic programs for benchmarks and tests: a deterministic generator of
//! realistic sites of any size — several speakers per talk (some with
//! non-ASCII names), abstracts of realistic length, parallel rooms over
//! several days, tracks, a few unscheduled sessions.
//!
//! The same parameters always give byte-identical files, so benchmark runs
//! compare like with like. It can also write the same program as a Hugo
//! site, for the side-by-side comparison in the README.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Size and shape of a generated program.
#[derive(Debug, Clone)]
pub struct Params {
    pub sessions: usize,
    pub days: usize,
    pub rooms: usize,
    pub seed: u64,
}

impl Params {
    /// `sessions` over 3 days with one room per 100 sessions (at least 3).
    pub fn with_sessions(sessions: usize) -> Self {
        Params {
            sessions,
            days: 3,
            rooms: sessions.div_ceil(100).max(3),
            seed: 2026,
        }
    }
}

/// SplitMix64: tiny, fast and fully deterministic across platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: &[&str] = &[
    "Ana",
    "Bo",
    "Chen",
    "Dana",
    "Émile",
    "Farah",
    "Gustavo",
    "Hana",
    "Ivan",
    "José",
    "Kwame",
    "Lena",
    "Mateus",
    "Nadia",
    "Oğuz",
    "Priya",
    "Quentin",
    "Rosa",
    "Søren",
    "Tomás",
    "Uma",
    "Viktor",
    "Wen",
    "Xóchitl",
    "Yuki",
    "Zainab",
    "Aleksandra",
    "Björn",
    "Chidi",
    "Dmitri",
];
const LAST: &[&str] = &[
    "Lima",
    "Chen",
    "Okafor",
    "Müller",
    "Novák",
    "García",
    "Kowalski",
    "Nakamura",
    "Haddad",
    "Smith",
    "Johansson",
    "Padilla",
    "Rossi",
    "Dubois",
    "Kim",
    "Singh",
    "Öztürk",
    "Fernández",
    "Ivanova",
    "Mensah",
    "Larsen",
    "Costa",
    "Wójcik",
    "Tanaka",
    "Hernández",
    "Schmidt",
    "Ng",
    "Abadi",
    "Brown",
    "Łukasz",
];
const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Hooli",
    "Umbrella Labs",
    "Stark Industries",
    "Wayne Enterprises",
    "Cyberdyne",
    "Soylent, Inc.",
    "Tyrell",
    "Red Hat",
    "Independent",
    "University of Example",
];
const TRACKS: &[&str] = &[
    "Security",
    "Observability",
    "Networking",
    "Storage",
    "AI & ML",
    "Platform Engineering",
    "Developer Experience",
    "Edge",
    "Community",
    "Performance",
    "Databases",
    "Operations",
];
const TOPICS: &[&str] = &[
    "eBPF",
    "Kubernetes",
    "Rust",
    "WebAssembly",
    "PostgreSQL",
    "service meshes",
    "GitOps",
    "OpenTelemetry",
    "supply chains",
    "schedulers",
    "autoscaling",
    "caching",
    "compilers",
    "Backstage",
    "Nix",
    "SQLite",
    "Kafka",
    "gRPC",
    "tracing",
    "multi-tenancy",
];
const VERBS: &[&str] = &[
    "Scaling",
    "Debugging",
    "Securing",
    "Observing",
    "Rethinking",
    "Migrating",
    "Testing",
    "Building",
    "Operating",
    "Measuring",
];
const WORDS: &[&str] = &[
    "the",
    "cluster",
    "team",
    "latency",
    "throughput",
    "deploy",
    "production",
    "lessons",
    "we",
    "learned",
    "migrating",
    "workloads",
    "policy",
    "controller",
    "operator",
    "memory",
    "network",
    "storage",
    "metrics",
    "traces",
    "logs",
    "incident",
    "failure",
    "resilience",
    "upgrade",
    "release",
    "pipeline",
    "developer",
    "platform",
    "open",
    "source",
    "community",
    "project",
    "design",
    "trade-offs",
    "benchmarks",
    "results",
    "architecture",
    "kernel",
    "runtime",
    "scheduler",
    "scheduling",
    "queue",
    "backpressure",
    "consistency",
];

fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(14);
    let mut s = String::new();
    for i in 0..n {
        let word = if rng.below(9) == 0 {
            rng.pick(TOPICS)
        } else {
            rng.pick(WORDS)
        };
        if i == 0 {
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                s.extend(c.to_uppercase());
                s.push_str(chars.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(word);
        }
    }
    s.push('.');
    s
}

/// A Markdown abstract of 2–3 paragraphs (roughly 80–200 words).
fn abstract_text(rng: &mut Rng) -> String {
    let paragraphs = 2 + rng.below(2);
    let mut out = String::new();
    for p in 0..paragraphs {
        if p > 0 {
            out.push_str("\n\n");
        }
        let sentences = 2 + rng.below(3);
        for i in 0..sentences {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&sentence(rng));
        }
    }
    out
}

/// One generated session, before it is written in either site format.
struct Generated {
    slug: String,
    title: String,
    kind: &'static str,
    speakers: Vec<(String, &'static str)>,
    /// Local start `YYYY-MM-DD HH:MM` and duration in minutes; None = unscheduled.
    start: Option<(String, u32)>,
    room: Option<String>,
    track: &'static str,
    tags: Vec<&'static str>,
    body: String,
}

fn generate(p: &Params) -> Vec<Generated> {
    let mut rng = Rng(p.seed);
    let rooms = p.rooms.max(1);
    let days = p.days.max(1);
    let speaker_pool = (p.sessions * 4 / 5).max(1);
    let slot_count = p.sessions.div_ceil(rooms * days).max(1);
    let mut out = Vec::with_capacity(p.sessions);
    for i in 0..p.sessions {
        // One in fifty has no time yet, like real programs in the making.
        let unscheduled = i % 50 == 49;
        let day = i / (rooms * slot_count);
        let within = i % (rooms * slot_count);
        let (slot, room) = (within / rooms, within % rooms);
        let minutes = 8 * 60 + slot as u32 * 35;
        let kind = match rng.below(20) {
            0 => "workshop",
            1 | 2 => "lightning",
            3 if slot == 0 => "keynote",
            _ => "talk",
        };
        let duration = match kind {
            "workshop" => 30,
            "lightning" => 10,
            _ => 30,
        };
        let speaker_count = 1 + rng.below(3);
        // Speakers are drawn from their room's share of the pool, so nobody is
        // booked in two rooms at once (parallel sessions never share a speaker).
        let per_room = (speaker_pool / rooms).max(1);
        let speakers = (0..speaker_count)
            .map(|_| {
                let id = room + rooms * rng.below(per_room);
                let name = format!(
                    "{} {}",
                    FIRST[id % FIRST.len()],
                    LAST[(id / FIRST.len()) % LAST.len()]
                );
                let name = if id >= FIRST.len() * LAST.len() {
                    format!("{name} {}", id / (FIRST.len() * LAST.len()))
                } else {
                    name
                };
                (name, COMPANIES[id % COMPANIES.len()])
            })
            .fold(Vec::new(), |mut v: Vec<(String, &str)>, s| {
                if !v.iter().any(|x| x.0 == s.0) {
                    v.push(s);
                }
                v
            });
        let title = format!(
            "{} {} at {} #{i}",
            rng.pick(VERBS),
            rng.pick(TOPICS),
            rng.pick(COMPANIES)
        );
        let start = (!unscheduled).then(|| {
            let date = format!("2027-03-{:02}", 10 + day.min(days - 1));
            (
                format!("{date} {:02}:{:02}", minutes / 60 % 24, minutes % 60),
                duration,
            )
        });
        out.push(Generated {
            slug: format!("session-{i:06}"),
            title,
            kind,
            speakers,
            start,
            room: (!unscheduled).then(|| format!("Room {:03}", room + 1)),
            track: TRACKS[rng.below(TRACKS.len())],
            tags: vec![rng.pick(TOPICS), rng.pick(TOPICS)],
            body: abstract_text(&mut rng),
        });
    }
    out
}

fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The event directory of a site written by [`write_site`].
fn event_dir(dir: &Path, p: &Params) -> PathBuf {
    dir.join("content")
        .join(format!("synthetic-{}", p.sessions))
}

/// The page of the `index`-th generated session in a site written by [`write_site`].
pub fn session_page(dir: &Path, p: &Params, index: usize) -> PathBuf {
    event_dir(dir, p).join(format!("session-{index:06}.md"))
}

/// Writes a confsite site (config + one event) of `p.sessions` sessions into `dir`.
pub fn write_site(dir: &Path, p: &Params) -> io::Result<()> {
    let event = event_dir(dir, p);
    fs::create_dir_all(&event)?;
    fs::write(
        dir.join("confsite.yaml"),
        "title: Synthetic program\nbase_url: https://bench.example.org/conf/\n",
    )?;
    let mut event_file = format!(
        "---\nname: Synthetic Conference ({} sessions)\ntimezone: Europe/Berlin\nstart_date: 2027-03-10\nend_date: 2027-03-{:02}\nvenue: Example Congress Centre\nlocation: Berlin, Germany\n---\nA generated program for benchmarks.\n",
        p.sessions,
        10 + p.days.max(1) - 1
    );
    event_file.shrink_to_fit();
    fs::write(event.join("_event.md"), event_file)?;
    for s in generate(p) {
        let mut text = String::with_capacity(s.body.len() + 400);
        text.push_str("---\n");
        let _ = writeln!(text, "title: {}", yaml_quote(&s.title));
        let _ = writeln!(text, "kind: {}", s.kind);
        text.push_str("speakers:\n");
        for (name, company) in &s.speakers {
            let _ = writeln!(
                text,
                "  - name: {}\n    affiliation: {}",
                yaml_quote(name),
                yaml_quote(company)
            );
        }
        if let (Some((start, minutes)), Some(room)) = (&s.start, &s.room) {
            let _ = writeln!(text, "start: {start}\nduration: {minutes}m\nroom: {room}");
        }
        let _ = writeln!(text, "track: {}", yaml_quote(s.track));
        let _ = writeln!(
            text,
            "tags: [{}]",
            s.tags
                .iter()
                .map(|t| yaml_quote(t))
                .collect::<Vec<_>>()
                .join(", ")
        );
        text.push_str("---\n\n");
        text.push_str(&s.body);
        text.push('\n');
        fs::write(event.join(format!("{}.md", s.slug)), text)?;
    }
    Ok(())
}

/// Writes the same program as a Hugo site with speaker, track and room
/// taxonomies and minimal templates, for a like-for-like comparison.
pub fn write_hugo_site(dir: &Path, p: &Params) -> io::Result<()> {
    let content = dir.join("content/sessions");
    let layouts = dir.join("layouts");
    fs::create_dir_all(&content)?;
    fs::create_dir_all(layouts.join("_default"))?;
    fs::write(
        dir.join("hugo.yaml"),
        "baseURL: https://bench.example.org/conf/\ntitle: Synthetic program\ndisableKinds: [RSS, sitemap, robotsTXT]\ntaxonomies:\n  speaker: speakers\n  track: tracks\n  room: rooms\n",
    )?;
    let base = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><nav><a href=\"{{ \"/\" | relURL }}\">Home</a></nav><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n";
    fs::write(layouts.join("_default/baseof.html"), base)?;
    fs::write(
        layouts.join("_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ .Params.start }} {{ .Params.room }}</p><ul>{{ range .Params.speakers }}<li><a href=\"{{ (printf \"/speakers/%s/\" (. | urlize)) | relURL }}\">{{ . }}</a></li>{{ end }}</ul>{{ .Content }}{{ end }}\n",
    )?;
    fs::write(
        layouts.join("_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Params.start }}</li>{{ end }}</ul>{{ end }}\n",
    )?;
    fs::write(
        layouts.join("_default/terms.html"),
        "{{ define \"main\" }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    )?;
    fs::write(
        layouts.join("index.html"),
        "{{ define \"main\" }}<h1>{{ .Site.Title }}</h1>{{ end }}\n",
    )?;
    for s in generate(p) {
        let mut text = String::from("---\n");
        let _ = writeln!(text, "title: {}", yaml_quote(&s.title));
        let _ = writeln!(
            text,
            "speakers: [{}]",
            s.speakers
                .iter()
                .map(|(n, _)| yaml_quote(n))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(text, "tracks: [{}]", yaml_quote(s.track));
        if let (Some((start, _)), Some(room)) = (&s.start, &s.room) {
            let _ = writeln!(
                text,
                "rooms: [{}]\nstart: {}",
                yaml_quote(room),
                yaml_quote(start)
            );
        }
        text.push_str("---\n\n");
        text.push_str(&s.body);
        text.push('\n');
        fs::write(content.join(format!("{}.md", s.slug)), text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_sized() {
        let p = Params::with_sessions(120);
        let a = generate(&p);
        let b = generate(&p);
        assert_eq!(a.len(), 120);
        assert_eq!(
            a.iter().map(|s| (&s.title, &s.body)).collect::<Vec<_>>(),
            b.iter().map(|s| (&s.title, &s.body)).collect::<Vec<_>>()
        );
        assert!(
            a.iter().any(|s| s.speakers.len() > 1),
            "several speakers per talk"
        );
        assert!(
            a.iter().any(|s| s.start.is_none()),
            "some sessions are unscheduled"
        );
        let rooms: std::collections::BTreeSet<_> =
            a.iter().filter_map(|s| s.room.clone()).collect();
        assert_eq!(rooms.len(), p.rooms, "every room is used");
    }
}
