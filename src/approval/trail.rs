//! Replaying the first-parent commits, oldest first, to give each report its
//! state (`draft → submitted → approved → published`, or `stale`), its trail of
//! steps and its current problems.

pub use super::problem::{Problem, short};
use super::settings::{Judged, Regime};
use super::verify::Verdict;
use crate::commits::{CommitFacts, ReportChange};
use crate::config::{Person, Role};
use crate::diag::Rule;
use crate::lang::Text;
use git2::Oid;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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
    /// Every state, in the order above.
    pub const ALL: [State; 5] =
        [State::Draft, State::Submitted, State::Approved, State::Published, State::Stale];

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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

/// One step in a report's trail.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
    /// The pictures the text on the main branch references.
    pub pictures: Vec<String>,
    /// Set when a commit deleted the report from the main branch.
    pub deleted: Option<Deletion>,
    /// The `adoptions` entries of the text on the main branch, as written.
    pub adoptions: Vec<String>,
    /// The entries an office-signed commit added: only these count (SPEC §6.3).
    pub vouched: std::collections::BTreeSet<String>,
    /// The text on the main branch.
    blob: Option<Oid>,
    /// The text last approved.
    approved_blob: Option<Oid>,
    /// The text and pictures last approved or published.
    signed_content: Option<Content>,
    /// The unit of the last approval or publication, or of the first submission:
    /// a signature must also be able to approve this one when the unit changed.
    settled_unit: Option<String>,
}

/// A report's text and the pictures it references, as blobs: what an approval binds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Content {
    /// The report's text.
    pub text: Oid,
    /// Each referenced picture and its blob (`None`: missing).
    pub pictures: Vec<(String, Option<Oid>)>,
}

/// The commit that deleted a report, and who signed it (if anyone with the right).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Deletion {
    /// The deleting commit.
    pub commit: Oid,
    /// Its committer time.
    pub at: i64,
    /// The supervisor or office member who signed it; `None`: `unsigned-deletion`.
    pub signed_by: Option<String>,
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
            pictures: Vec::new(),
            deleted: None,
            adoptions: Vec::new(),
            vouched: std::collections::BTreeSet::new(),
            blob: None,
            approved_blob: None,
            signed_content: None,
            settled_unit: None,
        }
    }

    /// The text on the main branch (for a deleted report: its last text).
    pub fn blob(&self) -> Option<Oid> {
        self.blob
    }

    /// The text and pictures the last approval or publication signed, while the
    /// report is approved or published.
    pub fn signed_content(&self) -> Option<&Content> {
        self.signed_content.as_ref().filter(|_| self.state.is_approved())
    }

    /// Whether the report's text (`text`, the blob id of its bytes) and its pictures
    /// in the work tree are exactly what the trail's last approval or publication
    /// signed (SPEC §6.1).
    pub fn signs_content(&self, text: Option<Oid>, ws: &crate::workspace::Workspace) -> bool {
        let Some(content) = self.signed_content() else { return false };
        let blob = |bytes: &[u8]| git2::Oid::hash_object(git2::ObjectType::Blob, bytes).ok();
        text == Some(content.text)
            && content.pictures.iter().all(|(path, signed)| {
                let here = ws.picture(std::path::Path::new(path)).ok();
                here.as_deref().and_then(blob) == *signed
            })
    }

    /// The text the last approval or publication signed, whatever the report's
    /// state now: what a stale report is judged by (SPEC §6.3).
    pub fn last_signed_text(&self) -> Option<Oid> {
        self.signed_content.as_ref().map(|c| c.text)
    }

    /// Whether a signed deletion took the report off the main branch.
    pub fn is_removed(&self) -> bool {
        self.deleted.as_ref().is_some_and(|d| d.signed_by.is_some())
    }

    fn content(&self, files: &HashMap<String, Oid>) -> Option<Content> {
        let pictures = self.pictures.iter().map(|p| (p.clone(), files.get(p).copied())).collect();
        Some(Content { text: self.blob?, pictures })
    }

    /// The latest valid approval, if any.
    pub fn last_approval(&self) -> Option<&Signature> {
        self.approved_by.last()
    }

    fn problem(&mut self, rule: Rule, commit: &CommitFacts, message: Text) {
        let problem = Problem::of(rule, commit, message);
        self.steps.push(Step::Problem(problem.clone()));
        self.problems.push(problem);
    }
}

