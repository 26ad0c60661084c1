//! Layers of content: a council's folder of its own pages over one or more
//! base folders (`extends:` in a folder's `site.yaml`, or `--content` given
//! more than once, lowest first), read as one site. A higher layer's page
//! replaces a lower one's at the same address; `hide:` takes pages out; a
//! link to a hidden page is shown as plain text.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::problem::{self, Kind, Pos, Problem};
use crate::taxonomy::Labels;
use crate::yaml;

use super::loader::{LoadError, LoadOptions, Settings, find_key, read_settings_file};

/// What a layer's `site.yaml` says about the layers. Its other keys are the
/// top layer's business ([`crate::config::SiteConfig`]) and are ignored here.
#[derive(Debug, Default, Deserialize)]
struct LayerKeys {
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    hide: Vec<String>,
    #[serde(default)]
    labels: Labels,
}

/// A page address `hide:` names, with the file and place that names it.
#[derive(Debug, Clone)]
pub struct Hidden {
    pub slug: String,
    pub file: PathBuf,
    pub pos: Pos,
}

/// The layers of one site, worked out from the options and each folder's
/// `extends:`.
#[derive(Debug, Clone, Default)]
pub struct Stack {
    /// The folders, lowest first; the last is the top layer (the content
    /// folder whose `site.yaml` gives the settings).
    pub dirs: Vec<PathBuf>,
    /// Every address `hide:` names, in any layer.
    pub hide: Vec<Hidden>,
    /// The base layers' labels, a higher layer's over a lower one's; the top
    /// layer's own labels go over these.
    pub base_labels: Labels,
}

impl Stack {
    /// The hidden addresses.
    pub fn hidden(&self) -> BTreeSet<String> {
        self.hide.iter().map(|h| h.slug.clone()).collect()
    }
}

/// The address a `hide:` entry means: `/strategies/x/` is `strategies/x`.
pub fn slug_of(entry: &str) -> String {
    entry
        .trim()
        .trim_matches('/')
        .trim_end_matches(".md")
        .to_string()
}

/// Works out the layers: each folder given, lowest first, below it the
/// folders it extends. A folder reached twice is read once (at its lowest
/// place). A missing `extends` folder or a circle of them refuses the load
/// with a problem at the `extends:` line.
pub fn resolve(options: &LoadOptions) -> Result<Stack, LoadError> {
    let mut given: Vec<(PathBuf, Option<PathBuf>)> = options
        .base_dirs
        .iter()
        .map(|d| (d.clone(), None))
        .collect();
    given.push((options.content_dir.clone(), options.site_file.clone()));
    let top = given.len() - 1;
    let mut stack = Stack::default();
    let mut canonical: Vec<PathBuf> = Vec::new();
    let mut problems = Vec::new();
    let mut labels: Vec<Labels> = Vec::new();
    for (i, (dir, site)) in given.into_iter().enumerate() {
        for (dir, canon, keys) in chain(&dir, site, i == top, &mut problems)? {
            if canonical.contains(&canon) {
                continue;
            }
            canonical.push(canon);
            stack.dirs.push(dir);
            stack.hide.extend(keys.hide);
            labels.push(keys.labels);
        }
    }
    if !problems.is_empty() {
        problem::sort(&mut problems);
        return Err(LoadError::Settings(problems));
    }
    // The top layer's labels are its SiteConfig's: only the bases' merge here.
    labels.pop();
    for layer in labels {
        for (facet, ids) in layer {
            stack.base_labels.entry(facet).or_default().extend(ids);
        }
    }
    Ok(stack)
}

/// What one layer's settings file gave.
struct Keys {
    hide: Vec<Hidden>,
    labels: Labels,
}

