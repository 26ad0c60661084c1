//! Markdown to safe HTML: CommonMark with tables, footnotes, strikethrough,
//! task lists and heading ids; raw HTML sanitised with ammonia; outside links
//! marked `rel="noopener"`.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::page::Heading;

/// The body of a page, rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Sanitised HTML.
    pub html: String,
    /// Plain text of the body, for the index.
    pub text: String,
    pub headings: Vec<Heading>,
    /// Portal-relative links (`/path#frag` or `#frag`) as written, each with
    /// the byte offset in the Markdown where it starts.
    pub internal_links: Vec<(String, usize)>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    // We add rel="noopener" to outside links ourselves, after cleaning.
    b.link_rel(None);
    // Links and images may lead only to the web, to email or inside the
    // portal. ammonia's default list also lets through tel:, ftp:, irc:,
    // sms: and a dozen more, which tests/fuzz.rs found; none has a place in
    // a provision page, and fewer schemes are fewer ways to surprise a reader.
    b.url_schemes(["http", "https", "mailto"].into_iter().collect());
    // Form controls have no place in a page: a task list's boxes are drawn
    // as characters (see `task_box`), and a bare input would have no label.
    for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, ["id"]);
    }
    b.add_tag_attributes("div", ["id"]);
    b.add_allowed_classes("div", ["heading-row"]);
    b.add_allowed_classes("span", ["task-box", "visually-hidden"]);
    b.add_tag_attributes("span", ["aria-hidden"]);
    b.add_tag_attributes("a", ["aria-label"]);
    b.add_allowed_classes("a", ["heading-anchor"]);
    b.add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"]);
    b.add_allowed_classes("div", ["footnote-definition"]);
    b
});

/// Renders Markdown to sanitised HTML, collecting headings, text and links.
pub fn render(markdown: &str) -> Rendered {
    render_with(markdown, true)
}

/// Markdown as plain text on one line, words single-spaced: a step or a
/// section in a spreadsheet cell or a JSON string.
pub fn one_line(markdown: &str) -> String {
    analyse(markdown)
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Markdown of each item of the first ordered list (at any depth, but
/// only its own top-level items), in order: a strategy's numbered steps.
/// An item's text is trimmed; nested lists stay inside their item.
pub fn ordered_list_items(markdown: &str) -> Vec<String> {
    let mut items = Vec::new();
    // Depth of lists inside the ordered list we are reading (1 = its own).
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::List(Some(_))) if depth == 0 => depth = 1,
            Event::Start(Tag::List(_)) if depth > 0 => depth += 1,
            Event::End(TagEnd::List(_)) if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Start(Tag::Item) if depth == 1 => {
                let text = markdown[range].trim_start();
                // Drop the item's marker ("3." or "3)") and the space after it.
                let body = text
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .trim_start_matches(['.', ')']);
                items.push(body.trim().to_string());
            }
            _ => {}
        }
    }
    items
}

/// Everything [`render`] finds but the HTML (left empty): what loading and
/// indexing need. Pages keep their Markdown and make HTML when asked
/// ([`super::Page::html`]), so a large corpus is not held twice.
pub fn analyse(markdown: &str) -> Rendered {
    render_with(markdown, false)
}

