//! The coverage map: Thüringen's Kreise, or the Gemeinden of one Kreis, from the BKG boundaries
//! in `reference-data/geo` (© GeoBasis-DE / BKG 2021, dl-de/by-2-0; the page shows the
//! attribution). Written as SVG paths directly rather than with plotters: every region must be
//! its own link with its own tooltip, which plotters' SVG backend cannot group or link.
//!
//! Colours come from a five-step sequential scale whose lightness falls with the share (read
//! in greyscale and with colour-vision deficiencies); each region also carries its share as a
//! number, and regions without data are hatched, never drawn as 0 %.

use app::domain::{CoverageMap, MapWeighting, OrgUnitRef, RegionCoverage};
use app::i18n::{td_string, Locale};
use std::collections::HashSet;
use std::fmt::Write;
use std::sync::OnceLock;

const KREISE: &str = include_str!("../../reference-data/geo/thueringen-kreise.geojson");
const GEMEINDEN: &str = include_str!("../../reference-data/geo/thueringen-gemeinden.geojson");

/// One area of the boundary file: its key (ARS of a Kreis, AGS of a Gemeinde) and outline.
struct Area {
    key: String,
    name: String,
    /// Outer and inner rings, lon/lat.
    rings: Vec<Vec<(f64, f64)>>,
}

fn parse(geojson: &str, key_field: &str) -> Vec<Area> {
    let doc: serde_json::Value = serde_json::from_str(geojson).expect("embedded GeoJSON is valid");
    let point =
        |p: &serde_json::Value| (p[0].as_f64().unwrap_or(0.0), p[1].as_f64().unwrap_or(0.0));
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|ps| ps.iter().map(point).collect())
            .unwrap_or_default()
    };
    doc["features"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let geometry = &f["geometry"];
            let coordinates = geometry["coordinates"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let polygons: Vec<serde_json::Value> = if geometry["type"] == "Polygon" {
                vec![serde_json::Value::Array(coordinates)]
            } else {
                coordinates
            };
            Area {
                key: f["properties"][key_field]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                name: f["properties"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                rings: polygons
                    .iter()
                    .flat_map(|p| p.as_array().cloned().unwrap_or_default())
                    .map(|r| ring(&r))
                    .collect(),
            }
        })
        .collect()
}

fn kreise() -> &'static [Area] {
    static AREAS: OnceLock<Vec<Area>> = OnceLock::new();
    AREAS.get_or_init(|| parse(KREISE, "ars"))
}

fn gemeinden() -> &'static [Area] {
    static AREAS: OnceLock<Vec<Area>> = OnceLock::new();
    AREAS.get_or_init(|| parse(GEMEINDEN, "ags"))
}

/// ColorBrewer "Blues", five classes of 20 percentage points each.
const SCALE: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];

fn class_of(share: f64) -> usize {
    ((share * 5.0).floor() as usize).min(4)
}

/// The drawn map and the names of boundary areas that have no unit (marked "keine Daten").
pub struct DrawnMap {
    pub svg: String,
    pub areas_without_unit: Vec<String>,
}

