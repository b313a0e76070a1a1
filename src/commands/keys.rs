//! `xinbao keys allowed-signers` and `xinbao keys list`: the people's signing keys,
//! as git's `gpg.ssh.allowedSignersFile` and as a table.

use crate::approval::KeyRing;
use crate::approval::keys::{Public, SigningKey};
use crate::cli::{KeysArgs, KeysCommand};
use crate::config::Settings;
use crate::diag::Diagnostics;
use crate::pipeline::Purpose;
use crate::run::Run;
use anyhow::Context as _;
use chrono::DateTime;
use std::io::Write as _;
use std::process::ExitCode;

/// Runs `keys`.
pub fn run(run: &Run, args: &KeysArgs) -> anyhow::Result<ExitCode> {
    let lang = run.lang();
    // The keys in force on the main branch, as status judges them; the work
    // tree's only where the history has no settings yet.
    let verdicts = match run.git() {
        Some(_) => Some(crate::pipeline::judge(run, Purpose::Approvals { rev: None })?),
        None => None,
    };
    let ledger = verdicts.as_ref().and_then(|v| v.ledger.as_ref());
    let in_force = ledger.and_then(|l| l.in_force.clone());
    let mut diags = Diagnostics::default();
    let work_tree;
    let (settings, ring) = match &in_force {
        Some(regime) => (&regime.settings, &regime.ring),
        None => {
            let settings = crate::config::load(run.workspace(), &mut diags)?;
            let ring = KeyRing::build(&settings, run.workspace(), &mut diags);
            work_tree = (settings, ring);
            (&work_tree.0, &work_tree.1)
        }
    };
    for diag in diags.iter() {
        eprintln!("{}:{}: {}", diag.file, diag.pos.line, diag.message.get(lang));
    }
    match &args.command {
        KeysCommand::AllowedSigners { output } => {
            // Every version of the settings in force, each for its time; without a
            // history, the one version there is, for all time.
            let mut spans: Vec<Span> = ledger
                .into_iter()
                .flat_map(|l| &l.periods)
                .map(|p| (&p.regime.settings, &p.regime.ring, p.from, p.until))
                .collect();
            if spans.is_empty() {
                spans.push((settings, ring, None, None));
            }
            let text = allowed_signers(&spans);
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

/// A version of the settings, its keys and the span of time it was in force.
type Span<'a> = (&'a Settings, &'a KeyRing, Option<i64>, Option<i64>);

/// git's allowed_signers lines (see ssh-keygen(1), ALLOWED SIGNERS) for every SSH key
/// of every version of the settings that was in force: the person's name as
/// principal, namespace `git`, and the key's window within the time that version
/// was in force, in UTC. So git judges each commit by the keys xinbao judges it by.
pub fn allowed_signers(spans: &[Span]) -> String {
    let mut out = String::from(
        "# xinbao keys allowed-signers: generated from the settings in force in the history, do not edit by hand\n",
    );
    // (principal, key line, from, until), merged where one span continues another.
    let mut lines: Vec<(String, String, Option<i64>, Option<i64>)> = Vec::new();
    for (settings, ring, span_from, span_until) in spans {
        // A key listed under two people signs for neither.
        for key in ring.keys.iter().filter(|k| !k.duplicate) {
            let Public::Ssh(public) = &key.public else { continue };
            let from = later(key.valid_from, *span_from);
            let until = earlier(key.valid_until, *span_until);
            if let (Some(f), Some(u)) = (from, until)
                && f > u
            {
                continue;
            }
            let name = &settings.people[key.person].name;
            let principal = if name.contains([' ', '\t', ',', '"']) {
                format!("\"{}\"", name.replace('"', ""))
            } else {
                name.clone()
            };
            let key_line = ssh_key::PublicKey::from(public.key_data().clone())
                .to_openssh()
                .unwrap_or_default();
            let continues = lines.iter_mut().rev().find(|l| l.0 == principal && l.1 == key_line);
            match continues {
                Some(line) if line.3.is_some_and(|u| from.is_some_and(|f| f <= u + 1)) => {
                    line.3 = until;
                }
                _ => lines.push((principal, key_line, from, until)),
            }
        }
    }
    for (principal, key_line, from, until) in lines {
        let mut options = vec!["namespaces=\"git\"".to_string()];
        if let Some(from) = from {
            options.push(format!("valid-after=\"{}\"", utc(from, "%Y%m%d%H%M%SZ")));
        }
        if let Some(until) = until {
            options.push(format!("valid-before=\"{}\"", utc(until, "%Y%m%d%H%M%SZ")));
        }
        out.push_str(&format!("{principal} {} {key_line}\n", options.join(",")));
    }
    out
}

fn later(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn earlier(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