/// Replays `commits` (oldest first), each judged by its settings and signature
/// verdict in `judged`, into one trail per report the branch ever held.
pub fn replay(
    commits: &[Arc<CommitFacts>],
    judged: &Judged,
    git: &git2::Repository,
) -> BTreeMap<String, Trail> {
    let mut trails: BTreeMap<String, Trail> = BTreeMap::new();
    // Every file under reports/ that is not a report, with its blob: the pictures.
    let mut files: HashMap<String, Oid> = HashMap::new();
    // Picture path → the reports that show it, so a commit finds the reports its
    // changed pictures touch without looking at every report (linear overall).
    let mut shown_in: HashMap<String, std::collections::BTreeSet<String>> = HashMap::new();
    let backdated: HashMap<Oid, &Problem> = judged
        .problems
        .iter()
        .filter(|p| p.rule == Rule::TimeOrder)
        .map(|p| (p.commit, p))
        .collect();
    for (i, commit) in commits.iter().enumerate() {
        let cx = Judging {
            commit,
            regime: judged.regimes[i].as_deref(),
            verdict: &judged.verdicts[i],
            git,
        };
        for file in &commit.files {
            match file.blob {
                Some(blob) => files.insert(file.path.clone(), blob),
                None => files.remove(&file.path),
            };
        }
        let touched = owned_changes(commit, &trails);
        // Reports whose pictures this commit changes, although their text stays.
        let by_picture: Vec<String> = commit
            .files
            .iter()
            .filter_map(|f| shown_in.get(&f.path))
            .flatten()
            .filter(|id| !touched.contains_key(id.as_str()))
            .filter(|id| trails.get(*id).is_some_and(|t| t.deleted.is_none()))
            .cloned()
            .collect::<std::collections::BTreeSet<String>>()
            .into_iter()
            .collect();
        for (id, change) in &touched {
            let Some(blob) = change.blob else {
                if let Some(trail) = trails.get_mut(*id).filter(|t| t.deleted.is_none()) {
                    deleted(trail, &cx);
                }
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
            let revived = trail.deleted.take().is_some();
            let old_unit = std::mem::replace(&mut trail.unit, change.unit.clone());
            trail.file = change.file.clone();
            for old in &trail.pictures {
                if let Some(ids) = shown_in.get_mut(old) {
                    ids.remove(trail.id.as_str());
                }
            }
            trail.pictures = change.pictures.clone();
            for picture in &trail.pictures {
                shown_in.entry(picture.clone()).or_default().insert(trail.id.clone());
            }
            vouch_adoptions(trail, change, &cx);
            if trail.blob == Some(blob) && !revived && old_unit == trail.unit {
                // Moved, not changed, as long as every picture, resolved from the new
                // path, has the bytes that were signed (SPEC §6.3).
                match (trail.signed_content.clone(), trail.content(&files)) {
                    (Some(signed), Some(now)) if !same_bytes(&signed, &now) => {
                        changed(trail, &cx, &files, false, None);
                    }
                    (Some(_), Some(now)) => trail.signed_content = Some(now),
                    _ => {}
                }
                continue;
            }
            let first = trail.blob.is_none();
            trail.blob = Some(blob);
            if first {
                trail.settled_unit = trail.unit.clone();
            }
            // Against the unit last signed off (or first submitted under), so that
            // an unsigned change of unit cannot hand the report to another supervisor.
            let moved_from =
                trail.settled_unit.clone().filter(|old| !first && Some(old) != trail.unit.as_ref());
            if let Some(problem) = backdated.get(&commit.id) {
                trail.steps.push(Step::Problem((*problem).clone()));
                trail.problems.push((*problem).clone());
            }
            changed(trail, &cx, &files, first, moved_from.as_deref());
        }
        for id in by_picture {
            if let Some(trail) = trails.get_mut(&id) {
                changed(trail, &cx, &files, false, None);
            }
        }
        for id in &commit.approved {
            if !touched.contains_key(id.as_str())
                && let Some(trail) = trails.get_mut(id).filter(|t| t.deleted.is_none())
            {
                approved_by_trailer(trail, &cx, &files);
            }
        }
        for id in &commit.published {
            if !touched.contains_key(id.as_str())
                && let Some(trail) = trails.get_mut(id).filter(|t| t.deleted.is_none())
            {
                published_by_trailer(trail, &cx, &files);
            }
        }
    }
    trails
}

/// The report changes of `commit` that act on a trail, by id. A move is a
/// deletion and an addition with the same id: the addition is kept. A file that
/// takes an id already held by another file still on the main branch is a
/// duplicate and never acts on that id's trail (SPEC §6.3: one id, one record);
/// neither does the deletion of such a duplicate.
fn owned_changes<'c>(
    commit: &'c CommitFacts,
    trails: &BTreeMap<String, Trail>,
) -> BTreeMap<&'c str, &'c ReportChange> {
    let held = |id: &str| trails.get(id).filter(|t| t.deleted.is_none()).map(|t| t.file.as_str());
    let mut touched: BTreeMap<&str, &ReportChange> = BTreeMap::new();
    for change in &commit.changes {
        let id = change.id.as_str();
        if let Some(file) = held(id) {
            let holder_deleted =
                commit.changes.iter().any(|c| c.id == id && c.file == file && c.blob.is_none());
            if change.file != file && !(holder_deleted && change.blob.is_some()) {
                continue;
            }
        }
        match touched.get(id) {
            None => {
                touched.insert(id, change);
            }
            // Of two new files with one id, the first keeps it.
            Some(kept) if kept.blob.is_none() && change.blob.is_some() => {
                touched.insert(id, change);
            }
            Some(_) => {}
        }
    }
    touched
}

