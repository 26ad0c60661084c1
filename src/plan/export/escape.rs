//! Text from content and settings made safe for each export format: a
//! Markdown viewer, a spreadsheet and Word each read something different as
//! code, so each format's output passes through one of these.

use pulldown_cmark::{Event, Options, Parser, Tag};

// The Markdown export is opened in Markdown viewers, many of which render
// raw HTML and follow any link. The portal sanitises a page when it renders
// it; the export quotes the same text, so it must not carry markup or
// script links that the portal itself would never serve (found by
// tests/hostile.rs: a title or a "What you can do" section holding
// `<script>` or `[x](javascript:...)` came through live).

/// Text from content or settings (a title, a label), escaped so that a
/// Markdown viewer shows it as written: no HTML, no link, no autolink, no
/// emphasis or code, no heading marks taken away.
pub fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '<' | '>' | '[' | ']' | '`' | '&' | '*' | '_' | '~' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A link that shows its own address: `[address](address)`, not an
/// autolink, so the export holds no `<` for a viewer to read as a tag.
pub fn md_link(url: &str) -> String {
    let mut target = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' => target.push_str("%28"),
            ')' => target.push_str("%29"),
            '<' => target.push_str("%3C"),
            '>' => target.push_str("%3E"),
            ' ' => target.push_str("%20"),
            c if c.is_control() => {}
            c => target.push(c),
        }
    }
    format!("[{}]({target})", md_text(&target))
}

/// Whether a link target is relative or http, https or mailto, read the way
/// a browser reads a scheme (ASCII whitespace and control characters
/// dropped, case ignored).
fn safe_target(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !(c.is_ascii_whitespace() || c.is_ascii_control()))
        .collect::<String>()
        .to_ascii_lowercase();
    let Some(end) = squeezed.find([':', '/', '?', '#']) else {
        return true;
    };
    let candidate = &squeezed[..end];
    let is_scheme = squeezed[end..].starts_with(':')
        && candidate.starts_with(|c: char| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    !is_scheme || matches!(candidate, "http" | "https" | "mailto")
}

/// The byte edits that make one reading of `markdown` safe: each raw HTML
/// span's `<` shown as text, each unsafe link or image opened with an
/// escaped bracket (or an escaped `<`, for an autolink) so it stays text.
fn unsafe_spans(markdown: &str, options: Options) -> Vec<(usize, &'static str, usize)> {
    let mut edits = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                for (i, _) in markdown[range.clone()].match_indices('<') {
                    edits.push((range.start + i, "&lt;", 1));
                }
            }
            // A viewer with heading attributes on reads `# T {onclick=x}` as
            // an attribute block: escaping its brace leaves it as text.
            Event::Start(Tag::Heading { classes, attrs, .. })
                if !classes.is_empty() || !attrs.is_empty() =>
            {
                if let Some(i) = markdown[range.clone()].rfind('{') {
                    edits.push((range.start + i, "\\", 0));
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !safe_target(&dest_url) =>
            {
                let at = markdown[range.clone()]
                    .find(['[', '<'])
                    .map_or(range.start, |i| range.start + i);
                if markdown[at..].starts_with('<') {
                    edits.push((at, "&lt;", 1));
                } else {
                    edits.push((at, "\\", 0));
                }
            }
            _ => {}
        }
    }
    edits
}

/// A page's own Markdown, quoted in the export with raw HTML shown as text
/// and links to anything but http, https, mailto or the portal left as text,
/// under both plain CommonMark and every extension a viewer may turn on.
/// Each round of edits can let a new construct appear (an escaped tag's
/// inner text may read as a link), so it repeats until a reading finds
/// nothing; text that never settles is quoted whole as a code block.
pub fn quote_markdown(markdown: &str) -> String {
    let mut text = markdown.to_string();
    for _ in 0..16 {
        let mut edits = unsafe_spans(&text, Options::empty());
        edits.extend(unsafe_spans(&text, Options::all()));
        edits.extend(raw_angles(&text));
        if edits.is_empty() {
            return text;
        }
        edits.sort_unstable();
        edits.dedup_by_key(|e| e.0);
        for (at, with, remove) in edits.into_iter().rev() {
            text.replace_range(at..at + remove, with);
        }
    }
    let longest = text.split(|c| c != '~').map(str::len).max().unwrap_or(0);
    let fence = "~".repeat(longest.max(2) + 1);
    format!("{fence}\n{text}\n{fence}")
}

/// The edits that show every `<` outside code as text. Viewers disagree on
/// what is a tag (`<a:b onmouseover=...>` is text to pulldown-cmark and a
/// tag to others), so none is left for any of them to read as one. A `<`
/// escaped with a backslash is text to every viewer already.
fn raw_angles(markdown: &str) -> Vec<(usize, &'static str, usize)> {
    if !markdown.contains('<') {
        return Vec::new();
    }
    let code: Vec<std::ops::Range<usize>> = Parser::new_ext(markdown, Options::all())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect();
    let mut edits = Vec::new();
    // Both in document order: one walk over the code ranges.
    let mut next = 0;
    for (i, _) in markdown.match_indices('<') {
        while next < code.len() && code[next].end <= i {
            next += 1;
        }
        let in_code = code.get(next).is_some_and(|r| r.contains(&i));
        let backslashes = markdown.as_bytes()[..i]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if !in_code && backslashes % 2 == 0 {
            edits.push((i, "&lt;", 1));
        }
    }
    edits
}

/// A CSV cell that a spreadsheet will not run as a formula: one starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
/// (the usual defence against formula injection). Found by
/// tests/hostile.rs: a title `=HYPERLINK(...)` reached the provision map live.
pub fn inert_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Text as a Word document may hold it: XML 1.0 forbids most control
/// characters even escaped, and one in a title (YAML's "\a", say) made
/// word/document.xml malformed, so Word refused the whole plan (found by
/// tests/hostile.rs). They carry nothing a reader needs, so they are dropped.
pub fn xml_text(text: &str) -> String {
    text.chars().filter(|&c| xml_char(c)).collect()
}

/// Whether XML 1.0 allows a character in a document, less the C1 controls
/// (allowed, but nothing a reader needs). U+FFFE and U+FFFF are not
/// characters at all: one in a title made Word refuse the file.
fn xml_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => !c.is_control(),
    }
}
