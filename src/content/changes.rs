//! What changed files mean for the content, decided before anything is read:
//! each changed path is sorted into a [`Change`] (a page added, changed or
//! removed, a settings file, the logo, a folder, or nothing that matters),
//! and the lot into one [`ChangeSet`] the loader applies.
//!
//! [`classify`] is pure: what it needs from the disk (whether a path is a
//! folder, a file or gone) is looked up first by [`ChangeSet::observe`], so
//! the rules can be tested without files.

use std::path::{Path, PathBuf};

use super::loader::{Before, LoadError, LoadOptions};

/// What a changed path was found to be on disk when the change was noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// A folder, or a link to one.
    Folder,
    /// Something other than a folder: a file, a link to one, a pipe.
    File,
    /// Nothing there any more (a dangling link counts as gone).
    Gone,
}

/// What one changed path means for the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A page file that was not served before. The path is the page's
    /// source as the loader names it (under the content folder as given).
    PageAdded(PathBuf),
    /// A page file that was served before.
    PageChanged(PathBuf),
    /// A page file that is gone.
    PageRemoved(PathBuf),
    /// `taxonomy.yaml`.
    Taxonomy,
    /// `site.yaml`, or the site file given on the command line.
    SiteSettings,
    /// The search's word files: `synonyms.yaml`, `stopwords.yaml`, `phrases.yaml`.
    Synonyms,
    /// The logo named in the site settings, which is read with them.
    Theme,
    /// A folder appeared, changed or went: any number of pages may have.
    Folder,
    /// Nothing the portal reads: a hidden file, an editor's temporary file.
    Ignored,
}

impl Change {
    /// Whether everything must be read afresh: the settings every page is
    /// checked against, or a whole folder of pages, changed.
    pub fn is_everything(&self) -> bool {
        matches!(
            self,
            Change::Taxonomy
                | Change::SiteSettings
                | Change::Synonyms
                | Change::Theme
                | Change::Folder
        )
    }

    /// The page file this change is about, if it is about one.
    pub fn page(&self) -> Option<&Path> {
        match self {
            Change::PageAdded(p) | Change::PageChanged(p) | Change::PageRemoved(p) => Some(p),
            _ => None,
        }
    }
}

/// Where changes are judged from: the content folder and what the last load
/// knew of it.
#[derive(Clone, Copy)]
pub struct Layout<'a> {
    /// The content folder as given.
    pub dir: &'a Path,
    /// The content folder with its links resolved, as watchers report paths.
    pub root: &'a Path,
    /// The site file given on the command line, if any.
    pub site_file: Option<&'a Path>,
    /// The logo file as the site settings name it.
    pub logo: Option<&'a str>,
    /// Whether a page source was served by the last load.
    pub served: &'a dyn Fn(&Path) -> bool,
    /// The base layers' folders (as given and with links resolved): a
    /// change there is judged by its path inside its layer.
    pub bases: &'a [PathBuf],
}

/// Files whose change means every page must be checked again.
const SETTINGS_FILES: [(&str, Change); 5] = [
    ("taxonomy.yaml", Change::Taxonomy),
    ("site.yaml", Change::SiteSettings),
    ("synonyms.yaml", Change::Synonyms),
    ("stopwords.yaml", Change::Synonyms),
    ("phrases.yaml", Change::Synonyms),
];

/// What one changed path means. Pure: `seen` says what is on disk there.
pub fn classify(path: &Path, seen: Seen, layout: &Layout) -> Change {
    let in_base = || {
        layout
            .bases
            .iter()
            .find_map(|b| path.strip_prefix(b).ok())
            .ok_or(())
    };
    // A base first: `local/../starter/x.md` lies in `local` only lexically.
    let relative = in_base()
        .or_else(|()| path.strip_prefix(layout.root).map_err(|_| ()))
        .or_else(|()| path.strip_prefix(layout.dir).map_err(|_| ()))
        .map(Path::to_path_buf)
        .unwrap_or_else(|()| path.to_path_buf());
    // A settings file is recognised by its name wherever it is saved, so
    // one saved in a subfolder by mistake also reloads everything.
    let name = relative.file_name().map(|n| n.to_string_lossy());
    if let Some((_, change)) = SETTINGS_FILES
        .iter()
        .find(|(file, _)| name.as_deref() == Some(*file))
    {
        return change.clone();
    }
    // A framework file is read with the taxonomy, which every page is checked against.
    let in_frameworks = relative
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == "frameworks");
    if in_frameworks
        && relative
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml")
    {
        return Change::Taxonomy;
    }
    if layout.site_file == Some(path) {
        return Change::SiteSettings;
    }
    if layout.logo.is_some_and(|logo| path.ends_with(logo)) {
        return Change::Theme;
    }
    if seen == Seen::Folder {
        return Change::Folder;
    }
    let hidden = relative
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let is_page = relative
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"));
    if hidden {
        return Change::Ignored;
    }
    if !is_page {
        // A name with no extension that is gone was most likely a folder
        // (the watcher cannot say what a removed path was).
        return if seen == Seen::Gone && relative.extension().is_none() {
            Change::Folder
        } else {
            Change::Ignored
        };
    }
    let source = layout.dir.join(&relative);
    if seen == Seen::Gone {
        Change::PageRemoved(source)
    } else if (layout.served)(&source) {
        Change::PageChanged(source)
    } else {
        Change::PageAdded(source)
    }
}

