//! A plotters backend that draws onto a krilla PDF surface, so the report's charts are the
//! pages' charts (`crate::charts`), as vector graphics with real, selectable text.

use super::fonts::{self, Weight};
use krilla::color::rgb;
use krilla::geom::{Path, PathBuilder, Point, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{FontStyle, FontTransform};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// Never raised: drawing on a surface cannot fail (a degenerate shape is skipped).
#[derive(Debug)]
pub struct NoError;

impl std::fmt::Display for NoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PDF drawing")
    }
}

impl std::error::Error for NoError {}

/// A `size` pixel canvas on `surface`; the caller places and scales it with a transform.
pub struct PdfBackend<'s, 'p> {
    surface: &'s mut Surface<'p>,
    size: (u32, u32),
}

impl<'s, 'p> PdfBackend<'s, 'p> {
    pub fn new(surface: &'s mut Surface<'p>, size: (u32, u32)) -> Self {
        Self { surface, size }
    }

    fn fill(&mut self, path: Option<Path>, color: BackendColor) {
        let Some(path) = path else { return };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(fill(color)));
        self.surface.draw_path(&path);
    }

    fn stroke(&mut self, path: Option<Path>, color: BackendColor, width: u32) {
        let Some(path) = path else { return };
        self.surface.set_fill(None);
        self.surface.set_stroke(Some(Stroke {
            paint: paint(color),
            width: width as f32,
            opacity: opacity(color),
            ..Stroke::default()
        }));
        self.surface.draw_path(&path);
        self.surface.set_stroke(None);
    }
}

fn paint(c: BackendColor) -> krilla::paint::Paint {
    rgb::Color::new(c.rgb.0, c.rgb.1, c.rgb.2).into()
}

fn opacity(c: BackendColor) -> NormalizedF32 {
    NormalizedF32::new(c.alpha.clamp(0.0, 1.0) as f32).unwrap_or(NormalizedF32::ONE)
}

pub fn fill(c: BackendColor) -> Fill {
    Fill {
        paint: paint(c),
        opacity: opacity(c),
        ..Fill::default()
    }
}

fn polyline(points: impl IntoIterator<Item = BackendCoord>, close: bool) -> Option<Path> {
    let mut path = PathBuilder::new();
    let mut points = points.into_iter();
    let (x, y) = points.next()?;
    path.move_to(x as f32, y as f32);
    for (x, y) in points {
        path.line_to(x as f32, y as f32);
    }
    if close {
        path.close();
    }
    path.finish()
}

fn rectangle(a: BackendCoord, b: BackendCoord) -> Option<Path> {
    let mut path = PathBuilder::new();
    let (x0, y0) = (a.0.min(b.0) as f32, a.1.min(b.1) as f32);
    let (x1, y1) = (a.0.max(b.0) as f32, a.1.max(b.1) as f32);
    path.push_rect(krilla::geom::Rect::from_ltrb(x0, y0, x1, y1)?);
    path.finish()
}

impl DrawingBackend for PdfBackend<'_, '_> {
    type ErrorType = NoError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        self.fill(rectangle(point, (point.0 + 1, point.1 + 1)), color);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        self.stroke(
            polyline([from, to], false),
            style.color(),
            style.stroke_width(),
        );
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let path = rectangle(upper_left, bottom_right);
        if fill {
            self.fill(path, style.color());
        } else {
            self.stroke(path, style.color(), style.stroke_width());
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        self.stroke(polyline(path, false), style.color(), style.stroke_width());
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        self.fill(polyline(vert, true), style.color());
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        // four cubic Béziers, the usual approximation of a circle (error < 0.03 %)
        let (cx, cy, r) = (center.0 as f32, center.1 as f32, radius as f32);
        let k = 0.552_284_8 * r;
        let mut path = PathBuilder::new();
        path.move_to(cx + r, cy);
        path.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        path.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        path.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        path.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        path.close();
        if fill {
            self.fill(path.finish(), style.color());
        } else {
            self.stroke(path.finish(), style.color(), style.stroke_width());
        }
        Ok(())
    }

    /// The text at the size and anchor the SVG backend gives it (`size / 1.24`, baseline
    /// offsets of 0.76 em, 0.5 ex and −0.5 ex), so both renderings agree.
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let weight = match style.style() {
            FontStyle::Bold => Weight::Bold,
            _ => Weight::Regular,
        };
        let size = (style.size() / 1.24) as f32;
        let width = fonts::width(text, weight, size);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.76 * size,
            VPos::Center => 0.25 * size,
            VPos::Bottom => -0.25 * size,
        };
        let (x, y) = (pos.0 as f32, pos.1 as f32);
        let angle = match style.transform() {
            FontTransform::None => None,
            FontTransform::Rotate90 => Some(90.0),
            FontTransform::Rotate180 => Some(180.0),
            FontTransform::Rotate270 => Some(270.0),
        };
        if let Some(angle) = angle {
            self.surface
                .push_transform(&Transform::from_rotate_at(angle, x, y));
        }
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(fill(color)));
        self.surface.draw_text(
            Point::from_xy(x + dx, y + dy),
            fonts::font(weight),
            size,
            text,
            false,
            TextDirection::Auto,
        );
        if angle.is_some() {
            self.surface.pop();
        }
        Ok(())
    }
}
