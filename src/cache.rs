//! What xinbao reads from each commit, kept between runs in `.git/xinbao/`.
//!
//! Reading 10,000 commits (tree diffs, report units) takes most of a second; a
//! commit never changes, so its facts are kept by commit id and only new commits
//! are read on the next run. Each file also records a key of everything else the
//! facts depend on (xinbao's version, the folders read); a different key discards
//! the file. The cached facts never include a verdict: signatures are verified on
//! every run.
//!
//! A cache may speed things up but never decides (SPEC §6.1). Each file is sealed
//! with an HMAC-SHA256 under a random secret kept outside the repository, in the
//! user's cache folder (`~/.cache/xinbao/secret`): a file edited by hand, planted
//! by a pull request or restored from another machine's CI cache does not verify
//! and is ignored. The cache lives inside the local `.git` folder: it is never
//! pushed, and a fresh clone (CI) starts without one. Any problem reading or
//! writing it only means the history is read again. The commits of the tip last
//! read are kept too, so an unchanged branch is not even walked.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The facts of one cache: by commit id, and the commits of the tip last read.
#[derive(Serialize, Deserialize)]
struct Facts<T> {
    /// What the facts depend on besides the commits.
    key: String,
    /// The tip the chain was read from.
    tip: String,
    /// The commits of that tip, in the order they were walked.
    chain: Vec<String>,
    /// Facts by commit id.
    commits: HashMap<String, T>,
}

/// Which commits of a tip are read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Every commit reachable from the tip, in no particular order.
    All,
    /// The first-parent chain, oldest first.
    FirstParent,
}

/// The facts of every commit of `tip` (the commits `walk` names), in walk order.
/// Facts read before come from cache `name` (when its key is `key`); the others
/// are read by `read`, in parallel chunks, each with its own repository handle
/// and scratch state `S`. The cache is then updated.
pub fn read_commits<T, S>(
    repo: &git2::Repository,
    name: &str,
    key: &str,
    tip: git2::Oid,
    walk: Walk,
    read: impl Fn(&git2::Repository, &mut S, git2::Oid) -> Result<T, git2::Error> + Sync,
) -> Result<Vec<(git2::Oid, T)>, git2::Error>
where
    T: Serialize + DeserializeOwned + Clone + Send,
    S: Default,
{
    use rayon::prelude::*;
    let mut cached = load::<T>(repo, name, key);
    let (commits, walked) = cached.commits(repo, tip, walk)?;
    let missing = cached.missing(&commits);
    let chunk = missing.len().div_ceil(rayon::current_num_threads().max(1) * 4).max(1);
    let path = repo.path().to_path_buf();
    let fresh = missing
        .par_chunks(chunk)
        .map(|oids| {
            let repo = git2::Repository::open(&path)?;
            let mut scratch = S::default();
            oids.iter()
                .map(|oid| Ok((oid.to_string(), read(&repo, &mut scratch, *oid)?)))
                .collect::<Result<Vec<_>, git2::Error>>()
        })
        .collect::<Result<Vec<_>, git2::Error>>()?;
    cached.commits.extend(fresh.into_iter().flatten());
    let facts = commits
        .iter()
        .filter_map(|oid| Some((*oid, cached.commits.get(&oid.to_string())?.clone())))
        .collect();
    if walked || !missing.is_empty() {
        store(repo, name, cached, tip, &commits);
    }
    Ok(facts)
}

impl<T> Facts<T> {
    /// The commits of `tip`: the ones last read when `tip` is the same, else
    /// walked from the history. The flag says whether it walked.
    fn commits(
        &self,
        repo: &git2::Repository,
        tip: git2::Oid,
        walk: Walk,
    ) -> Result<(Vec<git2::Oid>, bool), git2::Error> {
        if self.tip == tip.to_string()
            && let Some(chain) = self.chain.iter().map(|id| git2::Oid::from_str(id).ok()).collect()
        {
            return Ok((chain, false));
        }
        let mut revwalk = repo.revwalk()?;
        revwalk.set_sorting(git2::Sort::NONE)?;
        if walk == Walk::FirstParent {
            revwalk.simplify_first_parent()?;
        }
        revwalk.push(tip)?;
        let mut commits = revwalk.collect::<Result<Vec<git2::Oid>, _>>()?;
        if walk == Walk::FirstParent {
            commits.reverse();
        }
        Ok((commits, true))
    }

    /// The commits among `chain` with no facts yet.
    fn missing(&self, chain: &[git2::Oid]) -> Vec<git2::Oid> {
        chain.iter().filter(|oid| !self.commits.contains_key(&oid.to_string())).copied().collect()
    }
}

