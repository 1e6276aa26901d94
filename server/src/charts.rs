//! Server-rendered charts (plotters → SVG). Every chart carries a `<title>` and `<desc>`; the
//! pages put the same numbers in a data table next to it. No information is carried by colour
//! alone: segments are outlined and labelled with their numbers, bands are named where they
//! end, and the colours (Okabe–Ito) also differ in lightness, so a black-and-white print
//! stays readable. Clickable parts are transparent links laid over the drawing (plotters
//! itself draws no links).
//!
//! Each chart is drawn by one function generic over the plotters backend: the pages get SVG
//! here, the PDF reports draw the same function onto a PDF page (`exports::pdf`).

use app::domain::{CategoryBar, CoverageCategory, Deadline, MaturityBin, TrendPoint};
use app::i18n::{td_string, Locale};
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A chart plotters could not draw. Never caused by the figures a user chose: it is logged,
/// and the person sees an internal error.
#[derive(Debug, thiserror::Error)]
#[error("drawing a chart failed: {0}")]
pub struct ChartError(String);

type Error = ChartError;

impl ChartError {
    pub fn from_plotters(e: &impl std::fmt::Display) -> Self {
        Self(e.to_string())
    }
}

/// Plotters' errors are generic over the backend (SVG here, PDF in the reports); the chart
/// keeps what it reported.
fn err(e: impl std::fmt::Display) -> Error {
    ChartError::from_plotters(&e)
}

/// Okabe–Ito colours, dark to light: distinguishable with the common colour-vision
/// deficiencies and in greyscale.
fn colour(c: CoverageCategory) -> RGBColor {
    match c {
        CoverageCategory::Full => RGBColor(0, 90, 150), // dark blue
        CoverageCategory::Partial => RGBColor(86, 180, 233), // sky blue
        CoverageCategory::InProgress => RGBColor(230, 159, 0), // orange
        CoverageCategory::NotStarted => RGBColor(221, 221, 221), // light grey
        CoverageCategory::NotApplicable => RGBColor(255, 255, 255),
    }
}

/// Text on a segment of colour `c`: white on the dark blue, black elsewhere.
fn text_colour(c: CoverageCategory) -> RGBColor {
    if c == CoverageCategory::Full {
        WHITE
    } else {
        BLACK
    }
}

/// A clickable rectangle in pixels with its link and the tooltip naming what it opens.
pub struct HitArea {
    rect: [(i32, i32); 2],
    href: String,
    label: String,
}

/// The categories a chart shows: "nicht relevant" only when it occurs.
fn shown_categories(occurs: impl Fn(CoverageCategory) -> bool) -> Vec<CoverageCategory> {
    CoverageCategory::ALL
        .into_iter()
        .filter(|c| *c != CoverageCategory::NotApplicable || occurs(*c))
        .collect()
}

fn anchored(size: u32, h: HPos, v: VPos, colour: RGBColor) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .color(&colour)
        .pos(Pos::new(h, v))
}

/// The legend in one row at the bottom of `root`, starting at `x`, or further left where
/// it would not fit.
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    categories: &[CoverageCategory],
    x: i32,
    y: i32,
    locale: Locale,
) -> Result<(), Error> {
    let entry_width = |c: &CoverageCategory| 26 + 7 * c.label(locale).chars().count() as i32;
    let total: i32 = categories.iter().map(entry_width).sum();
    let width = root.dim_in_pixel().0 as i32;
    let mut lx = x.min(width - total - 10).max(10);
    for c in categories {
        let square = [(lx, y), (lx + 14, y + 14)];
        root.draw(&Rectangle::new(square, colour(*c).filled()))
            .map_err(err)?;
        root.draw(&Rectangle::new(square, BLACK.stroke_width(1)))
            .map_err(err)?;
        root.draw(&Text::new(
            c.label(locale).to_owned(),
            (lx + 18, y + 1),
            ("sans-serif", 12),
        ))
        .map_err(err)?;
        lx += entry_width(c);
    }
    Ok(())
}

