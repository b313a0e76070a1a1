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
pub const GITIGNORE: &str = "# xinbao build 的输出 / what `xinbao build` writes\npublic/\n# GitLab 流程缓存的 xinbao 发布包 / the xinbao release the GitLab pipeline caches\n.xinbao-release/\n";

/// The `xinbao.yaml` a new bureau starts from: placeholders for the bureau, its
/// units and one person of each role (with a commented `keys:` example), and no
/// other bureau's data.
pub const SETTINGS: &str = crate::config::INIT;

/// The code forges `init --ci` writes a pipeline for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Forge {
    /// GitHub Actions：.github/workflows/xinbao.yml
    Github,
    /// GitLab CI/CD：.gitlab-ci.yml
    Gitlab,
    /// Gitea / Forgejo Actions：.gitea/workflows/xinbao.yml
    Gitea,
    /// 不写持续集成配置 / no pipeline
    None,
}

/// The CI pipeline of `forge` for a new repository: where it goes and its text,
/// with the xinbao version it installs filled in.
pub fn pipeline(forge: Forge) -> Option<(&'static str, String)> {
    let (path, text) = match forge {
        Forge::Github => (".github/workflows/xinbao.yml", include_str!("scaffold/workflow.yml")),
        Forge::Gitlab => (".gitlab-ci.yml", include_str!("scaffold/gitlab-ci.yml")),
        Forge::Gitea => (".gitea/workflows/xinbao.yml", include_str!("scaffold/gitea.yml")),
        Forge::None => return None,
    };
    Some((path, text.replace("@XINBAO_VERSION@", env!("CARGO_PKG_VERSION"))))
}

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
