//! View models: the plain values templates print, built from the snapshot,
//! so templates hold no logic beyond loops and conditions.

use super::assets::ASSETS;
use crate::content::Page;
use crate::site::Site;
use crate::taxonomy::{Facet, TermRef};

/// What every page's layout needs: the site's name and contact, the page
/// title, and the words in the header's search box.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub site_name: String,
    pub authority: String,
    pub contact: String,
    pub title: String,
    pub q: String,
    /// True on the search page, whose own search box makes the header's redundant.
    pub search_page: bool,
    /// Fingerprinted addresses of the stylesheets, script, icon and logo.
    pub style_url: String,
    pub theme_url: String,
    pub script_url: String,
    pub icon_url: String,
    pub logo_url: Option<String>,
    /// The content's licence from site.yaml, for the footer.
    pub license: Option<crate::config::License>,
}

impl Chrome {
    pub fn new(site: &Site, title: impl Into<String>) -> Self {
        Chrome {
            site_name: site.config.name.clone(),
            authority: site.config.authority.clone(),
            contact: site.config.contact.clone(),
            title: title.into(),
            q: String::new(),
            search_page: false,
            style_url: ASSETS.url("style.css"),
            theme_url: crate::routes::theme_file(&site.config.theme.css_name),
            script_url: ASSETS.url("waymark.js"),
            icon_url: ASSETS.url("icon.svg"),
            logo_url: site
                .config
                .theme
                .logo
                .as_ref()
                .map(|l| crate::routes::theme_file(&l.name)),
            license: site.config.license.clone(),
        }
    }

    pub fn with_query(mut self, q: &str) -> Self {
        self.q = q.to_string();
        self.search_page = true;
        self
    }
}

/// A link in a breadcrumb trail.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub url: String,
    pub label: String,
}

pub fn crumbs(items: &[(&str, &str)]) -> Vec<Crumb> {
    items
        .iter()
        .map(|(url, label)| Crumb {
            url: (*url).to_string(),
            label: (*label).to_string(),
        })
        .collect()
}

/// A labelled id with how many pages carry it and where it leads.
#[derive(Debug, Clone)]
pub struct TermView {
    pub id: String,
    pub label: String,
    pub description: String,
    pub count: usize,
    pub url: String,
}

impl TermView {
    pub fn new(term: TermRef, count: usize, url: String) -> Self {
        TermView {
            id: term.id.to_string(),
            label: term.label.to_string(),
            description: term.description.to_string(),
            count,
            url,
        }
    }
}

/// A page as a result or list item.
#[derive(Debug, Clone)]
pub struct Card {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub tier: Option<String>,
    pub needs: Vec<String>,
    pub evidence: Option<String>,
    /// Safe HTML: escaped text with `<mark>` around matched words.
    pub snippet: Option<String>,
    /// Whether the card offers a tick box to add it to a plan (search results).
    pub selectable: bool,
}

impl Card {
    pub fn new(page: &Page, site: &Site) -> Self {
        let t = &site.taxonomy;
        let m = &page.meta;
        Card {
            slug: page.slug.clone(),
            url: page.url.clone(),
            title: m.title.clone(),
            summary: m.summary.clone(),
            kind: t.label(Facet::KIND, &m.kind).to_string(),
            tier: m
                .tier
                .as_deref()
                .map(|id| t.label(Facet::TIER, id).to_string()),
            needs: m
                .needs
                .iter()
                .map(|id| t.label(Facet::NEED, id).to_string())
                .collect(),
            evidence: m
                .evidence
                .as_ref()
                .map(|e| t.label(Facet::EVIDENCE, &e.strength).to_string()),
            snippet: None,
            selectable: false,
        }
    }

    pub fn with_snippet(mut self, snippet: String) -> Self {
        self.snippet = Some(snippet);
        self.selectable = true;
        self
    }
}

/// A set of cards under a heading (pages of one tier, say).
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub label: String,
    pub cards: Vec<Card>,
}

/// Groups pages by tier, lowest first; pages with no tier come last.
pub fn group_by_tier<'a>(pages: impl IntoIterator<Item = &'a Page>, site: &Site) -> Vec<Group> {
    let t = &site.taxonomy;
    let mut groups: Vec<Group> = t
        .tiers
        .iter()
        .map(|tier| Group {
            id: tier.id.clone(),
            label: tier.label.clone(),
            cards: Vec::new(),
        })
        .collect();
    let mut untiered = Group {
        id: "other".into(),
        label: "Guidance and training".into(),
        cards: Vec::new(),
    };
    for page in pages {
        let card = Card::new(page, site);
        match page
            .meta
            .tier
            .as_deref()
            .and_then(|id| groups.iter_mut().find(|g| g.id == id))
        {
            Some(group) => group.cards.push(card),
            None => untiered.cards.push(card),
        }
    }
    groups.push(untiered);
    groups.retain(|g| !g.cards.is_empty());
    groups
}

/// One labelled row of a page's summary list, each value maybe a link.
#[derive(Debug, Clone)]
pub struct Fact {
    pub label: String,
    pub values: Vec<FactValue>,
}

#[derive(Debug, Clone)]
pub struct FactValue {
    pub text: String,
    pub url: Option<String>,
}

/// A facet's label and the ids of a page in it, as a summary-list row.
pub fn fact(
    site: &Site,
    label: &str,
    facet: Facet,
    ids: &[String],
    url: Option<fn(&str) -> String>,
) -> Option<Fact> {
    if ids.is_empty() {
        return None;
    }
    Some(Fact {
        label: label.to_string(),
        values: ids
            .iter()
            .map(|id| FactValue {
                text: site.taxonomy.label(facet, id).to_string(),
                url: url.map(|to| to(id)),
            })
            .collect(),
    })
}
