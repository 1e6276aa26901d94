//! The report's one typeface, DejaVu Sans Condensed (regular and bold), compiled into the
//! binary: a report looks the same on every server, has every German character, and krilla
//! embeds only the glyphs used. Widths come from the font itself, so lines break and columns
//! truncate where the text really ends.

use krilla::text::Font;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use std::sync::LazyLock;

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

struct Face {
    pdf: Font,
    metrics: FontRef<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> Self {
        Self {
            pdf: Font::new(data.into(), 0).expect("the embedded font is a TrueType font"),
            metrics: FontRef::new(data).expect("the embedded font is a TrueType font"),
        }
    }
}

static FACES: LazyLock<[Face; 2]> = LazyLock::new(|| [Face::load(REGULAR), Face::load(BOLD)]);

fn face(weight: Weight) -> &'static Face {
    &FACES[weight as usize]
}

/// The font krilla draws `weight` with.
pub fn font(weight: Weight) -> Font {
    face(weight).pdf.clone()
}

/// The width of `text` in points at `size` (no kerning: a hair wider than drawn, never narrower
/// by more than a kerning pair).
pub fn width(text: &str, weight: Weight, size: f32) -> f32 {
    let face = &face(weight).metrics;
    let charmap = face.charmap();
    let metrics = face.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .filter_map(|c| metrics.advance_width(charmap.map(c).unwrap_or_default()))
        .sum()
}

/// `text` cut to `max` points wide, with "…" where it was cut.
pub fn truncate(text: &str, weight: Weight, size: f32, max: f32) -> String {
    if width(text, weight, size) <= max {
        return text.to_owned();
    }
    let room = max - width("…", weight, size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]), weight, size);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// `text` broken into lines at most `max` points wide, at spaces where possible (a word
/// longer than a line is cut), and at most `max_lines` of them (the last one truncated).
pub fn wrap(text: &str, weight: Weight, size: f32, max: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, weight, size) <= max || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(rest);
    }
    lines
        .into_iter()
        .map(|l| truncate(&l, weight, size, max))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_font() {
        let narrow = width("iiii", Weight::Regular, 10.0);
        let wide = width("MMMM", Weight::Regular, 10.0);
        assert!(narrow > 0.0 && wide > 2.0 * narrow, "{narrow} {wide}");
        assert!(width("Ä", Weight::Bold, 10.0) > width("Ä", Weight::Regular, 10.0) * 0.99);
        assert!(width("", Weight::Regular, 10.0).abs() < f32::EPSILON);
        let double = width("Straße", Weight::Regular, 20.0);
        assert!((double - 2.0 * width("Straße", Weight::Regular, 10.0)).abs() < 0.01);
    }

    #[test]
    fn truncation_keeps_short_text_and_marks_cuts() {
        assert_eq!(truncate("Erfurt", Weight::Regular, 10.0, 200.0), "Erfurt");
        let cut = truncate(
            "Unterhaltsvorschuss für Alleinerziehende",
            Weight::Regular,
            10.0,
            60.0,
        );
        assert!(cut.ends_with('…') && cut.len() < 30, "{cut}");
        assert!(width(&cut, Weight::Regular, 10.0) <= 60.0);
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_limits_lines() {
        let text = "Anzeige einer Veranstaltung im öffentlichen Straßenraum";
        let lines = wrap(text, Weight::Regular, 10.0, 100.0, 5);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), text, "no word lost");
        for l in &lines {
            assert!(width(l, Weight::Regular, 10.0) <= 100.0, "{l}");
        }
        let two = wrap(text, Weight::Regular, 10.0, 100.0, 2);
        assert_eq!(two.len(), 2);
        assert!(two[1].ends_with('…'));
        assert_eq!(
            wrap("", Weight::Regular, 10.0, 100.0, 2),
            vec![String::new()]
        );
    }
}
