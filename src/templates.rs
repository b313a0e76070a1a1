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

/// The placeholder sentences of a report template: every full-width parenthesis of
/// its body (`（写明时间、地点……）`), which tells the writer what to write and must
/// be replaced by it, and the `……` lead-ins before them.
pub fn placeholders(template: &str) -> Vec<String> {
    let body = crate::report::split(template).map_or(template, |s| s.body);
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('（') {
        let after = &rest[open + '（'.len_utf8()..];
        let Some(close) = after.find('）') else { break };
        let inside = &after[..close];
        if inside.chars().count() >= 6 && !inside.contains("{{") {
            found.push(format!("（{inside}）"));
        }
        rest = &after[close..];
    }
    found
}

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
    fn every_category_template_has_placeholder_sentences() {
        for category in Category::ALL {
            let found = placeholders(report_template(*category));
            assert!(!found.is_empty(), "{category:?}");
            assert!(found.iter().all(|p| p.starts_with('（') && p.ends_with('）')), "{found:?}");
        }
        assert_eq!(
            placeholders(
                "---\ntitle: x\n---\n\n{{date}}，……（写明时间、地点和主要内容）。（注）\n"
            ),
            ["（写明时间、地点和主要内容）"]
        );
    }

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
