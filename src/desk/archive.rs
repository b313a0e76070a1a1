//! The archive at the desk (`/archive/`): what the office published, as the
//! archive website shows it (SPEC §7), so that a writer sees the published
//! report where readers will. It is built from this clone by `build` itself
//! (the website only, published reports only) into the git folder
//! (`.git/xinbao/desk-archive/`), again whenever what it is built from changed
//! (`serve`'s fingerprint), and served as `xinbao serve` serves it.

use super::http::{Desk, Failure, Reply};
use crate::cli::{BuildArgs, Output};
use crate::run::Run;

/// `GET /archive/…`: a file of the archive, built first when needed.
pub fn file(desk: &Desk, run: &Run, path: &str) -> Result<Reply, Failure> {
    let git = run.git().ok_or_else(|| Failure::from(crate::run::no_git()))?;
    let out = git.commondir().join("xinbao").join("desk-archive");
    // A page is looked at afresh; what it loads (styles, scripts, the search
    // shards, pictures) comes from the build the page came from.
    let page = path.is_empty() || path.ends_with('/') || path.ends_with(".html");
    let built = desk.archive.borrow().is_some() && out.join("index.html").is_file();
    if page || !built {
        let now = crate::commands::serve::fingerprint(run.root(), Some(git));
        if desk.archive.borrow().as_ref() != Some(&now) || !built {
            let args =
                BuildArgs { out: Some(out.clone()), only: vec![Output::Site], drafts: false };
            crate::build::build(run, &args)?;
            *desk.archive.borrow_mut() = Some(now);
        }
    }
    let out = out.canonicalize().map_err(anyhow::Error::from)?;
    match crate::commands::serve::served(&out, path) {
        Ok((bytes, kind)) => Ok(Reply::bytes(kind, bytes)),
        Err((404, _)) => {
            Err(Failure::not_found("档案网站中没有这个页面", "no such page in the archive"))
        }
        Err((_, why)) => Err(Failure::bad(why, why)),
    }
}
