//! An HTML safety walker for tests: parses HTML the way a browser does
//! (html5ever's tree builder, scripting on) and lists everything that could
//! run script, load something active or restyle the page.
//!
//! Two strictnesses: a whole portal page may carry the site's own
//! `<script src="/static/...">` and a JSON-LD data block in its head,
//! `<meta charset>`/viewport, stylesheet links and its known forms; a
//! fragment of content (a page body, a snippet) may carry none of those.

use std::cell::RefCell;

use html5ever::tendril::TendrilSink;
use html5ever::{Attribute, ParseOpts, QualName, local_name, ns, parse_document, parse_fragment};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

/// The only form targets the portal's own templates use.
pub const SITE_FORM_ACTIONS: &[&str] = &[
    "/search",
    "/plan",
    "/plan/add",
    "/plan/update",
    "/preference",
];

/// Listing pages (an area, a tier, an ingredient) also carry a form that
/// narrows the listing and submits to the listing itself.
pub const SITE_LISTING_PREFIXES: &[&str] = &["/needs/", "/tiers/", "/ingredients/"];

/// Whether a form's action is one the portal's own templates use.
pub fn is_site_form_action(action: &str) -> bool {
    let path = action.split(['?', '#']).next().unwrap_or("");
    SITE_FORM_ACTIONS.contains(&path)
        || SITE_LISTING_PREFIXES.iter().any(|p| {
            path.strip_prefix(p).is_some_and(|id| {
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
        })
}

/// Elements that have no business in any portal answer.
const FORBIDDEN: &[&str] = &[
    "applet", "base", "embed", "frame", "frameset", "iframe", "object", "portal", "style",
];

/// Attributes that hold a URL the browser will follow or load.
const URL_ATTRIBUTES: &[&str] = &[
    "action",
    "background",
    "cite",
    "codebase",
    "data",
    "dynsrc",
    "formaction",
    "href",
    "icon",
    "longdesc",
    "lowsrc",
    "manifest",
    "ping",
    "poster",
    "profile",
    "src",
    "usemap",
    "xlink:href",
];

/// SVG animation elements can set any attribute, `href` included.
const ANIMATION: &[&str] = &["animate", "animatemotion", "animatetransform", "set"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    Document,
    Fragment,
}

/// The scheme of a URL as a browser reads it, `None` for a relative URL.
/// Stricter than a browser: ASCII whitespace and control characters are
/// dropped anywhere (a browser drops tabs and newlines anywhere, the rest
/// only at the ends). A scheme is a letter then letters, digits, `+`, `-`
/// or `.`; anything else before the colon (`java%09script:`) makes the URL
/// relative, as it does in a browser.
pub fn scheme(url: &str) -> Option<String> {
    let squeezed: String = url
        .chars()
        .filter(|c| !(c.is_ascii_whitespace() || c.is_ascii_control()))
        .collect::<String>()
        .to_ascii_lowercase();
    let end = squeezed.find([':', '/', '?', '#'])?;
    let candidate = &squeezed[..end];
    let is_scheme = squeezed.as_bytes()[end] == b':'
        && candidate.starts_with(|c: char| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| candidate.to_string())
}

/// Whether a URL is relative or http, https or mailto.
pub fn url_is_safe(url: &str) -> bool {
    match scheme(url) {
        None => true,
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto"),
    }
}

fn attr_name(a: &Attribute) -> String {
    match &a.name.prefix {
        Some(prefix) => format!("{}:{}", prefix, a.name.local).to_ascii_lowercase(),
        None => a.name.local.to_string().to_ascii_lowercase(),
    }
}

fn text_of(node: &Handle) -> String {
    let mut out = String::new();
    for child in node.children.borrow().iter() {
        match &child.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            _ => out.push_str(&text_of(child)),
        }
    }
    out
}

struct Walker {
    strictness: Strictness,
    found: RefCell<Vec<String>>,
}

impl Walker {
    fn flag(&self, path: &str, what: String) {
        self.found.borrow_mut().push(format!("{path}: {what}"));
    }

    fn walk(&self, node: &Handle, path: &str, in_head: bool) {
        let mut child_path = path.to_string();
        let mut head = in_head;
        if let NodeData::Element {
            name,
            attrs,
            template_contents,
            ..
        } = &node.data
        {
            let local = name.local.to_string().to_ascii_lowercase();
            child_path = format!("{path}/{local}");
            head = in_head || local == "head";
            let attrs = attrs.borrow();
            self.element(&local, &attrs, node, &child_path, head);
            if let Some(contents) = template_contents.borrow().as_ref() {
                self.walk(contents, &child_path, head);
            }
        }
        for child in node.children.borrow().iter() {
            self.walk(child, &child_path, head);
        }
    }

    fn attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a str> {
        attrs
            .iter()
            .find(|a| attr_name(a) == name)
            .map(|a| &*a.value)
    }

    fn element(&self, local: &str, attrs: &[Attribute], node: &Handle, path: &str, in_head: bool) {
        let document = self.strictness == Strictness::Document;
        if FORBIDDEN.contains(&local) {
            self.flag(path, format!("forbidden element <{local}>"));
        }
        match local {
            "script" => {
                let own = document
                    && in_head
                    && Self::attr(attrs, "src").is_some_and(|s| s.starts_with("/static/"))
                    && text_of(node).trim().is_empty();
                // A page's JSON-LD: a data block, which no browser runs. It
                // must be JSON, with no `<` that could end the element early.
                let text = text_of(node);
                let data = document
                    && in_head
                    && Self::attr(attrs, "type") == Some("application/ld+json")
                    && Self::attr(attrs, "src").is_none()
                    && !text.contains('<')
                    && serde_json::from_str::<serde_json::Value>(&text).is_ok();
                if !(own || data) {
                    self.flag(path, "a script that is not the site's own".into());
                }
            }
            "meta" => {
                if Self::attr(attrs, "http-equiv").is_some() {
                    self.flag(path, "<meta http-equiv>".into());
                }
                if !(document && in_head) {
                    self.flag(path, "<meta> outside the site's head".into());
                }
            }
            "link" => {
                let rel = Self::attr(attrs, "rel").unwrap_or("").to_ascii_lowercase();
                let known = ["stylesheet", "icon", "alternate", "canonical"]
                    .iter()
                    .any(|r| rel.split_ascii_whitespace().any(|w| w == *r));
                if !(document && in_head && known) {
                    self.flag(
                        path,
                        format!("<link rel=\"{rel}\"> that is not the site's own"),
                    );
                }
            }
            "form" => {
                let action = Self::attr(attrs, "action");
                let own = document && action.is_some_and(is_site_form_action);
                if !own {
                    self.flag(
                        path,
                        format!("a form not the site's own (action {action:?})"),
                    );
                }
            }
            _ => {}
        }
        for a in attrs {
            let name = attr_name(a);
            let value: &str = &a.value;
            if name.starts_with("on") {
                self.flag(path, format!("event handler attribute {name}={value:?}"));
            }
            if name == "style" {
                self.flag(path, format!("style attribute {value:?}"));
            }
            if name == "srcdoc" {
                self.flag(path, "srcdoc attribute".into());
            }
            if name == "http-equiv" && local != "meta" {
                self.flag(path, "http-equiv attribute".into());
            }
            let url_like = URL_ATTRIBUTES.contains(&name.as_str())
                || name.ends_with(":href")
                || (ANIMATION.contains(&local)
                    && matches!(name.as_str(), "values" | "to" | "from"));
            if url_like && !url_is_safe(value) {
                self.flag(path, format!("{name} with an unsafe scheme: {value:?}"));
            }
            if name == "srcset" {
                for candidate in value.split(',') {
                    let url = candidate.split_ascii_whitespace().next().unwrap_or("");
                    if !url_is_safe(url) {
                        self.flag(path, format!("srcset with an unsafe scheme: {value:?}"));
                    }
                }
            }
        }
    }
}

fn walk(dom: &RcDom, strictness: Strictness) -> Vec<String> {
    let walker = Walker {
        strictness,
        found: RefCell::new(Vec::new()),
    };
    walker.walk(&dom.document, "", false);
    walker.found.into_inner()
}

/// Every problem in a whole HTML page the portal serves.
pub fn document_problems(html: &str) -> Vec<String> {
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(html);
    walk(&dom, Strictness::Document)
}

/// Every problem in a fragment of content HTML (a body, a snippet), parsed
/// as the children of a `<div>` in a body, where the portal places it.
pub fn fragment_problems(html: &str) -> Vec<String> {
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let dom = parse_fragment(
        RcDom::default(),
        ParseOpts::default(),
        context,
        Vec::new(),
        true,
    )
    .one(html);
    walk(&dom, Strictness::Fragment)
}

/// Panics, naming `what`, when a whole page is unsafe.
pub fn assert_safe_document(html: &str, what: &str) {
    let problems = document_problems(html);
    assert!(
        problems.is_empty(),
        "{what} is unsafe:\n  {}\n--- HTML ---\n{}",
        problems.join("\n  "),
        excerpt(html)
    );
}

/// Panics, naming `what`, when a fragment of content HTML is unsafe.
pub fn assert_safe_fragment(html: &str, what: &str) {
    let problems = fragment_problems(html);
    assert!(
        problems.is_empty(),
        "{what} is unsafe:\n  {}\n--- HTML ---\n{}",
        problems.join("\n  "),
        excerpt(html)
    );
}

/// The names of every element in a fragment, in document order (to check,
/// say, that a snippet holds only `<mark>`).
pub fn fragment_elements(html: &str) -> Vec<String> {
    fn collect(node: &Handle, out: &mut Vec<String>) {
        if let NodeData::Element { name, .. } = &node.data {
            out.push(name.local.to_string());
        }
        for child in node.children.borrow().iter() {
            collect(child, out);
        }
    }
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let dom = parse_fragment(
        RcDom::default(),
        ParseOpts::default(),
        context,
        Vec::new(),
        true,
    )
    .one(html);
    let mut out = Vec::new();
    collect(&dom.document, &mut out);
    // The fragment parser wraps its result in one <html> element.
    out.retain(|n| n != "html");
    out
}

/// The value of `attribute` on every element named `tag`, entities decoded.
pub fn attribute_values(html: &str, tag: &str, attribute: &str) -> Vec<String> {
    fn collect(node: &Handle, tag: &str, attribute: &str, out: &mut Vec<String>) {
        if let NodeData::Element { name, attrs, .. } = &node.data
            && &*name.local == tag
        {
            out.extend(
                attrs
                    .borrow()
                    .iter()
                    .filter(|a| attr_name(a) == attribute)
                    .map(|a| a.value.to_string()),
            );
        }
        for child in node.children.borrow().iter() {
            collect(child, tag, attribute, out);
        }
    }
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(html);
    let mut out = Vec::new();
    collect(&dom.document, tag, attribute, &mut out);
    out
}

/// The text of every element named `tag` (`title`, `h1`, ...), entities decoded.
pub fn texts_of(html: &str, tag: &str) -> Vec<String> {
    fn collect(node: &Handle, tag: &str, out: &mut Vec<String>) {
        if let NodeData::Element { name, .. } = &node.data
            && &*name.local == tag
        {
            out.push(text_of(node));
        }
        for child in node.children.borrow().iter() {
            collect(child, tag, out);
        }
    }
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(html);
    let mut out = Vec::new();
    collect(&dom.document, tag, &mut out);
    out
}

fn excerpt(html: &str) -> String {
    if html.len() <= 6000 {
        return html.to_string();
    }
    let mut end = 6000;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n[... {} more bytes]", &html[..end], html.len() - end)
}
