//! The fields of a report's front matter (SPEC §3) in one table. The parser's
//! field rules, `xinbao schema`, `xinbao new` and the desk's form all read it, so
//! what a field is, is said once.

use super::Category;
use crate::diag::Rule;
use crate::lang::Lang;

/// One field of the front matter, or of a mapping nested in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The key written in the file (`occurred_at`).
    pub key: &'static str,
    /// The Chinese label (`发生时间`).
    pub zh: &'static str,
    /// The English label (`Occurred at`).
    pub en: &'static str,
    /// What value it takes.
    pub kind: Kind,
    /// When it must be written.
    pub need: Need,
    /// Categories it belongs to; empty for every category.
    pub only_for: &'static [Category],
    /// What to write, in Chinese (the schema's description, the form's hint).
    pub hint: &'static str,
    /// The rule `check` reports when the field is needed and not written.
    pub missing: Rule,
    /// A value as a writer would write it (SPEC §3's example), for a form's
    /// placeholder, the schema's `examples` and `new`'s comment; empty for none.
    pub example: &'static str,
}

/// What value a field takes. Every scalar is read as text: a number or `true`
/// is a text too, and a count or a phone number may be quoted. An empty value
/// (nothing, `~`, only spaces) counts as not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A text.
    Text,
    /// A text of one line.
    Line,
    /// A list of texts; one text alone is a list of one.
    Texts,
    /// A date `YYYY-MM-DD`.
    Date,
    /// An RFC 3339 time; one without an offset is read in the bureau's zone.
    Time,
    /// A date or a time; an emergency needs the time.
    DateOrTime,
    /// A mainland mobile or landline number.
    Phone,
    /// One of the ten categories, by id or Chinese label.
    Category,
    /// One of the bureau's `units`.
    Unit,
    /// An emergency's severity, by id or Chinese label.
    Severity,
    /// An adoption level: a key of `scoring.adoption` or its Chinese name.
    Level,
    /// A whole number ≥ 0 (`0` or `"0"`).
    Count,
    /// A mapping of these fields.
    Record(&'static [Field]),
    /// A list of mappings of these fields.
    Records(&'static [Field]),
}

/// When a field must be written (with a value that is not empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Never.
    Optional,
    /// Whenever the mapping it belongs to is written.
    Always,
    /// In reports of these categories.
    For(&'static [Category]),
    /// When the field with this key is written.
    With(&'static str),
}

impl Field {
    const fn new(key: &'static str, zh: &'static str, en: &'static str, kind: Kind) -> Field {
        let missing = Rule::MissingField;
        let (need, only_for, example) = (Need::Optional, &[], "");
        Field { key, zh, en, kind, need, only_for, hint: zh, missing, example }
    }

    const fn need(self, need: Need) -> Field {
        Field { need, ..self }
    }

    const fn hint(self, hint: &'static str) -> Field {
        Field { hint, ..self }
    }

    const fn example(self, example: &'static str) -> Field {
        Field { example, ..self }
    }

    const fn missing(self, missing: Rule) -> Field {
        Field { missing, ..self }
    }

    const fn only_for(self, only_for: &'static [Category]) -> Field {
        Field { only_for, ..self }
    }

    /// The label in `lang`.
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }

    /// The fields of a nested mapping or list of mappings; none for the others.
    pub fn fields(&self) -> &'static [Field] {
        match self.kind {
            Kind::Record(fields) | Kind::Records(fields) => fields,
            _ => &[],
        }
    }

    /// The kind of value a report of `category` writes: an emergency's
    /// `occurred_at` is a time, not a date alone.
    pub fn kind_for(&self, category: Option<Category>) -> Kind {
        match self.kind {
            Kind::DateOrTime if category == Some(Category::Emergency) => Kind::Time,
            kind => kind,
        }
    }

    /// True when a report of `category` must write this field, `written` telling
    /// which other fields it wrote.
    pub fn required(&self, category: Option<Category>, written: impl Fn(&str) -> bool) -> bool {
        match self.need {
            Need::Optional => false,
            Need::Always => true,
            Need::For(categories) => category.is_some_and(|c| categories.contains(&c)),
            Need::With(key) => written(key),
        }
    }

    /// True when a report of `category` must write this field whatever else it
    /// wrote (what the desk's form marks as required).
    pub fn required_for(&self, category: Option<Category>) -> bool {
        self.required(category, |_| false)
    }
}

