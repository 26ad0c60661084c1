//! The bundled pages a generated corpus is derived from, each split into
//! front matter, preamble and sections.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use serde_yaml_ng::Value;

use crate::rng::fnv;

#[derive(Debug, Clone, Default)]
pub struct Provision {
    pub sessions_per_week: f64,
    pub session_minutes: f64,
    pub weeks: f64,
    pub group_size: u32,
    pub staff: String,
}

/// A bundled page's front matter, as much of it as a derived page needs.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub needs: Vec<String>,
    pub tier: Option<String>,
    pub ingredients: Vec<String>,
    /// Empty when the page names none (every phase).
    pub phases: Vec<String>,
    pub pfa: Vec<String>,
    pub cycle: Vec<String>,
    pub tags: Vec<String>,
    pub links: Vec<(String, String)>,
    /// The strength, and each source's title, address and type.
    pub evidence: Option<(String, Vec<Cited>)>,
    pub provision: Option<Provision>,
}

/// One bundled page split into the parts a derived page is made from.
#[derive(Debug, Clone)]
pub struct Source {
    pub slug: String,
    /// The first folder: strategies, resources, guidance or training.
    pub folder: String,
    pub meta: Meta,
    /// The body before the first `## ` heading.
    pub preamble: String,
    /// (`## heading` line, the text under it).
    pub sections: Vec<(String, String)>,
}

fn text_of(map: &Value, key: &str) -> Option<String> {
    map.get(key).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

fn list_of(map: &Value, key: &str) -> Vec<String> {
    match map.get(key) {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn links_of(value: Option<&Value>) -> Vec<(String, String)> {
    match value {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|l| Some((text_of(l, "title")?, text_of(l, "url")?)))
            .collect(),
        _ => Vec::new(),
    }
}

/// An evidence source: its title, address and type, as written.
pub type Cited = (String, String, String);

fn sources_of(value: Option<&Value>) -> Vec<Cited> {
    match value {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|l| {
                Some((
                    text_of(l, "title")?,
                    text_of(l, "url")?,
                    text_of(l, "type")?,
                ))
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn number_of(map: &Value, key: &str) -> f64 {
    map.get(key).and_then(Value::as_f64).unwrap_or(1.0)
}

fn parse_meta(yaml: &str) -> Result<Meta> {
    let v: Value = serde_yaml_ng::from_str(yaml)?;
    let evidence = v.get("evidence").map(|e| {
        (
            text_of(e, "strength").unwrap_or_else(|| "practice".into()),
            sources_of(e.get("sources")),
        )
    });
    let provision = v.get("provision").map(|p| Provision {
        sessions_per_week: number_of(p, "sessions_per_week"),
        session_minutes: number_of(p, "session_minutes"),
        weeks: number_of(p, "weeks"),
        group_size: number_of(p, "group_size") as u32,
        staff: text_of(p, "staff").unwrap_or_else(|| "teaching-assistant".into()),
    });
    Ok(Meta {
        title: text_of(&v, "title").unwrap_or_default(),
        summary: text_of(&v, "summary").unwrap_or_default(),
        kind: text_of(&v, "kind").unwrap_or_default(),
        needs: list_of(&v, "needs"),
        tier: text_of(&v, "tier"),
        ingredients: list_of(&v, "ingredients"),
        phases: list_of(&v, "phases"),
        pfa: list_of(&v, "pfa"),
        cycle: list_of(&v, "cycle"),
        tags: list_of(&v, "tags"),
        links: links_of(v.get("links")),
        evidence,
        provision,
    })
}

/// Splits a page file into front matter and body, then the body into sections.
fn parse_source(slug: &str, text: &str) -> Result<Source> {
    let text = text.replace("\r\n", "\n");
    let rest = text
        .strip_prefix("---\n")
        .ok_or_else(|| anyhow!("{slug}: no front matter"))?;
    let end = rest
        .find("\n---\n")
        .ok_or_else(|| anyhow!("{slug}: unclosed front matter"))?;
    let meta = parse_meta(&rest[..end]).with_context(|| format!("{slug}: front matter"))?;
    let body = &rest[end + 5..];
    let mut preamble = String::new();
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        if line.starts_with("## ") {
            sections.push((line.to_string(), String::new()));
        } else {
            let target = match sections.last_mut() {
                Some((_, text)) => text,
                None => &mut preamble,
            };
            target.push_str(line);
            target.push('\n');
        }
    }
    Ok(Source {
        slug: slug.to_string(),
        folder: slug.split('/').next().unwrap_or("").to_string(),
        meta,
        preamble,
        sections,
    })
}

pub fn read_sources(dir: &Path) -> Result<(Vec<Source>, u64)> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let mut fingerprint = 0xcbf2_9ce4_8422_2325;
    let mut sources = Vec::new();
    for path in files {
        let text = fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
        let slug = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        fingerprint = fnv(fingerprint, slug.as_bytes());
        fingerprint = fnv(fingerprint, text.as_bytes());
        sources.push(parse_source(&slug, &text)?);
    }
    for name in ["taxonomy.yaml", "site.yaml", "synonyms.yaml"] {
        if let Ok(bytes) = fs::read(dir.join(name)) {
            fingerprint = fnv(fingerprint, &bytes);
        }
    }
    Ok((sources, fingerprint))
}
