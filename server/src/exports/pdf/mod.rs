//! The PDF report of a Land, a Ressort or a Kreis: title and data date, the filter, the key
//! figures with their denominators, the dashboard's charts as vector graphics, and the
//! services with their state, with page numbers on every page. Written with krilla (fonts
//! embedded and subset, text selectable); the charts are `crate::charts` drawn through
//! [`plot::PdfBackend`].
//!
//! Layout happens first, into a list of drawing operations per page, so that every page can
//! say "Seite 3 von 12" when it is drawn.

mod fonts;
mod plot;

use super::ExportDescription;
use crate::charts::{self, Grouping};
use crate::storage::ReportService;
use app::domain::{CoverageCategory, Overview};
use app::format::{self, int, percent};
use app::i18n::{td_string, Locale};
use chrono::{Datelike, Timelike};
use fonts::Weight;
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

/// Everything a report shows; the caller reads it, [`render`] only lays it out.
pub struct Report {
    pub about: ExportDescription,
    /// What the report covers, e.g. "Kreis Erfurt (16051)".
    pub scope_title: String,
    pub overview: Overview,
    pub services: Vec<ReportService>,
}

/// The reports' file names' first word.
pub const REPORT_FILE: &str = "ozg-bericht";

// A4 portrait, in points
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_WIDTH - 50.0;
const CONTENT_WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = 56.0;
/// Content ends here; the footer sits below.
const BOTTOM: f32 = PAGE_HEIGHT - 62.0;
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 34.0;

type Rgb = (u8, u8, u8);
const BLACK: Rgb = (0, 0, 0);
const GREY: Rgb = (90, 90, 90);
const RULE: Rgb = (150, 150, 150);
const SHADE: Rgb = (238, 238, 238);
const DEMO: Rgb = (255, 236, 179);

/// One of the dashboard's charts.
#[derive(Debug, Clone, Copy)]
enum Chart {
    Trend,
    Themenfeld,
    Ressort,
    Maturity,
}

/// A drawing operation at page coordinates (origin top left, y downwards, points).
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        colour: Rgb,
        text: String,
    },
    Rect {
        rect: [f32; 4],
        colour: Rgb,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    Chart {
        chart: Chart,
        x: f32,
        y: f32,
        scale: f32,
    },
}

/// Where an operation is: its page and its position on the page.
type OpRef = (usize, usize);

/// A piece of the document's logical structure, in reading order: the tag tree a screen
/// reader follows. Operations no block names (shading, rules, repeated table headers, the
/// footer) are marked as artifacts.
enum Block {
    Heading {
        level: u16,
        text: String,
        lines: Vec<OpRef>,
    },
    Paragraph(Vec<OpRef>),
    /// Rows of cells, each cell the lines drawn for it. With `column_headers` the first row
    /// heads the columns; otherwise each row's first cell heads its row.
    Table {
        column_headers: bool,
        rows: Vec<Vec<Vec<OpRef>>>,
    },
    Figure {
        alt: String,
        chart: OpRef,
    },
}

/// The pages laid out so far, the vertical position on the last one, and the structure.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
    blocks: Vec<Block>,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: TOP,
            blocks: Vec::new(),
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn keep(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn push(&mut self, op: Op) -> OpRef {
        let page = self.pages.len() - 1;
        let ops = self.pages.last_mut().expect("a page");
        ops.push(op);
        (page, ops.len() - 1)
    }

    fn text_at(&mut self, x: f32, baseline: f32, size: f32, weight: Weight, text: &str) -> OpRef {
        self.push(Op::Text {
            x,
            y: baseline,
            size,
            weight,
            colour: BLACK,
            text: text.to_owned(),
        })
    }

    /// Text across the content width, wrapped; moves down past it.
    fn lines(&mut self, text: &str, size: f32, weight: Weight, colour: Rgb) -> Vec<OpRef> {
        let line_height = size * 1.35;
        let mut refs = Vec::new();
        for line in fonts::wrap(text, weight, size, CONTENT_WIDTH, 40) {
            self.keep(line_height);
            self.y += line_height;
            refs.push(self.push(Op::Text {
                x: LEFT,
                y: self.y - size * 0.3,
                size,
                weight,
                colour,
                text: line,
            }));
        }
        refs
    }

    fn paragraph(&mut self, text: &str, size: f32, weight: Weight, colour: Rgb) {
        let lines = self.lines(text, size, weight, colour);
        self.blocks.push(Block::Paragraph(lines));
    }

    fn heading_of(&mut self, level: u16, text: &str, size: f32) {
        let lines = self.lines(text, size, Weight::Bold, BLACK);
        self.blocks.push(Block::Heading {
            level,
            text: text.to_owned(),
            lines,
        });
    }

    /// A section's heading (level 2).
    fn heading(&mut self, text: &str) {
        // a heading never ends a page: keep room for a few lines after it
        self.keep(80.0);
        self.y += 14.0;
        self.heading_of(2, text, 13.0);
        self.y += 4.0;
    }

    fn space(&mut self, points: f32) {
        self.y += points;
    }
}

