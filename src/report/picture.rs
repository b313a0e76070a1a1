//! Where a report's picture is: a PNG or JPEG under `reports/`, of a size that
//! can be rendered. Every stage that shows a picture finds it here.

use crate::diag::Rule;
use crate::lang::Text;
use crate::workspace::Workspace;
use imagesize::ImageType;
use std::path::PathBuf;
use std::sync::Arc;

/// Pictures larger than this many bytes are refused.
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// Pictures with more pixels than this would exhaust memory when rendered.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The pixels all pictures of one report may have together (SPEC §6.3).
pub const MAX_REPORT_PIXELS: u64 = 200_000_000;
/// The bytes all picture files of one report may have together: files that do
/// not compress (noise) are held whole by the documents, so the pixel limit
/// alone would let one report's render take 3 GB.
pub const MAX_REPORT_BYTES: u64 = 50 * 1024 * 1024;
/// The folder every picture lies in: approval binds the bytes of the pictures
/// there, so a picture anywhere else could be swapped after publication.
pub const PICTURE_FOLDER: &str = "reports";

/// A picture found: where it is, its bytes and its pixel size.
#[derive(Clone, Debug)]
pub struct Found {
    /// The file on disk.
    pub path: PathBuf,
    /// Its bytes, read once for the whole run.
    pub bytes: Arc<[u8]>,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
}

/// Finds the picture `target`, written in `file`: a PNG or JPEG under the
/// workspace's `reports/` folder, of a size that can be rendered.
pub fn resolve(ws: &Workspace, file: &str, target: &str) -> Result<Found, (Rule, Text)> {
    let root = ws.root();
    let outside = |why_zh: &str, why_en: &str| {
        Err((
            Rule::ImageOutsideRepo,
            Text::new(format!("图片 `{target}` {why_zh}"), format!("picture `{target}` {why_en}")),
        ))
    };
    let trimmed = target.trim();
    if trimmed.contains("://")
        || trimmed.starts_with("//")
        || trimmed.to_ascii_lowercase().starts_with("data:")
    {
        return outside("不在仓库中（远程地址）", "is not in the repository (remote address)");
    }
    if trimmed.starts_with('/') || trimmed.starts_with('\\') || trimmed.get(1..2) == Some(":") {
        return outside("是绝对路径，超出仓库", "is an absolute path outside the repository");
    }
    let depth = file.matches('/').count();
    if climbs_out(trimmed, depth) {
        return outside("的路径超出仓库", "leaves the repository");
    }
    let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
    if !under_picture_folder(dir, trimmed) {
        return outside(
            "不在 reports/ 文件夹中（审核只约束那里的图片）",
            "is not under reports/ (approval binds only the pictures there)",
        );
    }
    let path = root.join(dir).join(trimmed);
    let meta = match std::fs::metadata(&path) {
        Ok(meta) => meta,
        Err(_) if std::fs::symlink_metadata(&path).is_ok() => {
            return outside("是指向不存在目标的符号链接", "is a symbolic link to nothing");
        }
        Err(_) => {
            return Err((
                Rule::ImageMissing,
                Text::new(
                    format!("图片 `{target}` 不存在"),
                    format!("picture `{target}` does not exist"),
                ),
            ));
        }
    };
    let real = path.canonicalize().ok();
    let inside = |folder: &std::path::Path| {
        folder
            .canonicalize()
            .is_ok_and(|folder| real.as_ref().is_some_and(|r| r.starts_with(folder)))
    };
    if !inside(root) {
        return outside("经符号链接指向仓库之外", "is a symbolic link out of the repository");
    }
    if !inside(&root.join(PICTURE_FOLDER)) {
        return outside(
            "经符号链接指向 reports/ 文件夹之外",
            "is a symbolic link out of the reports/ folder",
        );
    }
    if through_symlink(root, dir, trimmed) {
        return outside(
            "经符号链接引用（审核只约束提交的图片本身：请提交图片文件，不要提交链接）",
            "is reached through a symbolic link (an approval binds the committed picture itself: commit the file, not a link)",
        );
    }
    let invalid = |why: Text| {
        (
            Rule::ImageInvalid,
            Text::new(
                format!("图片 `{target}` {}", why.zh),
                format!("picture `{target}` {}", why.en),
            ),
        )
    };
    if !meta.is_file() {
        return Err(invalid(Text::new("不是文件", "is not a file")));
    }
    if meta.len() > MAX_IMAGE_BYTES {
        return Err(invalid(too_large(meta.len())));
    }
    let bytes = ws.picture(&path).map_err(|err| {
        invalid(Text::new(format!("无法读取：{err}"), format!("cannot be read: {err}")))
    })?;
    let (width, height) = check_picture(&bytes).map_err(invalid)?;
    Ok(Found { path, bytes, width, height })
}

fn too_large(bytes: u64) -> Text {
    Text::new(
        format!("有 {bytes} 字节，超过 {} MiB", MAX_IMAGE_BYTES / 1024 / 1024),
        format!("has {bytes} bytes, over {} MiB", MAX_IMAGE_BYTES / 1024 / 1024),
    )
}

