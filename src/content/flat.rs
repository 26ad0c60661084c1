//! A reader for the flat shape most front matter has (`key: value` lines,
//! lists in brackets or one item a line, `links`, `evidence` and `provision`
//! as the contract shows them), without a YAML parser. It reads only what it
//! is sure of and gives up on anything else, so the YAML parser (and its
//! messages) sees every page this reader does not: comments, other quoting,
//! other nesting, `frameworks`, unknown or repeated keys, and any value YAML
//! could read as something other than text.
//!
//! It exists for speed: the YAML parser was a twentieth of a full build.
//! Its answers must equal the parser's; a test compares them on every
//! bundled page and on many pages altered at random.

use super::frontmatter::{FIELDS, RawEvidence, RawFrontMatter, RawLink, RawProvision, RawSource};

/// The front matter, when `yaml` has the flat shape; `None` otherwise.
pub fn read(yaml: &str) -> Option<RawFrontMatter> {
    if yaml.chars().any(unprintable) {
        return None;
    }
    let mut fm = RawFrontMatter::default();
    let mut seen: u32 = 0;
    let mut lines = yaml.split('\n').peekable();
    while let Some(line) = lines.next() {
        if line.trim_start_matches(' ').is_empty() {
            continue;
        }
        let (key, value) = top_level(line)?;
        // Keys the contract does not know are left to the parser, which
        // names them; so are `frameworks` (below, no branch takes it).
        let bit = 1u32 << FIELDS.iter().position(|k| *k == key)?;
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        if value.is_empty() {
            // A block below: every line after, up to the next key.
            let mut block = Vec::new();
            while let Some(next) = lines.peek() {
                if next.starts_with(' ') || next.starts_with("- ") || next.is_empty() {
                    block.push(*next);
                    lines.next();
                } else {
                    break;
                }
            }
            let block: Vec<&str> = block
                .into_iter()
                .filter(|l| !l.trim_start_matches(' ').is_empty())
                .collect();
            match key {
                "links" => {
                    fm.links = items(&block)?
                        .iter()
                        .map(|item| link(item))
                        .collect::<Option<_>>()?;
                }
                "evidence" => fm.evidence = Some(evidence(&block)?),
                "provision" => fm.provision = Some(provision(&block)?),
                _ => *list_field(&mut fm, key)? = Some(scalars(&items(&block)?)?),
            }
            continue;
        }
        match key {
            "title" => fm.title = Some(text(value)?),
            "summary" => fm.summary = Some(text(value)?),
            "kind" => fm.kind = Some(text(value)?),
            "tier" => fm.tier = Some(text(value)?),
            "updated" => fm.updated = Some(text(value)?),
            "duration_minutes" => fm.duration_minutes = Some(number(value)?),
            "draft" => {
                fm.draft = Some(match value {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                })
            }
            "links" => {
                // Only an empty list in brackets; links are otherwise maps.
                if value != "[]" {
                    return None;
                }
            }
            _ => {
                let list = if value.starts_with('[') {
                    flow(value)?
                } else {
                    // One id alone: YAML reads it by its look, so only
                    // plain words are taken.
                    vec![id_alone(value)?]
                };
                *list_field(&mut fm, key)? = Some(list);
            }
        }
    }
    (seen != 0).then_some(fm)
}

fn list_field<'a>(fm: &'a mut RawFrontMatter, key: &str) -> Option<&'a mut Option<Vec<String>>> {
    Some(match key {
        "needs" => &mut fm.needs,
        "ingredients" => &mut fm.ingredients,
        "phases" => &mut fm.phases,
        "pfa" => &mut fm.pfa,
        "cycle" => &mut fm.cycle,
        "tags" => &mut fm.tags,
        _ => return None,
    })
}

/// Characters YAML refuses or reads as a line break, tabs, and a carriage
/// return: left to the parser.
fn unprintable(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// `key: value` at the start of a line, the value trimmed; the value is
/// empty for `key:` alone.
fn top_level(line: &str) -> Option<(&str, &str)> {
    let colon = line.find(':')?;
    let key = &line[..colon];
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return None;
    }
    let rest = &line[colon + 1..];
    if rest.is_empty() {
        return Some((key, ""));
    }
    let value = rest.strip_prefix(' ')?.trim_matches(' ');
    Some((key, value))
}

