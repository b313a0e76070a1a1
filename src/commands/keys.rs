//! `xinbao keys allowed-signers` and `xinbao keys list`: the people's signing keys,
//! as git's `gpg.ssh.allowedSignersFile` and as a table.

use crate::approval::KeyRing;
use crate::approval::keys::{Public, SigningKey};
use crate::cli::{KeysArgs, KeysCommand};
use crate::config::Settings;
use crate::diag::Diagnostics;
use crate::lang::Lang;
use anyhow::Context as _;
use chrono::DateTime;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Runs `keys`.
pub fn run(root: &Path, args: &KeysArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let mut diags = Diagnostics::default();
    let settings = crate::config::load(root, &mut diags)?;
    let ring = KeyRing::build(&settings, root, &mut diags);
    for diag in diags.iter() {
        eprintln!("{}:{}: {}", diag.file, diag.pos.line, diag.message.get(lang));
    }
    match &args.command {
        KeysCommand::AllowedSigners { output } => {
            let text = allowed_signers(&settings, &ring);
            match output {
                Some(path) => crate::atomic::write(path, text.as_bytes())
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().lock().write_all(text.as_bytes())?,
            }
        }
        KeysCommand::List => {
            let mut out = std::io::stdout().lock();
            for key in &ring.keys {
                let person = &settings.people[key.person];
                let roles: Vec<&str> = person.roles.iter().map(|r| r.id()).collect();
                let kind = if matches!(key.public, Public::Ssh(_)) { "ssh" } else { "openpgp" };
                writeln!(
                    out,
                    "{}\t{}\t{kind}\t{}\t{}",
                    person.name,
                    roles.join(","),
                    key.fingerprint,
                    window(key)
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn window(key: &SigningKey) -> String {
    let day = |at: Option<i64>| at.map(|t| utc(t, "%Y-%m-%dT%H:%MZ")).unwrap_or_else(|| "-".into());
    format!("{}..{}", day(key.valid_from), day(key.valid_until))
}

fn utc(at: i64, format: &str) -> String {
    DateTime::from_timestamp(at, 0).unwrap_or_default().format(format).to_string()
}

/// git's allowed_signers lines (see ssh-keygen(1), ALLOWED SIGNERS) for every SSH key:
/// the person's name as principal, namespace `git`, and the validity window in UTC.
pub fn allowed_signers(settings: &Settings, ring: &KeyRing) -> String {
    let mut out = String::from(
        "# xinbao keys allowed-signers: generated from xinbao.yaml, do not edit by hand\n",
    );
    for key in &ring.keys {
        let Public::Ssh(public) = &key.public else { continue };
        let name = &settings.people[key.person].name;
        let principal = if name.contains([' ', '\t', ',', '"']) {
            format!("\"{}\"", name.replace('"', ""))
        } else {
            name.clone()
        };
        let mut options = vec!["namespaces=\"git\"".to_string()];
        if let Some(from) = key.valid_from {
            options.push(format!("valid-after=\"{}\"", utc(from, "%Y%m%d%H%M%SZ")));
        }
        if let Some(until) = key.valid_until {
            options.push(format!("valid-before=\"{}\"", utc(until, "%Y%m%d%H%M%SZ")));
        }
        let key_line =
            ssh_key::PublicKey::from(public.key_data().clone()).to_openssh().unwrap_or_default();
        out.push_str(&format!("{principal} {} {key_line}\n", options.join(",")));
    }
    out
}