/// Whether two contents hold the same text and the same picture bytes, in order,
/// wherever the pictures lie.
fn same_bytes(a: &Content, b: &Content) -> bool {
    a.text == b.text
        && a.pictures.len() == b.pictures.len()
        && a.pictures.iter().zip(&b.pictures).all(|((_, x), (_, y))| x.is_some() && x == y)
}

/// One commit being replayed, with what judges it.
struct Judging<'a> {
    commit: &'a CommitFacts,
    /// The settings in force at its first parent.
    regime: Option<&'a Regime>,
    /// Its signature's verdict under them.
    verdict: &'a Verdict,
    git: &'a git2::Repository,
}

impl Judging<'_> {
    /// The verified signer, with the signature as a trail records it.
    fn signer(&self) -> Option<(&Person, Signature)> {
        let Verdict::Signed(signer) = self.verdict else { return None };
        let person = self.regime?.settings.people.get(signer.person)?;
        let signature = Signature {
            name: person.name.clone(),
            commit: self.commit.id,
            key: signer.key.clone(),
            at: self.commit.effective_time(),
        };
        Some((person, signature))
    }
}

/// Records the `adoptions` entries of a new version; those it adds count only
/// when the office signed the commit (SPEC §6.3: adoptions are the office's word).
/// An office-signed version also withdraws the entries it removes.
fn vouch_adoptions(trail: &mut Trail, change: &ReportChange, cx: &Judging) {
    let office = cx.signer().is_some_and(|(p, _)| p.roles.contains(&Role::Office));
    if office {
        let added = change.adoptions.iter().filter(|a| !trail.adoptions.contains(a));
        let added: Vec<String> = added.cloned().collect();
        trail.vouched.retain(|a| change.adoptions.contains(a));
        trail.vouched.extend(added);
    }
    trail.adoptions = change.adoptions.clone();
}

/// A commit deletes the report: only a supervisor of its unit or the office may.
fn deleted(trail: &mut Trail, cx: &Judging) {
    let unit = trail.unit.clone().unwrap_or_default();
    let by = cx.signer().filter(|(p, _)| p.supervises(&unit) || p.roles.contains(&Role::Office));
    let signed_by = by.map(|(p, _)| p.name.clone());
    trail.deleted =
        Some(Deletion { commit: cx.commit.id, at: cx.commit.time, signed_by: signed_by.clone() });
    if signed_by.is_none() {
        let id = short(cx.commit.id);
        trail.problem(
            Rule::UnsignedDeletion,
            cx.commit,
            Text::new(
                format!("提交 {id} 删除了此信息，但没有“{unit}”分管负责人或办公室的签名；删除不被承认，记录保留"),
                format!(
                    "commit {id} deletes this report without a signature of a supervisor of “{unit}” or of the office; the deletion is not accepted and the record stays"
                ),
            ),
        );
    }
}