/// Spaces before a line's text.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The items of a block list: each line `- ...` at one indentation, with
/// lines indented two more continuing its item as `key: value` pairs. Each
/// item is its lines, the dash taken off.
fn items<'a>(lines: &[&'a str]) -> Option<Vec<Vec<&'a str>>> {
    let dash_at = indent(lines.first()?);
    let mut items: Vec<Vec<&str>> = Vec::new();
    for line in lines {
        let at = indent(line);
        let body = &line[at..];
        if at == dash_at {
            items.push(vec![body.strip_prefix("- ")?]);
        } else if at == dash_at + 2 {
            items.last_mut()?.push(body);
        } else {
            return None;
        }
    }
    Some(items)
}

/// `evidence`: its `strength` and its `sources`, in brackets when empty or
/// as a block list of title, url and type.
fn evidence(lines: &[&str]) -> Option<RawEvidence> {
    let at = indent(lines.first()?);
    if at == 0 {
        return None;
    }
    let mut evidence = RawEvidence {
        strength: None,
        sources: Vec::new(),
    };
    let (mut strength, mut sources) = (false, false);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if indent(line) != at {
            return None;
        }
        let (key, value) = top_level(&line[at..])?;
        i += 1;
        match key {
            "strength" if !strength && !value.is_empty() => {
                strength = true;
                evidence.strength = Some(text(value)?);
            }
            "sources" if !sources => {
                sources = true;
                if value == "[]" {
                    continue;
                }
                if !value.is_empty() {
                    return None;
                }
                // Its list: deeper lines, or dashes at the key's indentation.
                let start = i;
                while i < lines.len()
                    && (indent(lines[i]) > at
                        || (indent(lines[i]) == at && lines[i][at..].starts_with("- ")))
                {
                    i += 1;
                }
                evidence.sources = items(&lines[start..i])?
                    .iter()
                    .map(|item| source(item))
                    .collect::<Option<_>>()?;
            }
            _ => return None,
        }
    }
    Some(evidence)
}

/// One source of evidence: `title`, `url` and `type` lines, each at most once.
fn source(lines: &[&str]) -> Option<RawSource> {
    let [title, url, kind] = pairs(lines, ["title", "url", "type"])?;
    Some(RawSource { title, url, kind })
}

/// `provision`: numbers of sessions, minutes, weeks and pupils, and who
/// gives it, one a line.
fn provision(lines: &[&str]) -> Option<RawProvision> {
    let at = indent(lines.first()?);
    if at == 0 {
        return None;
    }
    let mut provision = RawProvision {
        sessions_per_week: None,
        session_minutes: None,
        weeks: None,
        group_size: None,
        staff: None,
    };
    for line in lines {
        if indent(line) != at {
            return None;
        }
        let (key, value) = top_level(&line[at..])?;
        let slot = match key {
            "sessions_per_week" => &mut provision.sessions_per_week,
            "session_minutes" => &mut provision.session_minutes,
            "weeks" => &mut provision.weeks,
            "group_size" => &mut provision.group_size,
            "staff" => {
                if provision.staff.is_some() || value.is_empty() {
                    return None;
                }
                provision.staff = Some(text(value)?);
                continue;
            }
            _ => return None,
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(number(value)?);
    }
    Some(provision)
}

/// A block list's items as text, each item one line.
fn scalars(items: &[Vec<&str>]) -> Option<Vec<String>> {
    items
        .iter()
        .map(|lines| match lines.as_slice() {
            [one] => item(one.trim_end_matches(' ')),
            _ => None,
        })
        .collect()
}

/// One link: `title` and `url` lines, each at most once.
fn link(lines: &[&str]) -> Option<RawLink> {
    let [title, url] = pairs(lines, ["title", "url"])?;
    Some(RawLink { title, url })
}

/// `key: text` lines, each key one of `keys` and given at most once, with
/// a value: each key's text, in the order of `keys`.
fn pairs<const N: usize>(lines: &[&str], keys: [&str; N]) -> Option<[Option<String>; N]> {
    let mut values: [Option<String>; N] = std::array::from_fn(|_| None);
    for line in lines {
        let (key, value) = top_level(line)?;
        let slot = &mut values[keys.iter().position(|k| *k == key)?];
        if slot.is_some() || value.is_empty() {
            return None;
        }
        *slot = Some(text(value)?);
    }
    Some(values)
}

/// A value read as text: quoted, or plain words YAML cannot read as null.
fn text(value: &str) -> Option<String> {
    match value.as_bytes().first()? {
        b'"' => whole(double_quoted(value)?),
        b'\'' => whole(single_quoted(value)?),
        _ => plain(value, false).map(str::to_string),
    }
}

/// A quoted scalar that takes the whole value.
fn whole((text, rest): (String, &str)) -> Option<String> {
    rest.is_empty().then_some(text)
}

/// An item of a list: as [`text`], but plain items must also not look like
/// a number, a truth value or null, which a list of ids would refuse.
fn item(value: &str) -> Option<String> {
    match value.as_bytes().first()? {
        b'"' | b'\'' => text(value),
        _ => id_alone(value),
    }
}

/// A plain scalar that YAML reads as text whatever is asked of it.
fn id_alone(value: &str) -> Option<String> {
    let first = value.as_bytes().first()?;
    if first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.') {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) {
        return None;
    }
    plain(value, false).map(str::to_string)
}

