//! The files xinbao ships: one report skeleton per category, the settings and
//! workflow a new repository starts from, and an example report.

use crate::report::Category;

/// The Markdown skeleton of `category`, as in the project's `templates/` folder.
pub fn report_template(category: Category) -> &'static str {
    match category {
        Category::Work => include_str!("../templates/work.md"),
        Category::CountyProject => include_str!("../templates/county-project.md"),
        Category::Innovation => include_str!("../templates/innovation.md"),
        Category::Research => include_str!("../templates/research.md"),
        Category::Implementation => include_str!("../templates/implementation.md"),
        Category::LeaderVisit => include_str!("../templates/leader-visit.md"),
        Category::PublicConcern => include_str!("../templates/public-concern.md"),
        Category::PartyBuilding => include_str!("../templates/party-building.md"),
        Category::HolidaySafety => include_str!("../templates/holiday-safety.md"),
        Category::Emergency => include_str!("../templates/emergency.md"),
    }
}

/// What a reports repository does not commit: the built documents and archive.
pub const GITIGNORE: &str = "# xinbao build 的输出 / what `xinbao build` writes\npublic/\n";

/// The project's own commented `xinbao.yaml`.
const SETTINGS: &str = include_str!("../xinbao.yaml");

/// The `xinbao.yaml` a new repository starts from: the project's own, without the
/// sample signing keys (each bureau registers its own people's keys).
pub fn settings() -> String {
    let mut out = String::new();
    let mut skipping: Option<usize> = None;
    for line in SETTINGS.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(depth) = skipping {
            if indent > depth && !line.trim().is_empty() {
                continue;
            }
            skipping = None;
        }
        if line.trim_start().starts_with("keys:") {
            skipping = Some(indent);
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The GitHub workflow a new repository gets.
pub const WORKFLOW: &str = include_str!("scaffold/workflow.yml");

/// Where the example report of a new repository goes, and its text.
pub const EXAMPLE_REPORT: (&str, &str) = (
    "reports/2026/01/2026-01-06-nianchu-gongzuohui.md",
    include_str!("../reports/2026/01/2026-01-06-nianchu-gongzuohui.md"),
);

/// Fills `{{name}}` placeholders of a template from `values`; unknown ones stay.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_settings_carry_no_sample_keys() {
        assert!(SETTINGS.contains("ssh-ed25519"));
        let settings = settings();
        assert!(!settings.contains("keys:") && !settings.contains("ssh-ed25519"), "{settings}");
        assert!(settings.contains(
            "  - name: 钱七\n    unit: 办公室\n    roles: [office]\n    phone: \"13908510003\"\n"
        ));
        assert!(settings.contains("limits:"));
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(fill("a {{x}} {{y}}", &[("x", "1".into())]), "a 1 {{y}}");
    }

    #[test]
    fn every_category_has_a_template_of_its_own() {
        for category in Category::ALL {
            let template = report_template(*category);
            assert!(
                template.contains(&format!("category: {}\n", category.id())),
                "{}",
                category.id()
            );
        }
    }
}