fn render_with(markdown: &str, with_html: bool) -> Rendered {
    let mut events: Vec<(Event, usize)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .map(|(event, range)| (event, range.start))
        .collect();
    // Raw HTML, a link or image to an unusual scheme, or heading attributes
    // need the sanitiser. Without them pulldown-cmark's own output is safe by
    // construction (it escapes all text and attribute values), and skipping
    // ammonia's parse and re-serialise is most of the cost of a page.
    let needs_sanitiser = with_html
        && events.iter().any(|(event, _)| match event {
            Event::Html(_) | Event::InlineHtml(_) => true,
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                !plain_url(dest_url)
            }
            Event::Start(Tag::Heading { classes, attrs, .. }) => {
                !classes.is_empty() || !attrs.is_empty()
            }
            // Aligned columns come out as style attributes, which the CSP forbids.
            Event::Start(Tag::Table(alignments)) => alignments
                .iter()
                .any(|a| !matches!(a, pulldown_cmark::Alignment::None)),
            _ => false,
        });
    let mut headings = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut internal_links = Vec::new();
    let mut text = String::new();

    // First pass: find each heading's text and give it a unique id.
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let level = heading_level(*level);
                // An author's own id (`{#id}`) is slugified like any other,
                // so it can never carry quotes or markup into attributes.
                let given = id.as_ref().map(|s| slugify(s)).filter(|s| !s.is_empty());
                let mut heading_text = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                        heading_text.push_str(t);
                    }
                    j += 1;
                }
                let heading_text = heading_text.trim().to_string();
                let base = given.unwrap_or_else(|| slugify(&heading_text));
                let unique = unique_id(&base, &mut used_ids);
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                    *id = Some(CowStr::from(unique.clone()));
                }
                // A self-link beside the heading, not inside it, so a list of
                // headings reads only their words; the row holds both.
                if with_html && j < events.len() {
                    let anchor = format!(
                        "<a class=\"heading-anchor\" href=\"#{}\" aria-label=\"Link to the section {}\">#</a></div>\n",
                        escape_attr(&unique),
                        escape_attr(&heading_text)
                    );
                    let offset = events[j].1;
                    events.insert(j + 1, (Event::Html(CowStr::from(anchor)), offset));
                    events.insert(
                        i,
                        (
                            Event::Html(CowStr::from("<div class=\"heading-row\">\n")),
                            events[i].1,
                        ),
                    );
                    // The heading's start and end moved one place on.
                    i += 1;
                    j += 2;
                }
                headings.push(Heading {
                    level,
                    id: unique,
                    text: heading_text,
                    offset: events[i].1,
                });
                i = j + 1;
            }
            _ => i += 1,
        }
    }

    // A "Related" section is navigation, not content: its link titles would
    // make every linked page match the words of this one, so the index skips it.
    let mut in_related = false;
    let mut heading_level: Option<HeadingLevel> = None;
    let mut heading_text = String::new();
    for (event, offset) in &events {
        let skip = in_related && heading_level.is_none();
        if heading_level.is_some()
            && let Event::Text(t) | Event::Code(t) = event
        {
            heading_text.push_str(t);
        }
        if let Event::Start(Tag::Link { dest_url, .. }) = event
            && is_internal(dest_url)
        {
            internal_links.push((dest_url.to_string(), *offset));
        }
        if !skip {
            match event {
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                Event::End(
                    TagEnd::Paragraph
                    | TagEnd::Heading(_)
                    | TagEnd::Item
                    | TagEnd::TableCell
                    | TagEnd::CodeBlock,
                ) => text.push('\n'),
                _ => {}
            }
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading_level = Some(*level);
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                if *level <= HeadingLevel::H2 {
                    in_related = heading_text.trim().eq_ignore_ascii_case("related");
                }
                heading_level = None;
            }
            _ => {}
        }
    }

    let html = if with_html {
        let mut raw_html = String::with_capacity(markdown.len() * 3 / 2);
        pulldown_cmark::html::push_html(
            &mut raw_html,
            events.into_iter().map(|(e, _)| match e {
                Event::TaskListMarker(ticked) => Event::InlineHtml(CowStr::from(task_box(ticked))),
                e => e,
            }),
        );
        let clean = if needs_sanitiser {
            SANITISER.clean(&raw_html).to_string()
        } else {
            raw_html
        };
        scrolling_tables(&mark_outside_links(&clean))
    } else {
        String::new()
    };
    Rendered {
        html,
        text: squeeze_blank_lines(&text),
        headings,
        internal_links,
    }
}