/// Rows of label, value and what the value counts against.
fn figure_table(layout: &mut Layout, rows: &[(String, String, String)]) {
    const LABEL: f32 = 170.0;
    const VALUE: f32 = 90.0;
    let size = 9.5;
    let mut table = Vec::new();
    for (i, (label, value, basis)) in rows.iter().enumerate() {
        let basis_lines = fonts::wrap(
            basis,
            Weight::Regular,
            size,
            CONTENT_WIDTH - LABEL - VALUE - 8.0,
            3,
        );
        let label_lines = fonts::wrap(label, Weight::Bold, size, LABEL - 8.0, 3);
        let lines = basis_lines.len().max(label_lines.len()) as f32;
        let height = lines * size * 1.3 + 6.0;
        layout.keep(height);
        let top = layout.y;
        if i % 2 == 0 {
            layout.push(Op::Rect {
                rect: [LEFT, top, CONTENT_WIDTH, height],
                colour: SHADE,
            });
        }
        let first = top + 3.0 + size;
        let label_cell = label_lines
            .iter()
            .enumerate()
            .map(|(n, line)| {
                layout.text_at(
                    LEFT + 4.0,
                    first + n as f32 * size * 1.3,
                    size,
                    Weight::Bold,
                    line,
                )
            })
            .collect();
        let value_width = fonts::width(value, Weight::Bold, size);
        let value_cell = vec![layout.text_at(
            LEFT + LABEL + VALUE - 8.0 - value_width,
            first,
            size,
            Weight::Bold,
            value,
        )];
        let basis_cell = basis_lines
            .iter()
            .enumerate()
            .map(|(n, line)| {
                layout.text_at(
                    LEFT + LABEL + VALUE,
                    first + n as f32 * size * 1.3,
                    size,
                    Weight::Regular,
                    line,
                )
            })
            .collect();
        table.push(vec![label_cell, value_cell, basis_cell]);
        layout.y = top + height;
    }
    layout.blocks.push(Block::Table {
        column_headers: false,
        rows: table,
    });
}

fn filter_text(about: &ExportDescription) -> String {
    if about.filter.is_empty() {
        "keiner (alle OZG-Leistungen)".to_owned()
    } else {
        about.filter_line()
    }
}

