//! The portal's own cookies, read and written in one place: the plan's and
//! the strategy's lists of page addresses, and single values such as the
//! reader's phase. Each holds page addresses or ids, never anything about a
//! child.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::plan::MAX_ITEMS;

/// Browsers keep cookies to about 4 KB; a longer list lives in its URL only.
const LIST_MAX: usize = 3800;

/// How long a list of pages is kept: 90 days.
const LIST_AGE: u32 = 90 * 24 * 3600;

/// Every value the request gives the cookie `name`.
pub fn values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(move |pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

/// The page addresses in the cookie `name` (joined by `.`): each a valid
/// address, at most [`MAX_ITEMS`].
pub fn pages(headers: &HeaderMap, name: &str) -> Vec<String> {
    values(headers, name)
        .flat_map(|v| v.split('.'))
        .filter(|s| crate::content::slug::check(s).is_ok())
        .take(MAX_ITEMS)
        .map(str::to_string)
        .collect()
}

/// Why posted pages could not be added to a collected list.
#[derive(Debug)]
pub enum AddError {
    /// The posted `items` could not be read (too many, say).
    Items(crate::plan::ItemsError),
    /// The list would hold more than [`MAX_ITEMS`] pages.
    Full,
}

/// Adds the pages a form posted (`items`, repeated or comma-separated) to a
/// collected list: pages the site has, not already there, in order. Gives
/// the new list and how many were added.
pub fn add_pages(
    site: &crate::site::Site,
    mut items: Vec<String>,
    pairs: &[(String, String)],
) -> Result<(Vec<String>, usize), AddError> {
    let adding = crate::plan::parse_items(
        pairs
            .iter()
            .filter(|(k, _)| k == "items")
            .map(|(_, v)| v.as_str()),
    )
    .map_err(AddError::Items)?;
    let mut count = 0;
    for slug in adding.into_iter().filter(|s| site.page(s).is_some()) {
        if !items.contains(&slug) {
            items.push(slug);
            count += 1;
        }
    }
    if items.len() > MAX_ITEMS {
        return Err(AddError::Full);
    }
    Ok((items, count))
}

/// A `Set-Cookie` that keeps `items` in the cookie `name`, as many as fit
/// in [`LIST_MAX`] bytes; an empty list clears the cookie.
pub fn set_pages(name: &str, items: &[String]) -> HeaderValue {
    let mut value = String::new();
    for slug in items {
        if value.len() + slug.len() + 1 > LIST_MAX {
            break;
        }
        if !value.is_empty() {
            value.push('.');
        }
        value.push_str(slug);
    }
    let max_age = if value.is_empty() { 0 } else { LIST_AGE };
    set(name, &value, max_age)
}

/// A `Set-Cookie` for `name=value`, kept `max_age` seconds (0 clears it).
/// A value a header cannot carry clears the cookie instead.
pub fn set(name: &str, value: &str, max_age: u32) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax"
    ))
    .or_else(|_| HeaderValue::from_str(&format!("{name}=; Path=/; Max-Age=0; SameSite=Lax")))
    .unwrap_or_else(|_| HeaderValue::from_static("Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        h
    }

    #[test]
    fn a_list_is_read_back_as_written_and_only_its_own_cookie() {
        let items = vec!["strategies/a".to_string(), "resources/b".to_string()];
        let cookie = set_pages("waymark_plan", &items);
        let pair = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let h = headers(&format!("waymark_planx=strategies/x; {pair}; other=1"));
        assert_eq!(pages(&h, "waymark_plan"), items);
        assert!(pages(&h, "waymark_strategy").is_empty());
        assert!(
            set_pages("waymark_plan", &[])
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
    }

    #[test]
    fn a_long_list_is_cut_to_fit_and_bad_addresses_are_dropped() {
        let many: Vec<String> = (0..400).map(|i| format!("strategies/page-{i}")).collect();
        let cookie = set_pages("waymark_plan", &many);
        assert!(cookie.len() < 4096);
        let h = headers("waymark_plan=strategies/a.../etc");
        assert_eq!(pages(&h, "waymark_plan"), ["strategies/a"]);
        // A value no header can carry clears the cookie.
        assert_eq!(
            set("waymark_phase", "a\nb", 10).to_str().unwrap(),
            "waymark_phase=; Path=/; Max-Age=0; SameSite=Lax"
        );
    }
}
