//! Pictures: captions, paths that stay under `reports/`, real PNG/JPEG of sane
//! size, and no more pixels and bytes in one report than its
//! [`Allowance`] holds.

use super::Context;
use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::report::Report;
use crate::report::picture::{Allowance, resolve};

pub(super) fn check(cx: &Context, report: &Report, diags: &mut Diagnostics) {
    let count = report.images.len() + report.body.images.len();
    if count > crate::report::MAX_PICTURES {
        diags.push(
            &report.file,
            report.key_pos("title"),
            Rule::FileTooLarge,
            Text::new(
                format!(
                    "一条信息有 {count} 张图片，超过上限 {} 张：只排入前 {} 张",
                    crate::report::MAX_PICTURES,
                    crate::report::MAX_PICTURES
                ),
                format!(
                    "{count} pictures in one report, more than the limit of {}: only the first {} are laid out",
                    crate::report::MAX_PICTURES,
                    crate::report::MAX_PICTURES
                ),
            ),
        );
    }
    let listed = report
        .images
        .iter()
        .map(|i| (i.file.value.as_str(), i.caption.as_str(), i.file.pos.into(), i.pos.into()));
    let inline =
        report.body.images.iter().map(|i| (i.target.as_str(), i.caption.as_str(), i.span, i.span));
    // In the layout's order, which decides the pictures the allowance leaves out.
    let mut allowance = Allowance::default();
    let mut laid_out = 0;
    for (target, caption, path_pos, item_pos) in inline.chain(listed) {
        if caption.trim().is_empty() {
            diags.push(
                &report.file,
                item_pos,
                Rule::CaptionMissing,
                Text::new(
                    format!("图片 `{target}` 缺少图说"),
                    format!("picture `{target}` has no caption (图说)"),
                ),
            );
        }
        match resolve(&cx.repo.workspace, &report.file, target) {
            Err((rule, message)) => diags.push(&report.file, path_pos, rule, message),
            Ok(found) => {
                laid_out += 1;
                if laid_out > crate::report::MAX_PICTURES {
                    continue;
                }
                if let Err(why) = allowance.take(found.width, found.height, found.bytes.len()) {
                    let message = Text::new(
                        format!("图片 `{target}` {}", why.zh),
                        format!("picture `{target}` {}", why.en),
                    );
                    diags.push(&report.file, path_pos, Rule::ImageInvalid, message);
                }
            }
        }
    }
}
