//! The relevance suite: queries in teachers', SENCOs' and parents' own words
//! (not page titles), each with the pages a person would expect in the first
//! five results. Prints recall@5 and mean reciprocal rank, and fails under
//! 90% recall@5. Typos, acronyms, phrases, American spellings and filters
//! are all represented.

mod common;

use waymark::search::SearchRequest;
use waymark::taxonomy::Facet;

/// A query, its filters as (facet, id) pairs, and the pages expected in the top five.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

const CASES: &[Case] = &[
    // Classroom words
    (
        "can't sit still on the carpet",
        &[],
        &[
            "strategies/movement-breaks-for-attention",
            "strategies/eyfs-group-times-and-carpet-time",
        ],
    ),
    (
        "won't sit on the carpet",
        &[("phase", "early-years")],
        &["strategies/eyfs-group-times-and-carpet-time"],
    ),
    (
        "ear defenders",
        &[],
        &["strategies/sensory-ear-defenders-reducing-classroom-noise"],
    ),
    (
        "can't remember instructions",
        &[],
        &["strategies/chunking-spoken-instructions"],
    ),
    (
        "doesn't understand what I say",
        &[],
        &[
            "strategies/chunking-spoken-instructions",
            "strategies/teaching-pupils-to-say-when-they-do-not-understand",
        ],
    ),
    (
        "fidget toys",
        &[],
        &[
            "strategies/sensory-movement-and-sensory-breaks",
            "strategies/movement-breaks-for-attention",
        ],
    ),
    (
        "wobble cushion",
        &[],
        &["strategies/sensory-movement-and-sensory-breaks"],
    ),
    (
        "calls out all the time",
        &[],
        &["strategies/reducing-calling-out-and-interrupting"],
    ),
    (
        "shouting and throwing chairs",
        &[],
        &["strategies/co-regulation-and-calm-space"],
    ),
    (
        "calm corner",
        &[],
        &["strategies/co-regulation-and-calm-space"],
    ),
    (
        "meltdown",
        &[],
        &[
            "strategies/personal-regulation-plan-low-arousal-base",
            "strategies/co-regulation-and-calm-space",
        ],
    ),
    (
        "chews his sleeves",
        &[],
        &["strategies/sensory-chewing-and-oral-seeking"],
    ),
    (
        "won't eat at lunch hates the noise",
        &[],
        &["strategies/sensory-dining-hall-and-mealtimes"],
    ),
    (
        "hates the feel of his uniform",
        &[],
        &["strategies/sensory-clothing-uniform-and-touch"],
    ),
    (
        "dyslexia friendly worksheet",
        &[],
        &[
            "resources/dyslexia-friendly-worksheet-checklist",
            "strategies/dyslexia-friendly-classroom-materials",
        ],
    ),
    (
        "handwriting too slow",
        &[],
        &["strategies/physical-handwriting-alternatives"],
    ),
    (
        "new words vocabulary",
        &[],
        &["strategies/word-learning-routine"],
    ),
    (
        "knows the word but can't get it out",
        &[],
        &["strategies/supporting-word-finding-difficulties"],
    ),
    (
        "reading comprehension",
        &[],
        &["strategies/reciprocal-reading-group"],
    ),
    (
        "forgets everything we learnt last week",
        &[],
        &["strategies/overlearning-and-spaced-retrieval"],
    ),
    (
        "changes to routine upset him",
        &[],
        &["strategies/preparing-for-change-and-transitions"],
    ),
    (
        "lunchtime on his own autism",
        &[],
        &["strategies/structured-break-and-lunchtimes"],
    ),
    (
        "obsessed with trains use his interest",
        &[],
        &["strategies/using-special-interests-in-learning"],
    ),
    (
        "bereavement",
        &[],
        &["strategies/supporting-a-bereaved-child"],
    ),
    (
        "anxious about exams",
        &[],
        &["strategies/exam-and-test-anxiety"],
    ),
    (
        "panic attacks breathing",
        &[],
        &["strategies/calming-breathing-and-grounding"],
    ),
    (
        "worries all the time",
        &[],
        &["strategies/worry-time-and-daily-check-ins"],
    ),
    (
        "biting other children",
        &[],
        &["strategies/eyfs-biting-and-hitting-co-regulation"],
    ),
    ("toilet training", &[], &["strategies/eyfs-toileting-plan"]),
    (
        "two year old not talking",
        &[],
        &["strategies/eyfs-early-language-concerns-and-the-two-year-check"],
    ),
    (
        "hard to understand his speech",
        &[],
        &["strategies/eyfs-responding-to-unclear-speech"],
    ),
    (
        "first language is not English or SEN",
        &[],
        &["strategies/eyfs-eal-or-sen-telling-the-difference"],
    ),
    (
        "starting reception",
        &[],
        &["strategies/eyfs-preparing-for-reception"],
    ),
    (
        "settling in crying at drop off",
        &[],
        &["strategies/eyfs-settling-in-and-separation"],
    ),
    // Acronyms and the field's vocabulary
    (
        "SALT",
        &[],
        &["strategies/salt-programme-delivery-by-teaching-assistant"],
    ),
    (
        "speech and language therapy programme",
        &[],
        &["strategies/salt-programme-delivery-by-teaching-assistant"],
    ),
    ("EBSA", &[], &["strategies/ebsa-gradual-return-plan"]),
    (
        "school refusal",
        &[],
        &["strategies/ebsa-gradual-return-plan"],
    ),
    (
        "ADHD medication",
        &[],
        &["strategies/supporting-pupils-taking-adhd-medication"],
    ),
    ("EHCP", &[], &["guidance/tier-statutory"]),
    (
        "how to apply for an EHC needs assessment",
        &[],
        &[
            "guidance/tier-statutory",
            "resources/ehc-needs-assessment-evidence-checklist",
        ],
    ),
    (
        "APDR plan template",
        &[],
        &["resources/sen-support-plan-apdr-template"],
    ),
    (
        "OT programme in school",
        &[],
        &["strategies/physical-therapy-programme-in-school"],
    ),
    (
        "EP consultation",
        &[],
        &["strategies/educational-psychology-consultation-learning"],
    ),
    (
        "TA led intervention delivering therapy",
        &[],
        &["strategies/salt-programme-delivery-by-teaching-assistant"],
    ),
    ("PMLD sensory story", &[], &["strategies/sensory-stories"]),
    (
        "deafblind",
        &[],
        &["strategies/msi-working-with-an-intervenor"],
    ),
    (
        "VI large print",
        &[],
        &["strategies/vision-modified-large-print-accessible-resources"],
    ),
    (
        "HI seating",
        &[],
        &["strategies/hearing-good-listening-conditions-and-seating"],
    ),
    (
        "social story",
        &[],
        &["strategies/social-narratives-for-new-situations"],
    ),
    ("one page profile", &[], &["resources/one-page-profile"]),
    ("provision map", &[], &["resources/provision-map-template"]),
    ("pupil voice", &[], &["resources/pupil-voice-tools"]),
    ("QFT", &[], &["guidance/tier-universal"]),
    (
        "PfA planning year 9",
        &[],
        &["strategies/pfa-year-9-review-preparing-for-adulthood"],
    ),
    // Typos
    (
        "ear defendors",
        &[],
        &["strategies/sensory-ear-defenders-reducing-classroom-noise"],
    ),
    (
        "dyslexa",
        &[],
        &["strategies/dyslexia-friendly-classroom-materials"],
    ),
    (
        "autisim visual timetable",
        &[],
        &["strategies/visual-timetables-now-and-next"],
    ),
    (
        "concentraton movement",
        &[],
        &["strategies/movement-breaks-for-attention"],
    ),
    (
        "epilepsey",
        &[],
        &["strategies/medical-epilepsy-seizures-in-class"],
    ),
    (
        "diabeties",
        &[],
        &["strategies/medical-type-1-diabetes-in-class"],
    ),
    (
        "bereavment",
        &[],
        &["strategies/supporting-a-bereaved-child"],
    ),
    // American spellings
    (
        "behavior support plan",
        &[],
        &["strategies/individual-regulation-support-plan"],
    ),
    (
        "organizing his bag and equipment",
        &[],
        &["strategies/organisation-skills-coaching"],
    ),
    (
        "color coded sentences",
        &[],
        &["strategies/colour-coded-sentence-building"],
    ),
    // Sensory, physical and medical
    (
        "hearing aid not working",
        &[],
        &["strategies/hearing-daily-hearing-aid-and-implant-checks"],
    ),
    (
        "radio aid",
        &[],
        &["strategies/hearing-using-a-radio-aid-remote-microphone"],
    ),
    (
        "glue ear",
        &[],
        &["strategies/hearing-spotting-and-supporting-glue-ear"],
    ),
    (
        "deaf child phonics",
        &[],
        &["strategies/hearing-adapting-phonics-for-deaf-children"],
    ),
    (
        "braille",
        &[],
        &["strategies/vision-braille-and-tactile-learning"],
    ),
    (
        "wheelchair in PE",
        &[],
        &["strategies/physical-inclusive-pe-and-games"],
    ),
    (
        "asthma inhaler",
        &[],
        &["strategies/medical-asthma-and-severe-allergy-emergencies"],
    ),
    (
        "individual healthcare plan",
        &[],
        &["strategies/medical-individual-healthcare-plans"],
    ),
    (
        "off school a lot with illness catch up",
        &[],
        &["strategies/medical-managing-absence-and-catch-up"],
    ),
    (
        "doesn't notice when he needs the toilet",
        &[],
        &["strategies/sensory-noticing-body-signals-interoception"],
    ),
    // Post-16 and preparation for adulthood
    (
        "travel training",
        &[],
        &["strategies/pfa-travel-training-independent-travel"],
    ),
    (
        "getting the bus on her own",
        &[],
        &["strategies/pfa-travel-training-independent-travel"],
    ),
    (
        "supported internship",
        &[],
        &["strategies/pfa-supported-internships"],
    ),
    (
        "budgeting money",
        &[],
        &["strategies/pfa-money-skills-and-budgeting"],
    ),
    (
        "work experience",
        &[],
        &["strategies/pfa-work-experience-with-reasonable-adjustments"],
    ),
    // Filters
    (
        "anxiety",
        &[("phase", "post-16")],
        &["strategies/pfa-managing-anxiety-about-adult-life"],
    ),
    (
        "friendships",
        &[("need", "autism"), ("phase", "post-16")],
        &["strategies/pfa-friendships-for-autistic-young-people"],
    ),
    (
        "transition",
        &[("kind", "resource")],
        &["resources/transition-passport"],
    ),
    (
        "attention",
        &[("tier", "specialist")],
        &["strategies/supporting-pupils-taking-adhd-medication"],
    ),
    (
        "maths",
        &[
            ("need", "specific-learning-difficulties"),
            ("tier", "targeted"),
        ],
        &["strategies/number-sense-small-group"],
    ),
    (
        "",
        &[("kind", "training"), ("ingredient", "personalisation")],
        &["training/personalisation-session"],
    ),
];

