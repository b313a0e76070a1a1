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
//! writing it only means the history is read again. The commits of the tips last
//! read are kept too, so an unchanged branch is not even walked.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// What a cache keeps of one commit: it knows its commit and first parent, so
/// a first-parent chain is followed through the facts, not walked again.
pub trait Fact {
    /// The commit.
    fn id(&self) -> git2::Oid;
    /// Its first parent; `None` for a root commit.
    fn first_parent(&self) -> Option<git2::Oid>;
}

/// Bytes written as one run (postcard: their length, then the bytes), not one
/// by one as serde writes a slice; read back borrowed. A stored entry is such
/// a run, so that it is decoded apart and written again without encoding it.
#[derive(Clone, Copy)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Bytes<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <&'a [u8]>::deserialize(deserializer).map(Bytes)
    }
}

/// A cache file as read: the tips last read, and the facts of each commit,
/// each encoded apart so that they are decoded on all cores.
#[derive(Deserialize)]
struct File<'a> {
    /// What the facts depend on besides the commits.
    key: String,
    /// The tips last read, the latest last.
    tips: Vec<Tip>,
    /// Each commit's facts, encoded.
    #[serde(borrow)]
    commits: Vec<Bytes<'a>>,
}

/// A tip read, and for [`Walk::All`] its commits (a first-parent chain is
/// followed through the facts instead).
#[derive(Clone, Serialize, Deserialize)]
struct Tip {
    walk: Walk,
    #[serde(with = "oid")]
    tip: git2::Oid,
    #[serde(with = "oid::list")]
    commits: Vec<git2::Oid>,
}

/// How many tips a cache remembers: main's first-parent chain and HEAD's
/// commits, with room for a branch or a line a rewrite pushed aside.
const TIPS: usize = 4;

/// Which commits of a tip are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Walk {
    /// Every commit reachable from the tip, in no particular order.
    All,
    /// The first-parent chain, oldest first.
    FirstParent,
}

/// One cache, loaded once and read through by every walk of a run.
pub struct Store<T> {
    name: String,
    key: String,
    tips: Vec<Tip>,
    /// The facts by commit, shared with the walks that read them.
    commits: HashMap<git2::Oid, Arc<T>>,
    /// How many commits were read from git (not found in the cache).
    fresh: usize,
}

