//! The desk's git work: a draft lives on its own branch `desk/<id>`, checked out
//! in a work tree of its own inside the git folder (`.git/xinbao-desk/…`), so the
//! user's checkout is never switched or touched; a supervisor's review of a
//! branch is read the same way. Saving, submitting and returning either happen
//! whole or leave the repository as it was.

use super::http::Failure;
use super::http::percent_encode;
use crate::commit::run as git;
use crate::lang::Text;
use crate::run::Run;
use std::path::{Path, PathBuf};

/// The trailer of a supervisor's return (退回修改).
pub const RETURNED: &str = "Returned";

/// The branch of the draft `id`.
pub fn branch_of(id: &str) -> String {
    format!("desk/{id}")
}

/// `git ARGS` in `dir`: its output, or a 500 carrying git's message.
fn must(dir: &Path, args: &[&str], input: Option<&str>) -> Result<String, Failure> {
    match git(dir, args, input)? {
        Ok(out) => Ok(out.trim().to_string()),
        Err(err) => Err(git_failed(&err)),
    }
}

fn git_failed(err: &str) -> Failure {
    let err = err.trim();
    Failure {
        status: 500,
        code: "git-failed",
        text: Text::new(
            format!("git 出错，未作任何改动：{err}"),
            format!("git failed; nothing was changed: {err}"),
        ),
    }
}

/// Whether the repository has the remote `origin`.
pub fn has_origin(root: &Path) -> bool {
    matches!(git(root, &["remote", "get-url", "origin"], None), Ok(Ok(_)))
}

/// The work tree of `name` inside the git folder of `run`.
fn tree_dir(run: &Run, name: &str) -> Result<PathBuf, Failure> {
    let repo = run.git().ok_or_else(|| Failure::from(crate::run::no_git()))?;
    Ok(repo.commondir().join("xinbao-desk").join(name.replace('/', "+")))
}

/// The run on the reports repository inside the work tree `dir`.
pub fn run_in(run: &Run, dir: &Path) -> Run {
    let root = dir.join(run.in_git(""));
    Run::open(&root, run.lang(), run.trust_root().map(str::to_string))
}

/// The main branch's name: `main`, else `master`, else `HEAD` (what is checked out).
pub fn main_branch(root: &Path) -> String {
    let exists = |name: &str| {
        matches!(
            git(root, &["rev-parse", "--verify", "-q", &format!("refs/heads/{name}")], None),
            Ok(Ok(_))
        )
    };
    ["main", "master"].into_iter().find(|name| exists(name)).unwrap_or("HEAD").to_string()
}

/// Fetches `origin` (when there is one) and fast-forwards the checked-out branch
/// to it when the work tree is clean; a failure leaves things as they were.
pub fn sync(root: &Path) {
    if !has_origin(root) {
        return;
    }
    let _ = git(root, &["fetch", "-q", "--prune", "origin"], None);
    let Ok(Ok(branch)) = git(root, &["symbolic-ref", "-q", "--short", "HEAD"], None) else {
        return;
    };
    if crate::commit::dirty_files(root).is_ok_and(|d| d.is_empty()) {
        let upstream = format!("origin/{}", branch.trim());
        let _ = git(root, &["merge", "-q", "--ff-only", &upstream], None);
    }
}

/// What a save made.
pub struct Saved {
    /// The draft's branch.
    pub branch: String,
    /// The new commit.
    pub commit: String,
    /// The work tree of the branch.
    pub dir: PathBuf,
}

