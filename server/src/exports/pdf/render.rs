//! Drawing the laid-out pages with krilla: text in the embedded fonts, the charts through
//! [`super::plot::PdfBackend`], the tag tree and outline of an accessible PDF (PDF/UA), and
//! the footer with "Seite 3 von 12".

use super::content::{filter_text, lay_out};
use super::fonts::{self, Weight};
use super::layout::*;
use super::plot;
use super::Report;
use crate::charts;
use app::domain::{CoverageCategory, Dashboard};
use app::format;
use app::i18n::Locale;
use chrono::{Datelike, Timelike};
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, SpanTag, TableHeaderScope, Tag, TagGroup,
    TagKind, TagTree,
};
use krilla::text::TextDirection;
use krilla::{Document, SerializeSettings};
use plotters::prelude::{DrawingBackend, IntoDrawingArea};
use plotters_backend::BackendColor;
use std::collections::{HashMap, HashSet};
use std::num::NonZeroU16;
pub(super) fn colour(c: Rgb) -> BackendColor {
    BackendColor { alpha: 1.0, rgb: c }
}

pub(super) fn draw_text(
    surface: &mut Surface,
    x: f32,
    y: f32,
    size: f32,
    weight: Weight,
    c: Rgb,
    text: &str,
) {
    surface.set_stroke(None);
    surface.set_fill(Some(plot::fill(colour(c))));
    surface.draw_text(
        Point::from_xy(x, y),
        fonts::font(weight),
        size,
        text,
        false,
        TextDirection::Auto,
    );
}

pub(super) fn draw_chart(
    surface: &mut Surface,
    chart: Chart,
    o: &Dashboard,
) -> Result<(), ReportError> {
    let no_link = |_: &app::domain::CategoryBar, _: CoverageCategory| String::new();
    let no_month_link = |_: chrono::NaiveDate| String::new();
    let size = match chart {
        Chart::Trend => charts::TREND_SIZE,
        Chart::Themenfeld => charts::category_bars_size(&o.bars),
        Chart::Ressort => charts::category_bars_size(&o.ressort_bars),
        Chart::Maturity => charts::MATURITY_SIZE,
    };
    let mut backend = plot::PdfBackend::new(surface, size);
    backend
        .ensure_prepared()
        .map_err(|e| ReportError::Chart(charts::ChartError::from_plotters(&e)))?;
    let root = backend.into_drawing_area();
    let drawn = match chart {
        Chart::Trend => {
            charts::draw_trend(&root, &o.trend, &o.deadlines, &no_month_link, Locale::de).map(drop)
        }
        Chart::Themenfeld => {
            charts::draw_category_bars(&root, &o.bars, &no_link, Locale::de).map(drop)
        }
        Chart::Ressort => {
            charts::draw_category_bars(&root, &o.ressort_bars, &no_link, Locale::de).map(drop)
        }
        Chart::Maturity => {
            charts::draw_maturity(&root, &o.maturity.bins, o.maturity.unknown, Locale::de).map(drop)
        }
    };
    Ok(drawn?)
}

/// The footer's two texts at `size`, the left one within `width`: the report and its scope,
/// shortened when a long Ressort or Kreis name needs it, then the data date and — for demo
/// data — DEMODATEN, which every page promises and which are never cut.
pub(super) fn footer(
    report: &Report,
    page: usize,
    pages: usize,
    width: f32,
    size: f32,
) -> (String, String) {
    let mut facts = format!(
        "Datenstand {}",
        format::data_date(report.dashboard.data_as_of, Locale::de)
    );
    if report.about.demo_data {
        facts.push_str(" · DEMODATEN");
    }
    let right = format!("Seite {page} von {pages}");
    let room = width - fonts::width(&right, Weight::Regular, size) - 16.0;
    let separator = " · ";
    let title_room = room
        - fonts::width(&facts, Weight::Regular, size)
        - fonts::width(separator, Weight::Regular, size);
    let title = fonts::truncate(
        &format!("OZG-Umsetzungsbericht · {}", report.scope_title),
        Weight::Regular,
        size,
        title_room,
    );
    (format!("{title}{separator}{facts}"), right)
}

