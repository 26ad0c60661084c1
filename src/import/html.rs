//! Reading a saved web page (`.html`, through `html5ever`) into the outline:
//! `h1`..`h6`, `p`, `ul`/`ol` (nested), `table`, `strong`/`b`, `em`/`i`,
//! `a` and `img`. Scripts, styles and navigation are skipped.

use std::cell::Ref;

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};

use super::outline::{Block, Inline, Item, Outline, push_text};

/// Reads the page in `text`. Images are linked by their address (a saved
/// page's images are separate files, not inside it), so none are extracted.
pub fn read(text: &str) -> Outline {
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(text);
    let mut outline = Outline::default();
    blocks(&dom.document, &mut outline.blocks);
    outline
}

fn name(node: &Handle) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

fn attr(node: &Handle, key: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

fn kids(node: &Handle) -> Ref<'_, Vec<Handle>> {
    node.children.borrow()
}

/// Elements whose content is never part of the document's text.
const SKIPPED: &[&str] = &[
    "script", "style", "nav", "head", "noscript", "template", "footer", "form",
];

fn blocks(node: &Handle, out: &mut Vec<Block>) {
    for child in kids(node).iter() {
        let Some(tag) = name(child) else {
            if let NodeData::Text { contents } = &child.data {
                let text = contents.borrow().to_string();
                if !text.trim().is_empty() {
                    let mut inlines = Vec::new();
                    push_text(&mut inlines, &text, false, false);
                    out.push(Block::Paragraph(inlines));
                }
            }
            continue;
        };
        match tag.as_str() {
            t if SKIPPED.contains(&t) => {}
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = tag[1..].parse().unwrap_or(1);
                let mut inlines = Vec::new();
                inline(child, false, false, &mut inlines);
                let text = super::outline::plain(&inlines);
                if !text.is_empty() {
                    out.push(Block::Heading { level, text });
                }
            }
            "p" | "blockquote" | "figcaption" | "dt" | "dd" => {
                let mut inlines = Vec::new();
                inline(child, false, false, &mut inlines);
                if !super::outline::plain(&inlines).is_empty()
                    || inlines.iter().any(|i| matches!(i, Inline::Image { .. }))
                {
                    out.push(Block::Paragraph(inlines));
                }
            }
            "ul" | "ol" => {
                let mut items = Vec::new();
                list(child, tag == "ol", 0, &mut items);
                if !items.is_empty() {
                    out.push(Block::List(items));
                }
            }
            "table" => out.push(table(child)),
            _ => blocks(child, out),
        }
    }
}

fn list(node: &Handle, ordered: bool, depth: usize, items: &mut Vec<Item>) {
    for li in kids(node)
        .iter()
        .filter(|c| name(c).as_deref() == Some("li"))
    {
        let mut text = Vec::new();
        let mut nested = Vec::new();
        for part in kids(li).iter() {
            match name(part).as_deref() {
                Some(t @ ("ul" | "ol")) => nested.push((part.clone(), t == "ol")),
                Some("p") => {
                    if !text.is_empty() {
                        push_text(&mut text, " ", false, false);
                    }
                    inline(part, false, false, &mut text);
                }
                _ => inline_one(part, false, false, &mut text),
            }
        }
        items.push(Item {
            depth,
            ordered,
            text,
        });
        for (sub, ordered) in nested {
            list(&sub, ordered, depth + 1, items);
        }
    }
}

fn table(node: &Handle) -> Block {
    let mut rows = Vec::new();
    collect_rows(node, &mut rows);
    Block::Table(rows)
}

fn collect_rows(node: &Handle, rows: &mut Vec<Vec<Vec<Inline>>>) {
    for child in kids(node).iter() {
        match name(child).as_deref() {
            Some("tr") => {
                let cells = kids(child)
                    .iter()
                    .filter(|c| matches!(name(c).as_deref(), Some("td" | "th")))
                    .map(|c| {
                        let mut inlines = Vec::new();
                        inline(c, false, false, &mut inlines);
                        inlines
                    })
                    .collect();
                rows.push(cells);
            }
            Some("thead" | "tbody" | "tfoot") => collect_rows(child, rows),
            _ => {}
        }
    }
}

fn inline(node: &Handle, bold: bool, italic: bool, out: &mut Vec<Inline>) {
    for child in kids(node).iter() {
        inline_one(child, bold, italic, out);
    }
}

fn inline_one(node: &Handle, bold: bool, italic: bool, out: &mut Vec<Inline>) {
    match &node.data {
        NodeData::Text { contents } => push_text(out, &contents.borrow(), bold, italic),
        NodeData::Element { .. } => match name(node).as_deref().unwrap_or("") {
            "strong" | "b" => inline(node, true, italic, out),
            "em" | "i" => inline(node, bold, true, out),
            "br" => push_text(out, " ", bold, italic),
            "a" => {
                let mut text = Vec::new();
                inline(node, bold, italic, &mut text);
                match attr(node, "href") {
                    Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                        out.push(Inline::Link { text, url })
                    }
                    _ => out.extend(text),
                }
            }
            "img" => {
                if let Some(src) = attr(node, "src").filter(|s| s.starts_with("https://")) {
                    out.push(Inline::Link {
                        text: vec![Inline::Text {
                            text: attr(node, "alt").unwrap_or_else(|| "image".into()),
                            bold: false,
                            italic: false,
                        }],
                        url: src,
                    });
                }
            }
            t if SKIPPED.contains(&t) => {}
            _ => inline(node, bold, italic, out),
        },
        _ => {}
    }
}