fn title_block(layout: &mut Layout, report: &Report) {
    let about = &report.about;
    let o = &report.overview;
    layout.paragraph(
        &format!("OZG-Monitor · {}", about.land_name),
        10.0,
        Weight::Regular,
        GREY,
    );
    layout.space(6.0);
    layout.heading_of(1, "OZG-Umsetzungsbericht", 24.0);
    layout.paragraph(&report.scope_title, 15.0, Weight::Bold, BLACK);
    layout.space(10.0);
    if about.demo_data {
        let text = format!(
            "Demodaten: {}",
            td_string!(Locale::de, common.demo_text, land = about.land_name.clone())
        );
        let lines = fonts::wrap(&text, Weight::Bold, 10.0, CONTENT_WIDTH - 16.0, 4);
        let height = lines.len() as f32 * 13.5 + 12.0;
        layout.push(Op::Rect {
            rect: [LEFT, layout.y, CONTENT_WIDTH, height],
            colour: DEMO,
        });
        let refs = lines
            .iter()
            .enumerate()
            .map(|(n, line)| {
                let baseline = layout.y + 17.0 + n as f32 * 13.5;
                layout.text_at(LEFT + 8.0, baseline, 10.0, Weight::Bold, line)
            })
            .collect();
        layout.blocks.push(Block::Paragraph(refs));
        layout.space(height + 10.0);
    }
    let past = o.as_of != chrono::Utc::now().date_naive();
    let state = if past {
        format!(
            "Stand am {} (aus der Änderungshistorie)",
            format::date(o.as_of)
        )
    } else {
        format!("Stand heute, {}", format::date(o.as_of))
    };
    let lines = [
        ("Bereich", report.scope_title.clone()),
        ("Zahlen", state),
        (
            "Datenstand",
            o.data_as_of.map_or_else(
                || "keine Änderung erfasst".to_owned(),
                |t| format!("letzte Änderung {}", format::datetime(t)),
            ),
        ),
        ("Filter", filter_text(about)),
        ("Erstellt", format::datetime(about.exported_at)),
    ];
    for (label, value) in lines {
        layout.paragraph(&format!("{label}: {value}"), 10.0, Weight::Regular, BLACK);
    }
}

fn key_figures(layout: &mut Layout, o: &Overview) {
    layout.heading(td_string!(Locale::de, overview.kpis));
    // the services the KPIs divide by are the federal table's: those someone in the view executes
    let n = o.services_counted();
    let place = if o.kreis.is_some() {
        "im Kreis"
    } else {
        "im Land"
    };
    let mut rows = vec![
        (
            "OZG-Leistungen im Bericht".to_owned(),
            int(o.services_total),
            "aktive Leistungen des OZG-Katalogs, die dem Filter entsprechen".to_owned(),
        ),
        (
            "davon gezählt".to_owned(),
            int(n),
            format!(
                "mit mindestens einer zuständigen Stelle {place}, für die sie nicht „nicht relevant“ ist; {} nicht gezählt",
                int(o.services_not_counted())
            ),
        ),
        (
            td_string!(Locale::de, overview.full_title).to_owned(),
            format!("{} ({})", int(o.services_online_full), percent(o.services_online_full, n)),
            format!("von {} Leistungen bei allen zuständigen Stellen {place} online", int(n)),
        ),
        (
            "In mindestens einer Stelle online".to_owned(),
            format!("{} ({})", int(o.services_online_any), percent(o.services_online_any, n)),
            format!("von {} Leistungen", int(n)),
        ),
        (
            td_string!(Locale::de, overview.municipal_title).to_owned(),
            percent(o.municipal_records_online, o.municipal_records_applicable),
            format!(
                "{} von {} kommunalen Umsetzungsständen (OZG-Leistung × Gemeinde) online; {} Gemeinden",
                int(o.municipal_records_online),
                int(o.municipal_records_applicable),
                int(o.gemeinden_total)
            ),
        ),
        (
            td_string!(Locale::de, overview.population_title).to_owned(),
            percent(o.municipal_population_online, o.municipal_population_applicable),
            "Anteil der Einwohner, deren Gemeinde bzw. Kreis die jeweilige kommunale Leistung online anbietet, über die kommunalen Leistungen gemittelt (Einwohner: Destatis)"
                .to_owned(),
        ),
        (
            td_string!(Locale::de, overview.maturity_title).to_owned(),
            o.average_maturity()
                .map_or_else(|| "–".to_owned(), |m| format::decimal(m, 1)),
            format!(
                "{}über {} Umsetzungsstände mit Reifegrad; {} ohne Angabe",
                o.maturity_scale()
                    .map(|(lowest, highest)| format!(
                        "Modell {}, Skala {} ({}) bis {} ({}), ",
                        o.maturity_model, lowest.level, lowest.label, highest.level, highest.label
                    ))
                    .unwrap_or_default(),
                int(o.maturity_count),
                int(o.maturity_unknown)
            ),
        ),
    ];
    if o.late.available {
        rows.push((
            "Verspätet".to_owned(),
            int(o.late.records),
            "Umsetzungsstände weder online noch „nicht relevant“, obwohl ihr geplanter Start vor dem Stichtag lag"
                .to_owned(),
        ));
    }
    figure_table(layout, &rows);

    layout.heading(td_string!(Locale::de, overview.federal_title));
    let rows: Vec<(String, String, String)> = o
        .federal
        .iter()
        .map(|r| {
            (
                r.category.label(Locale::de).to_owned(),
                format!("{} ({})", int(r.services), percent(r.services, n)),
                match (r.mean_population_online(), r.mean_population_applicable()) {
                    (Some(online), Some(applicable)) => format!(
                        "Leistungen; je Leistung im Mittel online für {} von {} Einwohnern ({})",
                        int(online),
                        int(applicable),
                        percent(r.figures.population_online, r.figures.population_applicable)
                    ),
                    _ => "Leistungen".to_owned(),
                },
            )
        })
        .collect();
    figure_table(layout, &rows);
}

