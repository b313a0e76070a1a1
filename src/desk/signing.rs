//! The user's own signing key, made at the desk (SPEC §11 "Setting up"): an
//! Ed25519 key pair generated on this machine by `ssh-keygen`, kept inside the
//! clone's git folder (`.git/xinbao/keys/`, readable by the user only), with
//! git set up to sign with it. The private key never leaves the machine and is
//! never sent to the page; the public key is, to be registered by the office in
//! `xinbao.yaml` (the set-up page fills it in).

use super::http::Failure;
use super::who::user_name;
use crate::run::Run;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// `GET /api/signing`: whether git signs for this user, and with which public key.
pub fn current(run: &Run) -> Result<Value, Failure> {
    let configured = git_config(run, "user.signingkey");
    let public = configured.as_deref().and_then(public_key);
    Ok(
        json!({"configured": configured.is_some(), "ssh": public, "made_here": made_here(run, configured.as_deref())}),
    )
}

/// `POST /api/signing`: a key pair made for the user (or the one made here
/// before), and git set up to sign with it in this clone; `{"ssh", "configured"}`.
/// Refuses (409) when git already signs with another key: that set-up is the
/// user's, and the desk does not change it.
pub fn generate(run: &Run) -> Result<Value, Failure> {
    let name = user_name(run).ok_or_else(|| {
        Failure::bad(
            "git 还没有你的名字：请先运行 git config user.name 你的姓名",
            "git does not know your name yet: run git config user.name YOUR NAME first",
        )
    })?;
    let file = key_file(run)?;
    let configured = git_config(run, "user.signingkey");
    if let Some(key) = configured.as_deref().filter(|key| Path::new(key) != file) {
        return Err(Failure::conflict(
            format!(
                "git 已设置用另一把密钥签名（{key}），工作台不改动它；请把它的公钥交给办公室登记"
            ),
            format!(
                "git already signs with another key ({key}); the desk leaves it as it is: give its public key to the office"
            ),
        ));
    }
    if !file.exists() {
        let dir = file.parent().ok_or_else(|| anyhow::anyhow!("no folder for the key"))?;
        std::fs::create_dir_all(dir).map_err(anyhow::Error::from)?;
        let comment = format!("{name}（信报工作台）");
        let made = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", &comment, "-f"])
            .arg(&file)
            .stdin(std::process::Stdio::null())
            .output();
        match made {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
                return Err(Failure::from(anyhow::anyhow!("ssh-keygen: {why}")));
            }
            Err(err) => {
                return Err(Failure::bad(
                    format!(
                        "找不到 ssh-keygen（{err}）：请安装 OpenSSH 客户端，git 的 SSH 签名也需要它"
                    ),
                    format!(
                        "ssh-keygen not found ({err}): install the OpenSSH client, which git's SSH signing needs too"
                    ),
                ));
            }
        }
    }
    let path = file.to_string_lossy().into_owned();
    for (key, value) in [("gpg.format", "ssh"), ("user.signingkey", path.as_str())] {
        crate::commit::run(run.root(), &["config", key, value], None)?
            .map_err(anyhow::Error::msg)?;
    }
    let public = public_key(&path)
        .ok_or_else(|| anyhow::anyhow!("the public key of {path} cannot be read"))?;
    Ok(json!({"configured": true, "ssh": public, "made_here": true}))
}

/// Where the desk keeps the user's key: in the clone's git folder, never in
/// the work tree (nothing there is committed).
fn key_file(run: &Run) -> Result<PathBuf, Failure> {
    let git = run.git().ok_or_else(|| Failure::from(crate::run::no_git()))?;
    Ok(git.commondir().join("xinbao").join("keys").join("id_ed25519"))
}

/// Whether git signs with the key the desk made.
fn made_here(run: &Run, configured: Option<&str>) -> bool {
    let file = key_file(run).ok();
    configured.is_some_and(|key| file.is_some_and(|file| Path::new(key) == file))
}

/// `git config --get KEY` in the clone, when set.
fn git_config(run: &Run, key: &str) -> Option<String> {
    let value = crate::commit::run(run.root(), &["config", "--get", key], None).ok()?.ok()?;
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

/// The public key line of the signing key `key` (as `user.signingkey` names it).
fn public_key(key: &str) -> Option<String> {
    crate::commit::ssh_public_key(key)?.to_openssh().ok()
}
