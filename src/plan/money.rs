//! Money for a costed plan: hourly rates per staff role and costs worked out
//! exactly in whole fractions of a penny, rounded to the penny only when shown.
//!
//! Floating point cannot hold 1/3 of an hour times £14.50 exactly, and
//! rounding each row before adding makes the total disagree with the sum a
//! SENCO works out. So every quantity becomes a whole number of hundredths
//! (sessions, minutes, weeks) or pence (rates), and a cost is an integer in
//! units of 1/60,000,000 of a penny: hundredths of sessions x hundredths of
//! minutes x 60 minutes an hour x hundredths of weeks. Sums of these are exact.
//! We wrote this rather than take a decimal crate: the arithmetic is a few
//! integer products, and an `i128` holds every cost a plan can reach.

use std::collections::BTreeMap;
use std::fmt;

/// The highest hourly rate accepted, in pence (£1,000 an hour).
pub const MAX_RATE_PENCE: u32 = 100_000;

/// Units of [`Money`] in one penny: 100 (sessions) x 100 (minutes) x 60
/// (minutes an hour) x 100 (weeks).
const UNITS_PER_PENNY: i128 = 100 * 100 * 60 * 100;

/// The prefix of a rate's key in a query string or form: `rate.teacher=30`.
pub const RATE_PREFIX: &str = "rate.";

/// An hourly rate for a staff role, in whole pence: more than nothing and at
/// most [`MAX_RATE_PENCE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(try_from = "f64")]
pub struct Rate(u32);

/// Why a rate cannot be used. The text is shown to the person who gave it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error(
        "the rate \"{0}\" is not an amount in pounds; write pounds an hour such as 14.50, more than 0 and at most 1000"
    )]
    NotANumber(String),
    #[error("the rate \"{0}\" must be more than 0 and at most 1000 pounds an hour")]
    OutOfRange(String),
    #[error("the rate \"{0}\" has fractions of a penny; give pounds and pence such as 14.50")]
    FractionOfAPenny(String),
    #[error("there is no staff role \"{0}\" to give a rate to")]
    UnknownStaff(String),
    #[error("the staff role \"{0}\" is given a rate more than once")]
    Twice(String),
}

impl Rate {
    /// A rate from pounds as text: digits with at most two after the point.
    pub fn parse(text: &str) -> Result<Rate, RateError> {
        let t = text.trim();
        let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || whole.len() > 7
        {
            return Err(RateError::NotANumber(text.to_string()));
        }
        if fraction.len() > 2 {
            return Err(RateError::FractionOfAPenny(text.to_string()));
        }
        let pounds: u32 = if whole.is_empty() {
            0
        } else {
            whole.parse().expect("checked digits")
        };
        let pence: u32 = format!("{fraction:0<2}").parse().expect("checked digits");
        Rate::from_pence(u64::from(pounds) * 100 + u64::from(pence))
            .ok_or_else(|| RateError::OutOfRange(text.to_string()))
    }

    /// A rate from pounds as a number (from YAML or JSON).
    pub fn from_pounds(pounds: f64) -> Result<Rate, RateError> {
        let shown = pounds.to_string();
        if !pounds.is_finite() {
            return Err(RateError::NotANumber(shown));
        }
        let pence = pounds * 100.0;
        if !(0.0..=f64::from(MAX_RATE_PENCE)).contains(&pence) {
            return Err(RateError::OutOfRange(shown));
        }
        if (pence - pence.round()).abs() > 1e-6 {
            return Err(RateError::FractionOfAPenny(shown));
        }
        // In range and whole, so the cast is exact.
        Rate::from_pence(pence.round() as u64).ok_or(RateError::OutOfRange(shown))
    }

    fn from_pence(pence: u64) -> Option<Rate> {
        (1..=u64::from(MAX_RATE_PENCE))
            .contains(&pence)
            .then_some(Rate(pence as u32))
    }

    pub fn pence(self) -> u32 {
        self.0
    }