/// Writes `files` (paths relative to the reports repository) on the draft branch
/// of `id` — made from the main branch when new, brought up to `origin`'s copy
/// (a supervisor's return) first — and commits them with `message`. On failure
/// the branch and its work tree are as before (a new branch is removed).
pub fn save(
    run: &Run,
    id: &str,
    files: &[(String, Vec<u8>)],
    message: &str,
) -> Result<Saved, Failure> {
    let root = run.root();
    let branch = branch_of(id);
    let dir = tree_dir(run, &branch)?;
    let exists = matches!(
        git(root, &["rev-parse", "--verify", "-q", &format!("refs/heads/{branch}")], None),
        Ok(Ok(_))
    );
    let fresh = !dir.join(".git").exists();
    if fresh {
        let dir_arg = dir.display().to_string();
        if exists {
            must(root, &["worktree", "add", "-q", &dir_arg, &branch], None)?;
        } else {
            let main = main_branch(root);
            must(root, &["worktree", "add", "-q", "-b", &branch, &dir_arg, &main], None)?;
        }
    }
    let undo_new = || {
        if !exists {
            let _ = git(root, &["worktree", "remove", "--force", &dir.display().to_string()], None);
            let _ = git(root, &["branch", "-D", &branch], None);
        }
    };
    if has_origin(root) {
        let _ = git(root, &["fetch", "-q", "origin"], None);
        let _ = git(&dir, &["merge", "-q", "--ff-only", &format!("origin/{branch}")], None);
    }
    let before = must(&dir, &["rev-parse", "HEAD"], None)?;
    let written = write_files(&run_in(run, &dir), files).and_then(|paths| {
        let mut add = vec!["add", "--"];
        add.extend(paths.iter().map(String::as_str));
        must(&dir, &add, None)?;
        must(&dir, &["commit", "-q", "--no-verify", "-F", "-"], Some(message))
    });
    if let Err(failure) = written {
        let _ = git(&dir, &["reset", "-q", "--hard", &before], None);
        let _ = git(&dir, &["clean", "-q", "-fd"], None);
        undo_new();
        return Err(failure);
    }
    let commit = must(&dir, &["rev-parse", "HEAD"], None)?;
    Ok(Saved { branch, commit, dir })
}

/// Writes `files` under the reports repository of `run`, each atomically; gives
/// their paths in git's work tree.
fn write_files(run: &Run, files: &[(String, Vec<u8>)]) -> Result<Vec<String>, Failure> {
    let mut paths = Vec::new();
    for (file, bytes) in files {
        super::security::write_under(run.root(), file, bytes)
            .map_err(|e| git_failed(&format!("{e:#}")))?;
        paths.push(run.in_git(file));
    }
    Ok(paths)
}

/// The work tree of the draft of `id` when it has a branch not yet on the main
/// branch, else `None` (the report is read in the user's own work tree).
pub fn draft_tree(run: &Run, id: &str) -> Option<PathBuf> {
    let branch = branch_of(id);
    let root = run.root();
    let tip = git(root, &["rev-parse", "--verify", "-q", &format!("refs/heads/{branch}")], None)
        .ok()?
        .ok()?;
    let merged =
        matches!(git(root, &["merge-base", "--is-ancestor", tip.trim(), "HEAD"], None), Ok(Ok(_)));
    let dir = tree_dir(run, &branch).ok()?;
    (!merged && dir.join(".git").exists()).then_some(dir)
}

/// A work tree at the tip of `branch` (local or remote-tracking), for reading
/// what it holds (a supervisor's review).
pub fn review_tree(run: &Run, branch: &str) -> Result<PathBuf, Failure> {
    let root = run.root();
    let tip = tip_of(root, branch)?;
    let dir = tree_dir(run, &format!("review/{branch}"))?;
    if dir.join(".git").exists() {
        must(&dir, &["checkout", "-q", "--detach", "-f", &tip], None)?;
    } else {
        must(root, &["worktree", "add", "-q", "--detach", &dir.display().to_string(), &tip], None)?;
    }
    Ok(dir)
}

/// Removes the review work tree of `branch`, if there is one (after its approval).
pub fn forget_review(run: &Run, branch: &str) {
    if let Ok(dir) = tree_dir(run, &format!("review/{branch}"))
        && dir.join(".git").exists()
    {
        let _ =
            git(run.root(), &["worktree", "remove", "--force", &dir.display().to_string()], None);
    }
}

/// The commit `branch` points at; 404 when there is no such branch.
pub fn tip_of(root: &Path, branch: &str) -> Result<String, Failure> {
    let plain = !branch.is_empty() && !branch.starts_with('-') && !branch.contains("..");
    let found = plain
        .then(|| git(root, &["rev-parse", "--verify", "-q", &format!("{branch}^{{commit}}")], None))
        .and_then(|r| r.ok()?.ok());
    found.map(|tip| tip.trim().to_string()).ok_or_else(|| {
        Failure::not_found(format!("没有分支 {branch}"), format!("no branch {branch}"))
    })
}

