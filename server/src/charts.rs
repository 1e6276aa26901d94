//! Server-rendered charts (plotters → SVG). Every chart carries a `<title>` and `<desc>`;
//! the pages put the same numbers in a data table next to it.

use app::domain::{CoverageCategory, ThemenfeldBar};
use app::i18n::{td_string, Locale};
use plotters::prelude::*;

/// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
fn colour(c: CoverageCategory) -> RGBColor {
    match c {
        CoverageCategory::Full => RGBColor(0, 114, 178), // blue
        CoverageCategory::Partial => RGBColor(86, 180, 233), // sky blue
        CoverageCategory::InProgress => RGBColor(230, 159, 0), // orange
        CoverageCategory::NotStarted => RGBColor(204, 204, 204), // grey
        CoverageCategory::NotApplicable => RGBColor(255, 255, 255),
    }
}

/// Horizontal stacked bars: OZG-Leistungen per Themenfeld by coverage category.
pub fn status_by_themenfeld(bars: &[ThemenfeldBar], locale: Locale) -> Result<String, String> {
    let width = 900u32;
    let row_height = 30u32;
    let height = 90 + row_height * bars.len().max(1) as u32;
    let max = bars
        .iter()
        .map(ThemenfeldBar::total)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let categories: Vec<CoverageCategory> = CoverageCategory::ALL
        .into_iter()
        .filter(|c| bars.iter().any(|b| b.count(*c) > 0) || *c != CoverageCategory::NotApplicable)
        .collect();

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let n = bars.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(250)
            .build_cartesian_2d(0f64..max * 1.05, 0f64..n)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(td_string!(locale, overview.chart_axis))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(|e| e.to_string())?;

        for (i, bar) in bars.iter().enumerate() {
            let top = n - i as f64 - 0.15;
            let bottom = n - i as f64 - 0.85;
            let mut x = 0.0;
            for c in &categories {
                let v = bar.count(*c) as f64;
                if v > 0.0 {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x, bottom), (x + v, top)],
                            ShapeStyle::from(&colour(*c)).filled(),
                        )))
                        .map_err(|e| e.to_string())?;
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x, bottom), (x + v, top)],
                            ShapeStyle::from(&BLACK).stroke_width(1),
                        )))
                        .map_err(|e| e.to_string())?;
                    x += v;
                }
            }
            // the Themenfeld name left of its bar (plotters' tick labels sit between bars)
            let (px, py) = chart.backend_coord(&(0.0, (top + bottom) / 2.0));
            root.draw(&Text::new(
                bar.themenfeld.clone(),
                (px - 8, py),
                ("sans-serif", 13).into_font().color(&BLACK).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Right,
                        plotters::style::text_anchor::VPos::Center,
                    ),
                ),
            ))
            .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{}", bar.total()),
                    (x + max * 0.01, (top + bottom) / 2.0),
                    ("sans-serif", 12).into_font().color(&BLACK).pos(
                        plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Left,
                            plotters::style::text_anchor::VPos::Center,
                        ),
                    ),
                )))
                .map_err(|e| e.to_string())?;
        }
        // Legend along the top edge of the figure.
        let mut lx = 260i32;
        for c in &categories {
            root.draw(&Rectangle::new(
                [(lx, height as i32 - 22), (lx + 14, height as i32 - 8)],
                ShapeStyle::from(&colour(*c)).filled(),
            ))
            .map_err(|e| e.to_string())?;
            root.draw(&Rectangle::new(
                [(lx, height as i32 - 22), (lx + 14, height as i32 - 8)],
                ShapeStyle::from(&BLACK).stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
            root.draw(&Text::new(
                c.label(locale).to_owned(),
                (lx + 18, height as i32 - 21),
                ("sans-serif", 12),
            ))
            .map_err(|e| e.to_string())?;
            lx += 20 + 7 * c.label(locale).chars().count() as i32;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    let total: i64 = bars.iter().map(ThemenfeldBar::total).sum();
    let full: i64 = bars.iter().map(|b| b.count(CoverageCategory::Full)).sum();
    let partial: i64 = bars
        .iter()
        .map(|b| b.count(CoverageCategory::Partial))
        .sum();
    Ok(with_title(
        svg,
        "status-by-themenfeld",
        td_string!(locale, overview.chart_title),
        &td_string!(
            locale,
            overview.chart_desc,
            total = total,
            full = full,
            partial = partial
        )
        .to_string(),
    ))
}

/// Adds `<title>`/`<desc>` (the accessible name and description) and `role="img"`;
/// `id` keeps their element ids unique when a page shows several charts.
pub fn with_title(svg: String, id: &str, title: &str, desc: &str) -> String {
    let Some(open_end) = svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|e| start + e))
    else {
        return svg;
    };
    let (head, tail) = svg.split_at(open_end);
    format!(
        "{head} role=\"img\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        escape(title),
        escape(desc),
        &tail[1..]
    )
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

    fn bar(id: i64, name: &str, full: i64, partial: i64, rest: i64) -> ThemenfeldBar {
        ThemenfeldBar {
            themenfeld_id: id,
            themenfeld: name.into(),
            counts: vec![
                (CoverageCategory::Full, full),
                (CoverageCategory::Partial, partial),
                (CoverageCategory::NotStarted, rest),
            ],
        }
    }

    #[test]
    fn svg_is_well_formed_with_title_desc_and_one_rect_per_segment() {
        let bars = vec![bar(1, "Familie & Kind", 3, 2, 1), bar(2, "Umwelt", 0, 1, 0)];
        let svg = status_by_themenfeld(&bars, Locale::de).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        assert!(svg.contains(
            "<title id=\"status-by-themenfeld-title\">Stand der OZG-Leistungen nach Themenfeld</title>"
        ));
        assert!(svg.contains("<desc id=\"status-by-themenfeld-desc\">"));
        assert!(svg
            .contains("aria-labelledby=\"status-by-themenfeld-title status-by-themenfeld-desc\""));
        assert!(svg.contains("Familie &amp; Kind"), "labels are escaped");
        assert!(svg.trim_end().ends_with("</svg>"));
        // 4 filled segments (3+2+1 and 1) with an outline each; legend: 4 categories × 2; background 1.
        let filled = svg.matches("<rect").count();
        assert_eq!(filled, 4 * 2 + 4 * 2 + 1, "{svg}");
        // balanced tags: every opened element closes (plotters writes no CDATA)
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    }

    #[test]
    fn the_chart_speaks_the_requested_language() {
        let bars = vec![bar(1, "Familie & Kind", 3, 2, 1)];
        let svg = status_by_themenfeld(&bars, Locale::en).unwrap();
        assert!(svg.contains(">State of the OZG services by topic area</title>"));
        assert!(svg.contains("Of 6 OZG services, 3 are online everywhere and 2 partly online."));
        assert!(svg.contains("online everywhere"), "legend in English");
        assert!(!svg.contains("flächendeckend"));
    }
}
