//! What the report says: the title page with scope, dates and filter, the key figures with
//! their denominators, the charts' sections and the table of services, laid out through
//! [`super::layout`].

use super::fonts::{self, Weight};
use super::layout::*;
use super::Report;
use crate::charts::{self, Grouping};
use crate::exports::ExportDescription;
use app::domain::Dashboard;
use app::format::{self, int, percent};
use app::i18n::{td_string, Locale};
/// Rows of label, value and what the value counts against.
pub(super) fn figure_table(layout: &mut Layout, rows: &[(String, String, String)]) {
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

pub(super) fn filter_text(about: &ExportDescription) -> String {
    if about.filter.is_empty() {
        "keiner (alle OZG-Leistungen)".to_owned()
    } else {
        about.filter_line()
    }
}

pub(super) fn title_block(layout: &mut Layout, report: &Report) {
    let about = &report.about;
    let o = &report.dashboard;
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

pub(super) fn key_figures(layout: &mut Layout, o: &Dashboard) {
    layout.heading(td_string!(Locale::de, dashboard.kpis));
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
            int(o.services.total),
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
            td_string!(Locale::de, dashboard.full_title).to_owned(),
            format!("{} ({})", int(o.services.online_full), percent(o.services.online_full, n)),
            format!("von {} Leistungen bei allen zuständigen Stellen {place} online", int(n)),
        ),
        (
            "In mindestens einer Stelle online".to_owned(),
            format!("{} ({})", int(o.services.online_any), percent(o.services.online_any, n)),
            format!("von {} Leistungen", int(n)),
        ),
        (
            td_string!(Locale::de, dashboard.municipal_title).to_owned(),
            percent(o.municipal.records_online, o.municipal.records_applicable),
            format!(
                "{} von {} kommunalen Umsetzungsständen (OZG-Leistung × Gemeinde) online; {} Gemeinden",
                int(o.municipal.records_online),
                int(o.municipal.records_applicable),
                int(o.municipal.gemeinden)
            ),
        ),
        (
            td_string!(Locale::de, dashboard.population_title).to_owned(),
            percent(o.municipal.population_online, o.municipal.population_applicable),
            "Anteil der Einwohner, deren Gemeinde bzw. Kreis die jeweilige kommunale Leistung online anbietet, über die kommunalen Leistungen gemittelt (Einwohner: Destatis)"
                .to_owned(),
        ),
        (
            td_string!(Locale::de, dashboard.maturity_title).to_owned(),
            o.maturity.average()
                .map_or_else(|| "–".to_owned(), |m| format::decimal(m, 1)),
            format!(
                "{}über {} Umsetzungsstände mit Reifegrad; {} ohne Angabe",
                o.maturity.scale()
                    .map(|(lowest, highest)| format!(
                        "Modell {}, Skala {} ({}) bis {} ({}), ",
                        o.maturity.model, lowest.level, lowest.label, highest.level, highest.label
                    ))
                    .unwrap_or_default(),
                int(o.maturity.count),
                int(o.maturity.unknown)
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

    layout.heading(td_string!(Locale::de, dashboard.federal_title));
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

pub(super) fn chart_sections(layout: &mut Layout, o: &Dashboard) {
    let sections = [
        (
            Chart::Trend,
            td_string!(Locale::de, dashboard.trend_title),
            td_string!(Locale::de, dashboard.trend_caption).replace(
                " Ein Klick auf einen Monat zeigt die Übersicht zu diesem Datum.",
                "",
            ),
            charts::trend_desc(&o.trend, Locale::de),
            charts::TREND_SIZE,
        ),
        (
            Chart::Themenfeld,
            td_string!(Locale::de, dashboard.chart_title),
            charts::bars_desc(&o.bars, Grouping::Themenfeld, Locale::de),
            charts::bars_text(&o.bars, Locale::de),
            charts::category_bars_size(&o.bars),
        ),
        (
            Chart::Ressort,
            td_string!(Locale::de, dashboard.ressort_title),
            charts::bars_desc(&o.ressort_bars, Grouping::Ressort, Locale::de),
            charts::bars_text(&o.ressort_bars, Locale::de),
            charts::category_bars_size(&o.ressort_bars),
        ),
        (
            Chart::Maturity,
            td_string!(Locale::de, dashboard.maturity_chart_title),
            td_string!(
                Locale::de,
                dashboard.maturity_caption,
                model = o.maturity.model.clone()
            )
            .to_string(),
            charts::maturity_desc(&o.maturity.bins, o.maturity.unknown, Locale::de),
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
pub(super) const SERVICE_COLUMNS: [(&str, f32, bool); 5] = [
    ("OZG-ID", 40.0, false),
    ("Leistung", 192.0, false),
    ("Themenfeld", 95.0, false),
    ("Stand", 110.0, false),
    ("online", 58.0, true),
];

pub(super) fn service_table(layout: &mut Layout, report: &Report) {
    let place = if report.dashboard.kreis.is_some() {
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

pub(super) fn lay_out(report: &Report) -> Layout {
    let mut layout = Layout::new();
    title_block(&mut layout, report);
    key_figures(&mut layout, &report.dashboard);
    layout.new_page();
    chart_sections(&mut layout, &report.dashboard);
    service_table(&mut layout, report);
    layout
}