fn chart_sections(layout: &mut Layout, o: &Overview) {
    let sections = [
        (
            Chart::Trend,
            td_string!(Locale::de, overview.trend_title),
            td_string!(Locale::de, overview.trend_caption).replace(
                " Ein Klick auf einen Monat zeigt die Übersicht zu diesem Datum.",
                "",
            ),
            charts::trend_desc(&o.trend, Locale::de),
            charts::TREND_SIZE,
        ),
        (
            Chart::Themenfeld,
            td_string!(Locale::de, overview.chart_title),
            charts::bars_desc(&o.bars, Grouping::Themenfeld, Locale::de),
            charts::bars_text(&o.bars, Locale::de),
            charts::category_bars_size(&o.bars),
        ),
        (
            Chart::Ressort,
            td_string!(Locale::de, overview.ressort_title),
            charts::bars_desc(&o.ressort_bars, Grouping::Ressort, Locale::de),
            charts::bars_text(&o.ressort_bars, Locale::de),
            charts::category_bars_size(&o.ressort_bars),
        ),
        (
            Chart::Maturity,
            td_string!(Locale::de, overview.maturity_chart_title),
            td_string!(
                Locale::de,
                overview.maturity_caption,
                model = o.maturity_model.clone()
            )
            .to_string(),
            charts::maturity_desc(&o.maturity, o.maturity_unknown, Locale::de),
            charts::MATURITY_SIZE,
        ),
    ];
    for (chart, title, caption, alt, (width, height)) in sections {
        let scale = CONTENT_WIDTH / width as f32;
        let drawn_height = height as f32 * scale;
        layout.keep(drawn_height + 70.0);
        layout.heading(title);
        layout.paragraph(&caption, 9.0, Weight::Regular, GREY);
        layout.space(6.0);
        layout.keep(drawn_height);
        let drawn = layout.push(Op::Chart {
            chart,
            x: LEFT,
            y: layout.y,
            scale,
        });
        // a figure needs an alternative text even when it shows nothing
        let alt = if alt.trim().is_empty() { caption } else { alt };
        layout.blocks.push(Block::Figure { alt, chart: drawn });
        layout.space(drawn_height + 8.0);
    }
}

/// The services' table: columns (header, width, right-aligned).
const SERVICE_COLUMNS: [(&str, f32, bool); 5] = [
    ("OZG-ID", 40.0, false),
    ("Leistung", 192.0, false),
    ("Themenfeld", 95.0, false),
    ("Stand", 110.0, false),
    ("online", 58.0, true),
];

