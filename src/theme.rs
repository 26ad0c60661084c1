//! The authority's look, from `site.yaml`: a stylesheet carrying its colour
//! (the CSP forbids inline styles) and its logo, each with a fingerprinted
//! name so browsers may cache them for a year.

use std::path::{Component, Path};
use std::sync::Arc;

use crate::fingerprint::fingerprinted;
use crate::fsread::{self, Refusal};

/// The largest logo accepted: a header logo needs far less.
pub const MAX_LOGO_BYTES: u64 = 100 * 1024;

/// The generated stylesheet and the logo, ready to serve.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Theme {
    pub css: String,
    /// `site.1a2b3c4d.css`.
    pub css_name: String,
    pub logo: Option<Logo>,
}

/// The authority's logo, read once at load.
#[derive(Debug, Clone, PartialEq)]
pub struct Logo {
    pub bytes: Arc<[u8]>,
    pub content_type: &'static str,
    /// `logo.1a2b3c4d.svg`.
    pub name: String,
}

impl Theme {
    /// The theme for a colour and an optional logo file (a path relative to
    /// the folder of `site.yaml`). The error is a message for the `logo` field.
    pub fn build(colour: &str, logo: Option<&str>, base: &Path) -> Result<Theme, String> {
        let css = format!("/* Generated from site.yaml. */\n:root {{ --brand: {colour}; }}\n");
        let css_name = fingerprinted("site.css", css.as_bytes());
        let logo = logo.map(|file| read_logo(file, base)).transpose()?;
        Ok(Theme {
            css,
            css_name,
            logo,
        })
    }
}

fn read_logo(file: &str, base: &Path) -> Result<Logo, String> {
    let ext = Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let content_type = match ext.as_str() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "webp" => "image/webp",
        "jpg" | "jpeg" => "image/jpeg",
        _ => {
            return Err(format!(
                "logo \"{file}\" must be an SVG, PNG, WebP or JPEG file (by its extension)"
            ));
        }
    };
    // The logo is served publicly, so it must be a file beside site.yaml or
    // under its folder: no `..`, no absolute path, no link leading out.
    let stays_inside = Path::new(file)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !stays_inside {
        return Err(format!(
            "logo \"{file}\" must be a path inside the folder of site.yaml, without \"..\" and not starting with \"/\""
        ));
    }
    let path = base.join(file);
    let bytes = std::fs::canonicalize(base)
        .map_err(Refusal::from)
        .and_then(|root| fsread::read_inside(&root, &path, MAX_LOGO_BYTES))
        .map_err(|refusal| match refusal {
            Refusal::NotFound => format!(
                "logo \"{file}\" cannot be read: no such file; the path is relative to the folder of site.yaml"
            ),
            Refusal::TooLarge { size, .. } => format!(
                "logo \"{file}\" is {} KiB; keep it under {} KiB so pages stay light",
                size / 1024,
                MAX_LOGO_BYTES / 1024
            ),
            Refusal::Outside => format!(
                "logo \"{file}\" is a symbolic link to somewhere outside the folder of site.yaml; copy the image into that folder"
            ),
            other => format!("logo \"{file}\" {other}"),
        })?;
    if content_type == "image/svg+xml" {
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        if text.contains("<script")
            || text.contains("javascript:")
            || text.contains("<foreignobject")
        {
            return Err(format!(
                "logo \"{file}\" holds script or embedded HTML; export it again as a plain SVG image"
            ));
        }
    }
    Ok(Logo {
        name: fingerprinted(&format!("logo.{ext}"), &bytes),
        bytes: bytes.into(),
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_carries_the_colour_and_its_name_follows_it() {
        let a = Theme::build("#1d4e89", None, Path::new(".")).unwrap();
        let b = Theme::build("#00703c", None, Path::new(".")).unwrap();
        assert!(a.css.contains("--brand: #1d4e89;"));
        assert_ne!(a.css_name, b.css_name);
    }

    #[test]
    fn a_logo_must_be_an_image_that_exists_without_script() {
        let dir = tempfile::tempdir().unwrap();
        let err = Theme::build("#1d4e89", Some("logo.gif"), dir.path()).unwrap_err();
        assert!(err.contains("SVG, PNG"), "{err}");
        let err = Theme::build("#1d4e89", Some("missing.svg"), dir.path()).unwrap_err();
        assert!(err.contains("relative to the folder of site.yaml"), "{err}");
        std::fs::write(
            dir.path().join("bad.svg"),
            "<svg><script>alert(1)</script></svg>",
        )
        .unwrap();
        let err = Theme::build("#1d4e89", Some("bad.svg"), dir.path()).unwrap_err();
        assert!(err.contains("plain SVG"), "{err}");
        std::fs::write(dir.path().join("ok.svg"), "<svg></svg>").unwrap();
        let theme = Theme::build("#1d4e89", Some("ok.svg"), dir.path()).unwrap();
        let logo = theme.logo.unwrap();
        assert_eq!(logo.content_type, "image/svg+xml");
        assert!(logo.name.starts_with("logo.") && logo.name.ends_with(".svg"));
    }
}