/// What `submit` did.
pub struct Submitted {
    /// Whether the branch reached `origin`.
    pub pushed: bool,
    /// The remote, or null.
    pub remote: Option<String>,
    /// git's message when the push failed.
    pub error: Option<String>,
    /// The forge's page that opens the pull request, when `origin` is on a forge
    /// xinbao knows ([`request_url`]).
    pub request_url: Option<String>,
}

/// The address of the forge's page that opens a pull (merge) request of `branch`
/// into `main`, for an `origin` on a forge xinbao knows (GitHub, GitLab, Gitea,
/// Forgejo, Codeberg): the writer opens it in the browser and the forge does the
/// rest (the desk itself talks to nothing but 127.0.0.1 and `git push`).
pub fn request_url(origin: &str, main: &str, branch: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/').trim_end_matches(".git");
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .or_else(|| origin.strip_prefix("ssh://"))
        .map(|rest| rest.to_string())
        .or_else(|| origin.split_once(':').map(|(host, path)| format!("{host}/{path}")))?;
    let rest = rest.rsplit_once('@').map_or(rest.as_str(), |(_, after)| after);
    let (host, path) = rest.split_once('/')?;
    let host = host.split(':').next()?;
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let plain = |p: &&str| p.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c));
    if parts.len() < 2 || !parts.iter().all(plain) || host.is_empty() {
        return None;
    }
    let base = format!("https://{host}/{}", parts.join("/"));
    let known = |names: &[&str]| names.iter().any(|n| host.contains(n));
    if known(&["gitlab"]) {
        Some(format!(
            "{base}/-/merge_requests/new?merge_request%5Bsource_branch%5D={}",
            percent_encode(branch)
        ))
    } else if known(&["github", "gitea", "forgejo", "codeberg"]) {
        Some(format!(
            "{base}/compare/{}...{}?expand=1",
            percent_encode(main),
            percent_encode(branch)
        ))
    } else {
        None
    }
}

/// Pushes the draft branch of `id` to `origin`. Without a remote, `pushed` is
/// false with the reason; a refused push is a conflict.
pub fn submit(run: &Run, id: &str) -> Result<Submitted, Failure> {
    let root = run.root();
    let branch = branch_of(id);
    tip_of(root, &format!("refs/heads/{branch}"))?;
    if !has_origin(root) {
        let error = git(root, &["remote", "get-url", "origin"], None)?.err();
        return Ok(Submitted { pushed: false, remote: None, error, request_url: None });
    }
    let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
    match git(root, &["push", "-q", "origin", &refspec], None)? {
        Ok(_) => {
            let origin = git(root, &["remote", "get-url", "origin"], None)?.unwrap_or_default();
            let request_url = request_url(&origin, &main_branch(root), &branch);
            Ok(Submitted { pushed: true, remote: Some("origin".into()), error: None, request_url })
        }
        Err(err) => Err(Failure::conflict(
            format!("推送被拒绝，草稿仍在本机：{}", err.trim()),
            format!("the push was refused; the draft stays on this machine: {}", err.trim()),
        )),
    }
}

/// Pushes the checked-out branch to `origin`; `Err(git's message)` when refused.
pub fn push_head(root: &Path) -> Result<(), String> {
    let branch = git(root, &["symbolic-ref", "-q", "--short", "HEAD"], None)
        .map_err(|e| e.to_string())??;
    let refspec = format!("HEAD:refs/heads/{}", branch.trim());
    git(root, &["push", "-q", "origin", &refspec], None).map_err(|e| e.to_string())?.map(|_| ())
}