    /// Pounds and pence with no sign, as a form's field shows it: "14.50".
    pub fn pounds(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl TryFrom<f64> for Rate {
    type Error = RateError;
    fn try_from(pounds: f64) -> Result<Rate, RateError> {
        Rate::from_pounds(pounds)
    }
}

/// A rate is written back as pounds an hour, as it is posted.
impl serde::Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(f64::from(self.0) / 100.0)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "£{}", self.pounds())
    }
}

/// Hourly rates by staff id.
pub type Rates = BTreeMap<String, Rate>;

/// Reads `rate.<staff id>=<pounds>` pairs from a query string or form,
/// ignoring every other key. `known` says whether a staff id exists. At most
/// one rate a role. Any pair of ids and amounts can be read the same way
/// (a posted JSON `rates` object, once its numbers are text).
pub fn parse_rates<K: AsRef<str>, V: AsRef<str>>(
    pairs: impl IntoIterator<Item = (K, V)>,
    known: impl Fn(&str) -> bool,
) -> Result<Rates, RateError> {
    let mut rates = Rates::new();
    for (key, value) in pairs {
        let Some(id) = key.as_ref().strip_prefix(RATE_PREFIX) else {
            continue;
        };
        // A blank field in the form means "no rate set".
        if value.as_ref().trim().is_empty() {
            continue;
        }
        if !known(id) {
            return Err(RateError::UnknownStaff(id.to_string()));
        }
        let rate = Rate::parse(value.as_ref())?;
        if rates.insert(id.to_string(), rate).is_some() {
            return Err(RateError::Twice(id.to_string()));
        }
    }
    Ok(rates)
}

/// Checks rates read some other way (a posted JSON `rates` object, whose
/// amounts [`Rate`]'s `Deserialize` has bounded already) against the staff
/// roles `known` has.
pub fn check_staff(rates: &Rates, known: impl Fn(&str) -> bool) -> Result<(), RateError> {
    match rates.keys().find(|id| !known(id)) {
        Some(id) => Err(RateError::UnknownStaff(id.clone())),
        None => Ok(()),
    }
}

/// A quantity given to two decimal places (sessions, minutes, weeks) as a
/// whole number of hundredths. Content gives these to at most two places.
pub fn hundredths(x: f64) -> i128 {
    (x * 100.0).round() as i128
}

/// An exact amount of money, in units of 1/60,000,000 of a penny.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(i128);

impl Money {
    /// Cost a week: sessions a week x minutes / 60 x rate.
    pub fn a_week(sessions: f64, minutes: f64, rate: Rate) -> Money {
        Money(hundredths(sessions) * hundredths(minutes) * i128::from(rate.pence()) * 100)
    }

    /// Cost over the intervention: the cost a week x weeks, unrounded.
    pub fn over(sessions: f64, minutes: f64, weeks: f64, rate: Rate) -> Money {
        Money(
            hundredths(sessions)
                * hundredths(minutes)
                * i128::from(rate.pence())
                * hundredths(weeks),
        )
    }

    /// Staff hours a week x weeks x rate, unrounded (hours and weeks to two places).
    pub fn for_hours(hours_a_week: f64, weeks: f64, rate: Rate) -> Money {
        Money(hundredths(hours_a_week) * hundredths(weeks) * i128::from(rate.pence()) * 6000)
    }

    /// A whole number of pence.
    pub fn from_pence(pence: i128) -> Money {
        Money(pence * UNITS_PER_PENNY)
    }

    /// To the nearest penny, halves up (costs are never negative).
    pub fn rounded_pence(self) -> i128 {
        (self.0 + UNITS_PER_PENNY / 2).div_euclid(UNITS_PER_PENNY)
    }

    /// Pounds and pence with no sign or separators, for a spreadsheet cell:
    /// "1234.56".
    pub fn pounds(self) -> String {
        let p = self.rounded_pence();
        format!("{}.{:02}", p / 100, p % 100)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::default(), |a, b| a + b)
    }
}

