//! The fonts of the PDF: font files named in `xinbao.yaml` (`fonts.files`) first,
//! then the free faces compiled into the binary (`fonts/`: Fandol Fang, Kai, Hei and
//! Song, with Noto Serif CJK SC for the characters Fandol lacks). System fonts are
//! not searched, so the same input gives the same PDF bytes on every machine.

use crate::config::Fonts;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// The free faces shipped inside the binary, in fallback order within each role.
static EMBEDDED: &[&[u8]] = &[
    include_bytes!("../../fonts/FandolFang-Regular.ttf"),
    include_bytes!("../../fonts/FandolKai-Regular.ttf"),
    include_bytes!("../../fonts/FandolHei-Regular.ttf"),
    include_bytes!("../../fonts/FandolSong-Regular.ttf"),
    include_bytes!("../../fonts/FandolSong-Bold.ttf"),
    include_bytes!("../../fonts/NotoSerifCJKsc-Regular-subset.otf"),
];

/// FandolHei (黑体), the sans-serif face the desk's page is shown in where the
/// system has no Chinese font.
pub fn sans() -> &'static [u8] {
    EMBEDDED[2]
}

/// What a run of text is set in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// 标题: 小标宋 (FandolSong Bold).
    Title,
    /// 正文: 仿宋.
    Body,
    /// Level-1 headings, table heads: 黑体.
    Heading1,
    /// Level-2 headings, captions: 楷体.
    Heading2,
    /// 页码: 宋体.
    PageNumber,
}

/// Every font available to the PDF, parsed once.
pub struct FontSet {
    /// Typst's index of the fonts.
    pub book: LazyHash<FontBook>,
    /// The fonts, in the book's order.
    pub fonts: Vec<Font>,
    /// The code points some font covers, as sorted, disjoint, inclusive ranges.
    covered: Vec<(u32, u32)>,
    /// Each font's family names: typst's, then those of its name table.
    names: Vec<Vec<String>>,
}

impl FontSet {
    /// The embedded faces alone, parsed once per process.
    pub fn embedded() -> Arc<FontSet> {
        static SET: OnceLock<Arc<FontSet>> = OnceLock::new();
        SET.get_or_init(|| Arc::new(FontSet::new(Vec::new()))).clone()
    }

    /// The font files `files`, each with its bytes as read (unreadable ones skipped,
    /// with their error), before the embedded faces.
    pub fn with_files(files: Vec<(PathBuf, std::io::Result<Vec<u8>>)>) -> (FontSet, Vec<String>) {
        let mut fonts = Vec::new();
        let mut problems = Vec::new();
        for (file, bytes) in files {
            match bytes {
                Ok(bytes) => {
                    let before = fonts.len();
                    fonts.extend(Font::iter(Bytes::new(bytes)));
                    if fonts.len() == before {
                        problems.push(format!(
                            "{}: 不是可用的字体文件 / not a usable font file",
                            file.display()
                        ));
                    }
                }
                Err(err) => problems.push(format!("{}: {err}", file.display())),
            }
        }
        (FontSet::new(fonts), problems)
    }

    fn new(mut fonts: Vec<Font>) -> FontSet {
        for data in EMBEDDED {
            fonts.extend(Font::iter(Bytes::new(*data)));
        }
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        let covered = coverage(&fonts);
        let names = fonts.iter().map(family_names).collect();
        FontSet { book, fonts, covered, names }
    }

    /// The family typst knows the loaded face `name` by: its own family name, or
    /// any family name in the font's name table, in any language (方正小标宋简体
    /// for FZXiaoBiaoSong-B05S), as Word and WPS find a face by either.
    fn family(&self, name: &str) -> Option<&str> {
        let at =
            self.names.iter().position(|names| names.iter().any(|n| n.eq_ignore_ascii_case(name)));
        at.map(|at| self.fonts[at].info().family.as_str())
    }

    /// The configured Latin face (Times New Roman by default) when such a font is
    /// loaded (from `fonts.files`): set before the role's face for Latin letters
    /// and digits, as the DOCX names it.
    pub fn latin(&self, names: &Fonts) -> Option<&str> {
        self.family(&names.latin)
    }

