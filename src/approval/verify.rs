//! Verifying a commit's signature in-process: SSHSIG (git's `gpg.format=ssh`,
//! namespace `git`) and OpenPGP detached signatures, against the [`KeyRing`].

use super::keys::{KeyRing, Public, SigningKey, ssh_fingerprint};
use crate::diag::Rule;
use crate::lang::Text;
use pgp::composed::{Deserializable, DetachedSignature};

/// The namespace git signs commits in (`ssh-keygen -Y sign -n git`).
const NAMESPACE: &str = "git";

/// A signature that verified with a known key valid at the commit's time.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Signer {
    /// Index of the signer in `Settings::people`.
    pub person: usize,
    /// The fingerprint of the key that signed.
    pub key: String,
}

/// What a commit's signature says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No signature.
    Unsigned,
    /// Verified with a known key valid at the commit's time.
    Signed(Signer),
    /// Signed, but not by a usable key.
    Failed(Failure),
}

/// The verdict on the signature of the raw commit object `raw`, made (as far as
/// it may claim) at `time`, against `ring`.
pub fn verdict(ring: &KeyRing, raw: &[u8], time: i64) -> Verdict {
    match split_signed(raw) {
        None => Verdict::Unsigned,
        Some((signature, payload)) => match verify(ring, &signature, &payload, time) {
            Ok(signer) => Verdict::Signed(signer),
            Err(failure) => Verdict::Failed(failure),
        },
    }
}

/// Why a signature is not an approval: `signature-invalid`, `key-unknown` or `key-expired`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    /// The rule id.
    pub rule: Rule,
    /// What went wrong.
    pub message: Text,
}

/// Verifies `signature` over `data` (the commit without its `gpgsig` header) for a
/// commit made at `time` (committer time, seconds since the epoch).
pub fn verify(ring: &KeyRing, signature: &[u8], data: &[u8], time: i64) -> Result<Signer, Failure> {
    let text = String::from_utf8_lossy(signature);
    let text = text.trim();
    let key = if text.starts_with("-----BEGIN SSH SIGNATURE-----") {
        verify_ssh(ring, text, data)?
    } else if text.starts_with("-----BEGIN PGP SIGNATURE-----") {
        verify_openpgp(ring, text, data)?
    } else {
        return Err(invalid("签名格式无法识别", "the signature's format is not recognized"));
    };
    if key.duplicate {
        return Err(Failure {
            rule: Rule::DuplicateKey,
            message: Text::new(
                format!("密钥 {} 同时列在两人名下，不代表任何人", key.fingerprint),
                format!("key {} is listed under two people and signs for neither", key.fingerprint),
            ),
        });
    }
    if key.revoked {
        return Err(Failure {
            rule: Rule::KeyExpired,
            message: Text::new(
                format!("密钥 {} 已被吊销", key.fingerprint),
                format!("key {} has been revoked", key.fingerprint),
            ),
        });
    }
    if !key.valid_at(time) {
        return Err(Failure {
            rule: Rule::KeyExpired,
            message: Text::new(
                format!("密钥 {} 在提交时间不在有效期内", key.fingerprint),
                format!(
                    "key {} is outside its validity window at the commit time",
                    key.fingerprint
                ),
            ),
        });
    }
    Ok(Signer { person: key.person, key: key.fingerprint.clone() })
}

