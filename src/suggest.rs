//! "Did you mean ...?": the closest known word to a mistyped one.

/// The candidate closest to `given`, if one is close enough to be a likely
/// typo: an edit distance (with transpositions) of at most a third of the
/// word's length, and at least 1 and at most 3; or a candidate that starts
/// with what was typed (`sen` for `sensory-processing` is not offered, but
/// `sensory` is).
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let given_lower = given.to_lowercase();
    let limit = (given_lower.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = strsim::damerau_levenshtein(&given_lower, candidate);
        let prefix = given_lower.len() >= 4 && candidate.starts_with(&given_lower);
        let score = if prefix { 0 } else { distance };
        if (score <= limit || prefix) && best.is_none_or(|(d, _)| score < d) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    const NEEDS: &[&str] = &["autism", "adhd", "sensory-processing", "hearing-impairment"];

    #[test]
    fn suggests_transpositions_and_typos() {
        assert_eq!(
            did_you_mean("autsim", NEEDS.iter().copied()),
            Some("autism")
        );
        assert_eq!(did_you_mean("dahd", NEEDS.iter().copied()), Some("adhd"));
        assert_eq!(
            did_you_mean("hearing-impairement", NEEDS.iter().copied()),
            Some("hearing-impairment")
        );
        assert_eq!(
            did_you_mean("Autism", NEEDS.iter().copied()),
            Some("autism")
        );
    }

    #[test]
    fn suggests_completion_of_a_prefix() {
        assert_eq!(
            did_you_mean("sensory", NEEDS.iter().copied()),
            Some("sensory-processing")
        );
    }

    #[test]
    fn stays_quiet_when_nothing_is_close() {
        assert_eq!(did_you_mean("dyslexia", NEEDS.iter().copied()), None);
        assert_eq!(did_you_mean("x", NEEDS.iter().copied()), None);
    }
}
