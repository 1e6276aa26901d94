//! The PDF report of a Land, a Ressort or a Kreis: title and data date, the filter, the key
//! figures with their denominators, the dashboard's charts as vector graphics, and the
//! services with their state, with page numbers on every page. Written with krilla (fonts
//! embedded and subset, text selectable); the charts are `crate::charts` drawn through
//! [`plot::PdfBackend`].
//!
//! Layout happens first, into a list of drawing operations per page, so that every page can
//! say "Seite 3 von 12" when it is drawn: `layout` is the engine (geometry, operations, the
//! logical structure), `content` what the report says, `render` the drawing with krilla.

mod content;
mod fonts;
mod layout;
mod plot;
mod render;

use super::ExportDescription;
use crate::storage::ReportService;
use app::domain::Dashboard;
pub use render::{render, ReportError};

/// Everything a report shows; the caller reads it, [`render`] only lays it out.
pub struct Report {
    pub about: ExportDescription,
    /// What the report covers, e.g. "Kreis Erfurt (16051)".
    pub scope_title: String,
    pub dashboard: Dashboard,
    pub services: Vec<ReportService>,
}

/// The reports' file names' first word.
pub const REPORT_FILE: &str = "ozg-bericht";

#[cfg(test)]
mod tests {
    use super::fonts::Weight;
    use super::layout::*;
    use super::render::*;
    use super::*;
    use app::domain::*;
    use std::collections::HashMap;

    fn bar(label: &str, full: i64, partial: i64, rest: i64) -> CategoryBar {
        crate::charts::tests::bar(0, label, full, partial, rest)
    }

    fn dashboard() -> Dashboard {
        let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        Dashboard {
            filter: DashboardFilter::default(),
            as_of: day("2026-11-02"),
            kreis: None,
            data_as_of: Some("2026-11-02T09:05:00Z".parse().unwrap()),
            services: ServiceKpis {
                total: 6,
                online_any: 3,
                online_full: 1,
            },
            municipal: MunicipalKpis {
                services: 0,
                confirmed: 0,
                records_applicable: 1266,
                records_online: 317,
                population_applicable: 4_240_000,
                population_online: 1_060_000,
                gemeinden: 633,
            },
            maturity: MaturityFigures {
                model: "OZG-Reifegradmodell".into(),
                sum: 25,
                count: 10,
                bins: (0..5)
                    .map(|level| MaturityBin {
                        level,
                        label: format!("Stufe {level}"),
                        records: 2,
                    })
                    .collect(),
                unknown: 4,
            },
            bars: vec![bar("Familie & Kind", 1, 1, 1), bar("Umwelt", 0, 1, 2)],
            ressort_bars: vec![bar("TMDI", 1, 2, 3)],
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
            dashboard: dashboard(),
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
        let o = &mut empty.dashboard;
        o.services.total = 0;
        o.bars.clear();
        o.ressort_bars.clear();
        o.trend.clear();
        o.maturity.bins.clear();
        o.maturity.unknown = 0;
        let pdf = render(&empty).unwrap();
        let all = pages_of(&pdf).join("\n");
        assert!(
            all.contains("Keine OZG-Leistung entspricht dem Filter."),
            "{all}"
        );
    }
}
