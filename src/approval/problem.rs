//! A problem found in the history, tied to the commit that shows it: an approval
//! that does not count, a settings change that does not take effect, a commit
//! dated out of order.

use crate::diag::Rule;
use crate::lang::Text;
use git2::Oid;

/// Something wrong with a report's approval or with the history, and its commit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    /// The rule broken.
    pub rule: Rule,
    /// The commit concerned.
    pub commit: Oid,
    /// Its committer time.
    pub at: i64,
    /// What is wrong.
    pub message: Text,
    /// The file it concerns, when that is neither a report (whose trail holds the
    /// problem) nor the settings: an office record, say.
    pub file: Option<String>,
    /// Whether an office or admin signature acknowledged it (a rewrite of the
    /// main line, `History-rewritten-from:`): it stays on the record, as a warning.
    pub acknowledged: bool,
}

impl Problem {
    /// A problem found at `commit`.
    pub fn of(rule: Rule, commit: &crate::commits::CommitFacts, message: Text) -> Problem {
        Problem {
            rule,
            commit: commit.id,
            at: commit.time,
            message,
            file: None,
            acknowledged: false,
        }
    }
}

/// The first 8 hex digits of a commit id.
pub fn short(oid: Oid) -> String {
    oid.to_string()[..8].to_string()
}
