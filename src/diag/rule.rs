//! The stable rule ids of SPEC §9, with their default severity and a line of docs.

use super::Severity;
use crate::lang::Lang;

macro_rules! rules {
    ($($variant:ident = $id:literal, $severity:ident, $zh:literal, $en:literal;)*) => {
        /// A rule a report or setting can break. Ids are stable: tests and users rely on them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum Rule {
            $(#[doc = $en] $variant,)*
        }

        impl Rule {
            /// Every rule, in the order of the documentation table.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The kebab-case id (`deadline-exceeded`).
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The severity a finding of this rule has.
            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// What the rule checks, in `lang`.
            pub fn summary(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Rule::$variant, Lang::Zh) => $zh, (Rule::$variant, Lang::En) => $en,)*
                }
            }
        }
    };
}

rules! {
    YamlSyntax = "yaml-syntax", Error, "前置元数据不是合法的 YAML", "front matter is not valid YAML";
    FrontMatterMissing = "front-matter-missing", Error, "文件开头没有 --- 元数据块", "no `---` block at the top";
    MissingField = "missing-field", Error, "必填字段缺失或为空", "a required field is absent or empty";
    UnknownField = "unknown-field", Error, "未定义的字段（防止拼写错误）", "a field the schema does not know (typo guard)";
    InvalidValue = "invalid-value", Error, "取值错误：类型、时间、电话、类别或等级不合法", "wrong type, bad time, bad phone, unknown category or severity";
    UnknownUnit = "unknown-unit", Error, "科室不在 units 中", "unit not in `units`";
    UnknownAuthor = "unknown-author", Warning, "供稿人不是该科室的人员", "author not a person of that unit";
    TitleTooLong = "title-too-long", Warning, "标题过长", "title longer than `title_max_chars`";
    MultipleItems = "multiple-items", Error, "正文含一级标题（一文一事）", "body has a level-1 heading (one item per report)";
    TemplateText = "template-text", Error, "正文仍是模板的提示文字，没有写成信息", "the body still holds the template's placeholder text";
    MissingSection = "missing-section", Error, "调研信息缺少基本情况、存在问题或对策建议", "research report lacks 基本情况 / 存在问题 / 对策建议";
    MissingEmergencyElement = "missing-emergency-element", Error, "突发事件信息缺少要素", "an element of the emergency block is absent";
    ImageMissing = "image-missing", Error, "引用的图片不存在", "referenced picture does not exist";
    ImageOutsideRepo = "image-outside-repo", Error, "图片不在 reports/ 中", "picture not under reports/ (.., absolute, symlink out, remote, another folder)";
    ImageInvalid = "image-invalid", Error, "图片不是 PNG/JPEG 或过大", "not a PNG/JPEG, or too large (one picture, or a report's pictures together)";
    CaptionMissing = "caption-missing", Error, "图片没有图说", "picture without a caption (图说)";
    DeadlineExceeded = "deadline-exceeded", Warning, "迟报：超过报送时限（记录并计入考核，不阻止报送）", "late (迟报): a time limit of SPEC §4 is not met (recorded and counted, never blocking)";
    PhoneReportMissing = "phone-report-missing", Warning, "迟报：超过 30 分钟的突发事件未记录电话先行报告（记录并计入考核）", "late (迟报): emergency later than 30 min without phone_reported_at within 30 min (recorded and counted)";
    TimeOrder = "time-order", Error, "报送时间早于发生时间或早于文件首次提交", "submitted before occurred, or before the file's first commit";
    DanglingReference = "dangling-reference", Error, "follow_up_of / request / retracts 指向不存在的信息或约稿", "follow_up_of / request / retracts names no such report or request";
    DuplicateId = "duplicate-id", Error, "编号重复", "two reports, requests or people with the same id or name";
    FileTooLarge = "file-too-large", Error, "文件超过 1 MiB，元数据嵌套、别名过多，或图片超过 200 张", "a report over 1 MiB, front matter nested or aliased beyond sane limits, or more than 200 pictures";
    NotApproved = "not-approved", Error, "办公室签名发布了未经审核的信息", "the office signed a report that has no valid approval";
    ApprovalStale = "approval-stale", Error, "审核后被修改，未经重新审核", "changed after its last approval without a new one";
    SignatureInvalid = "signature-invalid", Error, "签名无法验证", "a signature that does not verify";
    KeyUnknown = "key-unknown", Error, "签名密钥不属于 xinbao.yaml 中的人员", "the signing key belongs to no one in people";
    KeyExpired = "key-expired", Error, "签名密钥在提交时不在有效期内", "the signing key is outside its validity window";
    SignerNotAuthorized = "signer-not-authorized", Error, "签名人无权审核或发布该信息", "the signer may not approve or publish this report";
    SettingsUnsigned = "settings-unsigned", Error, "设置的修改没有办公室或管理员的有效签名，未生效", "a settings change without a valid office or admin signature does not take effect";
    UnsignedDeletion = "unsigned-deletion", Error, "删除信息没有该科室分管负责人或办公室的签名", "a report was deleted without a signature of its unit's supervisor or the office";
    DuplicateKey = "duplicate-key", Error, "同一密钥列在两人名下", "one key is listed under two people";
    RecordUnsigned = "record-unsigned", Error, "约稿、期刊记录或模板的修改没有办公室或管理员的有效签名，未生效", "a change of a request, bulletin record or template without a valid office or admin signature does not take effect";
    CrossUnitReference = "cross-unit-reference", Error, "续报或撤回指向其他科室的信息，不生效", "follow_up_of or retracts names another unit's report and has no effect";
    HistoryRewritten = "history-rewritten", Error, "主分支的历史被改写或绕开了已签名的记录", "the main line was rewritten or pushed signed records aside";
    RawHtml = "raw-html", Warning, "正文含原始 HTML（输出时一律转义）", "raw HTML in the body (escaped in every output)";
    UnsafeLink = "unsafe-link", Warning, "链接指向仓库之外或使用危险协议", "a link leaves the repository or uses a script/file scheme";
    SettingsPlaceholder = "settings-placeholder", Warning, "xinbao.yaml 仍有 xinbao init 写入的示例名称（局名、期刊编发单位）", "xinbao.yaml still holds a placeholder name `xinbao init` wrote (the bureau, the bulletin's editor)";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut ids: Vec<_> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert!(ids.iter().all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
    }
}
