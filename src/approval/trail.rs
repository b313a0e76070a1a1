//! Replaying the first-parent commits, oldest first, to give each report its
//! state (`draft → submitted → approved → published`, or `stale`), its trail of
//! steps and its current problems.

use super::walk::{CommitFacts, ReportChange, Verdict};
use crate::config::{Role, Settings};
use crate::diag::Rule;
use crate::lang::Text;
use git2::Oid;
use std::collections::BTreeMap;

/// Where a report stands (SPEC §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// Not on the main branch.
    Draft,
    /// On the main branch, not approved.
    Submitted,
    /// Approved by a supervisor of its unit.
    Approved,
    /// Approved, then published by the office.
    Published,
    /// Changed after its last approval without an office signature.
    Stale,
}

impl State {
    /// The id used in JSON: `draft`, `submitted`, `approved`, `published`, `stale`.
    pub fn id(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Approved => "approved",
            State::Published => "published",
            State::Stale => "stale",
        }
    }

    /// The state's Chinese label (草稿, 已报送, 已审核, 已发布, 审核失效).
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            State::Draft => ("草稿", "draft"),
            State::Submitted => ("待审核", "submitted"),
            State::Approved => ("已审核", "approved"),
            State::Published => ("已发布", "published"),
            State::Stale => ("审核失效", "stale"),
        };
        Text::new(zh, en)
    }

    /// Whether the current text carries a valid approval.
    pub fn is_approved(self) -> bool {
        matches!(self, State::Approved | State::Published)
    }
}

/// A verified signature that approved or published a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The signer's name in `people`.
    pub name: String,
    /// The signed commit.
    pub commit: Oid,
    /// The fingerprint of the key that signed.
    pub key: String,
    /// Committer time, seconds since the epoch.
    pub at: i64,
}

/// Something wrong with a report's approval, tied to the commit that shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// One of the six approval rules.
    pub rule: Rule,
    /// The commit concerned.
    pub commit: Oid,
    /// Its committer time.
    pub at: i64,
    /// What is wrong.
    pub message: Text,
}

/// One step in a report's trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The commit that brought the report to the main branch.
    Submitted {
        /// The commit.
        commit: Oid,
        /// Committer time.
        at: i64,
        /// Who wrote it (the author of the commit, or of the merged branch's tip).
        author: String,
    },
    /// A change that neither approved nor published.
    Changed {
        /// The commit.
        commit: Oid,
        /// Committer time.
        at: i64,
        /// The author of the change.
        author: String,
    },
    /// A supervisor's approval.
    Approved(Signature),
    /// The office's publication, with what it changed from the approved text.
    Published {
        /// The office's signature.
        signature: Signature,
        /// Unified diff from the approved text, when the office edited it.
        diff: Option<String>,
    },
    /// A problem found at this commit.
    Problem(Problem),
}

/// The state and history of one report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trail {
    /// The report id.
    pub id: String,
    /// Its file, relative to the repository root.
    pub file: String,
    /// Its unit, from its latest text.
    pub unit: Option<String>,
    /// Where it stands.
    pub state: State,
    /// Every step, oldest first.
    pub steps: Vec<Step>,
    /// The valid approvals, oldest first.
    pub approved_by: Vec<Signature>,
    /// The valid publications, oldest first.
    pub published_by: Vec<Signature>,
    /// Problems since the last approval or publication.
    pub problems: Vec<Problem>,
    /// The text on the main branch.
    blob: Option<Oid>,
    /// The text last approved or published.
    approved_blob: Option<Oid>,
}

impl Trail {
    /// A report that exists only in the work tree.
    pub fn draft(id: &str, file: &str, unit: Option<String>) -> Trail {
        Trail {
            id: id.to_string(),
            file: file.to_string(),
            unit,
            state: State::Draft,
            steps: Vec::new(),
            approved_by: Vec::new(),
            published_by: Vec::new(),
            problems: Vec::new(),
            blob: None,
            approved_blob: None,
        }
    }

    /// The latest valid approval, if any.
    pub fn last_approval(&self) -> Option<&Signature> {
        self.approved_by.last()
    }

    fn problem(&mut self, rule: Rule, commit: &CommitFacts, message: Text) {
        let problem = Problem { rule, commit: commit.id, at: commit.time, message };
        self.steps.push(Step::Problem(problem.clone()));
        self.problems.push(problem);
    }
}

/// Replays `commits` (oldest first) into one trail per report on the branch.
pub fn replay(
    commits: &[CommitFacts],
    settings: &Settings,
    git: &git2::Repository,
) -> BTreeMap<String, Trail> {
    let mut trails = BTreeMap::new();
    for commit in commits {
        let mut touched: BTreeMap<&str, &ReportChange> = BTreeMap::new();
        for change in &commit.changes {
            // A move is a deletion and an addition with the same id: keep the addition.
            let keep = touched.get(change.id.as_str()).is_none_or(|c| c.blob.is_none());
            if keep {
                touched.insert(&change.id, change);
            }
        }
        for (id, change) in &touched {
            let Some(blob) = change.blob else {
                trails.remove(*id);
                continue;
            };
            let trail = trails.entry(id.to_string()).or_insert_with(|| {
                let mut trail = Trail::draft(id, &change.file, None);
                trail.state = State::Submitted;
                trail.steps.push(Step::Submitted {
                    commit: commit.id,
                    at: commit.time,
                    author: commit.author.clone(),
                });
                trail
            });
            trail.file = change.file.clone();
            trail.unit = change.unit.clone();
            if trail.blob == Some(blob) {
                continue; // moved, not changed
            }
            let first = trail.blob.is_none();
            trail.blob = Some(blob);
            changed(trail, commit, settings, git, first);
        }
        for id in &commit.published {
            if !touched.contains_key(id.as_str())
                && let Some(trail) = trails.get_mut(id)
            {
                published_by_trailer(trail, commit, settings);
            }
        }
    }
    trails
}

