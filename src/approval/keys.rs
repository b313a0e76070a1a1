//! The signing keys of `people`, parsed once: SSH public keys from their lines and
//! OpenPGP keys (primary key and subkeys) from armored files in the repository.

use crate::config::{Key, KeyMaterial, Settings};
use crate::diag::{Diagnostics, Rule};
use crate::lang::Text;
use crate::workspace::Workspace;
use chrono::{FixedOffset, NaiveDate, NaiveTime};
use pgp::composed::{Deserializable, SignedPublicKey};
use pgp::types::KeyDetails;
use ssh_key::HashAlg;
use std::path::{Component, Path};

/// Largest key file read, in bytes.
const MAX_KEY_FILE: u64 = 1 << 20;

/// One public key that may sign commits, with its owner and validity window.
#[derive(Debug)]
pub struct SigningKey {
    /// Index of the owner in `Settings::people`.
    pub person: usize,
    /// `SHA256:…` for SSH keys, the upper-case hex fingerprint for OpenPGP keys.
    pub fingerprint: String,
    /// First second (epoch) the key counts, from `valid_from` in the bureau's zone.
    pub valid_from: Option<i64>,
    /// The midnight after `valid_until`: the last second the key counts, as for
    /// ssh-keygen's `valid-before` (a signature made at that very second verifies).
    pub valid_until: Option<i64>,
    /// When an OpenPGP key expires by itself (from that second on, it signs nothing).
    pub expires: Option<i64>,
    /// An OpenPGP key or subkey with a verified revocation signs nothing, ever.
    pub revoked: bool,
    /// The same key is listed under two people: it signs for neither.
    pub duplicate: bool,
    /// The key itself.
    pub public: Public,
}

/// The verifying half of a key.
#[derive(Debug)]
pub enum Public {
    /// An OpenSSH public key.
    Ssh(ssh_key::PublicKey),
    /// An OpenPGP primary key.
    OpenPgp(pgp::packet::PublicKey),
    /// An OpenPGP subkey, bound to its primary key by a verified binding signature.
    OpenPgpSub(pgp::packet::PublicSubkey),
}

impl SigningKey {
    /// Whether the key's window (and its own expiry) includes `time` (seconds since
    /// the epoch). Both ends are judged as ssh-keygen judges `valid-after` and
    /// `valid-before`, so that `git log --show-signature` agrees.
    pub fn valid_at(&self, time: i64) -> bool {
        self.valid_from.is_none_or(|from| time >= from)
            && self.valid_until.is_none_or(|until| time <= until)
            && self.expires.is_none_or(|expires| time < expires)
    }

    /// The OpenPGP key id (last 8 bytes of the fingerprint), for OpenPGP keys.
    pub fn pgp_key_id(&self) -> Option<Vec<u8>> {
        match &self.public {
            Public::Ssh(_) => None,
            Public::OpenPgp(key) => Some(key.key_id().as_ref().to_vec()),
            Public::OpenPgpSub(key) => Some(key.key_id().as_ref().to_vec()),
        }
    }
}

/// Every signing key of the bureau.
#[derive(Debug, Default)]
pub struct KeyRing {
    /// The keys, in the order of `people`.
    pub keys: Vec<SigningKey>,
}

/// Reads a key file named in the settings, by its repository path.
pub type KeyFiles<'a> = dyn Fn(&str) -> Result<String, Text> + 'a;

impl KeyRing {
    /// Parses the keys of `settings`, reading key files from the work tree `ws`.
    pub fn build(settings: &Settings, ws: &Workspace, diags: &mut Diagnostics) -> KeyRing {
        KeyRing::build_with(settings, &|path| read_key_file(ws, path), diags)
    }

