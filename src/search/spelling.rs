//! British and American spellings joined: American forms are rewritten to
//! British before stemming (by `stem::EnglishTerms`, in the index and in
//! queries alike), so "behavior", "organize" and "color" find "behaviour",
//! "organise" and "colour".

use std::borrow::Cow;

/// American word beginnings and their British forms. A token that starts
/// with the American form has it replaced, so inflections follow
/// ("behaviors" becomes "behaviours").
const PREFIXES: &[(&str, &str)] = &[
    ("behavior", "behaviour"),
    ("color", "colour"),
    ("favor", "favour"),
    ("honor", "honour"),
    ("humor", "humour"),
    ("labor", "labour"),
    ("neighbor", "neighbour"),
    ("rumor", "rumour"),
    ("flavor", "flavour"),
    ("endeavor", "endeavour"),
    ("harbor", "harbour"),
    ("center", "centre"),
    ("theater", "theatre"),
    ("fiber", "fibre"),
    ("pediatric", "paediatric"),
    ("pedagog", "paedagog"),
    ("anemi", "anaemi"),
    ("anesthe", "anaesthe"),
    ("esophag", "oesophag"),
    ("edema", "oedema"),
    ("estrogen", "oestrogen"),
    ("defense", "defence"),
    ("offense", "offence"),
    ("license", "licence"),
    ("catalog", "catalogue"),
    ("dialog", "dialogue"),
    ("analog", "analogue"),
    ("gray", "grey"),
    ("mold", "mould"),
    ("math", "maths"),
    ("mom", "mum"),
    ("program", "programme"),
    ("enroll", "enrol"),
    ("fulfill", "fulfil"),
    ("skeptic", "sceptic"),
    ("tire", "tyre"),
];

/// Word endings spelt with z in American English and s in British.
const ENDINGS: &[(&str, &str)] = &[
    ("izations", "isations"),
    ("ization", "isation"),
    ("izing", "ising"),
    ("izers", "isers"),
    ("izer", "iser"),
    ("ized", "ised"),
    ("izes", "ises"),
    ("ize", "ise"),
    ("yzing", "ysing"),
    ("yzed", "ysed"),
    ("yzes", "yses"),
    ("yze", "yse"),
];

/// Words the -ize rule must leave alone (their s-form is another word or wrong).
const KEEP: &[&str] = &[
    "size", "sized", "sizes", "sizing", "prize", "prizes", "seize", "seized", "seizes", "seizing",
    "capsize", "maize", "baize",
];

/// The British form of a lower-case word (unchanged when it has none).
pub fn british(word: &str) -> Cow<'_, str> {
    for (american, british) in PREFIXES {
        if let Some(rest) = word.strip_prefix(american) {
            // "program" but not "programme" twice; "mom" only as a whole word or plural.
            if (*american == "program" && rest.starts_with("me"))
                || (*american == "math" && !rest.is_empty())
                || (american.len() <= 4 && !(rest.is_empty() || rest == "s"))
                || (*american == "tire" && !(rest.is_empty() || rest == "s"))
            {
                continue;
            }
            return Cow::Owned(format!("{british}{rest}"));
        }
    }
    if word.len() > 5 && !KEEP.contains(&word) {
        for (american, british) in ENDINGS {
            if let Some(stem) = word.strip_suffix(american) {
                return Cow::Owned(format!("{stem}{british}"));
            }
        }
    }
    Cow::Borrowed(word)
}

#[cfg(test)]
mod tests {
    use super::british;

    #[test]
    fn american_spellings_become_british() {
        for (us, uk) in [
            ("behavior", "behaviour"),
            ("behaviors", "behaviours"),
            ("behavioral", "behavioural"),
            ("color", "colour"),
            ("colored", "coloured"),
            ("organize", "organise"),
            ("organizing", "organising"),
            ("organization", "organisation"),
            ("recognized", "recognised"),
            ("analyze", "analyse"),
            ("pediatrician", "paediatrician"),
            ("program", "programme"),
            ("programs", "programmes"),
            ("center", "centre"),
            ("mom", "mum"),
        ] {
            assert_eq!(british(us), uk, "{us}");
        }
    }

    #[test]
    fn british_and_other_words_are_left_alone() {
        for word in [
            "behaviour",
            "programme",
            "size",
            "prize",
            "seizure",
            "seizures",
            "colour",
            "moment",
            "mathematics",
            "tired",
            "maths",
            "graze",
        ] {
            assert_eq!(british(word), word, "{word}");
        }
    }
}