    /// The family names to try for `role`, best first: the configured name when
    /// such a font is loaded, then the embedded face, then the wide-coverage fallback.
    pub fn families(&self, role: Role, names: &Fonts) -> Vec<String> {
        let (configured, embedded) = match role {
            Role::Title => (&names.title, "FandolSong"),
            Role::Body => (&names.body, "FandolFang R"),
            Role::Heading1 => (&names.heading1, "FandolHei"),
            Role::Heading2 => (&names.heading2, "FandolKai"),
            Role::PageNumber => (&names.page_number, "FandolSong"),
        };
        let mut families: Vec<String> = Vec::new();
        for name in [configured.as_str(), embedded, "Noto Serif CJK SC"] {
            if let Some(family) = self.family(name)
                && !families.iter().any(|f| f == family)
            {
                families.push(family.to_string());
            }
        }
        families
    }

    /// The characters of `text` that no loaded font can show.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut chars: Vec<char> =
            text.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
        chars.sort_unstable();
        chars.dedup();
        chars.retain(|c| !self.covers(*c as u32));
        chars
    }

    /// Whether some loaded font has the code point `c`.
    fn covers(&self, c: u32) -> bool {
        // The last range starting at or before `c`.
        let after = self.covered.partition_point(|(start, _)| *start <= c);
        after > 0 && c <= self.covered[after - 1].1
    }
}

/// The family names of `font`: typst's, then every family and typographic family
/// name of its name table, in whatever language.
fn family_names(font: &Font) -> Vec<String> {
    let mut names = vec![font.info().family.clone()];
    if let Ok(face) = ttf_parser::Face::parse(font.data(), font.index()) {
        for entry in face.names() {
            // 1: the family, 16: the typographic family.
            if matches!(entry.name_id, 1 | 16)
                && let Some(name) = entry.to_string()
                && !names.contains(&name)
            {
                names.push(name);
            }
        }
    }
    names
}

/// The code points `fonts` cover together, merged into ranges. Typst's own
/// coverage test scans a font's runs one by one; a document's few thousand
/// characters against six CJK faces made that a fifth of a PDF's time.
fn coverage(fonts: &[Font]) -> Vec<(u32, u32)> {
    let mut points: Vec<u32> = fonts.iter().flat_map(|f| f.info().coverage.iter()).collect();
    points.sort_unstable();
    points.dedup();
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for c in points {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => ranges.push((c, c)),
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_faces_have_the_expected_families() {
        let set = FontSet::embedded();
        let names = Fonts::default();
        assert_eq!(set.families(Role::Body, &names), ["FandolFang R", "Noto Serif CJK SC"]);
        assert_eq!(set.families(Role::Heading1, &names), ["FandolHei", "Noto Serif CJK SC"]);
        assert_eq!(set.families(Role::Heading2, &names), ["FandolKai", "Noto Serif CJK SC"]);
        assert_eq!(set.families(Role::Title, &names), ["FandolSong", "Noto Serif CJK SC"]);
        // A face is found by any family name of its name table, not only typst's.
        let named = Fonts { body: "FandolFang".into(), latin: "FandolHei".into(), ..names };
        assert_eq!(set.families(Role::Body, &named), ["FandolFang R", "Noto Serif CJK SC"]);
        assert_eq!(set.latin(&named), Some("FandolHei"));
        assert_eq!(set.latin(&Fonts::default()), None);
    }

    #[test]
    fn rare_name_characters_are_covered_by_the_fallback() {
        let set = FontSet::embedded();
        // Fandol (about GB2312) lacks these; Noto Serif CJK SC has them.
        assert!(set.missing("堃喆珺赟昇镕旻玥犇垚燚").is_empty());
        assert_eq!(set.missing("正常\u{10FFFD}"), ['\u{10FFFD}']);
    }

    #[test]
    fn merged_coverage_agrees_with_every_font() {
        let set = FontSet::embedded();
        for c in (0..0x3_0000).step_by(7).chain([0, 0x4E00, 0x9FFF, 0xFFFF, 0x10FFFF]) {
            let any = set.fonts.iter().any(|f| f.info().coverage.contains(c));
            assert_eq!(set.covers(c), any, "U+{c:04X}");
        }
    }
}
