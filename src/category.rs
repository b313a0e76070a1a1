//! The ten kinds of report of §三 of the rules: their ids, labels and
//! descriptions. Below the settings and the reports, which both name them
//! (`archive.retention` is keyed by category id); what a category means for the
//! rules is said with the reports ([`crate::report`]).

macro_rules! categories {
    ($($variant:ident = $id:literal, $label:literal, $english:literal, $full:literal;)*) => {
        /// The ten kinds of report of §三 of the rules.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum Category {
            $(#[doc = $full] $variant,)*
        }

        impl Category {
            /// All categories, in the order of the rules.
            pub const ALL: &'static [Category] = &[$(Category::$variant,)*];

            /// The English id used in files (`work`).
            pub fn id(self) -> &'static str {
                match self { $(Category::$variant => $id,)* }
            }

            /// The Chinese label (`工作动态`).
            pub fn label(self) -> &'static str {
                match self { $(Category::$variant => $label,)* }
            }

            /// The English name (`Work news`).
            pub fn english(self) -> &'static str {
                match self { $(Category::$variant => $english,)* }
            }

            /// What the category covers, in the words of the rules.
            pub fn description(self) -> &'static str {
                match self { $(Category::$variant => $full,)* }
            }
        }
    };
}

categories! {
    Work = "work", "工作动态", "Work news", "科室重点工作、会议及业务信息";
    CountyProject = "county-project", "重点项目", "County projects", "全县重点工作或项目进展";
    Innovation = "innovation", "创新举措", "Innovations", "重点业务工作中的创新做法和新举措";
    Research = "research", "问题调研", "Research", "问题类调研类信息：基本情况、存在问题、对策建议";
    Implementation = "implementation", "贯彻落实", "Implementation", "上级决策部署学习贯彻落实情况";
    LeaderVisit = "leader-visit", "领导视察", "Leader visits", "领导视察时的重要讲话及贯彻落实情况";
    PublicConcern = "public-concern", "社情民意", "Public concerns", "企业和群众关心的热点问题、苗头和预警信息";
    PartyBuilding = "party-building", "党建文明", "Party building", "党的建设和精神文明建设";
    HolidaySafety = "holiday-safety", "节日安全", "Holiday safety", "重要节庆日安全生产部署、检查情况";
    Emergency = "emergency", "突发紧急", "Emergencies", "突发紧急信息";
}

impl Category {
    /// Reads an id (`work`) or a Chinese label (`工作动态`).
    pub fn parse(text: &str) -> Option<Category> {
        let text = text.trim();
        Category::ALL.iter().copied().find(|c| c.id() == text || c.label() == text)
    }
}
