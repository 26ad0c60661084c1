//! Site settings from `site.yaml`: the portal's name, the authority's contact
//! line, its colour and label overrides for the taxonomy.

use std::path::Path;

use serde::Deserialize;

use crate::plan::money::Rates;
use crate::taxonomy::Labels;
use crate::theme::Theme;

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
    /// The portal's public address (`https://send.example.gov.uk`), for links
    /// in the sitemap, the feed and exports; without it, the request's host.
    #[serde(default)]
    pub base_url: Option<String>,
    /// The authority's logo, an SVG, PNG, WebP or JPEG file, relative to the
    /// folder of `site.yaml`; shown in the header beside the name.
    #[serde(default)]
    pub logo: Option<String>,
    /// Hourly cost of each staff role in pounds (`teaching-assistant: 14.50`),
    /// for the plan's costed provision. Each is more than 0 and at most 1000,
    /// in pounds and pence; the ids are checked against the taxonomy by
    /// [`SiteConfig::rate_faults`]. None are bundled: without a rate the cost
    /// columns stay blank and ask for one.
    #[serde(default)]
    pub rates: Rates,
    /// Funding sources a school's strategy may name, over the built-in four
    /// (`id: label`); a built-in id here is relabelled.
    #[serde(default)]
    pub funding: std::collections::BTreeMap<String, String>,
    /// The licence the content is published under: shown in every page's
    /// footer, in each page's JSON-LD and beside the content download.
    #[serde(default)]
    pub license: Option<License>,
    /// A base content folder this one's pages go over, relative to the
    /// folder of this file (read by `content::layers`).
    #[serde(default)]
    pub extends: Option<String>,
    /// Addresses of base pages not to serve (read by `content::layers`).
    #[serde(default)]
    pub hide: Vec<String>,
    /// A note shown on every `/tiers/...` page, above its pages: where the
    /// tiers' labels come from (such as proposals not yet law).
    #[serde(default)]
    pub tier_note: Option<String>,
    /// The generated stylesheet and the logo's bytes, made by [`SiteConfig::build_theme`].
    #[serde(skip)]
    pub theme: Theme,
}

/// A named licence and the address of its official text.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// Its name as readers know it: "Open Government Licence v3.0".
    pub name: String,
    /// Its official text, an https address.
    pub url: String,
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
            base_url: None,
            logo: None,
            rates: Rates::new(),
            funding: Default::default(),
            license: None,
            extends: None,
            hide: Vec::new(),
            tier_note: None,
            theme: Theme::build(&default_colour(), None, Path::new("."))
                .expect("a theme without a logo always builds"),
        }
    }
}

impl SiteConfig {
    /// Makes the theme from the colour and reads the logo; `base` is the
    /// folder of `site.yaml`. The error is a message about the `logo` field.
    pub fn build_theme(&mut self, base: &Path) -> Result<(), String> {
        self.theme = Theme::build(&self.colour, self.logo.as_deref(), base)?;
        Ok(())
    }

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
        } else {
            let ratio = contrast_with_white(&self.colour);
            if ratio < 4.5 {
                faults.push((
                    "colour",
                    format!(
                        "colour \"{}\" has a contrast of {ratio:.1}:1 against white; white text on it and links in it need at least 4.5:1, so choose a darker shade",
                        self.colour
                    ),
                ));
            }
        }
        for (id, label) in &self.funding {
            if !crate::taxonomy::is_id(id) || label.trim().is_empty() {
                faults.push((
                    "funding",
                    format!(
                        "funding source \"{id}\" needs an id of lowercase letters, digits and single hyphens, and a label"
                    ),
                ));
            }
        }
        if let Some(url) = &self.base_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            faults.push((
                "base_url",
                format!("base_url \"{url}\" must be a full address such as \"https://send.example.gov.uk\""),
            ));
        }
        if let Some(license) = &self.license {
            if license.name.trim().is_empty() {
                faults.push((
                    "license",
                    "license: `name` is empty; name the licence, for example \"Open Government Licence v3.0\"".to_string(),
                ));
            }
            if !is_https(&license.url) {
                faults.push((
                    "license",
                    format!(
                        "license: url \"{}\" must be the https address of the licence's text",
                        license.url
                    ),
                ));
            }
        }
        faults
    }
}

/// Whether `url` is an https address with a host.
fn is_https(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

impl SiteConfig {
    /// The rates naming a staff role `known` does not have: (id, message).
    pub fn rate_faults(&self, known: impl Fn(&str) -> bool) -> Vec<(String, String)> {
        self.rates
            .keys()
            .filter(|id| !known(id))
            .map(|id| {
                (
                    id.clone(),
                    format!(
                        "rates: there is no staff role \"{id}\" in the taxonomy to give a rate to"
                    ),
                )
            })
            .collect()
    }
}

/// The WCAG contrast ratio of a `#rrggbb` colour against white.
pub fn contrast_with_white(hex: &str) -> f64 {
    let channel = |i: usize| {
        let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    1.05 / (luminance + 0.05)
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

    #[test]
    fn a_licence_needs_a_name_and_an_https_address() {
        let mut config = SiteConfig {
            license: Some(License {
                name: "Open Government Licence v3.0".into(),
                url: "https://example.gov.uk/licence".into(),
            }),
            ..SiteConfig::default()
        };
        assert!(config.validate().is_empty());
        config.license = Some(License {
            name: " ".into(),
            url: "http://example.gov.uk/licence".into(),
        });
        let faults = config.validate();
        assert_eq!(faults.len(), 2, "{faults:?}");
        assert!(faults.iter().all(|(field, _)| *field == "license"));
        config.license = Some(License {
            name: "x".into(),
            url: "https:///no-host".into(),
        });
        assert_eq!(config.validate().len(), 1);
    }

    #[test]
    fn funding_sources_need_an_id_and_a_label() {
        let mut config = SiteConfig::default();
        config
            .funding
            .insert("pupil-premium".into(), "Pupil premium".into());
        assert!(config.validate().is_empty());
        config.funding.insert("Bad Id".into(), "Bad".into());
        config.funding.insert("blank".into(), " ".into());
        let faults = config.validate();
        assert_eq!(faults.len(), 2);
        assert!(faults.iter().all(|(field, _)| *field == "funding"));
    }

    #[test]
    fn colour_must_contrast_with_white() {
        assert!((contrast_with_white("#000000") - 21.0).abs() < 0.01);
        assert!((contrast_with_white("#ffffff") - 1.0).abs() < 0.01);
        assert!(contrast_with_white("#00703c") > 4.5, "GOV.UK green passes");
        let pale = SiteConfig {
            colour: "#ffdd00".into(),
            ..SiteConfig::default()
        };
        let faults = pale.validate();
        assert_eq!(faults.len(), 1);
        assert!(
            faults[0]
                .1
                .starts_with("colour \"#ffdd00\" has a contrast of 1.3:1 against white"),
            "{}",
            faults[0].1
        );
    }
}
