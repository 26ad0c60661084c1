//! A session as slides, one idea a slide, shared by the presenter view and
//! the PowerPoint export so both show the same deck. Text is measured in
//! estimated lines so that a slide's content fits a 16:9 box at the type
//! sizes the stylesheet gives (a long strategy is split, never cut).

use jiff::civil::Date;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{FACILITATOR_NOTES, MEASURES, Plan, clock};
use crate::content::Page;

/// The section of a strategy that says what a teacher sees.
pub const SIGNS: &str = "what-you-might-see";

/// Body lines a slide holds below a heading of up to two lines.
const BODY_LINES: usize = 9;
/// Characters a body line holds, allowing for a bullet's indent.
const LINE_CHARS: usize = 58;
/// Characters a heading line holds.
const HEADING_CHARS: usize = 40;

/// What part a slide plays in the deck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlideKind {
    Title,
    Agenda,
    /// The start of a key ingredient's part.
    Section,
    Content,
    Closing,
}

impl SlideKind {
    /// The class the presenter view gives the slide.
    pub fn class(self) -> &'static str {
        match self {
            SlideKind::Title => "slide-title",
            SlideKind::Agenda => "slide-agenda",
            SlideKind::Section => "slide-section",
            SlideKind::Content => "slide-content",
            SlideKind::Closing => "slide-closing",
        }
    }
}

/// One slide: plain text only, so every format shows the same words.
#[derive(Debug, Clone, PartialEq)]
pub struct Slide {
    pub kind: SlideKind,
    /// A short line above the heading: the ingredient or the page.
    pub kicker: String,
    pub heading: String,
    /// One paragraph under the heading.
    pub lead: String,
    pub points: Vec<String>,
    /// The number of the first point when the points are numbered steps.
    pub first_step: Option<u32>,
    /// What the presenter reads and the room does not see.
    pub notes: Vec<String>,
}

impl Slide {
    fn new(kind: SlideKind, kicker: &str, heading: &str) -> Slide {
        Slide {
            kind,
            kicker: kicker.to_string(),
            heading: heading.to_string(),
            lead: String::new(),
            points: Vec::new(),
            first_step: None,
            notes: Vec::new(),
        }
    }

    /// Every word on the slide (not its notes), for checks.
    pub fn text(&self) -> String {
        let mut all = vec![self.kicker.clone(), self.heading.clone(), self.lead.clone()];
        all.extend(self.points.iter().cloned());
        all.join("\n")
    }

    /// Estimated body lines the slide's lead and points take.
    pub fn body_lines(&self) -> usize {
        let lead = if self.lead.is_empty() {
            0
        } else {
            lines(&self.lead)
        };
        lead + self.points.iter().map(|p| lines(p)).sum::<usize>()
    }

    /// Body lines there is room for under this slide's heading.
    pub fn room(&self) -> usize {
        room_under(&self.heading)
    }
}

fn lines(text: &str) -> usize {
    text.chars().count().div_ceil(LINE_CHARS).max(1)
}

fn room_under(heading: &str) -> usize {
    let heading_lines = heading.chars().count().div_ceil(HEADING_CHARS).max(1);
    // A heading line is about one and a half body lines.
    BODY_LINES.saturating_sub((heading_lines.saturating_sub(2) * 3).div_ceil(2))
}

/// The blocks of a piece of Markdown as plain text: each paragraph and each
/// top-level list item (with what is nested in it) one entry. A heading
/// inside the section ("Primary") leads the block after it ("Primary: ..."),
/// so it never ends a slide apart from its text (seen in LibreOffice).
pub fn blocks(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    let mut in_heading = false;
    let mut label: Option<String> = None;
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TASKLISTS) {
        match event {
            Event::Start(Tag::List(_)) => {
                depth += 1;
                if let Some(c) = current.as_mut() {
                    c.push(' ');
                }
            }
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) if depth == 1 => current = Some(String::new()),
            Event::End(TagEnd::Item) if depth == 1 => {
                out.extend(labelled(&mut label, current.take()))
            }
            Event::Start(Tag::Heading { .. }) if depth == 0 => {
                in_heading = true;
                current = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) if depth == 0 => {
                in_heading = false;
                // A heading after a heading: the first stands alone.
                out.extend(label.take());
                label = current.take().filter(|l| !l.trim().is_empty());
            }
            Event::Start(Tag::Paragraph) if depth == 0 && !in_heading => {
                current = Some(String::new());
            }
            Event::End(TagEnd::Paragraph) if depth == 0 => {
                out.extend(labelled(&mut label, current.take()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = current.as_mut() {
                    c.push(' ');
                }
            }
            // A task list's box as the page shows it.
            Event::TaskListMarker(done) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(if done { "\u{2611} " } else { "\u{2610} " });
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                // A nested paragraph ends: keep the words apart.
                if let Some(c) = current.as_mut() {
                    c.push(' ');
                }
            }
            _ => {}
        }
    }
    out.extend(label);
    out.into_iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