/// Splits a raw commit object into its signature and the bytes it signs, as git
/// does for a SHA-1 repository: the `gpgsig` header is the signature, and every
/// signature header (`gpgsig`, `gpgsig-sha256`) is left out of the signed bytes.
/// `None` when the commit has no `gpgsig` header.
pub fn split_signed(raw: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let header_end = raw.windows(2).position(|w| w == b"\n\n").map_or(raw.len(), |i| i + 1);
    let (headers, message) = raw.split_at(header_end);
    let mut signature: Option<Vec<u8>> = None;
    let mut payload = Vec::with_capacity(raw.len());
    // Which header the current continuation lines belong to.
    enum In {
        Payload,
        Signature,
        Other,
    }
    let mut current = In::Payload;
    for line in headers.split_inclusive(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(b" ") {
            match current {
                In::Signature => signature.get_or_insert_with(Vec::new).extend_from_slice(rest),
                In::Other => {}
                In::Payload => payload.extend_from_slice(line),
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"gpgsig ") {
            current = In::Signature;
            signature.get_or_insert_with(Vec::new).extend_from_slice(rest);
        } else if line.starts_with(b"gpgsig-") {
            current = In::Other;
        } else {
            current = In::Payload;
            payload.extend_from_slice(line);
        }
    }
    payload.extend_from_slice(message);
    signature.map(|signature| (signature, payload))
}

fn verify_ssh<'r>(ring: &'r KeyRing, text: &str, data: &[u8]) -> Result<&'r SigningKey, Failure> {
    let sig = ssh_key::SshSig::from_pem(text).map_err(|err| {
        invalid(
            &format!("SSH 签名无法解析：{err}"),
            &format!("the SSH signature does not parse: {err}"),
        )
    })?;
    let fingerprint = ssh_fingerprint(sig.public_key());
    let key = ring.ssh(&fingerprint).ok_or_else(|| unknown(&fingerprint))?;
    let Public::Ssh(public) = &key.public else { unreachable!("ring.ssh returns SSH keys") };
    public.verify(NAMESPACE, data, &sig).map_err(|_| {
        invalid(
            &format!("SSH 签名与提交内容不符（密钥 {fingerprint}）"),
            &format!("the SSH signature does not match the commit (key {fingerprint})"),
        )
    })?;
    Ok(key)
}

fn verify_openpgp<'r>(
    ring: &'r KeyRing,
    text: &str,
    data: &[u8],
) -> Result<&'r SigningKey, Failure> {
    let (sig, _) = DetachedSignature::from_string(text).map_err(|err| {
        invalid(
            &format!("OpenPGP 签名无法解析：{err}"),
            &format!("the OpenPGP signature does not parse: {err}"),
        )
    })?;
    let fingerprints: Vec<Vec<u8>> =
        sig.signature.issuer_fingerprint().iter().map(|f| f.as_bytes().to_vec()).collect();
    let ids: Vec<Vec<u8>> = sig.signature.issuer().iter().map(|id| id.as_ref().to_vec()).collect();
    let issued = |key: &SigningKey| {
        let fingerprint = hex_bytes(&key.fingerprint);
        fingerprints.contains(&fingerprint) || key.pgp_key_id().is_some_and(|id| ids.contains(&id))
    };
    let candidates: Vec<&SigningKey> = ring.keys.iter().filter(|k| issued(k)).collect();
    let Some(first) = candidates.first() else {
        let issuer = fingerprints
            .first()
            .or(ids.first())
            .map(|b| b.iter().map(|x| format!("{x:02X}")).collect::<String>())
            .unwrap_or_else(|| "?".into());
        return Err(unknown(&issuer));
    };
    for key in &candidates {
        let verified = match &key.public {
            Public::OpenPgp(public) => sig.verify(public, data),
            Public::OpenPgpSub(public) => sig.verify(public, data),
            Public::Ssh(_) => continue,
        };
        if verified.is_ok() {
            return Ok(key);
        }
    }
    Err(invalid(
        &format!("OpenPGP 签名与提交内容不符（密钥 {}）", first.fingerprint),
        &format!("the OpenPGP signature does not match the commit (key {})", first.fingerprint),
    ))
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

fn invalid(zh: &str, en: &str) -> Failure {
    Failure { rule: Rule::SignatureInvalid, message: Text::new(zh, en) }
}

fn unknown(fingerprint: &str) -> Failure {
    Failure {
        rule: Rule::KeyUnknown,
        message: Text::new(
            format!("签名密钥 {fingerprint} 不属于 xinbao.yaml 中的任何人"),
            format!("the signing key {fingerprint} belongs to no one in xinbao.yaml"),
        ),
    }
}