/// A commit changes the report's text or pictures: an approval, a publication or
/// a plain change. `moved_from` is the unit the report leaves, when it changes unit.
fn changed(
    trail: &mut Trail,
    cx: &Judging,
    files: &HashMap<String, Oid>,
    first: bool,
    moved_from: Option<&str>,
) {
    let commit = cx.commit;
    match cx.verdict {
        Verdict::Signed(_) => {
            let Some((person, signature)) = cx.signer() else {
                plain_change(trail, commit, first);
                return;
            };
            let unit = trail.unit.clone().unwrap_or_default();
            let supervises =
                person.supervises(&unit) && moved_from.is_none_or(|old| person.supervises(old));
            if supervises {
                approve(trail, signature, files);
                return;
            }
            if person.roles.contains(&Role::Office) && moved_from.is_none() {
                if trail.state.is_approved() {
                    let diff = diff(cx.git, trail.approved_blob, trail.blob);
                    publish(trail, signature, diff, files);
                } else {
                    not_approved(trail, commit, &person.name);
                }
                return;
            }
            let message = match moved_from {
                Some(old) => Text::new(
                    format!(
                        "{} 把信息从“{old}”改到“{unit}”，但无权同时审核这两个科室的信息",
                        person.name
                    ),
                    format!(
                        "{} moves the report from “{old}” to “{unit}” but may not approve both units' reports",
                        person.name
                    ),
                ),
                None => Text::new(
                    format!("{} 无权审核“{unit}”的信息（不是该科室的分管负责人）", person.name),
                    format!(
                        "{} may not approve reports of “{unit}” (not a supervisor of that unit)",
                        person.name
                    ),
                ),
            };
            trail.problem(Rule::SignerNotAuthorized, commit, message);
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

/// A supervisor's signed commit names a report already on main in an `Approved:`
/// trailer (`xinbao approve --on-main`): it approves the report as it stands.
fn approved_by_trailer(trail: &mut Trail, cx: &Judging, files: &HashMap<String, Oid>) {
    let commit = cx.commit;
    match cx.verdict {
        Verdict::Signed(_) => {
            let Some((person, signature)) = cx.signer() else { return };
            let unit = trail.unit.clone().unwrap_or_default();
            let settled = trail.settled_unit.clone().unwrap_or_else(|| unit.clone());
            if person.supervises(&unit) && person.supervises(&settled) {
                approve(trail, signature, files);
            } else {
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
        }
        Verdict::Failed(failure) => trail.problem(failure.rule, commit, failure.message.clone()),
        Verdict::Unsigned => trail.problem(
            Rule::SignatureInvalid,
            commit,
            Text::new(
                format!("提交 {} 带有 Approved: 但没有签名", short(commit.id)),
                format!("commit {} carries Approved: but is not signed", short(commit.id)),
            ),
        ),
    }
}

/// An office-signed commit names the report in a `Published:` trailer.
fn published_by_trailer(trail: &mut Trail, cx: &Judging, files: &HashMap<String, Oid>) {
    let commit = cx.commit;
    match cx.verdict {
        Verdict::Signed(_) => {
            let Some((person, signature)) = cx.signer() else { return };
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
                publish(trail, signature, None, files);
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

fn approve(trail: &mut Trail, signature: Signature, files: &HashMap<String, Oid>) {
    trail.state = State::Approved;
    trail.settled_unit = trail.unit.clone();
    trail.approved_blob = trail.blob;
    trail.signed_content = trail.content(files);
    trail.problems.clear();
    trail.approved_by.push(signature.clone());
    trail.steps.push(Step::Approved(signature));
}

fn publish(
    trail: &mut Trail,
    signature: Signature,
    diff: Option<String>,
    files: &HashMap<String, Oid>,
) {
    trail.state = State::Published;
    trail.signed_content = trail.content(files);
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
    let odb = git.odb().ok()?;
    let text = |oid| crate::tree::text_at_most(&odb, oid, crate::load::MAX_FILE_BYTES);
    let (old, new) = (text(approved)?, text(published)?);
    Some(edit_diff(&old, &new))
}

/// The diff a publication records of the office's edit (格式或文字规范): from the
/// approved text to the published one, empty when they are the same.
pub fn edit_diff(approved: &str, published: &str) -> String {
    if approved == published {
        return String::new();
    }
    unified_diff(approved, published, "审核稿 approved", "发布稿 published")
}

/// The unified diff (two lines of context) from `old` to `new`, headed by their labels.
pub fn unified_diff(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    diff.unified_diff().context_radius(2).header(old_label, new_label).to_string()
}