/// `dir` and the folders below it by `extends:`, lowest first, each with its
/// canonical path and what its `site.yaml` says.
fn chain(
    dir: &Path,
    site: Option<PathBuf>,
    is_top: bool,
    problems: &mut Vec<Problem>,
) -> Result<Vec<(PathBuf, PathBuf, Keys)>, LoadError> {
    let mut out: Vec<(PathBuf, PathBuf, Keys)> = Vec::new();
    let mut current = dir.to_path_buf();
    let mut site_file = site;
    // The settings file and position of the `extends:` that led here.
    let mut led_by: Option<(PathBuf, Pos, String)> = None;
    loop {
        let canon = match fs::canonicalize(&current) {
            Ok(c) if c.is_dir() => c,
            found => {
                let Some((file, pos, value)) = led_by else {
                    return Err(match found {
                        Ok(_) => LoadError::NotAFolder(current),
                        Err(source) => LoadError::Unreadable {
                            path: current,
                            source,
                        },
                    });
                };
                problems.push(Problem::error(
                    Kind::Settings,
                    file,
                    pos,
                    format!(
                        "extends: \"{value}\" ({}) is not a folder; give the path of the base content folder, relative to this file's folder",
                        current.display()
                    ),
                ));
                break;
            }
        };
        if let Some(at) = out.iter().position(|(_, c, _)| *c == canon) {
            let (file, pos, value) = led_by.expect("a folder is met again only by extends");
            problems.push(Problem::error(
                Kind::Settings,
                file,
                pos,
                format!(
                    "extends: \"{value}\" leads back to {}, which is already above it; the folders extend each other in a circle",
                    out[at].0.display()
                ),
            ));
            break;
        }
        let explicit = site_file.is_some();
        let path = site_file
            .take()
            .unwrap_or_else(|| current.join("site.yaml"));
        let inside = (!explicit).then_some(canon.as_path());
        let mut found = Vec::new();
        let text = match read_settings_file(&path, inside, &mut found) {
            Settings::Text(text) => Some(text),
            _ => None,
        };
        // The top layer's file is read again, and its faults reported, as
        // the site settings.
        if !is_top || !out.is_empty() {
            problems.extend(found);
        }
        let keys = match text.as_deref().map(yaml::from_str::<LayerKeys>) {
            Some(Ok(keys)) => keys,
            Some(Err(e)) => {
                if !(is_top && out.is_empty()) {
                    problems.push(Problem::error(Kind::Yaml, &path, e.pos, e.message));
                }
                LayerKeys::default()
            }
            None => LayerKeys::default(),
        };
        let text = text.unwrap_or_default();
        let hide = keys
            .hide
            .iter()
            .map(|entry| Hidden {
                slug: slug_of(entry),
                file: path.clone(),
                pos: hide_pos(&text, entry),
            })
            .collect();
        let next = keys.extends.clone().map(|value| {
            let base = path.parent().unwrap_or(Path::new("."));
            let pos = find_key(&text, "extends").unwrap_or(Pos::START);
            (tidy(&base.join(&value)), (path.clone(), pos, value))
        });
        out.push((
            current,
            canon,
            Keys {
                hide,
                labels: keys.labels,
            },
        ));
        match next {
            Some((dir, by)) => {
                current = dir;
                led_by = Some(by);
            }
            None => break,
        }
    }
    out.reverse();
    Ok(out)
}

/// Where a `hide:` entry is written: its line under `hide:`, else that key.
fn hide_pos(text: &str, entry: &str) -> Pos {
    let start = find_key(text, "hide").map_or(0, |p| p.line - 1);
    text.lines()
        .enumerate()
        .skip(start)
        .find_map(|(i, l)| {
            l.find(entry.trim())
                .map(|at| Pos::new(i + 1, l[..at].chars().count() + 1))
        })
        .unwrap_or(Pos::new(start + 1, 1))
}

/// `local/./../starter` as `local/../starter`: drops `.` parts, so the
/// path shown in problems reads as written.
fn tidy(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Warnings for `hide:` entries no layer has a page at.
pub fn unknown_hidden(stack: &Stack, exists: impl Fn(&str) -> bool) -> Vec<Problem> {
    stack
        .hide
        .iter()
        .filter(|h| !exists(&h.slug))
        .map(|h| {
            Problem::warning(
                Kind::Settings,
                &h.file,
                h.pos,
                format!(
                    "hide: no layer has a page at \"{}\"; nothing is hidden by it",
                    h.slug
                ),
            )
        })
        .collect()
}

/// `html` with every link to one of `unlinked` (page addresses) replaced by
/// its text: the page it led to is hidden.
pub fn unlink(html: &str, unlinked: &[String]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<a href=\"") {
        let after = &rest[at + 9..];
        let href = after.split('"').next().unwrap_or("");
        let path = href.split(['#', '?']).next().unwrap_or("");
        let slug = path.trim_matches('/');
        let close = after.find('>');
        let end = after.find("</a>");
        match (close, end) {
            (Some(close), Some(end))
                if close < end && !slug.is_empty() && unlinked.iter().any(|u| u == slug) =>
            {
                out.push_str(&rest[..at]);
                out.push_str(&after[close + 1..end]);
                rest = &after[end + 4..];
            }
            _ => {
                out.push_str(&rest[..at + 9]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The file's path inside its layer, for a page's `source`: the part after
/// the deepest layer folder it is in.
pub fn relative<'a>(dirs: &[PathBuf], source: &'a Path) -> Option<&'a Path> {
    dirs.iter()
        .filter_map(|d| source.strip_prefix(d).ok())
        .min_by_key(|r| r.components().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_to_a_hidden_page_becomes_its_text() {
        let html = "<p>See <a href=\"/strategies/gone#how\">the old page</a> and <a href=\"/strategies/kept\">this</a>.</p>";
        assert_eq!(
            unlink(html, &["strategies/gone".to_string()]),
            "<p>See the old page and <a href=\"/strategies/kept\">this</a>.</p>"
        );
        assert_eq!(unlink(html, &[]), html);
    }

    #[test]
    fn a_hide_entry_is_an_address() {
        assert_eq!(slug_of("/strategies/x/"), "strategies/x");
        assert_eq!(slug_of("strategies/x.md"), "strategies/x");
    }
}