    /// Parses the keys of `settings`, reading key files with `files`. A key that
    /// cannot be read is an `invalid-value` finding in `xinbao.yaml` and is left
    /// out; a key listed under two people is a `duplicate-key` finding and signs
    /// for nobody.
    pub fn build_with(settings: &Settings, files: &KeyFiles, diags: &mut Diagnostics) -> KeyRing {
        let mut ring = KeyRing::default();
        let zone = settings.timezone;
        for (person, owner) in settings.people.iter().enumerate() {
            for key in &owner.keys {
                let window = (
                    key.valid_from.map(|d| start_of(d, zone)),
                    key.valid_until.and_then(|d| d.succ_opt()).map(|d| start_of(d, zone)),
                );
                match parse(key, files) {
                    Ok(publics) => {
                        for (fingerprint, public, expires, revoked) in publics {
                            if let Some(other) = ring
                                .keys
                                .iter_mut()
                                .find(|k| k.fingerprint == fingerprint && k.person != person)
                            {
                                other.duplicate = true;
                                let first = &settings.people[other.person].name;
                                diags.push(
                                    crate::config::FILE,
                                    key.pos,
                                    Rule::DuplicateKey,
                                    Text::new(
                                        format!(
                                            "密钥 {fingerprint} 已列在 {first} 名下，不能再列给 {}；两人的这把密钥都不再有效",
                                            owner.name
                                        ),
                                        format!(
                                            "key {fingerprint} is already listed under {first} and cannot also be {}'s; it signs for neither",
                                            owner.name
                                        ),
                                    ),
                                );
                            }
                            let duplicate = ring
                                .keys
                                .iter()
                                .any(|k| k.fingerprint == fingerprint && k.person != person);
                            ring.keys.push(SigningKey {
                                person,
                                fingerprint,
                                valid_from: window.0,
                                valid_until: window.1,
                                expires,
                                revoked,
                                duplicate,
                                public,
                            });
                        }
                    }
                    Err(message) => {
                        diags.push(crate::config::FILE, key.pos, Rule::InvalidValue, message)
                    }
                }
            }
        }
        ring
    }

    /// The SSH key with this fingerprint (`SHA256:…`).
    pub fn ssh(&self, fingerprint: &str) -> Option<&SigningKey> {
        self.keys
            .iter()
            .find(|k| matches!(k.public, Public::Ssh(_)) && k.fingerprint == fingerprint)
    }

    /// The OpenPGP keys whose fingerprint or key id ends with the hex `id`
    /// (as in git's `user.signingkey`), case-insensitively.
    pub fn openpgp_matching(&self, id: &str) -> impl Iterator<Item = &SigningKey> {
        let id = id.trim().trim_start_matches("0x").trim_end_matches('!').to_ascii_uppercase();
        self.keys.iter().filter(move |k| {
            !matches!(k.public, Public::Ssh(_)) && id.len() >= 8 && k.fingerprint.ends_with(&id)
        })
    }
}

/// The first second of `date` in `zone`.
fn start_of(date: NaiveDate, zone: FixedOffset) -> i64 {
    (date.and_time(NaiveTime::MIN) - zone).and_utc().timestamp()
}

/// The fingerprint of an SSH public key as `ssh-keygen -l` prints it.
pub fn ssh_fingerprint(key: &ssh_key::public::KeyData) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// The upper-case hex fingerprint of an OpenPGP key.
pub fn pgp_fingerprint(key: &impl KeyDetails) -> String {
    format!("{:X}", key.fingerprint())
}

/// A parsed public key: its fingerprint, the key, when it expires by itself, and
/// whether it is revoked.
type Parsed = (String, Public, Option<i64>, bool);

