//! Frameworks: sets of principles or standards (`frameworks/*.yaml` in the
//! content folder), each with ids and labels, that pages may be tagged to and
//! a school's strategy groups its spending by.
//!
//! The seven key ingredients are the first; their ids are the taxonomy's
//! ingredient ids, so a page's `ingredients:` tags it to that framework too.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::problem::Pos;
use crate::taxonomy::{is_id, unknown_message};

/// The framework whose items are the taxonomy's key ingredients.
pub const KEY_INGREDIENTS: &str = "key-ingredients";

/// One framework as written in its file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub label: String,
    /// Where the framework's wording comes from (a title, or an address).
    #[serde(default)]
    pub source: Option<String>,
    pub items: Vec<Item>,
}

/// One principle or standard of a framework.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
}

/// A page's tags: framework id to the ids of its items.
pub type Tags = BTreeMap<String, Vec<String>>;

impl Framework {
    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Checks the framework read from `text`: ids well formed, no item id
    /// twice, and for the key ingredients only the taxonomy's ingredient ids.
    /// Each fault comes with where it is written in `text`.
    pub fn validate(&self, text: &str, ingredients: &[&str]) -> Vec<(Pos, String)> {
        let written = id_positions(text);
        // The nth time `id: X` is written, or the first when it is not found.
        let at = |id: &str, nth: usize| {
            written
                .iter()
                .filter(|(w, _)| w == id)
                .nth(nth)
                .or_else(|| written.iter().find(|(w, _)| w == id))
                .map_or(Pos::START, |(_, pos)| *pos)
        };
        let mut faults = Vec::new();
        if !is_id(&self.id) {
            faults.push((
                at(&self.id, 0),
                format!(
                    "framework id \"{}\" is not valid; use lowercase letters, digits and single hyphens",
                    self.id
                ),
            ));
        }
        if self.items.is_empty() {
            faults.push((
                find_key(text, "items").unwrap_or(Pos::START),
                "`items` is empty; list at least one item with an id and a label".to_string(),
            ));
        }
        let mut seen: HashSet<&str> = HashSet::new();
        // The framework's own id may equal an item's; count item ids after it.
        let skip_own = |id: &str| usize::from(id == self.id);
        for item in &self.items {
            let nth_seen = seen.contains(item.id.as_str());
            if !is_id(&item.id) {
                faults.push((
                    at(&item.id, skip_own(&item.id)),
                    format!(
                        "item id \"{}\" is not valid; use lowercase letters, digits and single hyphens",
                        item.id
                    ),
                ));
            } else if nth_seen {
                faults.push((
                    at(&item.id, skip_own(&item.id) + 1),
                    format!("item id \"{}\" appears twice", item.id),
                ));
            } else if self.id == KEY_INGREDIENTS && !ingredients.contains(&item.id.as_str()) {
                faults.push((
                    at(&item.id, skip_own(&item.id)),
                    unknown_message("key ingredient", &item.id, ingredients),
                ));
            }
            seen.insert(&item.id);
        }
        faults
    }
}

/// Every `id:` written in a YAML text (as `id: x` or `- id: x`), in order,
/// with the position of its value.
fn id_positions(text: &str) -> Vec<(String, Pos)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let rest = line.trim_start();
        let rest = rest.strip_prefix('-').map_or(rest, str::trim_start);
        let Some(value) = rest.strip_prefix("id:") else {
            continue;
        };
        let value = value.trim_start();
        let col = line.len() - value.len();
        let id = value
            .split('#')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches(['"', '\'']);
        out.push((
            id.to_string(),
            Pos::new(i + 1, line[..col].chars().count() + 1),
        ));
    }
    out
}

fn find_key(text: &str, key: &str) -> Option<Pos> {
    text.lines()
        .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
        .map(|i| Pos::new(i + 1, 1))
}

/// The items of `framework` a page is tagged to: its `frameworks:` tags, and
/// for the key ingredients also its `ingredients:`.
pub fn page_items<'a>(framework: &str, ingredients: &'a [String], tags: &'a Tags) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let from_ingredients = if framework == KEY_INGREDIENTS {
        ingredients
    } else {
        &[]
    };
    for id in from_ingredients
        .iter()
        .chain(tags.get(framework).into_iter().flatten())
    {
        if !out.contains(&id.as_str()) {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const INGREDIENTS: &[&str] = &["personalisation", "progress-tracking"];

    fn faults(yaml: &str) -> Vec<(Pos, String)> {
        let f: Framework = serde_yaml_ng::from_str(yaml).unwrap();
        f.validate(yaml, INGREDIENTS)
    }

    #[test]
    fn a_duplicate_item_points_at_its_second_line_and_column() {
        let yaml = "id: values\nlabel: Values\nitems:\n  - id: a\n    label: A\n  - id: a\n    label: Again\n";
        assert_eq!(
            faults(yaml),
            vec![(Pos::new(6, 9), "item id \"a\" appears twice".to_string())]
        );
    }

    #[test]
    fn key_ingredients_take_only_the_taxonomy_ids() {
        let yaml = "id: key-ingredients\nlabel: K\nitems:\n  - id: personalisation\n    label: P\n  - id: progress-trackin\n    label: T\n";
        let found = faults(yaml);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Pos::new(6, 9));
        assert!(
            found[0].1.contains("did you mean \"progress-tracking\""),
            "{found:?}"
        );
    }

    #[test]
    fn bad_ids_and_empty_items_are_faults() {
        let yaml = "id: Bad\nlabel: B\nitems: []\n";
        let found = faults(yaml);
        assert_eq!(found[0].0, Pos::new(1, 5));
        assert_eq!(found[1].0, Pos::new(3, 1));
    }

    #[test]
    fn a_page_serves_the_key_ingredients_by_its_ingredients_and_tags() {
        let ingredients = vec!["personalisation".to_string()];
        let mut tags = Tags::new();
        tags.insert(
            KEY_INGREDIENTS.into(),
            vec!["progress-tracking".into(), "personalisation".into()],
        );
        tags.insert("other".into(), vec!["x".into()]);
        assert_eq!(
            page_items(KEY_INGREDIENTS, &ingredients, &tags),
            ["personalisation", "progress-tracking"]
        );
        assert_eq!(page_items("other", &ingredients, &tags), ["x"]);
        assert!(page_items("none", &ingredients, &tags).is_empty());
    }
}
