//! Site settings from `site.yaml`: the portal's name, the authority's contact
//! line, its colour and label overrides for the taxonomy.

use serde::Deserialize;

use crate::taxonomy::Labels;

/// `site.yaml`, as typed settings. Unknown keys are errors so a misspelt
/// setting is reported rather than ignored.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The portal's name, shown in the header and page titles.
    pub name: String,
    /// One line under the name on the home page.
    #[serde(default)]
    pub tagline: String,
    /// The authority that publishes the content.
    #[serde(default)]
    pub authority: String,
    /// Who to contact about the content, shown in the footer.
    #[serde(default)]
    pub contact: String,
    /// The authority's colour as `#rrggbb`, used for the header and links.
    #[serde(default = "default_colour")]
    pub colour: String,
    /// Label overrides: facet name (`tier`, `need`, ... or `staff`) to id to label.
    #[serde(default)]
    pub labels: Labels,
}

fn default_colour() -> String {
    "#1d4e89".to_string()
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            name: "Waymark".to_string(),
            tagline: String::new(),
            authority: String::new(),
            contact: String::new(),
            colour: default_colour(),
            labels: Labels::new(),
        }
    }
}

impl SiteConfig {
    /// Checks values serde cannot: returns (field, message) for each fault.
    pub fn validate(&self) -> Vec<(&'static str, String)> {
        let mut faults = Vec::new();
        if self.name.trim().is_empty() {
            faults.push((
                "name",
                "`name` is empty; give the portal a name".to_string(),
            ));
        }
        if !is_hex_colour(&self.colour) {
            faults.push((
                "colour",
                format!(
                    "colour \"{}\" is not a hex colour; write it as \"#rrggbb\", for example \"#1d4e89\"",
                    self.colour
                ),
            ));
        }
        faults
    }
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_must_be_hex() {
        let config = SiteConfig {
            colour: "blue".into(),
            ..SiteConfig::default()
        };
        assert_eq!(config.validate()[0].0, "colour");
        assert!(SiteConfig::default().validate().is_empty());
    }
}
