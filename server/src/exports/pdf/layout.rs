//! The report's layout engine: page geometry, the drawing operations a page is made of and
//! the logical structure (headings, paragraphs, tables, figures) a screen reader follows.
//! Text is placed and broken into lines and pages here; nothing is drawn yet.

use super::fonts::{self, Weight};

// A4 portrait, in points
pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;
pub(super) const LEFT: f32 = 50.0;
pub(super) const RIGHT: f32 = PAGE_WIDTH - 50.0;
pub(super) const CONTENT_WIDTH: f32 = RIGHT - LEFT;
pub(super) const TOP: f32 = 56.0;
/// Content ends here; the footer sits below.
pub(super) const BOTTOM: f32 = PAGE_HEIGHT - 62.0;
pub(super) const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 34.0;

pub(super) type Rgb = (u8, u8, u8);
pub(super) const BLACK: Rgb = (0, 0, 0);
pub(super) const GREY: Rgb = (90, 90, 90);
pub(super) const RULE: Rgb = (150, 150, 150);
pub(super) const SHADE: Rgb = (238, 238, 238);
pub(super) const DEMO: Rgb = (255, 236, 179);

/// One of the dashboard's charts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Chart {
    Trend,
    Themenfeld,
    Ressort,
    Maturity,
}

/// A drawing operation at page coordinates (origin top left, y downwards, points).
pub(super) enum Op {
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
pub(super) type OpRef = (usize, usize);

/// A piece of the document's logical structure, in reading order: the tag tree a screen
/// reader follows. Operations no block names (shading, rules, repeated table headers, the
/// footer) are marked as artifacts.
pub(super) enum Block {
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
pub(super) struct Layout {
    pub(super) pages: Vec<Vec<Op>>,
    pub(super) y: f32,
    pub(super) blocks: Vec<Block>,
}

impl Layout {
    pub(super) fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: TOP,
            blocks: Vec::new(),
        }
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub(super) fn keep(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    pub(super) fn push(&mut self, op: Op) -> OpRef {
        let page = self.pages.len() - 1;
        let ops = self.pages.last_mut().expect("a page");
        ops.push(op);
        (page, ops.len() - 1)
    }

    pub(super) fn text_at(
        &mut self,
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        text: &str,
    ) -> OpRef {
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
    pub(super) fn lines(
        &mut self,
        text: &str,
        size: f32,
        weight: Weight,
        colour: Rgb,
    ) -> Vec<OpRef> {
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

    pub(super) fn paragraph(&mut self, text: &str, size: f32, weight: Weight, colour: Rgb) {
        let lines = self.lines(text, size, weight, colour);
        self.blocks.push(Block::Paragraph(lines));
    }

    pub(super) fn heading_of(&mut self, level: u16, text: &str, size: f32) {
        let lines = self.lines(text, size, Weight::Bold, BLACK);
        self.blocks.push(Block::Heading {
            level,
            text: text.to_owned(),
            lines,
        });
    }

    /// A section's heading (level 2).
    pub(super) fn heading(&mut self, text: &str) {
        // a heading never ends a page: keep room for a few lines after it
        self.keep(80.0);
        self.y += 14.0;
        self.heading_of(2, text, 13.0);
        self.y += 4.0;
    }

    pub(super) fn space(&mut self, points: f32) {
        self.y += points;
    }
}