pub(super) fn draw_op(
    surface: &mut Surface,
    op: &Op,
    dashboard: &Dashboard,
) -> Result<(), ReportError> {
    match op {
        Op::Text {
            x,
            y,
            size,
            weight,
            colour,
            text,
        } => draw_text(surface, *x, *y, *size, *weight, *colour, text),
        Op::Rect { rect, colour: c } => {
            let [x, y, w, h] = *rect;
            let mut path = PathBuilder::new();
            if let Some(r) = Rect::from_xywh(x, y, w, h) {
                path.push_rect(r);
            }
            if let Some(path) = path.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(plot::fill(colour(*c))));
                surface.draw_path(&path);
            }
        }
        Op::Line { from, to, width } => {
            let mut path = PathBuilder::new();
            path.move_to(from.0, from.1);
            path.line_to(to.0, to.1);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(krilla::paint::Stroke {
                    paint: krilla::color::rgb::Color::new(RULE.0, RULE.1, RULE.2).into(),
                    width: *width,
                    ..Default::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Chart { chart, x, y, scale } => {
            surface.push_transform(&Transform::from_row(*scale, 0.0, 0.0, *scale, *x, *y));
            draw_chart(surface, *chart, dashboard)?;
            surface.pop();
        }
    }
    Ok(())
}

/// The tag tree of `blocks`, from the identifiers their operations were drawn under.
pub(super) fn tag_tree(blocks: &[Block], ids: &HashMap<OpRef, Identifier>) -> TagTree {
    let group = |tag: TagKind, refs: &[OpRef]| {
        let mut g = TagGroup::new(tag);
        for r in refs {
            if let Some(id) = ids.get(r) {
                g.push(*id);
            }
        }
        g
    };
    let mut tree = TagTree::new();
    for block in blocks {
        match block {
            Block::Heading { level, text, lines } => {
                let level = NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN);
                tree.push(group(Tag::Hn(level, Some(text.clone())).into(), lines));
            }
            Block::Paragraph(lines) => tree.push(group(Tag::P.into(), lines)),
            Block::Figure { alt, chart } => {
                tree.push(group(Tag::Figure(Some(alt.clone())).into(), &[*chart]));
            }
            Block::Table {
                column_headers,
                rows,
            } => {
                let mut table = TagGroup::new(Tag::Table);
                for (r, row) in rows.iter().enumerate() {
                    let mut tr = TagGroup::new(Tag::TR);
                    for (c, cell) in row.iter().enumerate() {
                        let tag: TagKind = match (*column_headers, r, c) {
                            (true, 0, _) => Tag::TH(TableHeaderScope::Column).into(),
                            (false, _, 0) => Tag::TH(TableHeaderScope::Row).into(),
                            _ => Tag::TD.into(),
                        };
                        tr.push(group(tag, cell));
                    }
                    table.push(tr);
                }
                tree.push(table);
            }
        }
    }
    tree
}

/// Why a report could not be written. Neither is caused by the filter a user chose: it is
/// logged, and the person sees an internal error.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    /// krilla refused the document (its configuration, or the PDF/UA check on export).
    #[error("writing the PDF failed: {0}")]
    Pdf(String),
}

/// The report as a PDF file: tagged (PDF/UA-1, checked by krilla on export), with an
/// outline of its sections.
pub fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let layout = lay_out(report);
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| ReportError::Pdf(format!("{e:?}")))?;
    let mut document = Document::new_with(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    });
    let about = &report.about;
    let created = about.exported_at;
    document.set_metadata(
        Metadata::new()
            .title(format!("OZG-Umsetzungsbericht – {}", report.scope_title))
            .description(format!("Filter: {}", filter_text(about)))
            .creator("OZG-Monitor".to_owned())
            .language("de-DE".to_owned())
            .creation_date(
                DateTime::new(created.year() as u16)
                    .month(created.month() as u8)
                    .day(created.day() as u8)
                    .hour(created.hour() as u8)
                    .minute(created.minute() as u8)
                    .second(created.second() as u8)
                    .utc_offset_hour(0),
            ),
    );
    // operations named by the structure are content, the rest artifacts
    let structural: HashSet<OpRef> = layout
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Heading { lines, .. } | Block::Paragraph(lines) => lines.clone(),
            Block::Figure { chart, .. } => vec![*chart],
            Block::Table { rows, .. } => rows.iter().flatten().flatten().copied().collect(),
        })
        .collect();
    let mut ids: HashMap<OpRef, Identifier> = HashMap::new();
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| ReportError::Pdf("the page size is not a valid PDF page".into()))?;
    let total = layout.pages.len();
    for (index, ops) in layout.pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for (i, op) in ops.iter().enumerate() {
            let at = (index, i);
            let tag = match op {
                _ if !structural.contains(&at) => {
                    ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout))
                }
                Op::Chart { .. } => ContentTag::Other,
                _ => ContentTag::Span(SpanTag::empty()),
            };
            let id = surface.start_tagged(tag);
            draw_op(&mut surface, op, &report.dashboard)?;
            surface.end_tagged();
            if structural.contains(&at) {
                ids.insert(at, id);
            }
        }
        let size = 8.0;
        let (left, right) = footer(report, index + 1, total, CONTENT_WIDTH, size);
        let right_width = fonts::width(&right, Weight::Regular, size);
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
            ArtifactType::PaginationOther,
        )));
        draw_text(
            &mut surface,
            LEFT,
            FOOTER_BASELINE,
            size,
            Weight::Regular,
            GREY,
            &left,
        );
        draw_text(
            &mut surface,
            RIGHT - right_width,
            FOOTER_BASELINE,
            size,
            Weight::Regular,
            GREY,
            &right,
        );
        surface.end_tagged();
        surface.finish();
        page.finish();
    }
    document.set_tag_tree(tag_tree(&layout.blocks, &ids));
    document.set_outline(outline(&layout));
    document
        .finish()
        .map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

/// Bookmarks: one per section heading, at its page and height.
pub(super) fn outline(layout: &Layout) -> Outline {
    let mut outline = Outline::new();
    for block in &layout.blocks {
        if let Block::Heading {
            level: 2,
            text,
            lines,
        } = block
        {
            let Some(&(page, i)) = lines.first() else {
                continue;
            };
            let top = match &layout.pages[page][i] {
                Op::Text { y, size, .. } => y - size * 1.2,
                _ => TOP,
            };
            outline.push_child(OutlineNode::new(
                text.clone(),
                XyzDestination::new(page, Point::from_xy(LEFT, top.max(0.0))),
            ));
        }
    }
    outline
}