fn service_table(layout: &mut Layout, report: &Report) {
    let place = if report.overview.kreis.is_some() {
        "im Kreis"
    } else {
        "im Land"
    };
    layout.new_page();
    layout.heading(&format!(
        "Leistungen ({})",
        int(report.services.len() as i64)
    ));
    layout.paragraph(
        &format!(
            "Jede OZG-Leistung im Filter mit ihrem Umsetzungsstand {place}; „online“ zählt die \
             zuständigen Stellen mit der Leistung online gegen die, für die sie gilt."
        ),
        9.0,
        Weight::Regular,
        GREY,
    );
    layout.space(6.0);
    if report.services.is_empty() {
        layout.paragraph(
            "Keine OZG-Leistung entspricht dem Filter.",
            10.0,
            Weight::Regular,
            BLACK,
        );
        return;
    }
    let size = 8.5;
    let line_height = size * 1.3;
    // the header's cells; only the first header is structure, its repetitions are artifacts
    let header = |layout: &mut Layout| -> Vec<Vec<OpRef>> {
        let top = layout.y;
        let mut x = LEFT;
        let mut cells = Vec::new();
        for (title, width, right) in SERVICE_COLUMNS {
            let tx = if right {
                x + width - 4.0 - fonts::width(title, Weight::Bold, size)
            } else {
                x + 4.0
            };
            cells.push(vec![layout.text_at(
                tx,
                top + 3.0 + size,
                size,
                Weight::Bold,
                title,
            )]);
            x += width;
        }
        layout.y = top + line_height + 6.0;
        layout.push(Op::Line {
            from: (LEFT, layout.y - 1.0),
            to: (RIGHT, layout.y - 1.0),
            width: 0.8,
        });
        cells
    };
    let mut rows = vec![header(layout)];
    for (i, s) in report.services.iter().enumerate() {
        let cells = [
            vec![s.ozg_id.to_string()],
            fonts::wrap(
                &s.name,
                Weight::Regular,
                size,
                SERVICE_COLUMNS[1].1 - 8.0,
                3,
            ),
            vec![fonts::truncate(
                &s.themenfeld,
                Weight::Regular,
                size,
                SERVICE_COLUMNS[2].1 - 8.0,
            )],
            fonts::wrap(
                s.category.label(Locale::de),
                Weight::Regular,
                size,
                SERVICE_COLUMNS[3].1 - 8.0,
                2,
            ),
            vec![format!(
                "{} von {}",
                int(s.figures.online),
                int(s.figures.applicable)
            )],
        ];
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1) as f32;
        let height = lines * line_height + 4.0;
        if layout.y + height > BOTTOM {
            layout.new_page();
            header(layout);
        }
        let top = layout.y;
        if i % 2 == 1 {
            layout.push(Op::Rect {
                rect: [LEFT, top, CONTENT_WIDTH, height],
                colour: SHADE,
            });
        }
        let mut x = LEFT;
        let mut row = Vec::new();
        for ((_, width, right), lines) in SERVICE_COLUMNS.iter().zip(&cells) {
            let mut cell = Vec::new();
            for (n, line) in lines.iter().enumerate() {
                let tx = if *right {
                    x + width - 4.0 - fonts::width(line, Weight::Regular, size)
                } else {
                    x + 4.0
                };
                cell.push(layout.text_at(
                    tx,
                    top + 2.0 + size + n as f32 * line_height,
                    size,
                    Weight::Regular,
                    line,
                ));
            }
            row.push(cell);
            x += width;
        }
        rows.push(row);
        layout.y = top + height;
    }
    layout.blocks.push(Block::Table {
        column_headers: true,
        rows,
    });
    layout.push(Op::Line {
        from: (LEFT, layout.y),
        to: (RIGHT, layout.y),
        width: 0.8,
    });
}

fn lay_out(report: &Report) -> Layout {
    let mut layout = Layout::new();
    title_block(&mut layout, report);
    key_figures(&mut layout, &report.overview);
    layout.new_page();
    chart_sections(&mut layout, &report.overview);
    service_table(&mut layout, report);
    layout
}

fn colour(c: Rgb) -> BackendColor {
    BackendColor { alpha: 1.0, rgb: c }
}

fn draw_text(surface: &mut Surface, x: f32, y: f32, size: f32, weight: Weight, c: Rgb, text: &str) {
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

fn draw_chart(surface: &mut Surface, chart: Chart, o: &Overview) -> Result<(), String> {
    let no_link = |_: &app::domain::CategoryBar, _: CoverageCategory| String::new();
    let no_month_link = |_: chrono::NaiveDate| String::new();
    let size = match chart {
        Chart::Trend => charts::TREND_SIZE,
        Chart::Themenfeld => charts::category_bars_size(&o.bars),
        Chart::Ressort => charts::category_bars_size(&o.ressort_bars),
        Chart::Maturity => charts::MATURITY_SIZE,
    };
    let mut backend = plot::PdfBackend::new(surface, size);
    backend.ensure_prepared().map_err(|e| e.to_string())?;
    let root = backend.into_drawing_area();
    match chart {
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
            charts::draw_maturity(&root, &o.maturity, o.maturity_unknown, Locale::de).map(drop)
        }
    }
}