fn parse(key: &Key, files: &KeyFiles) -> Result<Vec<Parsed>, Text> {
    match &key.material {
        KeyMaterial::Ssh(line) => {
            let public = ssh_key::PublicKey::from_openssh(line.trim()).map_err(|err| {
                Text::new(
                    format!("无法解析 SSH 公钥：{err}"),
                    format!("cannot parse the SSH public key: {err}"),
                )
            })?;
            Ok(vec![(ssh_fingerprint(public.key_data()), Public::Ssh(public), None, false)])
        }
        KeyMaterial::OpenPgp(path) => {
            let text = files(path)?;
            let bad = |err: pgp::errors::Error| {
                Text::new(
                    format!("{path}：不是有效的 OpenPGP 公钥：{err}"),
                    format!("{path}: not a valid OpenPGP public key: {err}"),
                )
            };
            let (keys, _) = SignedPublicKey::from_string_many(&text).map_err(bad)?;
            let mut publics = Vec::new();
            // A file may hold several keys (`gpg --export` of more than one).
            for key in keys {
                let key = key.map_err(bad)?;
                key.verify().map_err(bad)?;
                let expires = key.expires_at().map(|t| t.timestamp());
                let revoked = primary_revoked(&key);
                publics.push((
                    pgp_fingerprint(&key.primary_key),
                    Public::OpenPgp(key.primary_key.clone()),
                    expires,
                    revoked,
                ));
                for sub in &key.public_subkeys {
                    // A subkey counts only when its binding signature verifies.
                    if sub.verify(&key.primary_key).is_ok() {
                        let fingerprint = pgp_fingerprint(&sub.key);
                        let revoked = revoked || subkey_revoked(&key, sub);
                        publics.push((
                            fingerprint,
                            Public::OpenPgpSub(sub.key.clone()),
                            expires,
                            revoked,
                        ));
                    }
                }
            }
            if publics.is_empty() {
                return Err(Text::new(
                    format!("{path}：文件中没有公钥"),
                    format!("{path}: the file holds no public key"),
                ));
            }
            Ok(publics)
        }
    }
}

/// Whether the primary key carries a revocation signature that verifies.
fn primary_revoked(key: &SignedPublicKey) -> bool {
    key.details.revocation_signatures.iter().any(|sig| sig.verify_key(&key.primary_key).is_ok())
}

/// Whether a subkey carries a revocation signature by its primary key that verifies.
fn subkey_revoked(key: &SignedPublicKey, sub: &pgp::composed::SignedPublicSubKey) -> bool {
    sub.signatures.iter().any(|sig| {
        sig.typ() == Some(pgp::packet::SignatureType::SubkeyRevocation)
            && sig.verify_subkey_binding(&key.primary_key, &sub.key).is_ok()
    })
}

/// Reads an armored key file that must stay inside the repository.
fn read_key_file(ws: &Workspace, path: &str) -> Result<String, Text> {
    let relative = Path::new(path);
    let escapes =
        relative.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    let file = ws.root().join(relative);
    let meta = std::fs::symlink_metadata(&file);
    let fail = |zh: &str, en: &str| Text::new(format!("{path}：{zh}"), format!("{path}: {en}"));
    if escapes {
        return Err(fail("密钥文件须在仓库内", "the key file must be inside the repository"));
    }
    match meta {
        Ok(meta) if meta.is_file() && meta.len() <= MAX_KEY_FILE => {
            let text = ws.read(relative).and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "stream did not contain valid UTF-8",
                    )
                })
            });
            text.map_err(|err| fail(&format!("无法读取：{err}"), &format!("cannot read: {err}")))
        }
        Ok(meta) if meta.is_file() => Err(fail("文件过大", "file too large")),
        Ok(_) => Err(fail("不是普通文件", "not a regular file")),
        Err(err) => Err(fail(&format!("无法读取：{err}"), &format!("cannot read: {err}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_runs_from_local_midnight_to_the_midnight_after_the_last_day() {
        let zone = FixedOffset::east_opt(8 * 3600).unwrap();
        let from = start_of(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), zone);
        assert_eq!(from, 1_704_038_400); // 2023-12-31T16:00:00Z
        let key = SigningKey {
            person: 0,
            fingerprint: String::new(),
            valid_from: Some(from),
            valid_until: Some(from + 86_400),
            expires: None,
            revoked: false,
            duplicate: false,
            public: Public::Ssh(
                ssh_key::PublicKey::from_openssh(
                    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGIXJbMRgC6/eM0qfL6fsUPcFMzCBMpSXJs0nnPhEbZ5",
                )
                .unwrap(),
            ),
        };
        assert!(!key.valid_at(from - 1));
        assert!(key.valid_at(from));
        assert!(key.valid_at(from + 86_399));
        // ssh-keygen still accepts a signature made at valid-before itself.
        assert!(key.valid_at(from + 86_400));
        assert!(!key.valid_at(from + 86_401));
    }
}
