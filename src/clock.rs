//! Today's date, the one clock content checks and pages read, so a test or a
//! content team's CI can fix it for all of them at once.

use jiff::civil::Date;

/// Today's date in the local time zone, or `WAYMARK_TODAY` (YYYY-MM-DD) when
/// set, so tests and content teams' CI can fix the date that warnings use.
pub fn today() -> Date {
    if let Ok(fixed) = std::env::var("WAYMARK_TODAY")
        && let Ok(date) = fixed.parse::<Date>()
    {
        return date;
    }
    jiff::ZonedDateTime::now().date()
}
