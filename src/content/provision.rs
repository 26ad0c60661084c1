//! What a page's `provision` block tells a reader about delivering it:
//! the numbers as written, who delivers it (by the staff role's label), and
//! the staff time a week it costs. Views only put these into words.

use crate::taxonomy::Taxonomy;

use super::page::Provision;

/// A provision block's facts, in the order a page shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvisionFacts {
    pub sessions_per_week: f64,
    pub session_minutes: f64,
    pub weeks: f64,
    pub group_size: u32,
    /// The staff role's label, or its id when the taxonomy has no such role.
    pub delivered_by: String,
    /// Staff hours a week for one group, to the nearest hundredth.
    pub staff_hours_per_week: f64,
}

impl ProvisionFacts {
    /// Whether the intervention is given to one pupil at a time.
    pub fn is_individual(&self) -> bool {
        self.group_size == 1
    }

    /// How often sessions happen, in words: "3 a week", "once a week",
    /// "once every 4 weeks", "3 every 2 weeks". A fraction such as 0.25 a
    /// week reads as a whole number of sessions over a whole number of weeks
    /// (up to 12); anything else keeps its number, "1.37 a week".
    pub fn frequency(&self) -> String {
        let per_week = self.sessions_per_week;
        let whole = (1..=MAX_WEEKS_IN_WORDS).find_map(|weeks| {
            let sessions = per_week * f64::from(weeks);
            let rounded = sessions.round();
            // Whole and at least one, so the cast is exact.
            ((sessions - rounded).abs() < 1e-6 && rounded >= 1.0).then_some((rounded as u64, weeks))
        });
        match whole {
            Some((1, 1)) => "once a week".to_string(),
            Some((sessions, 1)) => format!("{sessions} a week"),
            Some((1, weeks)) => format!("once every {weeks} weeks"),
            Some((sessions, weeks)) => format!("{sessions} every {weeks} weeks"),
            None => {
                let two_places = format!("{per_week:.2}");
                let trimmed = two_places.trim_end_matches('0').trim_end_matches('.');
                format!("{trimmed} a week")
            }
        }
    }
}

/// The longest cycle a fractional frequency is put into words over.
const MAX_WEEKS_IN_WORDS: u32 = 12;

impl Provision {
    /// The block's facts, with the staff role named from `taxonomy`.
    pub fn facts(&self, taxonomy: &Taxonomy) -> ProvisionFacts {
        ProvisionFacts {
            sessions_per_week: self.sessions_per_week,
            session_minutes: self.session_minutes,
            weeks: self.weeks,
            group_size: self.group_size,
            delivered_by: taxonomy
                .staff(&self.staff)
                .map_or(self.staff.clone(), |s| s.label.clone()),
            staff_hours_per_week: (self.staff_hours_per_week() * 100.0).round() / 100.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provision(staff: &str, sessions: f64, minutes: f64, group: u32) -> Provision {
        Provision {
            sessions_per_week: sessions,
            session_minutes: minutes,
            weeks: 6.0,
            group_size: group,
            staff: staff.to_string(),
        }
    }

    #[test]
    fn staff_time_is_rounded_to_the_hundredth_and_the_role_named() {
        let t = Taxonomy::builtin();
        let role = t
            .staff
            .first()
            .expect("the built-in taxonomy has staff roles");
        let facts = provision(&role.id, 3.0, 20.0, 1).facts(&t);
        assert_eq!(facts.delivered_by, role.label);
        assert_eq!(facts.staff_hours_per_week, 1.0);
        assert!(facts.is_individual());
        // 2 × 25 minutes is 0.8333… hours a week.
        let facts = provision(&role.id, 2.0, 25.0, 4).facts(&t);
        assert_eq!(facts.staff_hours_per_week, 0.83);
        assert!(!facts.is_individual());
    }

    #[test]
    fn frequency_reads_as_sessions_over_whole_weeks() {
        let t = Taxonomy::builtin();
        let say = |sessions: f64| {
            provision("teacher", sessions, 30.0, 1)
                .facts(&t)
                .frequency()
        };
        assert_eq!(say(1.0), "once a week");
        assert_eq!(say(3.0), "3 a week");
        assert_eq!(say(0.5), "once every 2 weeks");
        assert_eq!(say(0.25), "once every 4 weeks");
        assert_eq!(say(1.5), "3 every 2 weeks");
        assert_eq!(say(0.75), "3 every 4 weeks");
        assert_eq!(say(1.37), "1.37 a week");
        assert_eq!(say(0.01), "0.01 a week");
    }

    #[test]
    fn an_unknown_role_is_shown_by_its_id() {
        let t = Taxonomy::builtin();
        let facts = provision("dance-teacher", 1.0, 30.0, 6).facts(&t);
        assert_eq!(facts.delivered_by, "dance-teacher");
        assert_eq!(facts.staff_hours_per_week, 0.5);
    }
}