/// What a bar chart is called and how a click on a segment is answered.
pub struct BarChart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: String,
    /// The list behind one segment.
    pub link: &'a dyn Fn(&CategoryBar, CoverageCategory) -> String,
}

/// What the bars of a bar chart stand for.
#[derive(Debug, Clone, Copy)]
pub enum Grouping {
    Themenfeld,
    Ressort,
}

/// A bar chart's numbers in words (its accessible description; the report's caption).
pub fn bars_desc(bars: &[CategoryBar], grouping: Grouping, locale: Locale) -> String {
    let count = |c: CoverageCategory| bars.iter().map(|b| b.count(c)).sum::<i64>();
    let total = bars.iter().map(CategoryBar::total).sum::<i64>();
    let (full, partial) = (
        count(CoverageCategory::Full),
        count(CoverageCategory::Partial),
    );
    match grouping {
        Grouping::Themenfeld => td_string!(
            locale,
            dashboard.chart_desc,
            total = total,
            full = full,
            partial = partial
        )
        .to_string(),
        Grouping::Ressort => td_string!(
            locale,
            dashboard.ressort_desc,
            total = total,
            full = full,
            partial = partial
        )
        .to_string(),
    }
}

/// Every bar's segments in words, for a reader who cannot see the chart ("Umwelt: 35
/// flächendeckend online, 7 teilweise online; …").
pub fn bars_text(bars: &[CategoryBar], locale: Locale) -> String {
    bars.iter()
        .map(|b| {
            let segments: Vec<String> = CoverageCategory::ALL
                .iter()
                .filter(|c| b.count(**c) > 0)
                .map(|c| format!("{} {}", b.count(*c), c.label(locale)))
                .collect();
            format!("{}: {}", b.label, segments.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Draws `draw` as SVG of `size` pixels; returns the SVG and what `draw` returned.
fn svg_of<T>(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<T, Error>,
) -> Result<(String, T), Error> {
    let mut svg = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let drawn = draw(&root)?;
        root.present().map_err(err)?;
        drawn
    };
    Ok((svg, drawn))
}

/// Horizontal stacked bars: OZG-Leistungen per group (Themenfeld, Ressort) by coverage category.
pub fn category_bars(
    bars: &[CategoryBar],
    chart: &BarChart,
    locale: Locale,
) -> Result<String, Error> {
    let (svg, areas) = svg_of(category_bars_size(bars), |root| {
        draw_category_bars(root, bars, chart.link, locale)
    })?;
    Ok(with_links(
        with_title(svg, chart.id, chart.title, &chart.desc),
        &areas,
    ))
}

/// The size in pixels [`draw_category_bars`] draws `bars` at.
pub fn category_bars_size(bars: &[CategoryBar]) -> (u32, u32) {
    (900, 110 + 30 * bars.len().max(1) as u32)
}

/// Draws [`category_bars`] on any backend; returns the segments' click areas.
pub fn draw_category_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bars: &[CategoryBar],
    link: &dyn Fn(&CategoryBar, CoverageCategory) -> String,
    locale: Locale,
) -> Result<Vec<HitArea>, Error> {
    let (_, height) = category_bars_size(bars);
    let max = bars
        .iter()
        .map(CategoryBar::total)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let categories = shown_categories(|c| bars.iter().any(|b| b.count(c) > 0));
    // room for the longest group name left of the bars (a Ressort's name is long)
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let label_area = (longest as i32 * 13 / 2 + 20).clamp(150, 470);
    let mut areas = Vec::new();
    {
        root.fill(&WHITE).map_err(err)?;
        // the legend gets the bottom rows to itself, below the axis' name
        let (chart_area, _) = root.split_vertically(height as i32 - 30);
        let n = bars.len().max(1) as f64;
        let mut plot = ChartBuilder::on(&chart_area)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0f64..max * 1.08, 0f64..n)
            .map_err(err)?;
        plot.configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(td_string!(locale, dashboard.chart_axis))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;

        for (i, bar) in bars.iter().enumerate() {
            let top = n - i as f64 - 0.15;
            let bottom = n - i as f64 - 0.85;
            let middle = f64::midpoint(top, bottom);
            let mut x = 0.0;
            for c in &categories {
                let v = bar.count(*c) as f64;
                if v <= 0.0 {
                    continue;
                }
                let segment = [(x, bottom), (x + v, top)];
                plot.draw_series(std::iter::once(Rectangle::new(
                    segment,
                    colour(*c).filled(),
                )))
                .map_err(err)?;
                plot.draw_series(std::iter::once(Rectangle::new(
                    segment,
                    BLACK.stroke_width(1),
                )))
                .map_err(err)?;
                let from = plot.backend_coord(&(x, top));
                let to = plot.backend_coord(&(x + v, bottom));
                // the number inside its segment when it fits
                if to.0 - from.0 >= 8 * v.to_string().len() as i32 + 4 {
                    root.draw(&Text::new(
                        format!("{v}"),
                        (i32::midpoint(from.0, to.0), i32::midpoint(from.1, to.1)),
                        anchored(11, HPos::Center, VPos::Center, text_colour(*c)),
                    ))
                    .map_err(err)?;
                }
                areas.push(HitArea {
                    rect: [from, to],
                    href: link(bar, *c),
                    label: format!("{}: {} {}", bar.label, v, c.label(locale)),
                });
                x += v;
            }
            // the group's name left of its bar (plotters' tick labels sit between bars)
            let (px, py) = plot.backend_coord(&(0.0, middle));
            root.draw(&Text::new(
                bar.label.clone(),
                (px - 8, py),
                anchored(13, HPos::Right, VPos::Center, BLACK),
            ))
            .map_err(err)?;
            let (tx, ty) = plot.backend_coord(&(x + max * 0.01, middle));
            root.draw(&Text::new(
                format!("{}", bar.total()),
                (tx, ty),
                anchored(12, HPos::Left, VPos::Center, BLACK),
            ))
            .map_err(err)?;
        }
        legend(
            root,
            &categories,
            label_area + 10,
            height as i32 - 24,
            locale,
        )?;
    }
    Ok(areas)
}

/// The burn-up: services per coverage category at each month end, stacked (online at the
/// bottom), with the configured deadlines as labelled vertical lines. A click on a month
/// opens the dashboard at that date (`link`).
pub fn trend(
    points: &[TrendPoint],
    deadlines: &[Deadline],
    link: &dyn Fn(NaiveDate) -> String,
    locale: Locale,
) -> Result<String, Error> {
    let (svg, areas) = svg_of(TREND_SIZE, |root| {
        draw_trend(root, points, deadlines, link, locale)
    })?;
    Ok(with_links(
        with_title(
            svg,
            "trend",
            td_string!(locale, dashboard.trend_title),
            &trend_desc(points, locale),
        ),
        &areas,
    ))
}

/// The trend's numbers in words (its accessible description).
pub fn trend_desc(points: &[TrendPoint], locale: Locale) -> String {
    match (points.first(), points.last()) {
        (Some(a), Some(b)) => td_string!(
            locale,
            dashboard.trend_desc,
            from = a.date.format("%d.%m.%Y").to_string(),
            to = b.date.format("%d.%m.%Y").to_string(),
            full_from = a.count(CoverageCategory::Full),
            full_to = b.count(CoverageCategory::Full),
            partial_to = b.count(CoverageCategory::Partial),
        )
        .to_string(),
        _ => td_string!(locale, dashboard.trend_empty).to_owned(),
    }
}

/// The size in pixels of [`trend`].
pub const TREND_SIZE: (u32, u32) = (900, 380);

/// Draws [`trend`] on any backend; returns the months' click areas.
pub fn draw_trend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[TrendPoint],
    deadlines: &[Deadline],
    link: &dyn Fn(NaiveDate) -> String,
    locale: Locale,
) -> Result<Vec<HitArea>, Error> {
    let categories = shown_categories(|c| points.iter().any(|p| p.count(c) > 0));
    let max = points
        .iter()
        .map(|p| categories.iter().map(|c| p.count(*c)).sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = points.len().max(2) as f64 - 1.0;
    let first = points.first().map(|p| p.date);
    let last = points.last().map(|p| p.date);
    // x: days since the first point, so deadlines fall between months where they belong
    let span = match (first, last) {
        (Some(a), Some(b)) => ((b - a).num_days() as f64).max(1.0),
        _ => n,
    };
    let x_of = |d: NaiveDate| first.map_or(0.0, |a| (d - a).num_days() as f64);
    let mut areas = Vec::new();
    {
        root.fill(&WHITE).map_err(err)?;
        let mut plot = ChartBuilder::on(root)
            .margin(15)
            .margin_right(150)
            .x_label_area_size(35)
            .y_label_area_size(55)
            .build_cartesian_2d(0f64..span, 0f64..max * 1.05)
            .map_err(err)?;
        let label_of = |x: &f64| {
            first.map_or_else(String::new, |a| {
                (a + chrono::Duration::days(*x as i64))
                    .format("%m/%Y")
                    .to_string()
            })
        };
        plot.configure_mesh()
            .x_labels(8)
            .x_label_formatter(&label_of)
            .y_desc(td_string!(locale, dashboard.chart_axis))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(err)?;

        // bands from the bottom: cumulative sums in category order
        let mut lower: Vec<f64> = vec![0.0; points.len()];
        for c in &categories {
            let upper: Vec<f64> = points
                .iter()
                .zip(&lower)
                .map(|(p, l)| l + p.count(*c) as f64)
                .collect();
            let mut outline: Vec<(f64, f64)> = points
                .iter()
                .zip(&upper)
                .map(|(p, u)| (x_of(p.date), *u))
                .collect();
            outline.extend(
                points
                    .iter()
                    .zip(&lower)
                    .rev()
                    .map(|(p, l)| (x_of(p.date), *l)),
            );
            if upper.iter().zip(&lower).any(|(u, l)| u > l) {
                plot.draw_series(std::iter::once(Polygon::new(outline, colour(*c).filled())))
                    .map_err(err)?;
                plot.draw_series(LineSeries::new(
                    points.iter().zip(&upper).map(|(p, u)| (x_of(p.date), *u)),
                    BLACK.stroke_width(1),
                ))
                .map_err(err)?;
                // the band's name and final count right of its end: no colour needed
                if let (Some(p), Some(u), Some(l)) = (points.last(), upper.last(), lower.last()) {
                    if u > l {
                        let (px, py) = plot.backend_coord(&(x_of(p.date), (u + l) / 2.0));
                        root.draw(&Text::new(
                            format!("{} {}", p.count(*c), c.label(locale)),
                            (px + 6, py),
                            anchored(11, HPos::Left, VPos::Center, BLACK),
                        ))
                        .map_err(err)?;
                    }
                }
            }
            lower = upper;
        }
        for d in deadlines {
            if first.is_none_or(|a| d.date < a) || last.is_none_or(|b| d.date > b) {
                continue;
            }
            let x = x_of(d.date);
            plot.draw_series(DashedLineSeries::new(
                [(x, 0.0), (x, max * 1.05)],
                6,
                4,
                BLACK.stroke_width(2),
            ))
            .map_err(err)?;
            let (px, py) = plot.backend_coord(&(x, max * 1.02));
            root.draw(&Text::new(
                format!("{} ({})", d.label, d.date.format("%d.%m.%Y")),
                (px + 4, py),
                anchored(12, HPos::Left, VPos::Top, BLACK),
            ))
            .map_err(err)?;
        }
        // one clickable strip per point, centred on it
        for (i, p) in points.iter().enumerate() {
            let x = x_of(p.date);
            let half_left = if i == 0 {
                0.0
            } else {
                (x - x_of(points[i - 1].date)) / 2.0
            };
            let half_right = points
                .get(i + 1)
                .map_or(0.0, |next| (x_of(next.date) - x) / 2.0);
            let from = plot.backend_coord(&(x - half_left, max * 1.05));
            let to = plot.backend_coord(&(x + half_right, 0.0));
            areas.push(HitArea {
                rect: [from, to],
                href: link(p.date),
                label: td_string!(
                    locale,
                    dashboard.trend_link,
                    date = p.date.format("%d.%m.%Y").to_string()
                )
                .to_string(),
            });
        }
    }
    Ok(areas)
}

/// Vertical bars: applicable records per Reifegrad, and those without one.
pub fn maturity(bins: &[MaturityBin], unknown: i64, locale: Locale) -> Result<String, Error> {
    let (svg, ()) = svg_of(MATURITY_SIZE, |root| {
        draw_maturity(root, bins, unknown, locale)
    })?;
    Ok(with_title(
        svg,
        "maturity",
        td_string!(locale, dashboard.maturity_chart_title),
        &maturity_desc(bins, unknown, locale),
    ))
}

/// The Reifegrad chart's numbers in words (its accessible description).
pub fn maturity_desc(bins: &[MaturityBin], unknown: i64, locale: Locale) -> String {
    let total = bins.iter().map(|b| b.records).sum::<i64>() + unknown;
    td_string!(
        locale,
        dashboard.maturity_desc,
        total = app::format::int(total),
        unknown = app::format::int(unknown)
    )
    .to_string()
}

/// The size in pixels of [`maturity`].
pub const MATURITY_SIZE: (u32, u32) = (900, 320);

/// Draws [`maturity`] on any backend.
pub fn draw_maturity<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bins: &[MaturityBin],
    unknown: i64,
    locale: Locale,
) -> Result<(), Error> {
    let mut columns: Vec<(String, i64)> = bins
        .iter()
        .map(|b| (format!("{} {}", b.level, b.label), b.records))
        .collect();
    columns.push((
        td_string!(locale, dashboard.maturity_none).to_owned(),
        unknown,
    ));
    let max = columns.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let n = columns.len() as f64;
    {
        root.fill(&WHITE).map_err(err)?;
        let mut plot = ChartBuilder::on(root)
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..n, 0f64..max * 1.12)
            .map_err(err)?;
        plot.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc(td_string!(locale, dashboard.maturity_axis))
            .y_label_formatter(&|y| app::format::int(*y as i64))
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(err)?;
        for (i, (label, count)) in columns.iter().enumerate() {
            let x = i as f64;
            let fill = if i + 1 == columns.len() {
                WHITE
            } else {
                RGBColor(0, 90, 150)
            };
            let bar = [(x + 0.15, 0.0), (x + 0.85, *count as f64)];
            plot.draw_series(std::iter::once(Rectangle::new(bar, fill.filled())))
                .map_err(err)?;
            plot.draw_series(std::iter::once(Rectangle::new(bar, BLACK.stroke_width(1))))
                .map_err(err)?;
            let (px, py) = plot.backend_coord(&(x + 0.5, *count as f64));
            root.draw(&Text::new(
                app::format::int(*count),
                (px, py - 4),
                anchored(12, HPos::Center, VPos::Bottom, BLACK),
            ))
            .map_err(err)?;
            let (lx, ly) = plot.backend_coord(&(x + 0.5, 0.0));
            root.draw(&Text::new(
                label.clone(),
                (lx, ly + 8),
                anchored(11, HPos::Center, VPos::Top, BLACK),
            ))
            .map_err(err)?;
        }
    }
    Ok(())
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

