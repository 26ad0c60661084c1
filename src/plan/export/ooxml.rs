//! What docx-rs 0.4 cannot say, added to the parts it builds: repeating
//! table header rows, the document language, and core properties (title,
//! creator, dates), which it otherwise writes as "unknown" and 1970.

use docx_rs::XMLDocx;

use super::escape::xml_text;

/// The language every run is marked with, for spelling and screen readers.
pub const LANGUAGE: &str = "en-GB";

/// Marks the first row of every table as a header row that repeats on each
/// page. Every table this export makes starts with a labelled header row
/// whose rows carry a `w:trPr` (they are all `cantSplit`), so the first
/// `<w:trPr>` after each `<w:tbl>` is the header row's. Page text is escaped,
/// so neither tag can come from content.
pub fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    let xml = String::from_utf8_lossy(document);
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest: &str = &xml;
    while let Some(at) = rest.find("<w:tbl>") {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        match after.find("<w:trPr>") {
            Some(tr) => {
                let end = tr + "<w:trPr>".len();
                out.push_str(&after[..end]);
                out.push_str("<w:tblHeader />");
                rest = &after[end..];
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.into_bytes()
}

/// Adds the document language to the default run properties.
pub fn default_language(styles: &[u8]) -> Vec<u8> {
    let xml = String::from_utf8_lossy(styles);
    let lang =
        format!("<w:lang w:val=\"{LANGUAGE}\" w:eastAsia=\"{LANGUAGE}\" w:bidi=\"ar-SA\" />");
    xml.replacen(
        "</w:rPr></w:rPrDefault>",
        &format!("{lang}</w:rPr></w:rPrDefault>"),
        1,
    )
    .into_bytes()
}

/// The core properties part: title, creator, language, created and
/// modified now (an RFC 3339 UTC time).
pub fn core_properties(title: &str, creator: &str, now: &str) -> Vec<u8> {
    let escape = |s: &str| {
        xml_text(s)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let (title, creator) = (escape(title), escape(creator));
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
            "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\"",
            " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\"",
            " xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
            "<dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>",
            "<cp:lastModifiedBy>{creator}</cp:lastModifiedBy><dc:language>{lang}</dc:language>",
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:created>",
            "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:modified>",
            "</cp:coreProperties>"
        ),
        title = title,
        creator = creator,
        lang = LANGUAGE,
        now = now
    )
    .into_bytes()
}

/// Gives the first picture in the document (the authority's logo, the only
/// one) its alt text, which docx-rs has no way to set.
pub fn describe_first_picture(document: &[u8], alt: &str) -> Vec<u8> {
    let alt = xml_text(alt)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    String::from_utf8_lossy(document)
        .replacen("<wp:docPr ", &format!("<wp:docPr descr=\"{alt}\" "), 1)
        .into_bytes()
}

/// Applies every fix-up to a built document; `picture_alt` is the logo's
/// alt text when it has one.
pub fn finish(mut xml: XMLDocx, title: &str, creator: &str, picture_alt: Option<&str>) -> XMLDocx {
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    xml.document = repeat_header_rows(&xml.document);
    if let Some(alt) = picture_alt {
        xml.document = describe_first_picture(&xml.document, alt);
    }
    xml.styles = default_language(&xml.styles);
    xml.doc_props.core = core_properties(title, creator, &now);
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_row_of_each_table_repeats() {
        let doc = "<w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr></w:trPr></w:tr></w:tbl><w:tbl><w:tr><w:trPr></w:trPr></w:tr></w:tbl>";
        let out = String::from_utf8(repeat_header_rows(doc.as_bytes())).unwrap();
        assert_eq!(out.matches("<w:tblHeader />").count(), 2);
        assert!(out.starts_with("<w:tbl><w:tr><w:trPr><w:tblHeader /><w:cantSplit />"));
    }

    #[test]
    fn core_properties_escape_the_title() {
        let core = String::from_utf8(core_properties(
            "a <b> & c",
            "Council",
            "2026-12-06T00:00:00Z",
        ))
        .unwrap();
        assert!(
            core.contains("<dc:title>a &lt;b&gt; &amp; c</dc:title>"),
            "{core}"
        );
        assert!(roxmltree::Document::parse(&core).is_ok());
    }
}
