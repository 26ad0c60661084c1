//! A page's slug: its address in the portal, taken from its path under the
//! content folder, and the rules that make it a usable one.

use std::path::Path;

use crate::taxonomy::is_id;

/// The slug of a page file: its path under the content folder, less `.md`.
pub(super) fn of(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path);
    relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Checks that a slug can be a web address and does not clash with the portal's routes.
pub fn check(slug: &str) -> Result<(), String> {
    for segment in slug.split('/') {
        if !is_id(segment) {
            return Err(format!(
                "\"{segment}\" cannot be part of a web address; name files and folders with lowercase letters, digits and hyphens, such as \"movement-breaks.md\""
            ));
        }
    }
    let first = slug.split('/').next().unwrap_or(slug);
    if crate::routes::is_reserved(first) {
        return Err(format!(
            "the address /{slug} would clash with the portal's own /{first} pages; move the file into another folder"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_is_the_path_without_md() {
        let dir = Path::new("/c");
        assert_eq!(of(dir, Path::new("/c/strategies/a-b.md")), "strategies/a-b");
        assert!(check("strategies/a-b").is_ok());
        assert!(check("Strategies/a").is_err());
        assert!(check("search/x").unwrap_err().contains("clash"));
    }
}
