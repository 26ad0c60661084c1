//! Splitting a page into its YAML front matter and Markdown body, and reading
//! the front matter into typed (not yet validated) fields.

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use crate::problem::Pos;
use crate::suggest::did_you_mean;
use crate::yaml;

use super::locate::Locator;

/// A page's text cut in two. Lines count from 1 in the whole file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The file line of the YAML's first line.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// The file line on which the body starts.
    pub body_line: usize,
}

/// A problem with the page's shape, before any field is read.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    pub pos: Pos,
    pub message: String,
}

/// Cuts `text` at its front matter fences. The opening `---` must be the
/// first line; the closing one is the next line that is exactly `---`.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(SplitError {
            pos: Pos::START,
            message: "a page must start with front matter: a line `---`, the fields (title, summary, kind, ...), then a closing `---`".into(),
        });
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for line in lines {
        if line.trim_end() == "---" {
            let yaml = &text[yaml_start..offset];
            return Ok(Split {
                yaml,
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: 3 + yaml.matches('\n').count(),
            });
        }
        offset += line.len();
    }
    Err(SplitError {
        pos: Pos::START,
        message: "front matter is not closed; did you forget to close it with a line `---` before the page's text?".into(),
    })
}

/// The front matter fields as written. Every field is optional here so that
/// the validator can report every missing one, not only the first.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub needs: Option<Vec<String>>,
    pub tier: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub ingredients: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub phases: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub pfa: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub cycle: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub links: Vec<RawLink>,
    pub evidence: Option<RawEvidence>,
    pub provision: Option<RawProvision>,
    /// A training page's length in minutes, for a session's running order.
    pub duration_minutes: Option<f64>,
    pub updated: Option<String>,
    /// Framework id to the ids of its items the page serves.
    pub frameworks: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// A page still being written: checked, but not served.
    pub draft: Option<bool>,
}

/// The top-level fields a page may have, in the order the contract lists them.
pub const FIELDS: &[&str] = &[
    "title",
    "summary",
    "kind",
    "needs",
    "tier",
    "ingredients",
    "phases",
    "pfa",
    "cycle",
    "tags",
    "links",
    "evidence",
    "provision",
    "duration_minutes",
    "updated",
    "frameworks",
    "draft",
];

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub title: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawEvidence {
    pub strength: Option<String>,
    #[serde(default)]
    pub sources: Vec<RawSource>,
}

/// A cited source: a link plus what kind of publication it is.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub title: Option<String>,
    pub url: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