/// Everything a burst of changes asks the loader to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Read every settings file and page afresh.
    pub everything: bool,
    /// Otherwise, the page files to read again or drop, each once, in the
    /// order they were first reported.
    pub pages: Vec<PathBuf>,
}

impl ChangeSet {
    /// The change set of a full load.
    pub fn everything() -> ChangeSet {
        ChangeSet {
            everything: true,
            pages: Vec::new(),
        }
    }

    /// Gathers classified changes into one set.
    pub fn of(changes: impl IntoIterator<Item = Change>) -> ChangeSet {
        let mut set = ChangeSet::default();
        for change in changes {
            if change.is_everything() {
                set.everything = true;
            } else if let Some(page) = change.page()
                && !set.pages.iter().any(|p| p == page)
            {
                set.pages.push(page.to_path_buf());
            }
        }
        set
    }

    /// Looks at each changed path on disk and classifies it against what
    /// `before` served.
    pub fn observe(
        options: &LoadOptions,
        before: &Before,
        paths: &[PathBuf],
    ) -> Result<ChangeSet, LoadError> {
        let dir = &options.content_dir;
        let root = std::fs::canonicalize(dir).map_err(|source| LoadError::Unreadable {
            path: dir.clone(),
            source,
        })?;
        let served = |source: &Path| before.pages.iter().any(|p| p.source == source);
        let top = before.layers.len().saturating_sub(1);
        let bases: Vec<PathBuf> = before.layers[..top]
            .iter()
            .flat_map(|b| {
                [
                    b.clone(),
                    std::fs::canonicalize(b).unwrap_or_else(|_| b.clone()),
                ]
            })
            .collect();
        let layout = Layout {
            bases: &bases,
            dir,
            root: &root,
            site_file: options.site_file.as_deref(),
            logo: before.config.logo.as_deref(),
            served: &served,
        };
        Ok(ChangeSet::of(
            paths.iter().map(|path| classify(path, seen(path), &layout)),
        ))
    }

    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        !self.everything && self.pages.is_empty()
    }
}

/// What is at `path` now, following links.
fn seen(path: &Path) -> Seen {
    if path.is_dir() {
        Seen::Folder
    } else if path.exists() {
        Seen::File
    } else {
        Seen::Gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout<'a>(served: &'a dyn Fn(&Path) -> bool) -> Layout<'a> {
        Layout {
            dir: Path::new("content"),
            root: Path::new("/srv/content"),
            site_file: Some(Path::new("/etc/waymark/site.yaml")),
            logo: Some("images/logo.svg"),
            served,
            bases: &[],
        }
    }

    #[test]
    fn each_path_is_sorted_into_what_it_means() {
        let served = |p: &Path| p == Path::new("content/strategies/old.md");
        let l = layout(&served);
        let page = |p: &str| PathBuf::from("content").join(p);
        let cases: &[(&str, Seen, Change)] = &[
            (
                "/srv/content/strategies/old.md",
                Seen::File,
                Change::PageChanged(page("strategies/old.md")),
            ),
            (
                "content/strategies/old.md",
                Seen::File,
                Change::PageChanged(page("strategies/old.md")),
            ),
            (
                "/srv/content/strategies/new.MD",
                Seen::File,
                Change::PageAdded(page("strategies/new.MD")),
            ),
            (
                "/srv/content/strategies/old.md",
                Seen::Gone,
                Change::PageRemoved(page("strategies/old.md")),
            ),
            ("/srv/content/taxonomy.yaml", Seen::File, Change::Taxonomy),
            (
                "/srv/content/frameworks/values.yaml",
                Seen::Gone,
                Change::Taxonomy,
            ),
            ("/srv/content/site.yaml", Seen::Gone, Change::SiteSettings),
            ("/etc/waymark/site.yaml", Seen::File, Change::SiteSettings),
            (
                "/srv/content/guides/synonyms.yaml",
                Seen::File,
                Change::Synonyms,
            ),
            ("/srv/content/images/logo.svg", Seen::File, Change::Theme),
            ("/srv/content/strategies", Seen::Folder, Change::Folder),
            ("/srv/content/.git", Seen::Folder, Change::Folder),
            ("/srv/content/old-folder", Seen::Gone, Change::Folder),
            ("/srv/content/notes.txt", Seen::Gone, Change::Ignored),
            ("/srv/content/README", Seen::File, Change::Ignored),
            ("/srv/content/.page.md.swp", Seen::File, Change::Ignored),
            ("/srv/content/.drafts/a.md", Seen::File, Change::Ignored),
            ("/srv/content/.hidden", Seen::Gone, Change::Ignored),
        ];
        for (path, seen, want) in cases {
            assert_eq!(
                &classify(Path::new(path), *seen, &l),
                want,
                "{path} {seen:?}"
            );
        }
    }

    #[test]
    fn a_set_holds_each_page_once_or_says_everything() {
        let a = PathBuf::from("content/a.md");
        let b = PathBuf::from("content/b.md");
        let set = ChangeSet::of([
            Change::PageChanged(a.clone()),
            Change::Ignored,
            Change::PageRemoved(b.clone()),
            Change::PageAdded(a.clone()),
        ]);
        assert_eq!(
            set,
            ChangeSet {
                everything: false,
                pages: vec![a.clone(), b]
            }
        );
        assert!(ChangeSet::of([Change::Ignored]).is_empty());
        let set = ChangeSet::of([Change::PageChanged(a), Change::Folder]);
        assert!(set.everything && !set.is_empty());
    }
}