/// The footer's two texts at `size`, the left one within `width`: the report and its scope,
/// shortened when a long Ressort or Kreis name needs it, then the data date and — for demo
/// data — DEMODATEN, which every page promises and which are never cut.
fn footer(report: &Report, page: usize, pages: usize, width: f32, size: f32) -> (String, String) {
    let mut facts = format!(
        "Datenstand {}",
        format::data_date(report.overview.data_as_of, Locale::de)
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

fn draw_op(surface: &mut Surface, op: &Op, overview: &Overview) -> Result<(), String> {
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
            draw_chart(surface, *chart, overview)?;
            surface.pop();
        }
    }
    Ok(())
}

/// The tag tree of `blocks`, from the identifiers their operations were drawn under.
fn tag_tree(blocks: &[Block], ids: &HashMap<OpRef, Identifier>) -> TagTree {
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

/// The report as a PDF file: tagged (PDF/UA-1, checked by krilla on export), with an
/// outline of its sections.
pub fn render(report: &Report) -> Result<Vec<u8>, String> {
    let layout = lay_out(report);
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| format!("{e:?}"))?;
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
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or("page size")?;
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
            draw_op(&mut surface, op, &report.overview)?;
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
    document.finish().map_err(|e| format!("{e:?}"))
}

/// Bookmarks: one per section heading, at its page and height.
fn outline(layout: &Layout) -> Outline {
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

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::*;

    fn bar(label: &str, full: i64, partial: i64, rest: i64) -> CategoryBar {
        crate::charts::tests::bar(0, label, full, partial, rest)
    }

    fn overview() -> Overview {
        let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        Overview {
            filter: DashboardFilter::default(),
            as_of: day("2026-11-02"),
            kreis: None,
            data_as_of: Some("2026-11-02T09:05:00Z".parse().unwrap()),
            services_total: 6,
            services_online_any: 3,
            services_online_full: 1,
            municipal_records_applicable: 1266,
            municipal_records_online: 317,
            municipal_population_applicable: 4_240_000,
            municipal_population_online: 1_060_000,
            gemeinden_total: 633,
            municipal_services: 0,
            municipal_confirmed: 0,
            maturity_sum: 25,
            maturity_count: 10,
            bars: vec![bar("Familie & Kind", 1, 1, 1), bar("Umwelt", 0, 1, 2)],
            ressort_bars: vec![bar("TMDI", 1, 2, 3)],
            maturity: (0..5)
                .map(|level| MaturityBin {
                    level,
                    label: format!("Stufe {level}"),
                    records: 2,
                })
                .collect(),
            maturity_unknown: 4,
            maturity_model: "OZG-Reifegradmodell".into(),
            trend: vec![
                TrendPoint {
                    date: day("2026-09-30"),
                    counts: vec![
                        (CoverageCategory::Full, 0),
                        (CoverageCategory::NotStarted, 6),
                    ],
                },
                TrendPoint {
                    date: day("2026-10-31"),
                    counts: vec![
                        (CoverageCategory::Full, 1),
                        (CoverageCategory::NotStarted, 5),
                    ],
                },
            ],
            deadlines: vec![],
            // the six services: one everywhere online, two somewhere, three nowhere
            federal: [
                (FederalCategory::Land, 1),
                (FederalCategory::Kreis, 0),
                (FederalCategory::Kommune, 2),
                (FederalCategory::Nowhere, 3),
            ]
            .into_iter()
            .map(|(category, services)| FederalRow {
                category,
                services,
                figures: ScopeFigures {
                    applicable: services,
                    online: 0,
                    population_applicable: services * 2_000_000,
                    population_online: 0,
                },
            })
            .collect(),
            map: CoverageMap::default(),
            late: Lateness::default(),
            charts: DashboardCharts::default(),
            options: DashboardOptions::default(),
        }
    }

    fn report(services: usize, demo: bool) -> Report {
        Report {
            about: crate::exports::tests_support::about(demo),
            scope_title: "Ministerium für Digitales und Infrastruktur (TMDI)".into(),
            overview: overview(),
            services: (0..services)
                .map(|i| ReportService {
                    ozg_id: 10_000 + i as i64,
                    name: format!("Leistung Nr. {i} – Änderung der Straßenführung mit einem langen Namen, der umbricht"),
                    themenfeld: "Mobilität & Reisen".into(),
                    category: CoverageCategory::Partial,
                    figures: ScopeFigures {
                        applicable: 633,
                        online: i as i64,
                        population_applicable: 0,
                        population_online: 0,
                    },
                })
                .collect(),
        }
    }

    fn pages_of(pdf: &[u8]) -> Vec<String> {
        assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
        pdf_extract::extract_text_from_mem_by_pages(pdf).expect("a PDF reader opens the report")
    }

    #[test]
    fn the_report_reads_back_with_its_figures_umlauts_and_page_numbers() {
        let pdf = render(&report(120, true)).unwrap();
        let pages = pages_of(&pdf);
        let all = pages.join("\n");
        // a reader joins wrapped lines with or without a space: compare without any
        let squashed: String = all.split_whitespace().collect();
        for expected in [
            "OZG-Umsetzungsbericht",
            "Ministerium für Digitales und Infrastruktur (TMDI)",
            "Demodaten:",
            "Filter: Ressort: TMDI",
            "Stand am 02.11.2026",
            "OZG-Leistungen flächendeckend online",
            "1 (16,7 %)",
            "317 von 1.266 kommunalen Umsetzungsständen",
            "2,5",
            "Entwicklung: OZG-Leistungen nach Umsetzungsstand",
            "Familie & Kind",
            "Verteilung der Reifegrade",
            "Leistungen (120)",
            "10119",
            "119 von 633",
            "Mobilität & Reisen",
        ] {
            let expected: String = expected.split_whitespace().collect();
            assert!(
                squashed.contains(&expected),
                "„{expected}“ in the report:\n{all}"
            );
        }
        let n = pages.len();
        assert!(n >= 4, "title, charts and a table of several pages: {n}");
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains(&format!("Seite {} von {n}", i + 1)),
                "page {} numbered: {page}",
                i + 1
            );
            assert!(page.contains("DEMODATEN"), "every page says demo data");
        }
        // every service once, and the header on every page of the table
        let words: Vec<&str> = all.split_whitespace().collect();
        for i in 0..120 {
            let id = (10_000 + i).to_string();
            assert_eq!(
                words.iter().filter(|w| **w == id).count(),
                1,
                "service {id}"
            );
        }
        for p in pages.iter().filter(|p| p.contains("von 633")) {
            assert!(p.contains("OZG-ID") && p.contains("Themenfeld"), "{p}");
        }
    }

    #[test]
    fn the_fonts_are_embedded_and_real_data_is_not_called_demo() {
        let pdf = render(&report(3, false)).unwrap();
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/FontFile2"), "TrueType font embedded");
        assert!(raw.contains("DejaVuSansCondensed"), "the report's font");
        assert!(raw.contains("/ToUnicode"), "text maps back to Unicode");
        let all = pages_of(&pdf).join("\n");
        assert!(!all.contains("DEMODATEN") && !all.contains("Demodaten"));
        assert!(all.contains("Leistungen (3)"));
        // a small report: title page, charts, table
        assert!(
            pdf.len() < 400_000,
            "subset fonts keep the file small: {} bytes",
            pdf.len()
        );
    }

    /// The structure elements of `pdf` by type, and the alternative texts of its figures.
    fn structure(pdf: &[u8]) -> (HashMap<String, usize>, Vec<String>, lopdf::Document) {
        let doc = lopdf::Document::load_mem(pdf).expect("lopdf opens the report");
        let mut kinds: HashMap<String, usize> = HashMap::new();
        let mut alts = Vec::new();
        for object in doc.objects.values() {
            let Ok(dict) = object.as_dict() else { continue };
            let Ok(kind) = dict.get(b"S").and_then(lopdf::Object::as_name) else {
                continue;
            };
            if dict.get(b"P").is_err() {
                continue; // not a structure element
            }
            let kind = String::from_utf8_lossy(kind).into_owned();
            if kind == "Figure" {
                let alt = dict
                    .get(b"Alt")
                    .and_then(lopdf::Object::as_str)
                    .unwrap_or_default();
                alts.push(
                    lopdf::decode_text_string(&lopdf::Object::string_literal(alt))
                        .unwrap_or_default(),
                );
            }
            *kinds.entry(kind).or_default() += 1;
        }
        (kinds, alts, doc)
    }

    #[test]
    fn the_report_is_tagged_for_screen_readers_and_has_an_outline() {
        let services = 40;
        let (kinds, alts, doc) = structure(&render(&report(services, true)).unwrap());
        let catalog = doc.catalog().unwrap();
        assert!(catalog.get(b"StructTreeRoot").is_ok(), "a tag tree");
        // a catalog entry that is a dictionary, directly or by reference
        let entry = |key: &[u8]| -> lopdf::Dictionary {
            let object = catalog.get(key).expect("in the catalog");
            let (_, object) = doc.dereference(object).expect("resolves");
            object.as_dict().expect("a dictionary").clone()
        };
        let marked = entry(b"MarkInfo")
            .get(b"Marked")
            .and_then(lopdf::Object::as_bool);
        assert_eq!(marked.ok(), Some(true), "marked as tagged");
        assert_eq!(
            catalog.get(b"Lang").and_then(lopdf::Object::as_str).ok(),
            Some(&b"de-DE"[..]),
            "the document's language"
        );
        let count = |k: &str| kinds.get(k).copied().unwrap_or(0);
        assert_eq!(count("H1"), 1, "{kinds:?}");
        // key figures, federal categories, four charts, the services
        assert_eq!(count("H2"), 7, "{kinds:?}");
        assert_eq!(count("Table"), 3, "{kinds:?}");
        assert_eq!(count("Figure"), 4, "{kinds:?}");
        // the services' header row, and each key-figure row's label
        assert!(count("TH") >= 5 + 7, "{kinds:?}");
        assert_eq!(count("TD"), services * 5 + (7 + 4) * 2, "{kinds:?}");
        assert!(count("P") >= 8, "{kinds:?}");
        assert!(
            alts.iter()
                .any(|a| a.contains("Familie & Kind: 1 flächendeckend online")),
            "a bar chart's data in its alternative text: {alts:?}"
        );
        assert!(alts.iter().all(|a| !a.is_empty()), "{alts:?}");
        let entries = entry(b"Outlines")
            .get(b"Count")
            .and_then(lopdf::Object::as_i64)
            .unwrap_or(0);
        assert_eq!(entries.abs(), 7, "a bookmark per section");
    }

    #[test]
    fn the_footer_keeps_the_data_date_and_the_demo_mark_however_long_the_name() {
        let mut long = report(3, true);
        long.scope_title =
            "Thüringer Ministerium für Wirtschaft, Landwirtschaft und Ländlichen Raum (TMWLLR)"
                .into();
        let (left, right) = footer(&long, 7, 18, CONTENT_WIDTH, 8.0);
        assert!(left.ends_with("· DEMODATEN"), "{left}");
        assert!(left.contains("· Datenstand "), "{left}");
        assert!(left.contains('…'), "the name is shortened: {left}");
        assert!(
            fonts::width(&left, Weight::Regular, 8.0)
                + fonts::width(&right, Weight::Regular, 8.0)
                + 16.0
                <= CONTENT_WIDTH + 0.01,
            "{left}"
        );
        // a short name stays whole
        let (left, _) = footer(&report(3, false), 1, 2, CONTENT_WIDTH, 8.0);
        assert!(!left.contains('…') && !left.contains("DEMODATEN"), "{left}");
    }

    #[test]
    fn an_empty_selection_says_so() {
        // nothing in the filter: no bars, no trend, no Reifegrad (this failed PDF/UA
        // validation once: an empty bar chart had an empty alternative text)
        let mut empty = report(0, false);
        let o = &mut empty.overview;
        o.services_total = 0;
        o.bars.clear();
        o.ressort_bars.clear();
        o.trend.clear();
        o.maturity.clear();
        o.maturity_unknown = 0;
        let pdf = render(&empty).unwrap();
        let all = pages_of(&pdf).join("\n");
        assert!(
            all.contains("Keine OZG-Leistung entspricht dem Filter."),
            "{all}"
        );
    }
}
