//! Splitting a report into its front-matter block and its Markdown body,
//! keeping where each starts so positions stay in file coordinates.

/// A report's text cut at its `---` lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The 1-based line where the YAML starts.
    pub yaml_line: u32,
    /// The Markdown after the closing line.
    pub body: &'a str,
    /// The byte offset of the body in the text.
    pub body_offset: usize,
}

/// Why a text has no usable front matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The first line is not `---`.
    Missing,
    /// `---` opens a block that no `---` (or `...`) line closes.
    Unclosed,
}

/// Splits normalized text (no BOM, LF line ends) at its front-matter block.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let current = text[offset..end].trim_end();
        if current == "---" || current == "..." {
            let body_offset = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset = end + 1;
    }
    Err(SplitError::Unclosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_closing_line() {
        let s = split("---\ntitle: a\n---\n正文\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn missing_and_unclosed() {
        assert_eq!(split("title: a\n"), Err(SplitError::Missing));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("---\ntitle: a\n"), Err(SplitError::Unclosed));
        assert_eq!(split("---\n---").unwrap().body, "");
    }

    #[test]
    fn dashes_inside_values_do_not_close() {
        let s = split("---\na: ---x\n--- \nb\n").unwrap();
        assert_eq!(s.yaml, "a: ---x\n");
        assert_eq!(s.body, "b\n");
    }
}