/// "£1,234.56": rounded to the penny, thousands separated.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.rounded_pence();
        let pounds = (p / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "£{grouped}.{:02}", p % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_read_in_pounds_and_pence_and_bounded() {
        assert_eq!(Rate::parse("14.5").unwrap().pence(), 1450);
        assert_eq!(Rate::parse("14.50").unwrap().pence(), 1450);
        assert_eq!(Rate::parse("1000").unwrap().pence(), 100_000);
        assert_eq!(Rate::parse(".5").unwrap().pence(), 50);
        assert!(matches!(
            Rate::parse("1000.01"),
            Err(RateError::OutOfRange(_))
        ));
        assert!(matches!(Rate::parse("0"), Err(RateError::OutOfRange(_))));
        assert!(matches!(Rate::parse("-3"), Err(RateError::NotANumber(_))));
        assert!(matches!(Rate::parse("NaN"), Err(RateError::NotANumber(_))));
        assert!(matches!(Rate::parse("."), Err(RateError::NotANumber(_))));
        assert!(matches!(
            Rate::parse("1.005"),
            Err(RateError::FractionOfAPenny(_))
        ));
        assert_eq!(Rate::from_pounds(14.5).unwrap().pence(), 1450);
        assert!(Rate::from_pounds(f64::INFINITY).is_err());
        assert!(Rate::from_pounds(-1.0).is_err());
        assert!(Rate::from_pounds(0.0).is_err());
        assert_eq!(Rate::parse("9.05").unwrap().to_string(), "£9.05");
    }

    #[test]
    fn rate_parameters_name_the_role_and_come_once() {
        let known = |id: &str| id == "teacher" || id == "teaching-assistant";
        let rates = parse_rates(
            [
                ("items", "a"),
                ("rate.teacher", "30"),
                ("rate.teaching-assistant", ""),
            ],
            known,
        )
        .unwrap();
        assert_eq!(rates.len(), 1);
        assert_eq!(rates["teacher"].pence(), 3000);
        assert_eq!(
            parse_rates([("rate.wizard", "3")], known),
            Err(RateError::UnknownStaff("wizard".into()))
        );
        assert_eq!(
            parse_rates([("rate.teacher", "3"), ("rate.teacher", "4")], known),
            Err(RateError::Twice("teacher".into()))
        );
    }

    #[test]
    fn posted_rates_are_bounded_by_serde_and_checked_against_the_roles() {
        let rates: Rates = serde_json::from_str(r#"{"teacher": 32.5}"#).unwrap();
        assert_eq!(rates["teacher"].pence(), 3250);
        assert_eq!(check_staff(&rates, |id| id == "teacher"), Ok(()));
        assert_eq!(
            check_staff(&rates, |_| false),
            Err(RateError::UnknownStaff("teacher".into()))
        );
        let err = serde_json::from_str::<Rates>(r#"{"teacher": 0}"#).unwrap_err();
        assert!(err.to_string().contains("more than 0"), "{err}");
    }

    #[test]
    fn costs_are_exact_and_rounded_once_when_shown() {
        let rate = Rate::parse("10").unwrap();
        // Twenty minutes once a week at £10 an hour is £3.33 and a third.
        let row = Money::a_week(1.0, 20.0, rate);
        assert_eq!(row.to_string(), "£3.33");
        // Three such rows make exactly £10.00, not 3 x £3.33 = £9.99.
        let total: Money = [row, row, row].into_iter().sum();
        assert_eq!(total.to_string(), "£10.00");
        // Over 3 weeks: 1/3 hour x £10 x 3 = £10.00 exactly.
        assert_eq!(Money::over(1.0, 20.0, 3.0, rate).pounds(), "10.00");
        // 1.5 sessions of 45 minutes for 12 weeks at £14.50: 1.125 h x 14.50 x 12.
        let ta = Rate::parse("14.50").unwrap();
        assert_eq!(Money::a_week(1.5, 45.0, ta).pounds(), "16.31");
        assert_eq!(Money::over(1.5, 45.0, 12.0, ta).pounds(), "195.75");
        assert_eq!(
            Money::over(5.0, 60.0, 39.0, Rate::parse("1000").unwrap()).to_string(),
            "£195,000.00"
        );
        // Halves round up: 1 minute at £0.30 an hour is half a penny.
        assert_eq!(
            Money::a_week(1.0, 1.0, Rate::parse("0.30").unwrap()).pounds(),
            "0.01"
        );
    }
}
