//! The fonts a PDF embeds (subset to the glyphs used). DejaVu Sans ships with Steward and covers
//! Latin, Greek, Cyrillic, accents and most symbols; for scripts it lacks (Chinese, Japanese,
//! Korean) the first CJK font found on the machine is used as a fallback, per character.

use std::sync::Arc;

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Where Debian and Ubuntu put CJK fonts; `STEWARD_PDF_FALLBACK_FONT` names another file.
const FALLBACK_PATHS: [&str; 4] = [
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// A font's bytes with what layout needs to measure text.
pub struct FontFile {
    pub data: Arc<Vec<u8>>,
    pub index: u32,
    units_per_em: f32,
    /// Advance per char, for the chars measured so far.
    advances: std::sync::Mutex<std::collections::HashMap<char, Option<u16>>>,
}

impl FontFile {
    fn load(data: Vec<u8>, index: u32) -> Option<FontFile> {
        let face = ttf_parser::Face::parse(&data, index).ok()?;
        let units_per_em = face.units_per_em() as f32;
        Some(FontFile {
            data: Arc::new(data),
            index,
            units_per_em,
            advances: Default::default(),
        })
    }

    /// The advance of `c` in font units, or `None` when the font has no glyph for it.
    fn advance(&self, c: char) -> Option<u16> {
        let mut cache = self.advances.lock().unwrap_or_else(|e| e.into_inner());
        *cache.entry(c).or_insert_with(|| {
            let face = ttf_parser::Face::parse(&self.data, self.index).ok()?;
            let g = face.glyph_index(c)?;
            face.glyph_hor_advance(g)
        })
    }

    pub fn has(&self, c: char) -> bool {
        c.is_whitespace() || self.advance(c).is_some()
    }

    /// Width of `c` at `size` points (0 for a char the font lacks).
    pub fn width(&self, c: char, size: f32) -> f32 {
        self.advance(c).unwrap_or(0) as f32 * size / self.units_per_em
    }
}

pub struct Fonts {
    pub regular: FontFile,
    pub bold: FontFile,
    pub fallback: Option<FontFile>,
}

impl Fonts {
    pub fn load() -> Fonts {
        let fallback = std::env::var_os("STEWARD_PDF_FALLBACK_FONT")
            .map(std::path::PathBuf::from)
            .into_iter()
            .chain(FALLBACK_PATHS.iter().map(std::path::PathBuf::from))
            .find_map(|p| std::fs::read(p).ok().and_then(|d| FontFile::load(d, 0)));
        Fonts {
            regular: FontFile::load(REGULAR.to_vec(), 0).expect("the bundled DejaVu Sans parses"),
            bold: FontFile::load(BOLD.to_vec(), 0).expect("the bundled DejaVu Sans Bold parses"),
            fallback,
        }
    }

    /// Splits `text` into runs of one font each: the primary font where it has the glyph, the
    /// fallback where only that one has it. `true` in a run marks the fallback.
    pub fn runs<'t>(&self, text: &'t str, bold: bool) -> Vec<(&'t str, bool)> {
        let primary = if bold { &self.bold } else { &self.regular };
        let mut out = Vec::new();
        let mut start = 0;
        let mut current = false;
        for (i, c) in text.char_indices() {
            let use_fallback = !primary.has(c) && self.fallback.as_ref().is_some_and(|f| f.has(c));
            if i > start && use_fallback != current {
                out.push((&text[start..i], current));
                start = i;
            }
            if i == start {
                current = use_fallback;
            }
        }
        if start < text.len() {
            out.push((&text[start..], current));
        }
        out
    }

    pub fn char_width(&self, c: char, size: f32, bold: bool) -> f32 {
        let primary = if bold { &self.bold } else { &self.regular };
        if primary.has(c) {
            return primary.width(c, size);
        }
        match &self.fallback {
            Some(f) if f.has(c) => f.width(c, size),
            _ => primary.width('?', size),
        }
    }

    pub fn text_width(&self, text: &str, size: f32, bold: bool) -> f32 {
        text.chars().map(|c| self.char_width(c, size, bold)).sum()
    }

    /// Breaks `text` into lines no wider than `width`: at spaces where it can, inside a word
    /// (an id, a URL, CJK text) where it must. At most `max_lines`; a cut last line ends in "…".
    pub fn wrap(
        &self,
        text: &str,
        size: f32,
        bold: bool,
        width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in paragraph.split(' ') {
                let word_w = self.text_width(word, size, bold);
                let space_w = if line.is_empty() {
                    0.0
                } else {
                    self.char_width(' ', size, bold)
                };
                if line_w + space_w + word_w <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w += space_w + word_w;
                    continue;
                }
                if !line.is_empty() && word_w <= width {
                    lines.push(std::mem::take(&mut line));
                    line.push_str(word);
                    line_w = word_w;
                    continue;
                }
                // The word does not fit on any line: break it by characters.
                if !line.is_empty() {
                    line.push(' ');
                    line_w += space_w;
                }
                for c in word.chars() {
                    let cw = self.char_width(c, size, bold);
                    if line_w + cw > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
            lines.push(line);
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                let ell = self.char_width('…', size, bold);
                while !last.is_empty() && self.text_width(last, size, bold) + ell > width {
                    last.pop();
                }
                last.push('…');
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_symbols_use_the_bundled_font_and_wrapping_respects_the_width() {
        let f = Fonts::load();
        for c in ['é', 'ß', 'Ł', 'Ж', 'Ω', '€', '→', '✓'] {
            assert!(f.regular.has(c), "DejaVu Sans covers {c}");
        }
        let lines = f.wrap(
            "a very long display name that must wrap onto several lines",
            10.0,
            false,
            80.0,
            10,
        );
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(
                f.text_width(l, 10.0, false) <= 80.0 + 0.01,
                "line {l:?} fits"
            );
        }
        let id = f.wrap("66ea54eb-6301-4ee5-be62-ff5a759b8100", 10.0, false, 60.0, 2);
        assert_eq!(
            id.len(),
            2,
            "an id breaks inside the word and is cut to two lines"
        );
        assert!(id[1].ends_with('…'));
    }

    #[test]
    fn cjk_falls_back_per_character_when_a_cjk_font_is_installed() {
        let f = Fonts::load();
        let runs = f.runs("Payroll 経費 Sync", false);
        if f.fallback.is_some() {
            assert_eq!(
                runs,
                vec![("Payroll ", false), ("経費", true), (" Sync", false)]
            );
        } else {
            assert_eq!(
                runs,
                vec![("Payroll 経費 Sync", false)],
                "without a CJK font everything stays in DejaVu"
            );
        }
    }
}