#[test]
fn relevance_suite_reaches_90_percent_recall_at_5() {
    let site = common::bundled();
    let mut expected_total = 0usize;
    let mut found_total = 0usize;
    let mut reciprocal_ranks = 0.0f64;
    let mut misses = Vec::new();
    for (q, filters, expected) in CASES {
        let mut request = SearchRequest::new(q);
        for (facet, id) in *filters {
            let facet = Facet::from_name(facet).expect("a facet name");
            request
                .filters
                .add(facet, id, &site.taxonomy)
                .expect("a known id");
        }
        let results = site.search(&request).expect("the search runs");
        let top: Vec<&str> = results
            .hits
            .iter()
            .take(5)
            .map(|h| site.pages[h.ord].slug.as_str())
            .collect();
        for slug in *expected {
            assert!(
                site.page(slug).is_some(),
                "the suite names a page that does not exist: {slug}"
            );
            expected_total += 1;
            if top.contains(slug) {
                found_total += 1;
            } else {
                misses.push(format!("{q:?} {filters:?}: {slug} not in {top:?}"));
            }
        }
        let first = top.iter().position(|s| expected.contains(s));
        reciprocal_ranks += first.map_or(0.0, |r| 1.0 / (r as f64 + 1.0));
    }
    let recall = found_total as f64 / expected_total as f64;
    let mrr = reciprocal_ranks / CASES.len() as f64;
    println!(
        "relevance: {} queries, recall@5 {:.1}% ({found_total}/{expected_total}), MRR {:.3}",
        CASES.len(),
        recall * 100.0,
        mrr
    );
    for miss in &misses {
        println!("  miss: {miss}");
    }
    assert!(CASES.len() >= 60);
    assert!(
        recall >= 0.9,
        "recall@5 {:.1}% is under 90%:\n{}",
        recall * 100.0,
        misses.join("\n")
    );
}