/// True for an address the sanitiser would pass unchanged: relative, or
/// http, https or mailto, with no control characters a browser would strip
/// to find a different scheme.
fn plain_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_control() || c == '\\') || url.starts_with(' ') {
        return false;
    }
    match url.find([':', '/', '?', '#']) {
        Some(i) if url.as_bytes()[i] == b':' => {
            let scheme = url[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Whether a link target points inside the portal (`/path` or `#fragment`).
pub fn is_internal(url: &str) -> bool {
    (url.starts_with('/') && !url.starts_with("//")) || url.starts_with('#')
}

/// A heading's anchor id: lowercase words joined by hyphens ("What you can do" -> "what-you-can-do").
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut pending_hyphen = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(c);
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_hyphen = true;
        }
    }
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut n = 1;
    while used.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A task list's box as a character, not a form control: the list is a
/// record to print and fill in by hand, and an unlabelled checkbox is a
/// control a screen reader announces with no name. A ticked box says so in
/// words too.
fn task_box(ticked: bool) -> &'static str {
    if ticked {
        "<span class=\"task-box\" aria-hidden=\"true\">\u{2611}</span><span class=\"visually-hidden\">Ticked: </span>"
    } else {
        "<span class=\"task-box\" aria-hidden=\"true\">\u{2610}</span>"
    }
}

/// Puts each table in a box of its own that scrolls sideways, so a wide
/// table never makes the whole page scroll on a phone. The box takes focus,
/// so keyboard users can scroll it too. Runs on serialised HTML, where every
/// table tag is written `<table>` (no attribute survives the sanitiser).
fn scrolling_tables(html: &str) -> String {
    html.replace(
        "<table>",
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table (scrolls sideways)\"><table>",
    )
    .replace("</table>", "</table></div>")
}