/// The keys of `fields`, in the table's order.
pub fn keys(fields: &[Field]) -> Vec<&'static str> {
    fields.iter().map(|f| f.key).collect()
}

/// The field `key` of `fields`.
pub fn find(fields: &'static [Field], key: &str) -> Option<&'static Field> {
    fields.iter().find(|f| f.key == key)
}

/// The categories whose time limit runs from `occurred_at`, which they must write.
pub const TIMED: &[Category] =
    &[Category::Work, Category::LeaderVisit, Category::HolidaySafety, Category::Emergency];

const EMERGENCY_ONLY: &[Category] = &[Category::Emergency];

/// An element every emergency report writes (`missing-emergency-element`).
const fn element(key: &'static str, zh: &'static str, en: &'static str, kind: Kind) -> Field {
    Field::new(key, zh, en, kind)
        .need(Need::For(EMERGENCY_ONLY))
        .missing(Rule::MissingEmergencyElement)
}

/// The fields of a report's front matter, in the order of SPEC §3.
pub const REPORT: &[Field] = &[
    Field::new("title", "标题", "Title", Kind::Line)
        .need(Need::Always)
        .hint("标题（一行，主题凝练）")
        .example("县发改局召开2026年第一季度重点项目调度会"),
    Field::new("category", "类别", "Category", Kind::Category).need(Need::Always).example("work"),
    Field::new("unit", "供稿科室", "Unit", Kind::Unit).need(Need::Always).example("投资科"),
    Field::new("author", "供稿人", "Author", Kind::Text).need(Need::Always).example("张三"),
    Field::new("phone", "联系电话", "Phone", Kind::Phone).need(Need::Always).example("13800000000"),
    Field::new("occurred_at", "发生时间", "Occurred at", Kind::DateOrTime)
        .need(Need::For(TIMED))
        .example("2026-03-02T09:00:00+08:00"),
    Field::new("submitted_at", "报送时间", "Submitted at", Kind::Time)
        .need(Need::Always)
        .example("2026-03-02T17:40:00+08:00"),
    Field::new("images", "图片与图说", "Pictures", Kind::Records(IMAGE)),
    Field::new("request", "约稿编号", "Request", Kind::Text).hint("所答约稿的编号"),
    Field::new("follow_up_of", "首报编号", "Follow-up of", Kind::Text)
        .only_for(EMERGENCY_ONLY)
        .hint("续报：首报的编号")
        .example("2026-03-02-guandao-xielou"),
    Field::new("retracts", "被更正信息编号", "Retracts", Kind::Text)
        .hint("更正：被更正信息的编号")
        .example("2026-03-02-guandao-xielou"),
    Field::new("reason", "更正原因", "Reason", Kind::Text)
        .need(Need::With("retracts"))
        .example("核实后并无此事"),
    Field::new("late_reason", "迟报原因", "Reason for lateness", Kind::Text)
        .hint("迟报原因（超过报送时限时说明）")
        .example("会议当晚结束，次日核实数字"),
    Field::new("leaders", "领导", "Leaders", Kind::Texts)
        .need(Need::For(&[Category::LeaderVisit]))
        .hint("领导（一人可不写成列表）")
        .example("王五"),
    Field::new("tags", "标签", "Tags", Kind::Texts)
        .hint("标签（一个可不写成列表）")
        .example("调度"),
    element("emergency", "突发事件要素", "Emergency elements", Kind::Record(EMERGENCY)),
    Field::new("adoptions", "采用情况", "Adoptions", Kind::Records(ADOPTION))
        .hint("采用情况（由局办公室在发布后登记）"),
];

/// One item of `images`.
pub const IMAGE: &[Field] = &[
    Field::new("file", "图片文件", "File", Kind::Text)
        .need(Need::Always)
        .example("images/2026-03-02-tiaoduhui.jpg"),
    Field::new("caption", "图说", "Caption", Kind::Text)
        .need(Need::Always)
        .missing(Rule::CaptionMissing)
        .example("调度会现场"),
];

/// One item of `adoptions`.
pub const ADOPTION: &[Field] = &[
    Field::new("by", "采用单位", "Adopted by", Kind::Text)
        .need(Need::Always)
        .hint("采用单位或刊物，如 县委办《每日要情》")
        .example("县委办《每日要情》"),
    Field::new("level", "采用级别", "Level", Kind::Level)
        .need(Need::Always)
        .hint("采用级别：scoring.adoption 中的键")
        .example("county"),
    Field::new("date", "采用日期", "Date", Kind::Date).need(Need::Always).example("2026-03-05"),
];

/// The elements of an emergency report (§三(十)), in the order of the rules:
/// all but `phone_reported_at` are required, text may say 暂无 and numbers 0.
pub const EMERGENCY: &[Field] = &[
    element("severity", "事件等级", "Severity", Kind::Severity).example("general"),
    element("source", "信息来源", "Source", Kind::Text).example("县应急局通报"),
    element("location", "事发地点", "Location", Kind::Text).example("永靖镇某工地"),
    element("cause", "事件起因或性质", "Cause or nature", Kind::Text).example("脚手架坍塌"),
    element("casualties", "伤亡人数", "Casualties", Kind::Record(CASUALTIES)),
    element("property_loss", "财产损失", "Property loss", Kind::Text).example("约5万元"),
    element("process", "基本过程", "Course of events", Kind::Text)
        .example("脚手架局部坍塌，2 人轻伤送医"),
    element("consequences", "已造成的后果", "Consequences", Kind::Text).example("暂无"),
    element("impact", "影响范围", "Extent", Kind::Text).example("工地内"),
    element("trend", "事件发展趋势", "Trend", Kind::Text).example("已得到控制"),
    element("leaders_on_site", "相关领导到位情况", "Leaders on site", Kind::Texts).example("王五"),
    element("measures", "已采取的初步措施", "Measures taken", Kind::Text)
        .example("已停工并疏散人员"),
    element("next_steps", "下一步工作措施", "Next steps", Kind::Text).example("排查全县在建工地"),
    element("informant", "责任单位信息员", "Informant", Kind::Record(INFORMANT)),
    Field::new("phone_reported_at", "电话先行报告时间", "Reported by phone at", Kind::Time)
        .example("2026-03-02T09:20:00+08:00"),
];

/// `casualties` of the emergency block.
pub const CASUALTIES: &[Field] = &[
    element("dead", "死亡", "Dead", Kind::Count).example("0"),
    element("injured", "受伤", "Injured", Kind::Count).example("2"),
    element("missing", "失踪", "Missing", Kind::Count).example("0"),
];

/// `informant` of the emergency block.
pub const INFORMANT: &[Field] = &[
    element("name", "姓名", "Name", Kind::Text).example("张三"),
    element("phone", "联系电话", "Phone", Kind::Phone).example("13800000000"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_by_category() {
        let occurred = find(REPORT, "occurred_at").unwrap();
        assert!(occurred.required_for(Some(Category::Work)));
        assert!(!occurred.required_for(Some(Category::Research)));
        assert!(!occurred.required_for(None));
        let reason = find(REPORT, "reason").unwrap();
        assert!(!reason.required_for(Some(Category::Work)));
        assert!(reason.required(Some(Category::Work), |key| key == "retracts"));
        assert_eq!(find(REPORT, "unit").unwrap().label(Lang::En), "Unit");
    }

    #[test]
    fn keys_are_unique_in_each_mapping() {
        for fields in [REPORT, IMAGE, ADOPTION, EMERGENCY, CASUALTIES, INFORMANT] {
            let mut keys = keys(fields);
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), fields.len());
        }
    }
}
