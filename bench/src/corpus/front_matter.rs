//! A derived page's front matter, written as YAML.

use super::source::Meta;
use crate::rng::Rng;

/// A YAML string in double quotes.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn id_list(ids: &[String]) -> String {
    format!("[{}]", ids.join(", "))
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

pub fn front_matter(m: &Meta, rng: &mut Rng) -> String {
    let mut y = String::from("---\n");
    let mut line = |s: String| {
        y.push_str(&s);
        y.push('\n');
    };
    line(format!("title: {}", quoted(&m.title)));
    line(format!("summary: {}", quoted(&m.summary)));
    line(format!("kind: {}", m.kind));
    if !m.needs.is_empty() {
        line(format!("needs: {}", id_list(&m.needs)));
    }
    if let Some(tier) = &m.tier {
        line(format!("tier: {tier}"));
    }
    if !m.ingredients.is_empty() {
        line(format!("ingredients: {}", id_list(&m.ingredients)));
    }
    if !m.phases.is_empty() {
        line(format!("phases: {}", id_list(&m.phases)));
    }
    if !m.pfa.is_empty() {
        line(format!("pfa: {}", id_list(&m.pfa)));
    }
    if !m.cycle.is_empty() {
        line(format!("cycle: {}", id_list(&m.cycle)));
    }
    if !m.tags.is_empty() {
        let tags: Vec<String> = m.tags.iter().map(|t| quoted(t)).collect();
        line(format!("tags: [{}]", tags.join(", ")));
    }
    if !m.links.is_empty() {
        line("links:".into());
        for (title, url) in &m.links {
            line(format!("  - title: {}", quoted(title)));
            line(format!("    url: {url}"));
        }
    }
    if let Some((strength, sources)) = &m.evidence {
        line("evidence:".into());
        line(format!("  strength: {strength}"));
        if sources.is_empty() {
            line("  sources: []".into());
        } else {
            line("  sources:".into());
            for (title, url, kind) in sources {
                line(format!("    - title: {}", quoted(title)));
                line(format!("      url: {url}"));
                line(format!("      type: {kind}"));
            }
        }
    }
    if let Some(p) = &m.provision {
        line("provision:".into());
        line(format!(
            "  sessions_per_week: {}",
            number(p.sessions_per_week)
        ));
        line(format!("  session_minutes: {}", number(p.session_minutes)));
        line(format!("  weeks: {}", number(p.weeks)));
        line(format!("  group_size: {}", p.group_size));
        line(format!("  staff: {}", p.staff));
    }
    // Reviewed some time in the year up to 2026-11-23.
    let days = rng.below(365) as i64;
    let updated = jiff::civil::Date::constant(2026, 11, 23)
        .checked_sub(jiff::Span::new().days(days))
        .unwrap_or(jiff::civil::Date::constant(2026, 11, 23));
    line(format!("updated: {updated}"));
    line("---".into());
    y.push('\n');
    y
}
