//! The session's slides as a PowerPoint file, written to the Office Open
//! XML standard (ECMA-376 PresentationML) with the `zip` crate: the Rust
//! crates for .pptx found on crates.io were each a first release or marked
//! work in progress, and this needs only text boxes and notes. One slide a
//! slide of the presenter view ([`crate::plan::slides::deck`]), the same
//! type sizes relative to the slide, and each slide's speaker notes.

use std::io::Write;

use zip::write::SimpleFileOptions;

use super::{Export, ExportError, View, base_of};
use crate::plan::Plan;
use crate::plan::slides::{Slide, SlideKind, deck};

/// 16:9 at 13.333 by 7.5 inches, in EMU (914,400 an inch).
const WIDTH: i64 = 12_192_000;
const HEIGHT: i64 = 6_858_000;

/// The slides as a PowerPoint file.
pub struct Slides;

impl Export for Slides {
    fn id(&self) -> &'static str {
        "pptx"
    }

    fn path(&self) -> &'static str {
        "/plan.pptx"
    }

    fn content_type(&self) -> &'static str {
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    }

    fn label(&self) -> &'static str {
        "PowerPoint slides"
    }

    fn in_plan(&self) -> bool {
        false
    }

    /// The session's slides, whichever view is asked for: a pupil's plan
    /// has no slides of its own.
    fn render(&self, plan: &Plan, _view: View, share_url: &str) -> Result<Vec<u8>, ExportError> {
        let slides = deck(plan, base_of(share_url), crate::clock::today());
        pptx(&slides, &plan.site.config.name).map_err(|e| ExportError::Docx(Box::new(e)))
    }

    fn file_name(&self, _view: View) -> String {
        "waymark-session.pptx".to_string()
    }
}

/// Text made safe inside XML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const NS: &str = r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main""#;

const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn rels(list: &[(&str, &str, String)]) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (id, kind, target) in list {
        out.push_str(&format!(
            r#"<Relationship Id="{id}" Type="{REL}/{kind}" Target="{target}"/>"#
        ));
    }
    out.push_str("</Relationships>");
    out
}

/// One paragraph's runs at `size` (hundredths of a point).
fn run(text: &str, size: u32, bold: bool, colour: &str) -> String {
    format!(
        r#"<a:r><a:rPr lang="en-GB" sz="{size}" b="{}" dirty="0"><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill><a:latin typeface="Arial"/></a:rPr><a:t>{}</a:t></a:r>"#,
        u8::from(bold),
        esc(text)
    )
}

/// A text box at (x, y) of (cx, cy) EMU holding `paragraphs` (already XML).
fn text_box(id: u32, name: &str, (x, y, cx, cy): (i64, i64, i64, i64), paragraphs: &str) -> String {
    format!(
        r#"<p:sp><p:nvSpPr><p:cNvPr id="{id}" name="{name}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr><p:txBody><a:bodyPr wrap="square" lIns="0" tIns="0" rIns="0" bIns="0"><a:normAutofit/></a:bodyPr><a:lstStyle/>{paragraphs}</p:txBody></p:sp>"#
    )
}