impl RawSource {
    /// The link half, checked like any other link.
    pub fn link(&self) -> RawLink {
        RawLink {
            title: self.title.clone(),
            url: self.url.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawProvision {
    pub sessions_per_week: Option<f64>,
    pub session_minutes: Option<f64>,
    pub weeks: Option<f64>,
    pub group_size: Option<f64>,
    pub staff: Option<String>,
}

/// A front matter problem with its position in the file (line from 1).
pub type FieldError = yaml::YamlError;

/// Reads the YAML into [`RawFrontMatter`]. Fields the contract does not know
/// are each reported (with a did-you-mean), and the rest is still read so the
/// validator can report everything else in the same pass.
pub fn parse(yaml_text: &str, locator: &Locator) -> (Option<RawFrontMatter>, Vec<FieldError>) {
    // Most pages have the flat shape, read without a parser.
    if let Some(fm) = super::flat::read(yaml_text) {
        return (Some(fm), Vec::new());
    }
    // Depth and aliases are refused before the parser, whose time grows
    // with the square of the nesting.
    if let Err(e) = yaml::check_shape(yaml_text) {
        return (None, vec![locator.file_error(e)]);
    }
    // Nearly every page reads straight into the typed fields, which refuse
    // unknown keys; only a page that fails is read again the slow way below,
    // to report every unknown field and place each error. (Reading every
    // page twice was a sixth of the build.)
    if let Ok(fm) = serde_yaml_ng::from_str::<RawFrontMatter>(yaml_text) {
        return (Some(fm), Vec::new());
    }
    let value: serde_yaml_ng::Value = match serde_yaml_ng::from_str(yaml_text) {
        Ok(v) => v,
        Err(e) => return (None, vec![locator.file_error(yaml::explain(&e))]),
    };
    let mut mapping = match value {
        serde_yaml_ng::Value::Null => return (Some(RawFrontMatter::default()), Vec::new()),
        serde_yaml_ng::Value::Mapping(m) => m,
        _ => {
            return (
                None,
                vec![FieldError {
                    pos: Pos::START,
                    message: "front matter must be `field: value` lines, such as `title: Movement breaks`".into(),
                }],
            );
        }
    };

    let mut errors = Vec::new();
    let unknown: Vec<serde_yaml_ng::Value> = mapping
        .keys()
        .filter(|k| !k.as_str().is_some_and(|k| FIELDS.contains(&k)))
        .cloned()
        .collect();
    for key in &unknown {
        let name = match key.as_str() {
            Some(s) => s.to_string(),
            None => serde_yaml_ng::to_string(key)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        let message = match did_you_mean(&name, FIELDS.iter().copied()) {
            Some(best) => format!("unknown field \"{name}\"; did you mean \"{best}\"?"),
            None => format!(
                "unknown field \"{name}\"; a page's fields are: {}",
                FIELDS.join(", ")
            ),
        };
        errors.push(FieldError {
            pos: locator.key(&name).unwrap_or(Pos::START),
            message,
        });
        mapping.remove(key);
    }

    // With no unknown keys, read the original text so serde's errors carry a
    // position; otherwise read what is left, and place errors by field name.
    let typed = if unknown.is_empty() {
        yaml::from_str::<RawFrontMatter>(yaml_text)
    } else {
        serde_yaml_ng::from_value::<RawFrontMatter>(serde_yaml_ng::Value::Mapping(mapping))
            .map_err(|e| yaml::explain(&e))
    };
    match typed.map_err(|e| locator.file_error(e)) {
        Ok(fm) => (Some(fm), errors),
        Err(mut e) => {
            if let Some(field) = locator.field_at(e.pos.line)
                && !e.message.starts_with(&format!("{field}: "))
            {
                e.message = format!("{field}: {}", e.message);
            }
            errors.push(e);
            (None, errors)
        }
    }
}

/// Accepts either one string or a list of strings, so `needs: autism` and
/// `needs: [autism]` both work.
fn one_or_many<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    struct OneOrMany;

    impl<'de> Visitor<'de> for OneOrMany {
        type Value = Option<Vec<String>>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of ids, such as [autism, adhd]")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(vec![v.to_string()]))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(OneOrMany)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                items.push(item);
            }
            Ok(Some(items))
        }
    }

    deserializer.deserialize_option(OneOrMany)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_from_body() {
        let s = split("---\ntitle: A\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn accepts_crlf_and_a_byte_order_mark() {
        let s = split("\u{feff}---\r\ntitle: A\r\n---\r\nText").unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Text");
    }

    #[test]
    fn unclosed_front_matter_suggests_the_fix() {
        let e = split("---\ntitle: A\n\n# Body\n").unwrap_err();
        assert_eq!(e.pos, Pos::START);
        assert_eq!(
            e.message,
            "front matter is not closed; did you forget to close it with a line `---` before the page's text?"
        );
    }

    #[test]
    fn missing_front_matter_is_explained() {
        let e = split("# Just a heading\n").unwrap_err();
        assert!(e.message.starts_with("a page must start with front matter"));
    }

    #[test]
    fn one_id_or_a_list_are_both_read() {
        let yaml = "needs: autism\nphases: [primary, secondary]\n";
        let (fm, errors) = parse(yaml, &Locator::new(yaml, 2));
        let fm = fm.unwrap();
        assert!(errors.is_empty());
        assert_eq!(fm.needs, Some(vec!["autism".to_string()]));
        assert_eq!(fm.phases.unwrap().len(), 2);
    }

    #[test]
    fn unknown_fields_are_all_reported_with_lines() {
        let yaml = "title: A\ntittle: B\nneeds: [autism]\ncolour: red\n";
        let (fm, errors) = parse(yaml, &Locator::new(yaml, 2));
        assert!(fm.is_some());
        assert_eq!(errors.len(), 2);
        assert_eq!(
            errors[0].message,
            "unknown field \"tittle\"; did you mean \"title\"?"
        );
        assert_eq!(errors[0].pos, Pos::new(3, 1));
        assert!(
            errors[1]
                .message
                .starts_with("unknown field \"colour\"; a page's fields are:")
        );
        assert_eq!(errors[1].pos, Pos::new(5, 1));
    }

    #[test]
    fn a_wrong_type_names_the_field() {
        let yaml = "title: A\nprovision:\n  weeks: ten\n";
        let (fm, errors) = parse(yaml, &Locator::new(yaml, 2));
        assert!(fm.is_none());
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message,
            "provision.weeks: invalid type: string \"ten\", expected a number"
        );
        assert_eq!(errors[0].pos.line, 4);
    }
}