impl<T> Store<T>
where
    T: Fact + Serialize + DeserializeOwned + Send + Sync,
{
    /// Cache `name` of `repo`, when its file exists, its seal verifies and it
    /// has `key`; else an empty one.
    pub fn open(repo: &git2::Repository, name: &str, key: &str) -> Store<T> {
        use rayon::prelude::*;
        let bytes = std::fs::read(path(repo, name)).ok();
        let file = bytes
            .as_deref()
            .and_then(unseal)
            .and_then(|facts| postcard::from_bytes::<File>(facts).ok())
            .filter(|file| file.key == key);
        let decoded = file.and_then(|file| {
            let commits = file.commits.par_iter().map(|bytes| {
                let fact = postcard::from_bytes::<T>(bytes.0).ok()?;
                Some((fact.id(), Arc::new(fact)))
            });
            Some((file.tips, commits.collect::<Option<HashMap<_, _>>>()?))
        });
        let (tips, commits) = decoded.unwrap_or_default();
        Store { name: name.to_string(), key: key.to_string(), tips, commits, fresh: 0 }
    }

    /// The facts of every commit of `tip` (the commits `walk` names), in walk
    /// order. Facts read before come from the cache; the others are read by
    /// `read`, in parallel chunks, each with its own repository handle and
    /// scratch state `S`. The cache file is then updated.
    pub fn read<S: Default>(
        &mut self,
        repo: &crate::repo::Repo,
        tip: git2::Oid,
        walk: Walk,
        read: impl Fn(&git2::Repository, &mut S, git2::Oid) -> Result<T, git2::Error> + Sync,
    ) -> Result<Vec<Arc<T>>, git2::Error> {
        use rayon::prelude::*;
        let (commits, walked) = match walk {
            Walk::All => self.all(repo, tip)?,
            Walk::FirstParent => self.first_parents(repo, tip)?,
        };
        let missing: Vec<git2::Oid> =
            commits.iter().filter(|oid| !self.commits.contains_key(oid)).copied().collect();
        let chunk = missing.len().div_ceil(rayon::current_num_threads().max(1) * 4).max(1);
        let workers = repo.workers();
        let fresh = missing
            .par_chunks(chunk)
            .map(|oids| {
                workers.with(|repo| {
                    let mut scratch = S::default();
                    oids.iter()
                        .map(|oid| Ok((*oid, Arc::new(read(repo, &mut scratch, *oid)?))))
                        .collect::<Result<Vec<_>, git2::Error>>()
                })
            })
            .collect::<Result<Vec<_>, git2::Error>>()?;
        self.fresh += missing.len();
        self.commits.extend(fresh.into_iter().flatten());
        let facts = commits.iter().filter_map(|oid| self.commits.get(oid).cloned()).collect();
        if walked || !missing.is_empty() {
            let remembered = match walk {
                Walk::All => commits,
                Walk::FirstParent => Vec::new(),
            };
            self.remember(Tip { walk, tip, commits: remembered });
            self.store(repo);
        }
        Ok(facts)
    }

    /// How many commits this store read from git rather than from the cache.
    pub fn fresh(&self) -> usize {
        self.fresh
    }

    /// Every commit of `tip`: the ones remembered for it, else walked from the
    /// history. The flag says whether it walked.
    fn all(
        &self,
        repo: &git2::Repository,
        tip: git2::Oid,
    ) -> Result<(Vec<git2::Oid>, bool), git2::Error> {
        if let Some(known) = self.tips.iter().find(|t| t.walk == Walk::All && t.tip == tip) {
            return Ok((known.commits.clone(), false));
        }
        let mut revwalk = repo.revwalk()?;
        revwalk.set_sorting(git2::Sort::NONE)?;
        revwalk.push(tip)?;
        Ok((revwalk.collect::<Result<Vec<git2::Oid>, _>>()?, true))
    }

    /// The first-parent chain of `tip`, oldest first: followed through the facts
    /// kept, and through git's commits where none are. The flag says whether git
    /// was asked.
    fn first_parents(
        &self,
        repo: &git2::Repository,
        tip: git2::Oid,
    ) -> Result<(Vec<git2::Oid>, bool), git2::Error> {
        let (mut chain, mut walked) = (Vec::new(), false);
        let mut next = Some(tip);
        while let Some(oid) = next {
            chain.push(oid);
            next = match self.commits.get(&oid) {
                Some(fact) => fact.first_parent(),
                None => {
                    walked = true;
                    repo.find_commit(oid)?.parent_ids().next()
                }
            };
        }
        chain.reverse();
        Ok((chain, walked))
    }

    /// Remembers `tip` as the latest read; the oldest tips beyond [`TIPS`] are
    /// forgotten, and with them the facts of commits no remembered tip holds.
    fn remember(&mut self, tip: Tip) {
        self.tips.retain(|t| !(t.walk == tip.walk && t.tip == tip.tip));
        self.tips.push(tip);
        let extra = self.tips.len().saturating_sub(TIPS);
        self.tips.drain(..extra);
        let mut kept = std::collections::HashSet::new();
        for tip in &self.tips {
            match tip.walk {
                Walk::All => kept.extend(tip.commits.iter().copied()),
                Walk::FirstParent => {
                    let mut next = Some(tip.tip);
                    while let Some(oid) = next.filter(|oid| kept.insert(*oid)) {
                        next = self.commits.get(&oid).and_then(|fact| fact.first_parent());
                    }
                }
            }
        }
        self.commits.retain(|oid, _| kept.contains(oid));
    }

    /// Writes the cache file, sealed.
    fn store(&self, repo: &git2::Repository) {
        use rayon::prelude::*;
        #[derive(Serialize)]
        struct Out<'a> {
            key: &'a str,
            tips: &'a [Tip],
            commits: Vec<Bytes<'a>>,
        }
        let encoded: Option<Vec<Vec<u8>>> =
            self.commits.par_iter().map(|(_, fact)| postcard::to_stdvec(&**fact).ok()).collect();
        let Some(encoded) = encoded else { return };
        let commits = encoded.iter().map(|bytes| Bytes(bytes)).collect();
        let out = Out { key: &self.key, tips: &self.tips, commits };
        if let Ok(facts) = postcard::to_stdvec(&out) {
            write_sealed(repo.path(), &format!("{}.bin", self.name), &[&facts]);
        }
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

/// Removes the files of caches no longer kept (their file names before a change).
pub fn forget(repo: &git2::Repository, files: &[&str]) {
    for file in files {
        let _ = std::fs::remove_file(repo.path().join("xinbao").join(file));
    }
}

fn path(repo: &git2::Repository, name: &str) -> std::path::PathBuf {
    repo.path().join("xinbao").join(format!("{name}.bin"))
}

/// This binary's size and modification time: a cache of what its own types
/// hold is not read by another build of xinbao, even of the same version.
pub fn this_binary() -> Option<(u64, u128)> {
    let exe = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    let built = exe.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some((exe.len(), built.as_nanos()))
}

/// A store of many entries is written again once one entry in this many
/// differs from the file's: until then the next run redoes those few, which
/// costs less than writing thousands of entries again for one edited report.
pub const AFRESH: usize = 64;

/// Whether a store of `entries`, of which `differ` differ from the file's, is
/// worth writing again ([`AFRESH`]).
pub fn worth_rewriting(differ: usize, entries: usize) -> bool {
    differ > 0 && differ * AFRESH >= entries
}

/// The bytes of the sealed file `file` of `.git/xinbao/`, when it exists and its
/// seal verifies; else none. For caches of other shapes than commit facts.
pub fn read_sealed(git_dir: &std::path::Path, file: &str) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(git_dir.join("xinbao").join(file)).ok()?;
    let seal = bytes.len() - unseal(&bytes)?.len();
    bytes.drain(..seal);
    Some(bytes)
}