/// The slide's shapes, placed as the stylesheet places them: sizes are the
/// same share of the slide's width (4 % heading, 2.6 % body, 2 % kicker).
fn slide_xml(slide: &Slide, number: usize, count: usize) -> String {
    // A point is 12,700 EMU; the slide is 960 points wide.
    let pt = |share: f64| (960.0 * share / 100.0 * 100.0).round() as u32;
    let margin = WIDTH / 20;
    let inner = WIDTH - 2 * margin;
    let mut shapes = String::new();
    let mut y = WIDTH * 35 / 1000;
    if !slide.kicker.is_empty() {
        let p = format!(
            "<a:p>{}</a:p>",
            run(&slide.kicker, pt(2.0), false, "505A5F")
        );
        shapes.push_str(&text_box(2, "Kicker", (margin, y, inner, 380_000), &p));
        y += 420_000;
    }
    let heading_size = match slide.kind {
        SlideKind::Title | SlideKind::Section => pt(5.0),
        _ => pt(4.0),
    };
    if matches!(slide.kind, SlideKind::Title | SlideKind::Section) {
        y += 600_000;
    }
    let heading = format!(
        "<a:p>{}</a:p>",
        run(&slide.heading, heading_size, true, "0B0C0C")
    );
    let heading_lines = slide.heading.chars().count().div_ceil(40).max(1) as i64;
    let heading_height = heading_lines * i64::from(heading_size) * 12_700 * 115 / 10_000 + 80_000;
    shapes.push_str(&text_box(
        3,
        "Heading",
        (margin, y, inner, heading_height),
        &heading,
    ));
    y += heading_height + 120_000;
    let mut body = String::new();
    if !slide.lead.is_empty() {
        body.push_str(&format!(
            r#"<a:p><a:pPr><a:spcAft><a:spcPts val="600"/></a:spcAft></a:pPr>{}</a:p>"#,
            run(&slide.lead, pt(2.6), false, "0B0C0C")
        ));
    }
    for point in &slide.points {
        let bullet = match slide.first_step {
            Some(start) => format!(r#"<a:buAutoNum type="arabicPeriod" startAt="{start}"/>"#),
            None => r#"<a:buChar char="&#8226;"/>"#.to_string(),
        };
        body.push_str(&format!(
            r#"<a:p><a:pPr marL="457200" indent="-457200"><a:spcAft><a:spcPts val="600"/></a:spcAft>{bullet}</a:pPr>{}</a:p>"#,
            run(point, pt(2.6), false, "0B0C0C")
        ));
    }
    let count_top = HEIGHT - 520_000;
    if !body.is_empty() {
        shapes.push_str(&text_box(
            4,
            "Body",
            (margin, y, inner, count_top - y - 60_000),
            &body,
        ));
    }
    let footer = format!(
        r#"<a:p><a:pPr algn="r"/>{}</a:p>"#,
        run(
            &format!("Slide {number} of {count}"),
            pt(1.6),
            false,
            "505A5F"
        )
    );
    shapes.push_str(&text_box(
        5,
        "Slide number",
        (margin, count_top, inner, 320_000),
        &footer,
    ));
    let background = if slide.kind == SlideKind::Section {
        "F3F2F1"
    } else {
        "FFFFFF"
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld {NS}><p:cSld><p:bg><p:bgPr><a:solidFill><a:srgbClr val="{background}"/></a:solidFill><a:effectLst/></p:bgPr></p:bg><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>{shapes}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"#
    )
}

fn notes_xml(slide: &Slide) -> String {
    let paragraphs: String = slide
        .notes
        .iter()
        .map(|n| format!("<a:p>{}</a:p>", run(n, 1200, false, "000000")))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:notes {NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/><p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide image"/><p:cNvSpPr><a:spLocks noGrp="1" noRot="1" noChangeAspect="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="381000" y="685800"/><a:ext cx="6096000" cy="3429000"/></a:xfrm></p:spPr></p:sp><p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="685800" y="4343400"/><a:ext cx="5486400" cy="4114800"/></a:xfrm></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/>{paragraphs}</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"#
    )
}

const CLR_MAP: &str = r#"<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>"#;

const EMPTY_TREE: &str = r#"<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree>"#;

fn theme() -> String {
    let colours = [
        ("dk1", "0B0C0C"),
        ("lt1", "FFFFFF"),
        ("dk2", "1D1D1B"),
        ("lt2", "F3F2F1"),
        ("accent1", "1D70B8"),
        ("accent2", "00703C"),
        ("accent3", "D4351C"),
        ("accent4", "FFDD00"),
        ("accent5", "4C2C92"),
        ("accent6", "F47738"),
        ("hlink", "1D70B8"),
        ("folHlink", "4C2C92"),
    ];
    let scheme: String = colours
        .iter()
        .map(|(name, rgb)| format!(r#"<a:{name}><a:srgbClr val="{rgb}"/></a:{name}>"#))
        .collect();
    let fill = r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#;
    let line = r#"<a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>"#;
    let effect = "<a:effectStyle><a:effectLst/></a:effectStyle>";
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Waymark"><a:themeElements><a:clrScheme name="Waymark">{scheme}</a:clrScheme><a:fontScheme name="Waymark"><a:majorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="Waymark"><a:fillStyleLst>{fill}{fill}{fill}</a:fillStyleLst><a:lnStyleLst>{line}{line}{line}</a:lnStyleLst><a:effectStyleLst>{effect}{effect}{effect}</a:effectStyleLst><a:bgFillStyleLst>{fill}{fill}{fill}</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>"#
    )
}

/// The whole package: every part, its relationships and content types.
pub fn pptx(slides: &[Slide], title: &str) -> Result<Vec<u8>, zip::result::ZipError> {
    let count = slides.len();
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#,
    );
    let over = |types: &mut String, part: &str, kind: &str| {
        types.push_str(&format!(
            r#"<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-{kind}+xml"/>"#
        ));
    };
    over(
        &mut types,
        "ppt/presentation.xml",
        "officedocument.presentationml.presentation.main",
    );
    over(
        &mut types,
        "ppt/slideMasters/slideMaster1.xml",
        "officedocument.presentationml.slideMaster",
    );
    over(
        &mut types,
        "ppt/slideLayouts/slideLayout1.xml",
        "officedocument.presentationml.slideLayout",
    );
    over(
        &mut types,
        "ppt/notesMasters/notesMaster1.xml",
        "officedocument.presentationml.notesMaster",
    );
    over(&mut types, "ppt/theme/theme1.xml", "officedocument.theme");
    over(&mut types, "ppt/theme/theme2.xml", "officedocument.theme");
    over(&mut types, "docProps/core.xml", "package.core-properties");

    parts.push((
        "_rels/.rels".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="ppt/presentation.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#
        ),
    ));
    parts.push((
        "docProps/core.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>{}</dc:creator></cp:coreProperties>"#,
            esc(slides.first().map_or("Staff session", |s| s.heading.as_str())),
            esc(title)
        ),
    ));

    let mut presentation_rels = vec![
        (
            "rId1",
            "slideMaster",
            "slideMasters/slideMaster1.xml".to_string(),
        ),
        (
            "rId2",
            "notesMaster",
            "notesMasters/notesMaster1.xml".to_string(),
        ),
        ("rId3", "theme", "theme/theme1.xml".to_string()),
    ];
    let slide_ids: Vec<String> = (1..=count).map(|n| format!("rId{}", n + 10)).collect();
    let mut list = String::new();
    for (i, slide) in slides.iter().enumerate() {
        let n = i + 1;
        presentation_rels.push((
            slide_ids[i].as_str(),
            "slide",
            format!("slides/slide{n}.xml"),
        ));
        list.push_str(&format!(
            r#"<p:sldId id="{}" r:id="{}"/>"#,
            255 + n,
            slide_ids[i]
        ));
        over(
            &mut types,
            &format!("ppt/slides/slide{n}.xml"),
            "officedocument.presentationml.slide",
        );
        parts.push((
            format!("ppt/slides/slide{n}.xml"),
            slide_xml(slide, n, count),
        ));
        let mut slide_rels = vec![(
            "rId1",
            "slideLayout",
            "../slideLayouts/slideLayout1.xml".to_string(),
        )];
        if !slide.notes.is_empty() {
            slide_rels.push((
                "rId2",
                "notesSlide",
                format!("../notesSlides/notesSlide{n}.xml"),
            ));
            over(
                &mut types,
                &format!("ppt/notesSlides/notesSlide{n}.xml"),
                "officedocument.presentationml.notesSlide",
            );
            parts.push((
                format!("ppt/notesSlides/notesSlide{n}.xml"),
                notes_xml(slide),
            ));
            parts.push((
                format!("ppt/notesSlides/_rels/notesSlide{n}.xml.rels"),
                rels(&[
                    (
                        "rId1",
                        "notesMaster",
                        "../notesMasters/notesMaster1.xml".into(),
                    ),
                    ("rId2", "slide", format!("../slides/slide{n}.xml")),
                ]),
            ));
        }
        parts.push((
            format!("ppt/slides/_rels/slide{n}.xml.rels"),
            rels(&slide_rels),
        ));
    }
    let types = types + "</Types>";
    parts.push(("[Content_Types].xml".into(), types));
    parts.push((
        "ppt/presentation.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation {NS} saveSubsetFonts="1"><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst><p:notesMasterIdLst><p:notesMasterId r:id="rId2"/></p:notesMasterIdLst><p:sldIdLst>{list}</p:sldIdLst><p:sldSz cx="{WIDTH}" cy="{HEIGHT}"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>"#
        ),
    ));
    parts.push((
        "ppt/_rels/presentation.xml.rels".into(),
        rels(&presentation_rels),
    ));
    parts.push((
        "ppt/slideMasters/slideMaster1.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sldMaster {NS}><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>{EMPTY_TREE}</p:cSld>{CLR_MAP}<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>"#
        ),
    ));
    parts.push((
        "ppt/slideMasters/_rels/slideMaster1.xml.rels".into(),
        rels(&[
            (
                "rId1",
                "slideLayout",
                "../slideLayouts/slideLayout1.xml".into(),
            ),
            ("rId2", "theme", "../theme/theme1.xml".into()),
        ]),
    ));
    parts.push((
        "ppt/slideLayouts/slideLayout1.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sldLayout {NS} type="blank" preserve="1"><p:cSld name="Blank">{EMPTY_TREE}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"#
        ),
    ));
    parts.push((
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels".into(),
        rels(&[(
            "rId1",
            "slideMaster",
            "../slideMasters/slideMaster1.xml".into(),
        )]),
    ));
    parts.push((
        "ppt/notesMasters/notesMaster1.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:notesMaster {NS}><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>{EMPTY_TREE}</p:cSld>{CLR_MAP}</p:notesMaster>"#
        ),
    ));
    parts.push((
        "ppt/notesMasters/_rels/notesMaster1.xml.rels".into(),
        rels(&[("rId1", "theme", "../theme/theme2.xml".into())]),
    ));
    parts.push(("ppt/theme/theme1.xml".into(), theme()));
    parts.push(("ppt/theme/theme2.xml".into(), theme()));

    // [Content_Types].xml first, as readers that stream the file expect.
    parts.sort_by_key(|(name, _)| name != "[Content_Types].xml");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
