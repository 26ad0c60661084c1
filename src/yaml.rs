//! Reading YAML into typed structs, with errors turned into a position and a
//! message a content editor can act on.

use serde::de::DeserializeOwned;

use crate::problem::Pos;
use crate::suggest::did_you_mean;

/// A YAML error: where in the YAML text (line and column from 1) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Deserialises `text` into `T`, explaining any failure in editors' terms.
/// The text's shape is checked first ([`check_shape`]).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_shape(text)?;
    serde_yaml_ng::from_str(text).map_err(|e| explain(&e))
}

/// The deepest nesting of lists and maps accepted. Front matter and settings
/// need four or five levels; the YAML parser's time grows with the square of
/// the depth, so 80,000 nested brackets used to cost half a minute.
pub const MAX_DEPTH: usize = 32;

/// Refuses, before any YAML parser sees it, a text nested deeper than
/// [`MAX_DEPTH`] (flow brackets `[`/`{` and block indentation together) or
/// using an alias (`*name`), which could repeat a value many times over
/// ("billion laughs"). One pass over the text: a refusal costs microseconds
/// per kilobyte, however the text is built.
///
/// This is a scanner, not a parser: it skips quoted text, comments and block
/// scalars (`|`, `>`) so that brackets and quotes in prose are not counted,
/// and it may count a level or two more than the parser would, which the
/// bound leaves room for. Where it cannot be sure (a quote over several
/// lines), it counts rather than skips, so nesting can never hide from it.
pub fn check_shape(text: &str) -> Result<(), YamlError> {
    #[derive(PartialEq)]
    enum Quote {
        None,
        Single,
        Double,
    }
    let mut flow = 0usize;
    // Indentations of the open block levels, innermost last.
    let mut indents: Vec<usize> = Vec::new();
    // Inside a block scalar: lines indented past this are its text.
    let mut scalar_parent: Option<usize> = None;
    for (number, line) in text.split('\n').enumerate() {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = bytes[indent..].iter().all(u8::is_ascii_whitespace);
        if let Some(parent) = scalar_parent {
            if blank || indent > parent {
                continue;
            }
            scalar_parent = None;
        }
        // A quoted value the scanner thinks is still open never hides the
        // next line: were it wrong about the quote (a `'` starting a plain
        // value's second line, say), nesting there would go uncounted.
        let mut quote = Quote::None;
        let mut at = 0;
        let mut block = indents.len();
        if flow == 0 {
            if blank || bytes[indent] == b'#' {
                continue;
            }
            if indent == 0 && (line.starts_with("---") || line.starts_with("...")) {
                indents.clear();
                continue;
            }
            while indents.last().is_some_and(|&top| top > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
            // `- - x` opens a list inside a list on one line.
            at = indent;
            let mut dashes = 0;
            while bytes.get(at) == Some(&b'-')
                && bytes.get(at + 1).is_none_or(|b| b.is_ascii_whitespace())
            {
                dashes += 1;
                at += 1;
                while bytes.get(at).is_some_and(|b| *b == b' ' || *b == b'\t') {
                    at += 1;
                }
            }
            block = indents.len() + dashes;
            if block > MAX_DEPTH {
                return Err(too_deep(line, number, at, block));
            }
        }
        // The last character that was not a space, and whether a space
        // followed it: a quote, bracket or alias only means one at the start
        // of a value, which is what YAML requires too (`a-'b` is plain text).
        let mut previous: Option<u8> = None;
        let mut spaced = false;
        while at < bytes.len() {
            let b = bytes[at];
            match quote {
                Quote::Single => {
                    if b == b'\'' {
                        if bytes.get(at + 1) == Some(&b'\'') {
                            at += 1;
                        } else {
                            quote = Quote::None;
                        }
                    }
                    at += 1;
                    (previous, spaced) = (Some(b), false);
                    continue;
                }
                Quote::Double => {
                    if b == b'\\' {
                        at += 1;
                    } else if b == b'"' {
                        quote = Quote::None;
                    }
                    at += 1;
                    (previous, spaced) = (Some(b), false);
                    continue;
                }
                Quote::None => {}
            }
            let value_start = match previous {
                None => true,
                Some(b':' | b'-' | b'?') => spaced,
                Some(b'[' | b'{' | b',') => flow > 0,
                Some(_) => false,
            };
            match b {
                b'#' if at == 0 || bytes[at - 1].is_ascii_whitespace() => break,
                b'\'' if value_start => quote = Quote::Single,
                b'"' if value_start => quote = Quote::Double,
                b'[' | b'{' if flow > 0 || value_start => {
                    flow += 1;
                    if block + flow > MAX_DEPTH {
                        return Err(too_deep(line, number, at, block + flow));
                    }
                }
                b']' | b'}' if flow > 0 => flow -= 1,
                // An anchor or tag comes before its value, which still starts
                // after it.
                b'&' | b'!' if value_start => {
                    while bytes.get(at).is_some_and(|n| !n.is_ascii_whitespace()) {
                        at += 1;
                    }
                    continue;
                }
                b'*' if value_start
                    && bytes
                        .get(at + 1)
                        .is_some_and(|n| !n.is_ascii_whitespace() && *n != b'*') =>
                {
                    return Err(YamlError {
                        pos: Pos::new(number + 1, line[..at].chars().count() + 1),
                        message: "YAML aliases (`*name`) are not allowed; write the value out in full (a value that starts with `*` needs quotes)".into(),
                    });
                }
                b'|' | b'>' if flow == 0 && value_start => {
                    let rest = line[at + 1..].split(" #").next().unwrap_or("").trim();
                    if rest.bytes().all(|r| matches!(r, b'+' | b'-' | b'0'..=b'9')) {
                        scalar_parent = Some(indent);
                        break;
                    }
                }
                _ => {}
            }
            if b.is_ascii_whitespace() {
                spaced = true;
            } else {
                (previous, spaced) = (Some(b), false);
            }
            at += 1;
        }
    }
    Ok(())
}

fn too_deep(line: &str, number: usize, at: usize, depth: usize) -> YamlError {
    YamlError {
        pos: Pos::new(number + 1, line[..at].chars().count() + 1),
        message: format!(
            "lists and maps are nested {depth} levels deep here, deeper than the {MAX_DEPTH} allowed; a page's fields need only a few levels"
        ),
    }
}

/// Turns a serde_yaml_ng error into a position and a plain message.
pub fn explain(error: &serde_yaml_ng::Error) -> YamlError {
    let pos = error
        .location()
        .map_or(Pos::START, |l| Pos::new(l.line(), l.column()));
    YamlError {
        pos,
        message: plain_message(&error.to_string()),
    }
}

/// Drops the position serde_yaml_ng appends (we report it separately) and
/// rewrites serde's phrasing of the common mistakes.
fn plain_message(raw: &str) -> String {
    let message = match raw.find(" at line ") {
        Some(i) => &raw[..i],
        None => raw,
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return match did_you_mean(field, known.iter().copied()) {
            Some(best) => format!("unknown field \"{field}\"; did you mean \"{best}\"?"),
            None if !known.is_empty() => format!(
                "unknown field \"{field}\"; expected one of: {}",
                known.join(", ")
            ),
            None => format!("unknown field \"{field}\""),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        return format!("missing required field \"{field}\"");
    }
    message.replace("expected f64", "expected a number")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        tags: Option<Vec<String>>,
    }

    #[test]
    fn deep_nesting_is_refused_at_its_line_before_parsing() {
        let deep = format!(
            "title: x\ntags: {}a{}\n",
            "[".repeat(80_000),
            "]".repeat(80_000)
        );
        let err = check_shape(&deep).unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 6 + MAX_DEPTH), "{err:?}");
        assert!(err.message.contains("nested"), "{}", err.message);
        let err = from_str::<Sample>(&deep).unwrap_err();
        assert_eq!(err.pos.line, 2);

        let mut blocks = String::from("title: x\ntags:\n");
        for depth in 0..40 {
            blocks.push_str(&" ".repeat(depth * 2));
            blocks.push_str("- \n");
        }
        assert!(check_shape(&blocks).is_err());
        assert!(check_shape(&format!("{}x\n", "- ".repeat(40))).is_err());
        let flow_over_lines = format!("tags:\n{}", "  [\n".repeat(40));
        assert_eq!(
            check_shape(&flow_over_lines).unwrap_err().pos.line,
            2 + MAX_DEPTH - 2
        );
    }

    #[test]
    fn brackets_and_quotes_in_prose_are_not_nesting() {
        let prose = format!(
            "title: \"{}\"\nsummary: 'it''s {} fine'\nnote: see [1] and {{x}}\nbody: |\n  {}\n  don't\n# {}\ntags: [a, [b, {{c: d}}]]\n",
            "[".repeat(100),
            "{".repeat(100),
            "[".repeat(100),
            "[".repeat(100),
        );
        check_shape(&prose).unwrap();
        check_shape("title: Don't stop\nsummary: a 'b' [c\ntags: [x]\n").unwrap();
        check_shape("summary: \"one\n  don't [stop\"\ntitle: x\n").unwrap();
    }

    #[test]
    fn a_quote_the_parser_would_not_see_cannot_hide_nesting() {
        let deep = "[".repeat(100);
        assert!(check_shape(&format!("tags: &a !!seq {deep}")).is_err());
        for hiding in [
            "title: a-'b",
            "title:'b",
            "summary: it is\n  'tis",
            "a: \"b",
        ] {
            let text = format!("{hiding}\ntags: {deep}\n");
            assert!(check_shape(&text).is_err(), "{text}");
        }
    }

    #[test]
    fn aliases_are_refused() {
        let laughs = "a: &a [x, x]\nb: &b [*a, *a]\n";
        let err = check_shape(laughs).unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 8));
        check_shape("title: \"*starred*\"\nsummary: 2 * 3\n").unwrap();
    }

    #[test]
    fn unknown_field_gets_a_suggestion_and_its_line() {
        let err = from_str::<Sample>("title: x\ntagz: [a]\n").unwrap_err();
        assert_eq!(
            err.message,
            "unknown field \"tagz\"; did you mean \"tags\"?"
        );
        assert_eq!(err.pos.line, 2);
    }

    #[test]
    fn missing_field_is_named() {
        let err = from_str::<Sample>("tags: [a]\n").unwrap_err();
        assert_eq!(err.message, "missing required field \"title\"");
    }

    #[test]
    fn syntax_error_has_a_position_without_repeating_it() {
        let err = from_str::<Sample>("title: x\n  - broken: [\n").unwrap_err();
        assert!(!err.message.contains(" at line "), "{}", err.message);
        assert!(err.pos.line >= 2, "{:?}", err.pos);
    }
}
