//! A change the office signs (the settings, an office record) committed at the
//! desk and kept only when xinbao counts it: `commit::sign_and_verify` makes the
//! signed commit as `approve` does, and a commit that the signed history would
//! not let take effect (SPEC §6.1, §6.3) is undone with the files put back.

use super::http::Failure;
use crate::approval::Ledger;
use crate::commit::Signing;
use crate::run::Run;

/// Commits with `signing` and `message`; keeps the commit when `takes_effect`
/// holds of the ledger read again at its head, else undoes it, calls `put_back`
/// and refuses (403) with `refusal`. On any failure the files are put back too.
pub fn commit(
    run: &Run,
    signing: &Signing,
    message: &str,
    takes_effect: impl Fn(&Ledger, git2::Oid) -> bool,
    put_back: impl Fn(),
    refusal: (&str, &str),
) -> Result<git2::Oid, Failure> {
    let (after, head) =
        match crate::commit::sign_and_verify(run, signing, message, &[], |_, _| true) {
            Ok(done) => done,
            Err(err) => {
                put_back();
                return Err(err.into());
            }
        };
    if !takes_effect(after.ledger()?, head) {
        let _ = crate::commit::run(run.root(), &["reset", "-q", "HEAD^"], None);
        put_back();
        return Err(Failure::forbidden("not-authorized", refusal.0, refusal.1));
    }
    Ok(head)
}