/// A block led by the heading before it, if one is waiting.
fn labelled(label: &mut Option<String>, block: Option<String>) -> Option<String> {
    let block = block?;
    Some(match label.take() {
        Some(l) => format!("{}: {}", l.trim().trim_end_matches(':'), block.trim()),
        None => block,
    })
}

/// Cuts one text that is too long for a slide at sentence ends (or, for a
/// sentence that is itself too long, between words) into pieces that fit.
fn pieces(text: &str, room: usize) -> Vec<String> {
    // Room for "(continued) " before a piece carried to the next slide.
    let max = (room * LINE_CHARS).saturating_sub(12).max(LINE_CHARS);
    if text.chars().count() <= max {
        return vec![text.to_string()];
    }
    let mut words_out: Vec<String> = Vec::new();
    let mut piece = String::new();
    for word in text.split_inclusive(' ') {
        if piece.chars().count() + word.chars().count() > max
            && !piece.is_empty()
            && (piece.trim_end().ends_with(['.', '?', '!', ';', ':'])
                || piece.chars().count() + word.chars().count() > max)
        {
            words_out.push(piece.trim().to_string());
            piece.clear();
        }
        piece.push_str(word);
    }
    if !piece.trim().is_empty() {
        words_out.push(piece.trim().to_string());
    }
    words_out
}

/// Points spread over as many slides as they need, each slide a copy of
/// `template` with "(part n of m)" added to its heading when there are more.
fn spread(template: Slide, points: Vec<String>, numbered: bool) -> Vec<Slide> {
    let room = room_under(&format!("{} (part 10 of 10)", template.heading));
    let mut slides: Vec<Slide> = Vec::new();
    let mut slide = template.clone();
    let mut used = 0;
    let mut step = 1u32;
    for (n, point) in points.into_iter().enumerate() {
        for (i, piece) in pieces(&point, room).into_iter().enumerate() {
            let needs = lines(&piece);
            if used + needs > room && !slide.points.is_empty() {
                slides.push(std::mem::replace(&mut slide, template.clone()));
                used = 0;
            }
            if numbered && slide.first_step.is_none() {
                slide.first_step = Some(step);
            }
            // A step carried on to the next slide is marked as continued.
            let text = if i > 0 && slide.points.is_empty() {
                format!("(continued) {piece}")
            } else {
                piece
            };
            used += lines(&text);
            if i > 0 && !slide.points.is_empty() && numbered {
                // The rest of a step on the same slide stays in its item.
                let last = slide.points.last_mut().expect("a point");
                last.push(' ');
                last.push_str(&text);
            } else {
                slide.points.push(text);
            }
        }
        step = n as u32 + 2;
    }
    if !slide.points.is_empty() || slides.is_empty() {
        slides.push(slide);
    }
    let count = slides.len();
    if count > 1 {
        for (i, s) in slides.iter_mut().enumerate() {
            s.heading = format!("{} (part {} of {count})", s.heading, i + 1);
        }
    }
    slides
}

/// The session's name: the key ingredients it covers.
pub fn session_name(plan: &Plan) -> String {
    let labels: Vec<String> = plan.by_ingredient().into_iter().map(|g| g.label).collect();
    match labels.len() {
        0 => "Staff session".to_string(),
        1..=3 => format!("Staff session: {}", labels.join("; ")),
        n => format!("Staff session: {} key ingredients", n),
    }
}

/// The slides of one page of the session.
fn page_slides(page: &Page, group: &str, address: &str) -> Vec<Slide> {
    let mut out = Vec::new();
    let mut intro = Slide::new(SlideKind::Content, group, &page.meta.title);
    intro.notes.push(format!("The page: {address}"));
    let mut intro = if lines(&page.meta.summary) <= intro.room() {
        intro.lead = page.meta.summary.clone();
        vec![intro]
    } else {
        let room = room_under(&format!("{} (part 10 of 10)", page.meta.title));
        spread(intro, pieces(&page.meta.summary, room), false)
    };
    let steps: Vec<String> = page.steps().iter().flat_map(|s| blocks(s)).collect();
    let signs = page.section(SIGNS).map(|s| blocks(&s)).unwrap_or_default();
    let measures = page
        .section(MEASURES)
        .map(|s| blocks(&s))
        .unwrap_or_default();
    if steps.is_empty() && signs.is_empty() {
        // A guidance or training page: what it covers, by its own headings.
        let covers: Vec<String> = page
            .headings
            .iter()
            .filter(|h| h.level == 2 && h.id != FACILITATOR_NOTES)
            .map(|h| h.text.clone())
            .collect();
        out.append(&mut intro);
        if !covers.is_empty() {
            let template = Slide::new(
                SlideKind::Content,
                &page.meta.title,
                "What this page covers",
            );
            out.extend(spread(template, covers, false));
        }
        return out;
    }
    out.append(&mut intro);
    let sections = [
        ("What you might see", signs, false),
        ("What you can do", steps, true),
        ("How you will know it is working", measures, false),
    ];
    for (heading, points, numbered) in sections {
        if !points.is_empty() {
            let template = Slide::new(SlideKind::Content, &page.meta.title, heading);
            out.extend(spread(template, points, numbered));
        }
    }
    out
}