/// The picture's pixel size, when it is a PNG or JPEG of a size that can be rendered.
fn check_picture(bytes: &[u8]) -> Result<(u32, u32), Text> {
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    match imagesize::image_type(bytes) {
        Ok(ImageType::Png | ImageType::Jpeg) => {}
        _ => return Err(Text::new("不是 PNG 或 JPEG 图片", "is not a PNG or JPEG picture")),
    }
    let size = imagesize::blob_size(bytes)
        .map_err(|_| Text::new("已损坏，读不出尺寸", "is damaged: its size cannot be read"))?;
    let pixels = size.width as u64 * size.height as u64;
    if pixels == 0 {
        return Err(Text::new("尺寸为 0 像素，不是图片", "has no pixels (0 wide or high)"));
    }
    if pixels > MAX_PIXELS {
        return Err(Text::new(
            format!("尺寸 {}×{} 像素，超出允许范围", size.width, size.height),
            format!("is {}×{} pixels, beyond what can be rendered", size.width, size.height),
        ));
    }
    Ok((size.width as u32, size.height as u32))
}

/// True when the relative `target`, resolved from the folder `dir` (relative to
/// the root), names a file inside [`PICTURE_FOLDER`].
fn under_picture_folder(dir: &str, target: &str) -> bool {
    normalized(dir, target).is_some_and(|parts| parts.len() > 1 && parts[0] == PICTURE_FOLDER)
}

/// The parts of `target` read from folder `dir` (both relative to the root),
/// `..` resolved; `None` when it climbs above the root.
fn normalized<'a>(dir: &'a str, target: &'a str) -> Option<Vec<&'a str>> {
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split(['/', '\\']).chain(target.split(['/', '\\'])) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts)
}

/// Whether the path of `target` from `dir` passes through a symbolic link (the
/// picture itself or a folder on the way): an approval binds the bytes git
/// holds at that path, which for a link is its text, not the picture shown.
fn through_symlink(root: &std::path::Path, dir: &str, target: &str) -> bool {
    let Some(parts) = normalized(dir, target) else { return true };
    let mut path = root.to_path_buf();
    parts.iter().any(|part| {
        path.push(part);
        std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// What is left of the pixels ([`MAX_REPORT_PIXELS`]) and file bytes
/// ([`MAX_REPORT_BYTES`]) one report's pictures may have together: each picture
/// laid out takes its share, in the order of the layout (the body's pictures,
/// then the front matter's).
#[derive(Debug)]
pub struct Allowance {
    pixels: u64,
    bytes: u64,
}

impl Default for Allowance {
    fn default() -> Self {
        Allowance { pixels: MAX_REPORT_PIXELS, bytes: MAX_REPORT_BYTES }
    }
}

impl Allowance {
    /// Takes the share of a `width`×`height` picture of `bytes` bytes, or says
    /// why it is too much.
    pub fn take(&mut self, width: u32, height: u32, bytes: usize) -> Result<(), Text> {
        let pixels = u64::from(width) * u64::from(height);
        let bytes = bytes as u64;
        if pixels > self.pixels {
            return Err(Text::new(
                format!(
                    "使这条信息的图片共超过 {} 亿像素（上限），不排入",
                    MAX_REPORT_PIXELS / 100_000_000
                ),
                format!(
                    "brings the report's pictures past {} megapixels (the limit): not laid out",
                    MAX_REPORT_PIXELS / 1_000_000
                ),
            ));
        }
        if bytes > self.bytes {
            return Err(Text::new(
                format!(
                    "使这条信息的图片文件共超过 {} MiB（上限），不排入",
                    MAX_REPORT_BYTES >> 20
                ),
                format!(
                    "brings the report's picture files past {} MiB (the limit): not laid out",
                    MAX_REPORT_BYTES >> 20
                ),
            ));
        }
        self.pixels -= pixels;
        self.bytes -= bytes;
        Ok(())
    }
}

/// True when the relative `target`, resolved from a folder `depth` levels below the root, climbs above it.
pub fn climbs_out(target: &str, depth: usize) -> bool {
    let mut level = depth as i64;
    for part in target.split(['/', '\\']) {
        match part {
            ".." => level -= 1,
            "" | "." => {}
            _ => level += 1,
        }
        if level < 0 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn climbing() {
        assert!(!climbs_out("images/a.png", 3));
        assert!(!climbs_out("../../../x.png", 3));
        assert!(climbs_out("../../../../x.png", 3));
        assert!(climbs_out("a/../../../../../x.png", 3));
    }

    #[test]
    fn pictures_lie_under_reports() {
        assert!(under_picture_folder("reports/2026/03", "images/a.png"));
        assert!(under_picture_folder("reports/2026/03", "../../shared/a.png"));
        assert!(!under_picture_folder("reports/2026/03", "../../../templates/x.png"));
        assert!(!under_picture_folder("reports/2026/03", "../../../reports"));
        assert!(!under_picture_folder("reports/2026/03", "../../../../x.png"));
        assert!(!under_picture_folder("drafts", "a.png"));
        assert!(!under_picture_folder("reports/2026", "..\\..\\xinbao.yaml"));
    }

    #[test]
    fn the_allowance_holds_two_hundred_megapixels_and_fifty_mebibytes() {
        let mut allowance = Allowance::default();
        for _ in 0..5 {
            assert!(allowance.take(8_000, 5_000, 1_000).is_ok());
        }
        assert!(allowance.take(1, 1, 0).is_err());
        assert!(allowance.take(0, 0, 0).is_ok());
        let mut allowance = Allowance::default();
        for _ in 0..5 {
            assert!(allowance.take(10, 10, 10 << 20).is_ok());
        }
        assert!(allowance.take(10, 10, 1).is_err());
        assert!(allowance.take(10, 10, 0).is_ok());
    }
}
