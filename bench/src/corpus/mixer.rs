//! One derived page: the base page's sections, some borrowed from pages of
//! the same kind, lists reordered, wordings varied and links pointed at the
//! generated set.

use std::collections::HashMap;

use super::Planned;
use super::front_matter::front_matter;
use super::source::{Meta, Source};
use super::thesaurus::Thesaurus;
use crate::rng::{Rng, mix};

/// What every derived page draws on: the sources, sections and paragraphs by
/// folder, the synonyms, and which derived pages stand for each bundled one.
pub struct Mixer<'a> {
    sources: &'a [Source],
    /// (folder, heading) → (source, section) that have it.
    sections: HashMap<(String, String), Vec<(usize, usize)>>,
    /// folder → plain paragraphs of its pages.
    paragraphs: HashMap<String, Vec<String>>,
    /// folder → tags used in it.
    tags: HashMap<String, Vec<String>>,
    /// bundled slug → slugs of the pages derived from it.
    derived: HashMap<String, Vec<String>>,
    thesaurus: Thesaurus,
    staff: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum Block {
    List,
    Table,
    Heading,
    Paragraph,
}

fn block_kind(block: &str) -> Block {
    let first = block.lines().next().unwrap_or("");
    if first.starts_with('#') {
        Block::Heading
    } else if first.starts_with('|') {
        Block::Table
    } else if list_marker(first).is_some() {
        Block::List
    } else {
        Block::Paragraph
    }
}

/// The length of a top-level list marker (`- `, `* `, `12. `) that starts a line.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && line[digits..].starts_with(". ")).then_some(digits + 2)
}