/// A key from the version of xinbao and `parts`.
pub fn key(parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION"));
    for part in parts {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn path(repo: &git2::Repository, name: &str) -> std::path::PathBuf {
    repo.path().join("xinbao").join(format!("{name}.json"))
}

/// The facts of cache `name`, when the file exists, its seal verifies and it has
/// `key`; else none.
fn load<T: DeserializeOwned>(repo: &git2::Repository, name: &str, key: &str) -> Facts<T> {
    std::fs::read(path(repo, name))
        .ok()
        .and_then(|bytes| {
            unseal(&bytes).and_then(|json| serde_json::from_slice::<Facts<T>>(json).ok())
        })
        .filter(|facts| facts.key == key)
        .unwrap_or_else(|| Facts {
            key: key.to_string(),
            tip: String::new(),
            chain: Vec::new(),
            commits: HashMap::new(),
        })
}

/// Replaces cache `name` with `facts` as read for `chain`, the commits of `tip`
/// (facts of other commits are dropped).
fn store<T: Serialize>(
    repo: &git2::Repository,
    name: &str,
    mut facts: Facts<T>,
    tip: git2::Oid,
    chain: &[git2::Oid],
) {
    let ids: Vec<String> = chain.iter().map(git2::Oid::to_string).collect();
    let reachable: std::collections::HashSet<&String> = ids.iter().collect();
    facts.commits.retain(|id, _| reachable.contains(id));
    facts.tip = tip.to_string();
    facts.chain = ids;
    let file = facts;
    let target = path(repo, name);
    if let (Ok(json), Some(dir)) = (serde_json::to_vec(&file), target.parent())
        && let Some(bytes) = seal(json)
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = crate::atomic::write_unsynced(&target, &bytes);
    }
}

/// The bytes of the sealed file `file` of `.git/xinbao/`, when it exists and its
/// seal verifies; else none. For caches of other shapes than commit facts.
pub fn read_sealed(repo: &git2::Repository, file: &str) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(repo.path().join("xinbao").join(file)).ok()?;
    let seal = bytes.len() - unseal(&bytes)?.len();
    bytes.drain(..seal);
    Some(bytes)
}

/// Replaces the file `file` of `.git/xinbao/` with `bytes`, sealed; silently
/// nothing when there is no secret or the folder cannot be written.
pub fn write_sealed(repo: &git2::Repository, file: &str, bytes: Vec<u8>) {
    let dir = repo.path().join("xinbao");
    if let Some(sealed) = seal(bytes)
        && std::fs::create_dir_all(&dir).is_ok()
    {
        let _ = crate::atomic::write_unsynced(&dir.join(file), &sealed);
    }
}

/// `json` preceded by a line with its HMAC, or `None` without a secret.
fn seal(json: Vec<u8>) -> Option<Vec<u8>> {
    let mac = hmac(&secret()?, &json);
    let mut bytes = format!("{mac}\n").into_bytes();
    bytes.extend(json);
    Some(bytes)
}

/// The JSON of a sealed file whose HMAC verifies.
fn unseal(bytes: &[u8]) -> Option<&[u8]> {
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let (mac, json) = (&bytes[..newline], &bytes[newline + 1..]);
    let expected = hmac(&secret()?, json);
    // Compared in full, without an early exit.
    let same = mac.len() == expected.len()
        && mac.iter().zip(expected.as_bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    same.then_some(json)
}

/// HMAC-SHA256 (RFC 2104) of `data` under `key`, as hex.
fn hmac(key: &[u8; 32], data: &[u8]) -> String {
    let pad = |byte: u8| -> Vec<u8> {
        let mut block = vec![byte; 64];
        block.iter_mut().zip(key).for_each(|(b, k)| *b ^= k);
        block
    };
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(data).finalize();
    let outer = Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

/// The user's secret for sealing caches: 32 random bytes in the user's cache
/// folder, made on first use (readable by the user only). `None` when there is no
/// such folder or no randomness: then nothing is cached.
fn secret() -> Option<[u8; 32]> {
    static SECRET: std::sync::OnceLock<Option<[u8; 32]>> = std::sync::OnceLock::new();
    *SECRET.get_or_init(|| {
        let dir = std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cache")))?
            .join("xinbao");
        let file = dir.join("secret");
        if let Ok(bytes) = std::fs::read(&file) {
            return bytes.try_into().ok();
        }
        let mut fresh = [0u8; 32];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom").ok()?, &mut fresh)
            .ok()?;
        std::fs::create_dir_all(&dir).ok()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&file) {
            Ok(mut out) => {
                std::io::Write::write_all(&mut out, &fresh).ok()?;
                Some(fresh)
            }
            // Another run made it first: use theirs.
            Err(_) => std::fs::read(&file).ok()?.try_into().ok(),
        }
    })
}

/// Serde for [`git2::Oid`] as hex.
pub mod oid {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes the id as hex.
    pub fn serialize<S: Serializer>(oid: &git2::Oid, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&oid.to_string())
    }

    /// Reads the id from hex.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<git2::Oid, D::Error> {
        let text = String::deserialize(d)?;
        git2::Oid::from_str(&text).map_err(D::Error::custom)
    }

    /// The same for `Option<Oid>`.
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer, de::Error};

        /// Writes the id as hex, or null.
        pub fn serialize<S: Serializer>(oid: &Option<git2::Oid>, s: S) -> Result<S::Ok, S::Error> {
            match oid {
                Some(oid) => s.serialize_some(&oid.to_string()),
                None => s.serialize_none(),
            }
        }

        /// Reads the id from hex or null.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<git2::Oid>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| git2::Oid::from_str(&text).map_err(D::Error::custom))
                .transpose()
        }
    }

    /// The same for a list of `(number, Oid)`.
    pub mod numbered {
        use serde::{Deserialize, Deserializer, Serializer, de::Error};

        /// Writes each pair as `[number, hex]`.
        pub fn serialize<S: Serializer>(
            list: &[(usize, git2::Oid)],
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.collect_seq(list.iter().map(|(n, oid)| (n, oid.to_string())))
        }

        /// Reads the pairs back.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Vec<(usize, git2::Oid)>, D::Error> {
            Vec::<(usize, String)>::deserialize(d)?
                .into_iter()
                .map(|(n, text)| Ok((n, git2::Oid::from_str(&text).map_err(D::Error::custom)?)))
                .collect()
        }
    }
}
