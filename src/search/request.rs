//! A search as a query string: reading one (`parse_search`, for `/search`,
//! `/api/search`, the listings' filters and the golden dump), with repeated
//! keys (or commas) for several values of a facet and every id checked
//! against the taxonomy, and writing one back (`query_string`) for links.

use super::{Filters, SearchRequest, Sort};
use crate::taxonomy::{Facet, Taxonomy, UnknownId};

/// A parameter that cannot be used, named so the answer can say which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the filter {parameter}={value} cannot be used: {message}")]
pub struct ParamError {
    pub parameter: String,
    pub value: String,
    pub message: String,
}

/// Parses `q`, the facet filters, `sort` and `page`. Unknown parameters are
/// ignored (links from elsewhere carry their own); unknown ids are errors.
pub fn parse_search(raw: Option<&str>, taxonomy: &Taxonomy) -> Result<SearchRequest, ParamError> {
    let mut request = SearchRequest::new("");
    let mut q: Option<String> = None;
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let error = |message: String| ParamError {
            parameter: key.to_string(),
            value: value.to_string(),
            message,
        };
        match key.as_ref() {
            "q" => {
                if q.is_none() {
                    q = Some(value.into_owned());
                }
            }
            "sort" if !value.is_empty() => {
                request.sort = Sort::parse(&value).map_err(|e| error(e.to_string()))?;
            }
            "page" if !value.is_empty() => {
                request.page = page_number(&value).ok_or_else(|| {
                    error(format!(
                        "page \"{value}\" is not a page number; use 1 or more"
                    ))
                })?;
            }
            name => {
                if let Some(facet) = taxonomy.facets.find(name) {
                    add_values(&mut request.filters, facet, &value, taxonomy)
                        .map_err(|e| error(e.to_string()))?;
                }
            }
        }
    }
    request.q = super::query::truncate_query(q.as_deref().unwrap_or("")).to_string();
    Ok(request)
}

/// A page number from 1. Any number of digits is a page: one past the last
/// page (however far) shows the last, so a number too large for `usize` is
/// read as the largest, and the search bounds it by its results before it
/// sizes anything.
pub fn page_number(value: &str) -> Option<usize> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let page = value.parse::<usize>().unwrap_or(usize::MAX);
    (page >= 1).then_some(page)
}

fn add_values(
    filters: &mut Filters,
    facet: Facet,
    value: &str,
    taxonomy: &Taxonomy,
) -> Result<(), UnknownId> {
    for id in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        filters.add(facet, id, taxonomy)?;
    }
    Ok(())
}

/// Builds a query string from a search's words, filters, sort and page.
pub fn query_string(q: &str, filters: &Filters, sort: Sort, page: usize) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        s.append_pair("q", q);
    }
    for (name, id) in filters.pairs() {
        s.append_pair(name, &id);
    }
    if sort != Sort::Relevance {
        s.append_pair("sort", sort.name());
    }
    if page > 1 {
        s.append_pair("page", &page.to_string());
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_repeated_and_comma_separated_values() {
        let t = Taxonomy::builtin();
        let r = parse_search(
            Some("q=ear+defenders&need=autism&need=adhd,semh&tier=universal&sort=title&page=2"),
            &t,
        )
        .unwrap();
        assert_eq!(r.q, "ear defenders");
        assert_eq!(r.filters.get(Facet::NEED), ["autism", "adhd", "semh"]);
        assert_eq!(r.filters.get(Facet::TIER), ["universal"]);
        assert_eq!(r.sort, Sort::Title);
        assert_eq!(r.page, 2);
    }

    #[test]
    fn unknown_ids_are_named() {
        let t = Taxonomy::builtin();
        let e = parse_search(Some("need=autsim"), &t).unwrap_err();
        assert_eq!(e.parameter, "need");
        assert_eq!(
            e.message,
            "unknown need \"autsim\"; did you mean \"autism\"?"
        );
        assert!(parse_search(Some("page=0"), &t).is_err());
        assert!(parse_search(Some("page=-1"), &t).is_err());
        assert!(parse_search(Some("page=2x"), &t).is_err());
        assert_eq!(
            parse_search(Some("page=1000000000000000000000000000"), &t)
                .unwrap()
                .page,
            usize::MAX
        );
        assert!(parse_search(Some("sort=newest"), &t).is_err());
        assert!(parse_search(Some("utm_source=x&q="), &t).is_ok());
    }

    #[test]
    fn round_trips_through_query_string() {
        let t = Taxonomy::builtin();
        let r = parse_search(
            Some("q=a%26b&need=autism&tier=targeted&sort=updated&page=3"),
            &t,
        )
        .unwrap();
        let s = query_string(&r.q, &r.filters, r.sort, r.page);
        assert_eq!(s, "q=a%26b&need=autism&tier=targeted&sort=updated&page=3");
    }
}
