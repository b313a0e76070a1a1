//! The names `xinbao init` writes into `xinbao.yaml` for the bureau to replace —
//! the bureau (`某某县某某局`) and the bulletin's editor — read from `init`'s own
//! file, so there is no second list. A settings file still holding one is not yet
//! the bureau's own: `check` warns (`settings-placeholder`) and the desk offers
//! the set-up page. (The example units and people stay unflagged: a bureau may
//! keep such names, as the first day's walk-through does.)

use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::source::Span;
use crate::yaml::Node;
use std::sync::OnceLock;

/// What `init` wrote, to be replaced.
struct Written {
    /// The bureau (发文机关).
    bureau: String,
    /// The bulletin's editor (编发单位).
    editor: String,
}

fn written() -> &'static Written {
    static WRITTEN: OnceLock<Written> = OnceLock::new();
    WRITTEN.get_or_init(|| {
        let node = crate::yaml::parse(super::INIT, 1).unwrap_or_else(|_| Node {
            kind: crate::yaml::Kind::Null,
            pos: Default::default(),
            end: Default::default(),
        });
        let text = |n: Option<&Node>| n.and_then(Node::as_str).unwrap_or_default().to_string();
        Written {
            bureau: text(node.get("bureau")),
            editor: text(node.get("bulletin").and_then(|b| b.get("editor"))),
        }
    })
}

/// One placeholder still in a settings file: where, and its text.
pub struct Placeholder {
    /// Where it is written.
    pub span: Span,
    /// The placeholder itself (`某某县某某局`).
    pub text: String,
}

/// The placeholders of `init` that the settings tree `node` still holds, in file order.
pub fn find(node: &Node) -> Vec<Placeholder> {
    let written = written();
    let mut found = Vec::new();
    let mut keep = |n: &Node, placeholder: bool| {
        if placeholder && let Some(text) = n.as_str() {
            found.push(Placeholder { span: n.span(), text: text.to_string() });
        }
    };
    if let Some(bureau) = node.get("bureau") {
        keep(bureau, bureau.as_str() == Some(written.bureau.as_str()));
    }
    if let Some(editor) = node.get("bulletin").and_then(|b| b.get("editor")) {
        keep(editor, editor.as_str() == Some(written.editor.as_str()));
    }
    found.sort_by_key(|p| (p.span.start.line, p.span.start.column));
    found
}

/// A `settings-placeholder` warning for each placeholder `node` still holds.
pub fn lint(node: &Node, diags: &mut Diagnostics) {
    for placeholder in find(node) {
        diags.push(
            super::FILE,
            placeholder.span,
            Rule::SettingsPlaceholder,
            Text::new(
                format!(
                    "`{}` 是 `xinbao init` 写入的示例，请改为本局的实际情况（可在工作台 `xinbao desk` 的“设置”页填写局名、科室和人员）",
                    placeholder.text
                ),
                format!(
                    "`{}` is a placeholder `xinbao init` wrote: replace it with the bureau's own (the desk's set-up page, `xinbao desk`, fills in the bureau, units and people)",
                    placeholder.text
                ),
            ),
        );
    }
}