fn is_ordered(line: &str) -> bool {
    line.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

impl<'a> Mixer<'a> {
    pub fn new(sources: &'a [Source], planned: &[Planned], synonyms: &str) -> Mixer<'a> {
        let mut sections: HashMap<(String, String), Vec<(usize, usize)>> = HashMap::new();
        let mut paragraphs: HashMap<String, Vec<String>> = HashMap::new();
        let mut tags: HashMap<String, Vec<String>> = HashMap::new();
        let mut staff: Vec<String> = Vec::new();
        for (i, s) in sources.iter().enumerate() {
            for (k, (heading, text)) in s.sections.iter().enumerate() {
                sections
                    .entry((s.folder.clone(), heading.clone()))
                    .or_default()
                    .push((i, k));
                for block in text.split("\n\n") {
                    let block = block.trim_matches('\n');
                    if block_kind(block) == Block::Paragraph && block.len() > 80 {
                        paragraphs
                            .entry(s.folder.clone())
                            .or_default()
                            .push(block.to_string());
                    }
                }
            }
            tags.entry(s.folder.clone())
                .or_default()
                .extend(s.meta.tags.iter().cloned());
            if let Some(p) = &s.meta.provision
                && !staff.contains(&p.staff)
            {
                staff.push(p.staff.clone());
            }
        }
        if staff.is_empty() {
            staff.push("teaching-assistant".into());
        }
        staff.sort();
        let mut derived: HashMap<String, Vec<String>> = HashMap::new();
        for p in planned {
            derived
                .entry(sources[p.base].slug.clone())
                .or_default()
                .push(p.slug.clone());
        }
        let corpus: Vec<&str> = sources
            .iter()
            .flat_map(|s| {
                std::iter::once(s.meta.summary.as_str())
                    .chain(s.sections.iter().map(|(_, t)| t.as_str()))
            })
            .collect();
        Mixer {
            sources,
            sections,
            paragraphs,
            tags,
            derived,
            thesaurus: Thesaurus::new(synonyms, &corpus),
            staff,
        }
    }

    /// A source page of the same folder other than `base`, for borrowing.
    fn donor(&self, base: usize, rng: &mut Rng) -> &'a Source {
        let folder = &self.sources[base].folder;
        for _ in 0..8 {
            let d = rng.below(self.sources.len());
            if d != base && &self.sources[d].folder == folder {
                return &self.sources[d];
            }
        }
        &self.sources[base]
    }

    pub fn page(&self, p: &Planned, seed: u64, index: usize) -> String {
        let mut rng = Rng::new(mix(seed, index as u64));
        let base = &self.sources[p.base];
        let meta = self.meta(p, &mut rng);
        let mut body = String::with_capacity(8192);
        body.push_str(&self.vary_text(&base.preamble, &base.folder, &mut rng));
        for (heading, text) in &base.sections {
            let borrowed = if heading != "## Related" && rng.chance(0.45) {
                self.sections
                    .get(&(base.folder.clone(), heading.clone()))
                    .filter(|c| c.len() > 1)
                    .map(|c| {
                        let (s, k) = *rng.pick(c);
                        self.sources[s].sections[k].1.as_str()
                    })
            } else {
                None
            };
            body.push_str(heading);
            body.push('\n');
            body.push_str(&self.vary_text(borrowed.unwrap_or(text), &base.folder, &mut rng));
        }
        let body = self.relink(&body, &mut rng);
        let mut out = front_matter(&meta, &mut rng);
        out.push_str(body.trim_start_matches('\n'));
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }

    fn meta(&self, p: &Planned, rng: &mut Rng) -> Meta {
        let base = &self.sources[p.base];
        let donor = self.donor(p.base, rng);
        let mut m = base.meta.clone();
        m.title = match &p.suffix {
            (a, Some(b)) => format!("{}: {a} and {b}", m.title),
            (a, None) => format!("{}: {a}", m.title),
        };
        m.summary = self.thesaurus.vary(&m.summary, rng, 0.6);
        let classified = matches!(m.kind.as_str(), "strategy" | "resource");
        if classified && rng.chance(0.3) {
            add_one(&mut m.needs, &donor.meta.needs, rng);
        }
        if rng.chance(0.3) {
            add_one(&mut m.ingredients, &donor.meta.ingredients, rng);
        }
        if rng.chance(0.25) {
            add_one(&mut m.pfa, &donor.meta.pfa, rng);
        }
        if rng.chance(0.25) {
            add_one(&mut m.cycle, &donor.meta.cycle, rng);
        }
        if m.phases.len() > 1 && rng.chance(0.2) {
            let drop = rng.below(m.phases.len());
            m.phases.remove(drop);
        }
        if classified && donor.meta.tier.is_some() && rng.chance(0.15) {
            m.tier = donor.meta.tier.clone();
        }
        // Tags: the page's own, a few of its folder's, in a new order.
        let mut tags = m.tags.clone();
        if let Some(pool) = self.tags.get(&base.folder) {
            for _ in 0..rng.below(3) {
                let tag = rng.pick(pool);
                if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                    tags.push(tag.clone());
                }
            }
        }
        rng.shuffle(&mut tags);
        m.tags = tags;
        let needs_provision =
            m.kind == "strategy" && matches!(m.tier.as_deref(), Some("targeted" | "specialist"));
        if needs_provision || m.provision.is_some() {
            let mut p = m
                .provision
                .clone()
                .or_else(|| donor.meta.provision.clone())
                .unwrap_or_default();
            p.sessions_per_week = *rng.pick(&[1.0, 2.0, 3.0, 3.0, 4.0, 5.0]);
            p.session_minutes = *rng.pick(&[10.0, 15.0, 20.0, 20.0, 30.0, 45.0, 60.0]);
            p.weeks = *rng.pick(&[6.0, 6.0, 8.0, 10.0, 12.0, 20.0, 36.0]);
            p.group_size = 1 + rng.below(6) as u32;
            if p.staff.is_empty() || rng.chance(0.2) {
                p.staff = rng.pick(&self.staff).clone();
            }
            m.provision = Some(p);
        }
        if m.kind == "strategy" && m.evidence.is_none() {
            m.evidence = Some(("practice".into(), Vec::new()));
        }
        m
    }

    /// Varies a run of Markdown: list items reordered, some paragraphs
    /// swapped for another page's, wordings swapped for synonyms.
    fn vary_text(&self, text: &str, folder: &str, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(text.len() + 64);
        let mut first = true;
        for block in text.split("\n\n") {
            if !first {
                out.push_str("\n\n");
            }
            first = false;
            let kind = block_kind(block.trim_start_matches('\n'));
            let varied = match kind {
                Block::List if rng.chance(0.5) => reorder_list(block, rng),
                Block::Paragraph if rng.chance(0.12) => match self.paragraphs.get(folder) {
                    Some(pool) if !block.trim().is_empty() => rng.pick(pool).clone(),
                    _ => block.to_string(),
                },
                _ => block.to_string(),
            };
            if kind == Block::Heading {
                out.push_str(&varied);
                continue;
            }
            let mut lines = varied.split('\n').peekable();
            while let Some(line) = lines.next() {
                if line.starts_with('#') {
                    out.push_str(line);
                } else {
                    out.push_str(&self.thesaurus.vary(line, rng, 0.35));
                }
                if lines.peek().is_some() {
                    out.push('\n');
                }
            }
        }
        out
    }

    /// Internal links point at pages of the generated set: a link to a
    /// bundled page goes to one derived from it, or becomes plain text when
    /// none was; links to the portal's own routes stay; anchors are dropped
    /// (headings differ between derived pages).
    fn relink(&self, body: &str, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(body.len());
        let mut rest = body;
        while let Some(open) = rest.find('[') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let link = after.find(']').and_then(|close| {
                let text = &after[..close];
                let target_start = close + 1;
                if text.contains('[') || !after[target_start..].starts_with('(') {
                    return None;
                }
                let target_len = after[target_start + 1..].find(')')?;
                let target = &after[target_start + 1..target_start + 1 + target_len];
                Some((text, target, target_start + 1 + target_len + 1))
            });
            let Some((text, target, used)) = link else {
                out.push('[');
                rest = after;
                continue;
            };
            rest = &after[used..];
            if !(target.starts_with('/') || target.starts_with('#')) {
                out.push_str(&format!("[{text}]({target})"));
                continue;
            }
            let path = target.split(['#', '?']).next().unwrap_or("");
            let slug = path.trim_matches('/');
            let route = slug.is_empty() && !target.starts_with('#')
                || ["needs/", "tiers/", "ingredients/"]
                    .iter()
                    .any(|p| slug.starts_with(p))
                || ["search", "plan", "status"].contains(&slug);
            if route {
                out.push_str(&format!("[{text}]({target})"));
            } else if let Some(pages) = self.derived.get(slug).filter(|p| !p.is_empty()) {
                out.push_str(&format!("[{text}](/{})", rng.pick(pages)));
            } else {
                out.push_str(text);
            }
        }
        out.push_str(rest);
        out
    }
}