/// Lays a transparent link over each area, before the closing `</svg>`. A chart with links
/// is a `group`, not an `img`: an image's content is presentational and may hold no links.
fn with_links(svg: String, areas: &[HitArea]) -> String {
    if areas.is_empty() {
        return svg;
    }
    let svg = svg.replacen(" role=\"img\"", " role=\"group\"", 1);
    let Some(end) = svg.rfind("</svg>") else {
        return svg;
    };
    let mut links = String::new();
    for a in areas {
        let [(x0, y0), (x1, y1)] = a.rect;
        let (x, y) = (x0.min(x1), y0.min(y1));
        let (w, h) = ((x1 - x0).abs().max(1), (y1 - y0).abs().max(1));
        links.push_str(&format!(
            "<a href=\"{}\" class=\"chart-link\"><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"transparent\"/></a>",
            escape(&a.href),
            escape(&a.label)
        ));
    }
    format!("{}{links}{}", &svg[..end], &svg[end..])
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A bar of `full`, `partial` and not started services, linked to Themenfeld `id`.
    pub(crate) fn bar(id: i64, name: &str, full: i64, partial: i64, rest: i64) -> CategoryBar {
        let themenfeld = app::domain::ServiceFilter {
            themenfeld: Some(app::domain::ThemenfeldId(id)),
            ..app::domain::ServiceFilter::default()
        };
        let mut b = CategoryBar::new(themenfeld, name.into());
        for (c, n) in [
            (CoverageCategory::Full, full),
            (CoverageCategory::Partial, partial),
            (CoverageCategory::NotStarted, rest),
        ] {
            for _ in 0..n {
                b.add(c);
            }
        }
        b
    }

    fn link(b: &CategoryBar, c: CoverageCategory) -> String {
        app::domain::DashboardFilter::default().catalogue_link(&b.narrowing, c)
    }

    fn themenfeld_chart() -> BarChart<'static> {
        BarChart {
            id: "status-by-themenfeld",
            title: "Stand der OZG-Leistungen nach Themenfeld",
            desc: "Beschreibung".into(),
            link: &link,
        }
    }

    /// plotters writes each text on its own line
    fn flat(svg: &str) -> String {
        svg.replace('\n', "")
    }

    /// Every element that opens also closes (plotters writes no CDATA), so the SVG is
    /// well-formed as far as a browser's parser is concerned.
    fn assert_balanced(svg: &str) {
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        assert!(svg.trim_end().ends_with("</svg>"));
        for tag in ["text", "a", "title", "desc"] {
            assert_eq!(
                svg.matches(&format!("<{tag}>")).count() + svg.matches(&format!("<{tag} ")).count(),
                svg.matches(&format!("</{tag}>")).count(),
                "<{tag}> balanced"
            );
        }
    }

    #[test]
    fn bars_have_title_desc_one_outlined_segment_and_one_link_each() {
        let bars = vec![bar(1, "Familie & Kind", 3, 2, 1), bar(2, "Umwelt", 0, 1, 0)];
        let svg = category_bars(&bars, &themenfeld_chart(), Locale::de).unwrap();
        assert_balanced(&svg);
        assert!(svg.contains(
            "<title id=\"status-by-themenfeld-title\">Stand der OZG-Leistungen nach Themenfeld</title>"
        ));
        assert!(svg.contains("<desc id=\"status-by-themenfeld-desc\">Beschreibung</desc>"));
        assert!(svg.contains("Familie &amp; Kind"), "labels are escaped");
        // 4 segments × (fill + outline + link area), legend 4 × 2, background 1
        assert_eq!(svg.matches("<rect").count(), 4 * 3 + 4 * 2 + 1, "{svg}");
        assert_eq!(svg.matches("class=\"chart-link\"").count(), 4);
        assert!(
            svg.contains(" role=\"group\" "),
            "links inside: not an image"
        );
        assert!(svg.contains("href=\"/leistungen?themenfeld=1&amp;stand=teilweise\""));
        assert!(svg.contains("<title>Umwelt: 1 teilweise online</title>"));
    }

    #[test]
    fn bar_segments_are_labelled_with_their_numbers() {
        let bars = vec![bar(1, "Familie & Kind", 30, 20, 10)];
        let svg = category_bars(&bars, &themenfeld_chart(), Locale::de).unwrap();
        for n in ["30", "20", "10", "60"] {
            assert!(
                flat(&svg).contains(&format!(">{n}</text>")),
                "{n} written: {svg}"
            );
        }
    }

    #[test]
    fn the_ressort_chart_is_described_as_one() {
        let bars = vec![bar(1, "TMDI", 3, 2, 1)];
        let themenfeld = bars_desc(&bars, Grouping::Themenfeld, Locale::de);
        let ressort = bars_desc(&bars, Grouping::Ressort, Locale::de);
        assert!(themenfeld.starts_with("Gestapelte Balken je Themenfeld."));
        assert!(
            ressort.starts_with("Gestapelte Balken je federführendem Ressort."),
            "{ressort}"
        );
        assert!(
            ressort.contains("Von 6 OZG-Leistungen sind 3 flächendeckend und 2 teilweise online.")
        );
    }

    #[test]
    fn long_group_names_fit_left_of_the_bars() {
        let name = "Thüringer Ministerium für Wirtschaft, Landwirtschaft und Ländlichen Raum";
        let bars = vec![bar(1, name, 3, 2, 1), bar(2, "TSK", 1, 0, 0)];
        let svg = flat(&category_bars(&bars, &themenfeld_chart(), Locale::de).unwrap());
        // the name's text is anchored at its right end: that end must leave room for the name
        let at = svg
            .find(&format!(">{name}</text>"))
            .expect("the name is drawn");
        let open = svg[..at].rfind("<text").unwrap();
        let x: f64 = svg[open..at]
            .split("x=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|x| x.parse().ok())
            .expect("an x attribute");
        let needed = name.chars().count() as f64 * 6.0;
        assert!(
            x >= needed,
            "the name ends at x={x}, needs about {needed} px"
        );
    }

    #[test]
    fn the_legend_speaks_the_requested_language() {
        let bars = vec![bar(1, "Familie & Kind", 3, 2, 1)];
        let svg = category_bars(&bars, &themenfeld_chart(), Locale::en).unwrap();
        assert!(svg.contains("online everywhere"), "legend in English");
        assert!(!svg.contains("flächendeckend"));
    }

    fn point(date: &str, full: i64, partial: i64, rest: i64) -> TrendPoint {
        TrendPoint {
            date: date.parse().unwrap(),
            counts: vec![
                (CoverageCategory::Full, full),
                (CoverageCategory::Partial, partial),
                (CoverageCategory::NotStarted, rest),
            ],
        }
    }

    #[test]
    fn trend_has_a_band_per_category_deadlines_and_a_link_per_month() {
        let points = vec![
            point("2022-10-31", 0, 1, 9),
            point("2022-11-30", 1, 2, 7),
            point("2022-12-31", 2, 3, 5),
            point("2023-01-15", 4, 3, 3),
        ];
        let deadlines = vec![
            Deadline {
                date: "2022-12-31".parse().unwrap(),
                label: "OZG-Frist".into(),
            },
            Deadline {
                date: "2030-01-01".parse().unwrap(),
                label: "später".into(),
            },
        ];
        let month = |d: NaiveDate| format!("/?am={d}");
        let svg = trend(&points, &deadlines, &month, Locale::de).unwrap();
        assert_balanced(&svg);
        assert!(svg.contains("<title id=\"trend-title\">"));
        assert_eq!(svg.matches("<polygon").count(), 3, "three bands");
        assert!(svg.contains("OZG-Frist (31.12.2022)"));
        assert!(
            !svg.contains("später"),
            "a deadline outside the period is left out"
        );
        assert_eq!(svg.matches("class=\"chart-link\"").count(), 4);
        assert!(svg.contains("href=\"/?am=2023-01-15\""));
        assert!(
            flat(&svg).contains(">4 flächendeckend online</text>"),
            "bands are named: {svg}"
        );
    }

    #[test]
    fn maturity_has_one_bar_per_level_and_one_for_records_without() {
        let bins: Vec<MaturityBin> = (0..5)
            .map(|level| MaturityBin {
                level,
                label: format!("Stufe {level}"),
                records: level * 10,
            })
            .collect();
        let svg = maturity(&bins, 7, Locale::de).unwrap();
        assert_balanced(&svg);
        // background + 6 bars × (fill + outline)
        assert_eq!(svg.matches("<rect").count(), 1 + 6 * 2);
        assert!(flat(&svg).contains(">4 Stufe 4</text>"));
        assert!(svg.contains("<title id=\"maturity-title\">"));
        assert!(svg.contains(" role=\"img\" "), "no links: an image");
    }
}