/// Adds `rel="noopener"` to every `<a>` whose href leaves the portal.
///
/// Runs on ammonia's output, which is serialised HTML: tags are well formed,
/// attribute values are double-quoted with `"` escaped, and any `<` in text is
/// escaped, so a scan for `<a ` finds exactly the anchor tags.
fn mark_outside_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + len];
        out.push_str(&rest[..start]);
        out.push_str(tag);
        let href = tag
            .split("href=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
            .unwrap_or("");
        let outside = href.contains("://") || href.starts_with("//");
        if outside && !tag.contains(" rel=") {
            out.push_str(" rel=\"noopener\"");
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

fn squeeze_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_addresses_skip_the_sanitiser() {
        for ok in [
            "/strategies/x#y",
            "#top",
            "https://example.org/a?b=c",
            "HTTP://x",
            "mailto:a@b.c",
            "page.html",
            "?q=a",
        ] {
            assert!(plain_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            "java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
            "tel:123",
            " javascript:x",
            "\\\\evil.example",
            "x\u{0}y",
        ] {
            assert!(!plain_url(bad), "{bad}");
        }
        // Either way the result is the same for a page without raw HTML.
        let fast =
            render("## A heading\n\nText with [a link](/x) and [out](https://example.org).\n");
        assert!(
            fast.html
                .contains("<h2 id=\"a-heading\">A heading</h2>\n<a class=\"heading-anchor\""),
            "{}",
            fast.html
        );
        assert!(
            fast.html
                .contains("<a href=\"https://example.org\" rel=\"noopener\">out</a>"),
            "{}",
            fast.html
        );
        let table = render("| a | b |\n|:--|--:|\n| 1 | 2 |\n");
        assert!(!table.html.contains("style="), "{}", table.html);
        let slow = render("## A heading {onclick=x}\n\n<b>bold</b> [bad](javascript:alert(1))\n");
        assert!(
            !slow.html.contains("onclick") && !slow.html.contains("javascript"),
            "{}",
            slow.html
        );
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let r = render("## What you can do\n\ntext\n\n## What you can do\n\n### Why? {#custom}\n");
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["what-you-can-do", "what-you-can-do-1", "custom"]);
        // The heading holds only its words; its self-link sits beside it.
        assert!(
            r.html.contains(
                "<div class=\"heading-row\">\n<h2 id=\"what-you-can-do\">What you can do</h2>\n<a class=\"heading-anchor\" href=\"#what-you-can-do\""
            ),
            "{}",
            r.html
        );
        assert!(!r.html.contains("#</a></h"), "{}", r.html);
    }

    #[test]
    fn tables_footnotes_strikethrough_and_task_lists_render() {
        let md = "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: A note.\n\n~~old~~\n\n- [x] done\n- [ ] to do\n";
        let html = render(md).html;
        assert!(html.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table (scrolls sideways)\"><table>"), "{html}");
        assert!(html.contains("</table></div>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        // Task lists are boxes drawn as characters, never unlabelled controls.
        assert!(!html.contains("<input"), "{html}");
        assert!(html.contains("<li><span class=\"task-box\" aria-hidden=\"true\">\u{2611}</span><span class=\"visually-hidden\">Ticked: </span>done</li>"), "{html}");
        assert!(
            html.contains(
                "<li><span class=\"task-box\" aria-hidden=\"true\">\u{2610}</span>to do</li>"
            ),
            "{html}"
        );
    }

    #[test]
    fn task_lists_and_heading_rows_survive_the_sanitiser() {
        // Raw HTML sends the page through ammonia, which must keep our markup
        // and drop an author's own checkbox.
        let html = render("<b>x</b> <input type=\"checkbox\">\n\n## Steps\n\n- [ ] first\n").html;
        assert!(!html.contains("<input"), "{html}");
        assert!(html.contains("<div class=\"heading-row\">"), "{html}");
        assert!(html.contains("<h2 id=\"steps\">Steps</h2>"), "{html}");
        assert!(
            html.contains("<span class=\"task-box\" aria-hidden=\"true\">\u{2610}</span>first"),
            "{html}"
        );
    }

    #[test]
    fn raw_html_is_sanitised() {
        let md = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<a href=\"javascript:alert(1)\">y</a>\n\n<input type=\"text\" value=\"z\">\n";
        let html = render(md).html;
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("type=\"text\""), "{html}");
    }

    #[test]
    fn outside_links_get_noopener_and_inside_links_do_not() {
        let r = render("[NHS](https://www.nhs.uk/) and [calm](/strategies/calm#what-you-can-do)\n");
        assert!(
            r.html
                .contains("<a href=\"https://www.nhs.uk/\" rel=\"noopener\">NHS</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a href=\"/strategies/calm#what-you-can-do\">calm</a>"),
            "{}",
            r.html
        );
        assert_eq!(
            r.internal_links,
            [("/strategies/calm#what-you-can-do".to_string(), 31)]
        );
    }

    #[test]
    fn plain_text_is_collected_for_the_index() {
        let r = render("# Title\n\nSome *emphasis* and `code`.\n\n- one\n- two\n");
        assert_eq!(r.text, "Title\nSome emphasis and code.\none\ntwo\n");
    }

    #[test]
    fn a_related_section_is_left_out_of_the_index_but_its_links_are_kept() {
        let r = render(
            "## Steps\n\nDo this.\n\n## Related\n\n- [Ear defenders](/strategies/ear)\n\n## After\n\nMore.\n",
        );
        assert_eq!(r.text, "Steps\nDo this.\nRelated\nAfter\nMore.\n");
        assert_eq!(r.internal_links, [("/strategies/ear".to_string(), 34)]);
    }

    #[test]
    fn slugify_makes_readable_anchors() {
        assert_eq!(
            slugify("How you will know it's working"),
            "how-you-will-know-its-working"
        );
        assert_eq!(slugify("  Adapting it: by age!  "), "adapting-it-by-age");
        assert_eq!(slugify("???"), "section");
    }
}

#[cfg(test)]
mod step_tests {
    use super::ordered_list_items;

    #[test]
    fn the_first_ordered_list_gives_the_steps_with_their_nested_lists() {
        let md = "Intro.\n\n- a bullet\n\n1. **Plan** the day.\n2. Use a timer:\n   - five minutes\n   - then a break\n3. Review.\n\nAfter.\n\n1. A second list.\n";
        assert_eq!(
            ordered_list_items(md),
            [
                "**Plan** the day.",
                "Use a timer:\n   - five minutes\n   - then a break",
                "Review."
            ]
        );
        assert!(ordered_list_items("- only\n- bullets\n").is_empty());
        assert_eq!(
            ordered_list_items("7. Starts at seven.\n8. Next.\n"),
            ["Starts at seven.", "Next."]
        );
    }
}