fn add_one(list: &mut Vec<String>, from: &[String], rng: &mut Rng) {
    if from.is_empty() {
        return;
    }
    let pick = rng.pick(from);
    if !list.contains(pick) {
        list.push(pick.clone());
    }
}

/// A list block with its top-level items in a new order (ordered lists renumbered).
fn reorder_list(block: &str, rng: &mut Rng) -> String {
    let trimmed = block.trim_end_matches('\n');
    let tail = &block[trimmed.len()..];
    let mut items: Vec<Vec<&str>> = Vec::new();
    let mut lead: Vec<&str> = Vec::new();
    for line in trimmed.split('\n') {
        if list_marker(line).is_some() {
            items.push(vec![line]);
        } else if let Some(item) = items.last_mut() {
            item.push(line);
        } else {
            lead.push(line);
        }
    }
    if items.len() < 2 {
        return block.to_string();
    }
    let ordered = is_ordered(items[0][0]);
    rng.shuffle(&mut items);
    let mut out: Vec<String> = lead.iter().map(|l| l.to_string()).collect();
    for (n, item) in items.iter().enumerate() {
        for (k, line) in item.iter().enumerate() {
            if k == 0 && ordered {
                let marker = list_marker(line).unwrap_or(0);
                out.push(format!("{}. {}", n + 1, &line[marker..]));
            } else {
                out.push(line.to_string());
            }
        }
    }
    out.join("\n") + tail
}