/// A plain scalar as YAML reads it in a block (or, `in_flow`, inside
/// brackets), trimmed; `None` where it might be read otherwise.
fn plain(value: &str, in_flow: bool) -> Option<&str> {
    let value = value.trim_matches(' ');
    let first = *value.as_bytes().first()?;
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first)
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || (in_flow && value.contains([',', '[', ']', '{', '}']))
        || matches!(value, "~" | "null" | "Null" | "NULL")
    {
        return None;
    }
    Some(value)
}

/// A double-quoted scalar at the start of `value` with only `\"` and `\\`
/// escapes, and what follows it (trimmed).
fn double_quoted(value: &str) -> Option<(String, &str)> {
    let inner = value.strip_prefix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, inner[i + 1..].trim_matches(' '))),
            '\\' => match chars.next()?.1 {
                c @ ('"' | '\\') => out.push(c),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// A single-quoted scalar at the start of `value` (`''` is a quote), and
/// what follows it (trimmed).
fn single_quoted(value: &str) -> Option<(String, &str)> {
    let inner = value.strip_prefix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    loop {
        let end = rest.find('\'')?;
        out.push_str(&rest[..end]);
        rest = &rest[end + 1..];
        match rest.strip_prefix('\'') {
            Some(after) => {
                out.push('\'');
                rest = after;
            }
            None => return Some((out, rest.trim_matches(' '))),
        }
    }
}

/// A list in brackets on one line: `[a, "b c", d]`.
fn flow(value: &str) -> Option<Vec<String>> {
    let mut rest = value.strip_prefix('[')?.trim_start_matches(' ');
    let mut items = Vec::new();
    if let Some(after) = rest.strip_prefix(']') {
        return after.is_empty().then_some(items);
    }
    loop {
        let (item, after) = match rest.as_bytes().first()? {
            b'"' => double_quoted(rest)?,
            b'\'' => single_quoted(rest)?,
            _ => {
                let end = rest.find([',', ']'])?;
                let word = plain(&rest[..end], true)?;
                (word.to_string(), &rest[end..])
            }
        };
        items.push(item);
        if let Some(after) = after.strip_prefix(',') {
            rest = after.trim_start_matches(' ');
            // `[a, ]` and `[a,,b]` are left to the parser.
            if rest.starts_with([',', ']']) || rest.is_empty() {
                return None;
            }
        } else {
            let after = after.strip_prefix(']')?;
            return after.is_empty().then_some(items);
        }
    }
}

/// A number of minutes: digits, perhaps with a decimal part.
fn number(value: &str) -> Option<f64> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
    let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    // A leading zero may be read as octal.
    if !digits(whole) || !digits(fraction) || (whole.len() > 1 && whole.starts_with('0')) {
        return None;
    }
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(yaml: &str) -> Result<RawFrontMatter, String> {
        serde_yaml_ng::from_str(yaml).map_err(|e| e.to_string())
    }

    /// Every reading this reader makes is the parser's.
    fn agrees(yaml: &str) -> bool {
        match read(yaml) {
            Some(fast) => {
                assert_eq!(Ok(fast), parsed(yaml), "for {yaml:?}");
                true
            }
            None => false,
        }
    }

    fn front_matters() -> Vec<String> {
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new("content") {
            let entry = entry.expect("walk content");
            if entry.path().extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(entry.path()).expect("read page");
                if let Ok(split) = super::super::frontmatter::split(&text) {
                    out.push(split.yaml.to_string());
                }
            }
        }
        assert!(out.len() > 100, "the bundled pages");
        out
    }

    #[test]
    fn reads_the_bundled_pages_as_the_parser_does() {
        let pages = front_matters();
        let read = pages.iter().filter(|y| agrees(y)).count();
        // Pages with frameworks or comments go to the parser.
        assert!(
            read * 10 >= pages.len() * 9,
            "read {read} of {} pages",
            pages.len()
        );
    }

    #[test]
    fn the_usual_shapes() {
        let yaml = "title: \"Ear defenders: a \\\"quiet\\\" start\"\nsummary: It's plain, with a colon:in it\nkind: strategy\nneeds: [autism, 'sensory-processing']\nphases:\n  - primary\n  - secondary\ntags: [\"can't sit still\", ear defenders]\nlinks:\n  - title: nasen\n    url: https://nasen.org.uk/#top\n- title: x\nupdated: 2026-10-31\nduration_minutes: 60\ndraft: false\n";
        // The last link is at another indentation: left to the parser.
        assert!(read(yaml).is_none());
        let yaml = yaml.replace("- title: x\n", "");
        assert!(agrees(&yaml));
        let fm = read(&yaml).unwrap();
        assert_eq!(
            fm.title.as_deref(),
            Some("Ear defenders: a \"quiet\" start")
        );
        assert_eq!(fm.phases.unwrap(), ["primary", "secondary"]);
        assert_eq!(
            fm.links[0].url.as_deref(),
            Some("https://nasen.org.uk/#top")
        );
        assert_eq!(fm.duration_minutes, Some(60.0));
    }

    #[test]
    fn leaves_what_it_is_not_sure_of_to_the_parser() {
        for yaml in [
            "title: A # a comment\n",
            "# a comment\ntitle: A\n",
            "title: A\ntitle: B\n",
            "tittle: A\n",
            "title: ~\n",
            "title: null\n",
            "title:\n",
            "needs: true\n",
            "needs: 12\n",
            "needs: [a, ]\n",
            "needs: [a,,b]\n",
            "needs: [[a]]\n",
            "needs: {a: b}\n",
            "title: \"a\\nb\"\n",
            "title: \"open\n",
            "title: a\n  continued\n",
            "title: a\r\n",
            "title: a\tb\n",
            "title: &x a\nsummary: *x\n",
            "title: |\n  block\n",
            "frameworks:\n  send-code: [a]\n",
            "frameworks: {send-code: [a]}\n",
            "evidence:\n  strength: strong\n  colour: red\n",
            "evidence:\nstrength: strong\n",
            "evidence:\n  sources:\n",
            "evidence:\n  sources:\n é\n",
            "provision:\n  weeks: ten\n",
            "provision:\n  weeks: 4\n   staff: ta\n",
            "duration_minutes: 1e3\n",
            "duration_minutes: 0x10\n",
            "draft: yes\n",
            "links:\n  - title: a\n    colour: red\n",
            "links:\n  - title: a\n      url: b\n",
            "links:\n",
            "---\ntitle: a\n",
            "",
        ] {
            assert!(read(yaml).is_none(), "{yaml:?}");
        }
    }

    /// Characters that mean something to YAML, put anywhere in a real page's
    /// front matter: whatever the reader takes, the parser reads alike.
    #[test]
    fn altered_pages_are_read_as_the_parser_does() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let pages = front_matters();
        let inserts = [
            "#", " #", ":", ": ", "'", "\"", "\\", "-", "- ", "[", "]", ",", "{", "~", "&", "*",
            "!", "|", ">", "%", "@", "`", "\n", "\n  ", "  ", " ", "null", "true", "1", ".", "é",
            "\u{85}", "\t", "\r",
        ];
        let taken = std::cell::Cell::new(0usize);
        let mut runner = TestRunner::new(Config {
            cases: 20_000,
            ..Config::default()
        });
        let strategy = (
            0..pages.len(),
            prop::collection::vec((any::<prop::sample::Index>(), 0..inserts.len()), 1..4),
        );
        runner
            .run(&strategy, |(page, edits)| {
                let mut yaml = pages[page].clone();
                for (at, insert) in edits {
                    let mut i = at.index(yaml.len() + 1);
                    while !yaml.is_char_boundary(i) {
                        i -= 1;
                    }
                    yaml.insert_str(i, inserts[insert]);
                }
                if agrees(&yaml) {
                    taken.set(taken.get() + 1);
                }
                Ok(())
            })
            .expect("the reader agrees with the parser");
        // Most altered pages are still read here, so the comparison means
        // something.
        assert!(taken.get() > 1000, "{} read", taken.get());
    }
}