/// The whole deck: a title slide, the agenda, for each key ingredient a
/// section slide (its facilitator notes as speaker notes) then its pages,
/// and a close with actions and the pages to go back to.
pub fn deck(plan: &Plan, base: &str, date: Date) -> Vec<Slide> {
    let config = &plan.site.config;
    let mut slides = Vec::new();
    let name = session_name(plan);
    let mut title = Slide::new(SlideKind::Title, &config.name, &name);
    title.lead = format!("{}, {}", config.authority, date.strftime("%-d %B %Y"));
    title.notes.push(format!(
        "This session takes about {} minutes. The agenda comes next.",
        plan.session_minutes()
    ));
    slides.push(title);

    let agenda: Vec<String> = plan
        .running_order()
        .into_iter()
        .map(|s| {
            let what = match &s.ingredient {
                Some(i) => format!("{i}: {}", s.title),
                None => s.title,
            };
            format!("{} {what} ({} min)", clock(s.start_minute), s.minutes)
        })
        .collect();
    slides.extend(spread(
        Slide::new(SlideKind::Agenda, &name, "Agenda"),
        agenda,
        false,
    ));

    for group in plan.by_ingredient() {
        let mut section = Slide::new(SlideKind::Section, "Key ingredient", &group.label);
        let description = plan
            .site
            .taxonomy
            .ingredients
            .iter()
            .find(|i| i.id == group.id)
            .map(|i| i.description.clone())
            .unwrap_or_default();
        section.lead = description;
        if let Some(notes) = group.training.and_then(|t| t.section(FACILITATOR_NOTES)) {
            section.notes = blocks(&notes);
        }
        slides.push(section);
        for page in &group.pages {
            slides.extend(page_slides(
                page,
                &group.label,
                &format!("{base}{}", page.url),
            ));
        }
    }

    let mut close = Slide::new(SlideKind::Closing, &name, "Next steps");
    close.lead =
        "Agree one change each of us will make, and when we will look at it again together.".into();
    close.points = vec![
        "Choose one strategy to try this week.".into(),
        "Say who you will tell, and how you will know it helped.".into(),
        "Set a date to share what happened.".into(),
    ];
    slides.push(close);
    let links: Vec<String> = plan
        .pages
        .iter()
        .map(|p| format!("{}: {base}{}", p.meta.title, p.url))
        .collect();
    if !links.is_empty() {
        slides.extend(spread(
            Slide::new(SlideKind::Closing, &name, "Pages to go back to"),
            links,
            false,
        ));
    }
    slides
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_list_boxes_are_characters() {
        assert_eq!(
            blocks("- [ ] Ask\n- [x] Done\n"),
            ["\u{2610} Ask", "\u{2611} Done"]
        );
    }

    #[test]
    fn a_heading_inside_a_section_leads_the_block_after_it() {
        assert_eq!(
            blocks(
                "### Early years\n\nTantrums.\n\n### Primary\n\n- Calls out.\n- Loses things.\n\n### Alone\n"
            ),
            [
                "Early years: Tantrums.",
                "Primary: Calls out.",
                "Loses things.",
                "Alone"
            ]
        );
    }

    #[test]
    fn blocks_are_paragraphs_and_top_level_items_as_plain_text() {
        let md = "Intro **bold** text.\n\n1. First *step*\n   - nested\n2. Second\n\nAfter.";
        assert_eq!(
            blocks(md),
            ["Intro bold text.", "First step nested", "Second", "After."]
        );
    }

    #[test]
    fn long_points_are_spread_over_slides_that_fit() {
        let long = "A sentence that goes on for a while. ".repeat(20);
        let points: Vec<String> = (0..8).map(|i| format!("Step {i}. {long}")).collect();
        let template = Slide::new(SlideKind::Content, "Page", "What you can do");
        let slides = spread(template, points, true);
        assert!(slides.len() > 3, "{}", slides.len());
        for (i, s) in slides.iter().enumerate() {
            assert!(
                s.body_lines() <= s.room(),
                "slide {i} holds {} lines",
                s.body_lines()
            );
            assert!(
                s.heading
                    .ends_with(&format!("(part {} of {})", i + 1, slides.len()))
            );
        }
        let all: String = slides
            .iter()
            .map(|s| s.points.join(" "))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(all.contains("Step 7."), "nothing is cut");
        assert_eq!(slides[0].first_step, Some(1));
    }

    #[test]
    fn short_points_stay_on_one_slide_without_parts() {
        let template = Slide::new(SlideKind::Content, "Page", "How you will know");
        let slides = spread(template, vec!["One.".into(), "Two.".into()], false);
        assert_eq!(slides.len(), 1);
        assert_eq!(slides[0].heading, "How you will know");
    }
}