/// Draws `map`: the Kreise, or (with `kreis`) the Gemeinden whose AGS starts with its key.
/// `link` gives each region's target. Marks `on_map` on the regions that have an area.
#[tracing::instrument(level = "debug", skip_all)]
pub fn draw(
    map: &mut CoverageMap,
    kreis: Option<&OrgUnitRef>,
    weighting: MapWeighting,
    link: &dyn Fn(&RegionCoverage) -> String,
    locale: Locale,
) -> DrawnMap {
    let areas: Vec<&Area> = match kreis {
        None => kreise().iter().collect(),
        Some(k) => gemeinden()
            .iter()
            .filter(|a| a.key.starts_with(&k.code))
            .collect(),
    };
    let (width, map_height, margin) = (600.0, 470.0, 10.0);
    let points = || areas.iter().flat_map(|a| a.rings.iter().flatten());
    let (min_lon, max_lon, min_lat, max_lat) = points().fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(a, b, c, d), (lon, lat)| (a.min(*lon), b.max(*lon), c.min(*lat), d.max(*lat)),
    );
    let cos_lat = f64::midpoint(min_lat, max_lat).to_radians().cos();
    let geo_w = ((max_lon - min_lon) * cos_lat).max(1e-9);
    let geo_h = (max_lat - min_lat).max(1e-9);
    let scale = ((width - 2.0 * margin) / geo_w).min((map_height - 2.0 * margin) / geo_h);
    let height_used = geo_h * scale + 2.0 * margin;
    let project = |(lon, lat): (f64, f64)| {
        (
            margin + (lon - min_lon) * cos_lat * scale,
            margin + (max_lat - lat) * scale,
        )
    };
    let legend_y = height_used + 8.0;
    let total_height = legend_y + 50.0;

    let mut paths = String::new();
    let mut labels = String::new();
    let mut matched: HashSet<&str> = HashSet::new();
    let mut areas_without_unit = Vec::new();
    let (mut best, mut worst, mut without) = (None::<(f64, String)>, None::<(f64, String)>, 0);
    for area in &areas {
        let mut d = String::new();
        for ring in &area.rings {
            for (i, p) in ring.iter().enumerate() {
                let (x, y) = project(*p);
                let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
            }
            d.push('Z');
        }
        let region = map.regions.iter_mut().find(|r| r.code == area.key);
        let share = region.as_ref().and_then(|r| r.figures.share(weighting));
        let (fill, text) = match share {
            Some(s) => (
                SCALE[class_of(s)].to_owned(),
                if class_of(s) >= 3 {
                    "#ffffff"
                } else {
                    "#000000"
                },
            ),
            None => ("url(#keine-daten)".to_owned(), "#000000"),
        };
        let share_text = share.map_or_else(
            || td_string!(locale, dashboard.map_no_data).to_owned(),
            |s| format!("{} %", app::format::decimal(s * 100.0, 0)),
        );
        if let Some(region) = region {
            region.on_map = true;
            matched.insert(area.key.as_str());
            let title = td_string!(
                locale,
                dashboard.map_link,
                name = region.name.clone(),
                share = share_text.clone()
            )
            .to_string();
            let _ = write!(
                paths,
                "<a href=\"{}\" class=\"map-region\" data-code=\"{}\"><title>{}</title><path d=\"{d}\" fill=\"{fill}\" stroke=\"#333333\" stroke-width=\"0.7\"/></a>",
                escape(&link(region)),
                escape(&region.code),
                escape(&title)
            );
            match share {
                Some(s) => {
                    if best.as_ref().is_none_or(|(b, _)| s > *b) {
                        best = Some((s, region.name.clone()));
                    }
                    if worst.as_ref().is_none_or(|(w, _)| s < *w) {
                        worst = Some((s, region.name.clone()));
                    }
                }
                None => without += 1,
            }
        } else {
            areas_without_unit.push(area.name.clone());
            without += 1;
            let _ = write!(
                paths,
                "<path d=\"{d}\" fill=\"{fill}\" stroke=\"#333333\" stroke-width=\"0.7\"><title>{}: {}</title></path>",
                escape(&area.name),
                escape(td_string!(locale, dashboard.map_no_data))
            );
        }
        if let Some((cx, cy)) = label_point(area, &project) {
            let short = if share.is_some() {
                share_text
            } else {
                "–".to_owned()
            };
            let _ = write!(
                labels,
                "<text x=\"{cx:.1}\" y=\"{cy:.1}\" text-anchor=\"middle\" dominant-baseline=\"central\" font-family=\"sans-serif\" font-size=\"{}\" fill=\"{text}\" pointer-events=\"none\">{}</text>",
                if kreis.is_some() { 8 } else { 11 },
                escape(&short)
            );
        }
    }
    let mut legend = String::new();
    for (i, colour) in SCALE.iter().enumerate() {
        let x = 10.0 + i as f64 * 80.0;
        let _ = write!(
            legend,
            "<rect x=\"{x}\" y=\"{legend_y:.1}\" width=\"16\" height=\"16\" fill=\"{colour}\" stroke=\"#333333\"/><text x=\"{:.1}\" y=\"{:.1}\" font-family=\"sans-serif\" font-size=\"11\">{}–{} %</text>",
            x + 20.0,
            legend_y + 12.0,
            i * 20,
            (i + 1) * 20
        );
    }
    let _ = write!(
        legend,
        "<rect x=\"410\" y=\"{legend_y:.1}\" width=\"16\" height=\"16\" fill=\"url(#keine-daten)\" stroke=\"#333333\"/><text x=\"430\" y=\"{:.1}\" font-family=\"sans-serif\" font-size=\"11\">{}</text><text x=\"10\" y=\"{:.1}\" font-family=\"sans-serif\" font-size=\"10\">{}</text>",
        legend_y + 12.0,
        escape(td_string!(locale, dashboard.map_legend_none)),
        legend_y + 38.0,
        escape(td_string!(locale, dashboard.map_attribution))
    );
    let name = |v: Option<(f64, String)>| {
        v.map_or_else(
            || "–".to_owned(),
            |(s, n)| format!("{n} ({} %)", app::format::decimal(s * 100.0, 0)),
        )
    };
    let desc = td_string!(
        locale,
        dashboard.map_desc,
        regions = areas.len(),
        best = name(best),
        worst = name(worst),
        none = without
    )
    .to_string();
    let title = match kreis {
        Some(k) => td_string!(
            locale,
            dashboard.map_title_gemeinden,
            kreis = k.name.clone()
        )
        .to_string(),
        None => td_string!(locale, dashboard.map_title_kreise).to_owned(),
    };
    let svg = format!(
        "<svg width=\"{width}\" height=\"{total_height:.0}\" viewBox=\"0 0 {width} {total_height:.0}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" aria-labelledby=\"map-title map-desc\"><title id=\"map-title\">{}</title><desc id=\"map-desc\">{}</desc><defs><pattern id=\"keine-daten\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#888888\" stroke-width=\"2\"/></pattern></defs><rect width=\"{width}\" height=\"{total_height:.0}\" fill=\"#ffffff\"/>{paths}{labels}{legend}</svg>",
        escape(&title),
        escape(&desc)
    );
    DrawnMap {
        svg,
        areas_without_unit,
    }
}