/// Records a return (退回修改) on `branch`: a commit signed with the user's own
/// signing set-up, on top of the branch's tip and with its tree, whose message
/// holds `reason` and a `Returned: <id>` trailer per report; the branch (local,
/// or `origin`'s for a remote-tracking one) moves only if it did not move meanwhile.
pub fn record_return(
    root: &Path,
    branch: &str,
    ids: &[&str],
    reason: &str,
) -> Result<String, Failure> {
    let tip = tip_of(root, branch)?;
    let summary = format!("退回修改：{}\n\n{}", ids.join("、"), reason.trim());
    let message = crate::commit::message(&summary, RETURNED, ids);
    let tree = format!("{tip}^{{tree}}");
    let commit =
        match git(root, &["commit-tree", "-S", "-p", &tip, "-F", "-", &tree], Some(&message))? {
            Ok(out) => out.trim().to_string(),
            Err(err) => {
                return Err(Failure::forbidden(
                    "signing-failed",
                    format!("签名失败，未作任何改动：{}", err.trim()),
                    format!("signing failed; nothing was changed: {}", err.trim()),
                ));
            }
        };
    let full = must(root, &["rev-parse", "--symbolic-full-name", branch], None)?;
    let moved = |err: String| {
        Failure::conflict(
            format!("分支 {branch} 已有新提交，未退回：{}", err.trim()),
            format!("branch {branch} moved meanwhile; nothing was returned: {}", err.trim()),
        )
    };
    if let Some(name) = full.strip_prefix("refs/remotes/origin/") {
        // A push moves the remote-tracking branch too.
        git(root, &["push", "-q", "origin", &format!("{commit}:refs/heads/{name}")], None)?
            .map_err(moved)?;
    } else if full.starts_with("refs/heads/") {
        git(root, &["update-ref", &full, &commit, &tip], None)?.map_err(moved)?;
    } else {
        return Err(Failure::not_found(
            format!("没有分支 {branch}"),
            format!("no branch {branch}"),
        ));
    }
    Ok(commit)
}

/// The reason of the latest return on `branch` (its message without the summary
/// and trailers), when the branch's tip is a return.
pub fn returned_reason(root: &Path, branch: &str) -> Option<String> {
    let message = git(root, &["log", "-1", "--format=%B", branch], None).ok()?.ok()?;
    if !message.lines().any(|l| l.starts_with(&format!("{RETURNED}: "))) {
        return None;
    }
    let reason: Vec<&str> =
        message.lines().skip(1).filter(|l| !l.starts_with(&format!("{RETURNED}: "))).collect();
    Some(reason.join("\n").trim().to_string())
}

/// Pushes the new main-line commit when there is `origin`; undoes it (`git reset
/// MODE` to its first parent: `--hard` for an approval, made on a clean work tree;
/// `--soft` for a publication, whose staged normalization stays staged, as
/// `publish` itself undoes) when the push is refused, so nothing is half-done.
pub fn pushed(run: &Run, commit: &str, mode: &str) -> Result<bool, Failure> {
    if !has_origin(run.root()) {
        return Ok(false);
    }
    match push_head(run.root()) {
        Ok(()) => Ok(true),
        Err(err) => {
            let _ = git(run.root(), &["reset", "-q", mode, &format!("{commit}^")], None);
            Err(Failure::conflict(
                format!(
                    "推送被拒绝（主分支已有新提交），已撤销本次签名提交，请刷新后重试：{}",
                    err.trim()
                ),
                format!(
                    "the push was refused (the main branch moved); the signed commit was undone, reload and try again: {}",
                    err.trim()
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::request_url;

    #[test]
    fn a_request_opens_on_the_forges_it_knows_and_nowhere_else() {
        let github = "https://github.com/xifeng/reports/compare/main...desk/2026-12-07-a?expand=1";
        assert_eq!(
            request_url("git@github.com:xifeng/reports.git", "main", "desk/2026-12-07-a")
                .as_deref(),
            Some(github)
        );
        assert_eq!(
            request_url("https://github.com/xifeng/reports", "main", "desk/2026-12-07-a")
                .as_deref(),
            Some(github)
        );
        assert_eq!(
            request_url("ssh://git@gitlab.example.org:2222/fgj/reports.git", "main", "desk/a")
                .as_deref(),
            Some(
                "https://gitlab.example.org/fgj/reports/-/merge_requests/new?merge_request%5Bsource_branch%5D=desk/a"
            )
        );
        assert_eq!(request_url("/srv/git/reports.git", "main", "desk/a"), None);
        assert_eq!(request_url("https://git.example.org/fgj/reports.git", "main", "desk/a"), None);
        assert_eq!(request_url("https://github.com/a/b\"><script>", "main", "desk/a"), None);
    }
}