/// A commit changes the report's text: an approval, a publication or a plain change.
fn changed(
    trail: &mut Trail,
    commit: &CommitFacts,
    settings: &Settings,
    git: &git2::Repository,
    first: bool,
) {
    match &commit.verdict {
        Verdict::Signed(signer) => {
            let person = &settings.people[signer.person];
            let signature = Signature {
                name: person.name.clone(),
                commit: commit.id,
                key: signer.key.clone(),
                at: commit.time,
            };
            let unit = trail.unit.clone().unwrap_or_default();
            let supervises = person.roles.contains(&Role::Supervisor)
                && person.supervises.iter().any(|u| u.value == unit);
            if supervises {
                approve(trail, signature);
                return;
            }
            if person.roles.contains(&Role::Office) {
                if trail.state.is_approved() {
                    let diff = diff(git, trail.approved_blob, trail.blob);
                    publish(trail, signature, diff);
                } else {
                    not_approved(trail, commit, &person.name);
                }
                return;
            }
            trail.problem(
                Rule::SignerNotAuthorized,
                commit,
                Text::new(
                    format!("{} 无权审核“{unit}”的信息（不是该科室的分管负责人）", person.name),
                    format!(
                        "{} may not approve reports of “{unit}” (not a supervisor of that unit)",
                        person.name
                    ),
                ),
            );
        }
        Verdict::Failed(failure) => {
            trail.problem(failure.rule, commit, failure.message.clone());
        }
        Verdict::Unsigned => {}
    }
    plain_change(trail, commit, first);
}

/// A change that carries no valid approval: an approved report goes stale.
fn plain_change(trail: &mut Trail, commit: &CommitFacts, first: bool) {
    if !first {
        trail.steps.push(Step::Changed {
            commit: commit.id,
            at: commit.time,
            author: commit.author.clone(),
        });
    }
    if trail.state.is_approved() {
        trail.state = State::Stale;
        trail.problem(
            Rule::ApprovalStale,
            commit,
            Text::new(
                format!("审核后被修改（{}），需重新审核", short(commit.id)),
                format!("changed after approval ({}); it needs a new approval", short(commit.id)),
            ),
        );
    }
}

/// An office-signed commit names the report in a `Published:` trailer.
fn published_by_trailer(trail: &mut Trail, commit: &CommitFacts, settings: &Settings) {
    match &commit.verdict {
        Verdict::Signed(signer) => {
            let person = &settings.people[signer.person];
            if !person.roles.contains(&Role::Office) {
                trail.problem(
                    Rule::SignerNotAuthorized,
                    commit,
                    Text::new(
                        format!("{} 不是办公室人员，不能发布", person.name),
                        format!("{} is not in the office and may not publish", person.name),
                    ),
                );
            } else if trail.state.is_approved() {
                let signature = Signature {
                    name: person.name.clone(),
                    commit: commit.id,
                    key: signer.key.clone(),
                    at: commit.time,
                };
                publish(trail, signature, None);
            } else {
                not_approved(trail, commit, &person.name);
            }
        }
        Verdict::Failed(failure) => trail.problem(failure.rule, commit, failure.message.clone()),
        Verdict::Unsigned => trail.problem(
            Rule::SignatureInvalid,
            commit,
            Text::new(
                format!("提交 {} 带有 Published: 但没有签名", short(commit.id)),
                format!("commit {} carries Published: but is not signed", short(commit.id)),
            ),
        ),
    }
}

fn approve(trail: &mut Trail, signature: Signature) {
    trail.state = State::Approved;
    trail.approved_blob = trail.blob;
    trail.problems.clear();
    trail.approved_by.push(signature.clone());
    trail.steps.push(Step::Approved(signature));
}

fn publish(trail: &mut Trail, signature: Signature, diff: Option<String>) {
    trail.state = State::Published;
    trail.problems.clear();
    trail.published_by.push(signature.clone());
    trail.steps.push(Step::Published { signature, diff });
}

fn not_approved(trail: &mut Trail, commit: &CommitFacts, office: &str) {
    trail.problem(
        Rule::NotApproved,
        commit,
        Text::new(
            format!("{office} 签名发布，但该信息尚无有效审核，发布无效"),
            format!("{office} signed a publication, but the report has no valid approval"),
        ),
    );
}

/// The unified diff from the approved text to the published one, when they differ.
fn diff(git: &git2::Repository, approved: Option<Oid>, published: Option<Oid>) -> Option<String> {
    let (approved, published) = (approved?, published?);
    if approved == published {
        return None;
    }
    let text = |oid| git.find_blob(oid).map(|b| String::from_utf8_lossy(b.content()).into_owned());
    let (old, new) = (text(approved).ok()?, text(published).ok()?);
    let diff = similar::TextDiff::from_lines(&old, &new);
    Some(
        diff.unified_diff()
            .context_radius(2)
            .header("审核稿 approved", "发布稿 published")
            .to_string(),
    )
}

/// The first 8 hex digits of a commit id.
pub fn short(oid: Oid) -> String {
    oid.to_string()[..8].to_string()
}
