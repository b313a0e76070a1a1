//! Who the desk's user is (`git config user.name`, a person of `people`) and
//! what they may do: sign, publish.

use super::http::Failure;
use crate::config::Role;
use crate::run::Run;

/// `git config user.name`.
pub fn user_name(run: &Run) -> Option<String> {
    run.user_name()
}

/// The settings of the work tree (what the page shows; verdicts use those in force).
pub fn settings(run: &Run) -> Result<crate::config::Settings, Failure> {
    Ok(crate::config::load(run.workspace(), &mut crate::diag::Diagnostics::default())?)
}

/// Refuses (403, with what to do) when git has no signing key set up.
pub fn signing_ready(run: &Run) -> Result<(), Failure> {
    let key = crate::commit::run(run.root(), &["config", "--get", "user.signingkey"], None)?;
    if key.is_ok_and(|k| !k.trim().is_empty()) {
        return Ok(());
    }
    Err(Failure::forbidden(
        "signing-not-set-up",
        "尚未设置签名：审核、退回和发布都要用你自己的密钥签名。请打开工作台的“签名密钥”页，在本机生成密钥并把公钥交给办公室登记（或在终端运行 git config gpg.format ssh 和 git config user.signingkey ~/.ssh/id_ed25519.pub，该公钥须已登记在 xinbao.yaml 你名下的 keys 中，见 docs/trust.md“一次性设置”），然后重试",
        "signing is not set up: approving, returning and publishing are signed with your own key. Open the desk's Signing key page, make a key on this computer and give its public key to the office to register (or run git config gpg.format ssh and git config user.signingkey ~/.ssh/id_ed25519.pub, a key listed under your name in xinbao.yaml; docs/trust.md, one-time set-up), then try again",
    ))
}

/// Refuses (403) a user not in the office.
pub fn may_publish(run: &Run) -> Result<(), Failure> {
    let person = user_name(run).and_then(|n| settings(run).ok()?.person(&n).cloned());
    if !person.as_ref().is_some_and(|p| p.roles.contains(&Role::Office)) {
        return Err(Failure::forbidden(
            "not-authorized",
            "只有办公室人员可以发布",
            "only the office may publish",
        ));
    }
    Ok(())
}