/// Where a region's number goes: the centroid of its largest ring (in drawing coordinates).
fn label_point(area: &Area, project: &dyn Fn((f64, f64)) -> (f64, f64)) -> Option<(f64, f64)> {
    let mut best: Option<(f64, f64, f64)> = None;
    for ring in &area.rings {
        let pts: Vec<(f64, f64)> = ring.iter().map(|p| project(*p)).collect();
        let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
        for w in pts.windows(2) {
            let cross = w[0].0 * w[1].1 - w[1].0 * w[0].1;
            a += cross;
            cx += (w[0].0 + w[1].0) * cross;
            cy += (w[0].1 + w[1].1) * cross;
        }
        if a.abs() > best.map_or(0.0, |b| b.0) {
            best = Some((a.abs(), cx / (3.0 * a), cy / (3.0 * a)));
        }
    }
    best.map(|(_, x, y)| (x, y))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::ScopeFigures;

    fn region(code: &str, name: &str, applicable: i64, online: i64) -> RegionCoverage {
        RegionCoverage {
            code: code.into(),
            name: name.into(),
            figures: ScopeFigures {
                applicable,
                online,
                population_applicable: applicable * 10,
                population_online: online * 10,
            },
            services_full: 0,
            services: 1,
            on_map: false,
        }
    }

    #[test]
    fn the_boundaries_have_23_kreise_and_631_gemeinden() {
        assert_eq!(kreise().len(), 23);
        assert_eq!(gemeinden().len(), 631);
        assert!(kreise()
            .iter()
            .all(|a| a.key.len() == 5 && !a.rings.is_empty()));
    }

    #[test]
    fn kreise_map_has_one_linked_region_per_unit_and_marks_missing_data() {
        let mut map = CoverageMap {
            gemeinden: false,
            regions: vec![
                region("16051", "Erfurt", 10, 9),
                region("16052", "Gera", 10, 0),
                // no applicable record: no data, not 0 %
                region("16053", "Jena", 0, 0),
                // a unit the boundaries do not have
                region("16099", "Neuer Kreis", 5, 5),
            ],
            areas_without_unit: Vec::new(),
        };
        let link = |r: &RegionCoverage| format!("/organisationen/{}", r.code);
        let drawn = draw(&mut map, None, MapWeighting::Units, &link, Locale::de);
        let svg = &drawn.svg;
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"map-title\">Abdeckung nach Kreisen</title>"));
        assert_eq!(
            svg.matches("class=\"map-region\"").count(),
            3,
            "linked regions"
        );
        assert_eq!(svg.matches("<path").count(), 23, "every Kreis drawn");
        assert!(svg.contains("href=\"/organisationen/16051\""));
        assert!(svg.contains("<title>Erfurt: 90 %</title>"));
        assert!(svg.contains("<title>Jena: keine Daten</title>"));
        assert!(svg.contains(">90 %</text>") && svg.contains(">0 %</text>"));
        assert_eq!(svg.matches("<a ").count(), svg.matches("</a>").count());
        assert!(svg.contains("© GeoBasis-DE / BKG 2021"));
        // 20 Kreise of the file have no unit here, among them Eisenach
        assert_eq!(drawn.areas_without_unit.len(), 20);
        assert!(drawn.areas_without_unit.contains(&"Eisenach".to_owned()));
        assert!(map.regions[0].on_map && !map.regions[3].on_map);
    }

    #[test]
    fn a_kreis_shows_its_gemeinden_and_the_weighting_changes_the_colour() {
        let mut map = CoverageMap {
            gemeinden: true,
            regions: vec![region("16051000", "Erfurt, Stadt", 4, 1)],
            areas_without_unit: Vec::new(),
        };
        let link = |r: &RegionCoverage| format!("/organisationen/{}", r.code);
        let erfurt = OrgUnitRef {
            code: "16051".into(),
            name: "Erfurt".into(),
            kind: app::domain::OrgUnitKind::Kreis,
        };
        let units = draw(
            &mut map,
            Some(&erfurt),
            MapWeighting::Units,
            &link,
            Locale::de,
        );
        assert!(units
            .svg
            .contains(">Abdeckung in den Gemeinden von Erfurt</title>"));
        assert_eq!(
            units.svg.matches("<path").count(),
            1,
            "Erfurt is one Gemeinde"
        );
        assert!(units.svg.contains(SCALE[1]), "25 % is the second class");
        map.regions[0].figures.population_online = 40;
        let people = draw(
            &mut map,
            Some(&erfurt),
            MapWeighting::Inhabitants,
            &link,
            Locale::de,
        );
        assert!(people.svg.contains(SCALE[4]), "100 % of the inhabitants");
    }
}
