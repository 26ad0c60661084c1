//! Cutting the outline into sections at a heading level.
//!
//! The default level is the shallowest heading level that occurs more than
//! once: a document's title is usually its only top heading, and the level
//! below it that repeats is the one its authors divided the text by.

use super::outline::Block;

/// One section: its heading, the headings above it, and its blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    /// The headings from the top of the document down to this one.
    pub path: Vec<String>,
    pub blocks: Vec<Block>,
}

/// The level a document is divided at: the shallowest heading level used
/// more than once whose headings hold at least half of their sections' text
/// themselves, rather than through headings below them (a council's guide
/// by area, then by level of need, is split at the levels, where the lists
/// of strategies are; the area headings above hold an introduction at
/// most). Else the shallowest level used more than once; else the
/// shallowest used at all; None for a document without headings.
pub fn default_level(blocks: &[Block]) -> Option<u8> {
    let mut counts = [0usize; 7];
    // For each text block, the level of the heading it sits under (0: none).
    let mut under = Vec::new();
    let mut last = 0u8;
    for b in blocks {
        match b {
            Block::Heading { level, .. } => {
                last = (*level).clamp(1, 6);
                counts[usize::from(last)] += 1;
            }
            _ => under.push(last),
        }
    }
    let repeated: Vec<u8> = (1..=6u8).filter(|l| counts[usize::from(*l)] > 1).collect();
    let holds_its_text = |level: u8| {
        let direct = under.iter().filter(|&&l| l == level).count();
        let within = under.iter().filter(|&&l| l >= level).count();
        direct > 0 && direct * 2 >= within
    };
    repeated
        .iter()
        .copied()
        .find(|&l| holds_its_text(l))
        .or_else(|| repeated.first().copied())
        .or_else(|| (1..=6u8).find(|l| counts[usize::from(*l)] > 0))
}

/// Each heading at `level` or above starts a section that runs to the next
/// such heading. A section with nothing under it (a heading only grouping
/// others, such as an area's name above its levels) is dropped, though its
/// heading stays in the path of the sections below it.
pub fn split(blocks: &[Block], level: u8) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut path: Vec<(u8, String)> = Vec::new();
    let mut current: Option<Section> = None;
    for block in blocks {
        match block {
            Block::Heading { level: l, text } if *l <= level => {
                sections.extend(current.take());
                path.retain(|(pl, _)| pl < l);
                path.push((*l, text.clone()));
                current = Some(Section {
                    title: text.clone(),
                    path: path.iter().map(|(_, t)| t.clone()).collect(),
                    blocks: Vec::new(),
                });
            }
            other => match &mut current {
                Some(s) => s.blocks.push(other.clone()),
                None => {
                    // Text before any heading: its own section.
                    current = Some(Section {
                        title: "Introduction".into(),
                        path: vec!["Introduction".into()],
                        blocks: vec![other.clone()],
                    });
                }
            },
        }
    }
    sections.extend(current);
    sections.retain(|s| !s.blocks.is_empty());
    // A heading used for several sections ("SEN support" under each area)
    // is named with the heading above it, so each page's title says which.
    let titles: Vec<String> = sections.iter().map(|s| s.title.clone()).collect();
    for s in &mut sections {
        if titles.iter().filter(|t| **t == s.title).count() > 1 && s.path.len() > 1 {
            s.title = format!("{}: {}", s.path[s.path.len() - 2], s.title);
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::outline::Inline;

    fn h(level: u8, text: &str) -> Block {
        Block::Heading {
            level,
            text: text.into(),
        }
    }
    fn p(text: &str) -> Block {
        Block::Paragraph(vec![Inline::Text {
            text: text.into(),
            bold: false,
            italic: false,
        }])
    }

    #[test]
    fn default_level_is_the_shallowest_that_repeats_and_holds_its_text() {
        assert_eq!(
            default_level(&[h(1, "T"), h(2, "A"), p("a"), h(3, "x"), h(2, "B"), p("b")]),
            Some(2)
        );
        // Areas with a line of introduction, each divided by level: the
        // levels hold the text, so the document is split at them.
        assert_eq!(
            default_level(&[
                h(1, "T"),
                h(2, "Area A"),
                p("intro"),
                h(3, "Universal"),
                p("a"),
                p("b"),
                h(3, "Targeted"),
                p("c"),
                h(2, "Area B"),
                h(3, "Universal"),
                p("d"),
            ]),
            Some(3)
        );
        assert_eq!(default_level(&[h(1, "T"), h(3, "x")]), Some(1));
        assert_eq!(default_level(&[p("x")]), None);
    }

    #[test]
    fn grouping_headings_stay_in_the_path_only() {
        let s = split(
            &[
                h(1, "Doc"),
                h(2, "Area"),
                h(3, "Universal"),
                p("a"),
                h(4, "More"),
                p("b"),
                h(3, "Targeted"),
                p("c"),
            ],
            3,
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].path, ["Doc", "Area", "Universal"]);
        assert_eq!(s[0].blocks.len(), 3);
        assert_eq!(s[1].title, "Targeted");
    }
}