/// Replaces the file `file` of `.git/xinbao/` with `parts` one after another,
/// sealed (a line with their HMAC first; the parts are not joined in memory);
/// silently nothing when there is no secret or the folder cannot be written.
pub fn write_sealed(git_dir: &std::path::Path, file: &str, parts: &[&[u8]]) {
    let Some(secret) = secret() else { return };
    let seal = format!("{}\n", hmac(&secret, parts));
    let dir = git_dir.join("xinbao");
    if std::fs::create_dir_all(&dir).is_ok() {
        let sealed: Vec<&[u8]> =
            std::iter::once(seal.as_bytes()).chain(parts.iter().copied()).collect();
        let _ = crate::atomic::write_parts_unsynced(&dir.join(file), &sealed);
    }
}

/// The contents of a sealed file whose HMAC verifies.
fn unseal(bytes: &[u8]) -> Option<&[u8]> {
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let (mac, contents) = (&bytes[..newline], &bytes[newline + 1..]);
    let expected = hmac(&secret()?, &[contents]);
    // Compared in full, without an early exit.
    let same = mac.len() == expected.len()
        && mac.iter().zip(expected.as_bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    same.then_some(contents)
}

/// HMAC-SHA256 (RFC 2104) of `parts`, one after another, under `key`, as hex.
fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> String {
    let pad = |byte: u8| -> Vec<u8> {
        let mut block = vec![byte; 64];
        block.iter_mut().zip(key).for_each(|(b, k)| *b ^= k);
        block
    };
    let inner = parts.iter().fold(Sha256::new().chain_update(pad(0x36)), |h, p| h.chain_update(p));
    let inner = inner.finalize();
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

    /// The same for a list of ids.
    pub mod list {
        use serde::{Deserialize, Deserializer, Serializer, de::Error};

        /// Writes each id as hex.
        pub fn serialize<S: Serializer>(list: &[git2::Oid], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(list.iter().map(git2::Oid::to_string))
        }

        /// Reads the ids back.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<git2::Oid>, D::Error> {
            Vec::<String>::deserialize(d)?
                .into_iter()
                .map(|text| git2::Oid::from_str(&text).map_err(D::Error::custom))
                .collect()
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
