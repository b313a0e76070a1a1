//! Approvals (SPEC §6): real repositories, real keys made with ssh-keygen and gpg,
//! real signed commits made by git itself and in-process, verified by `xinbao status`.
//!
//! The fixture is [`crate::bureau::Bureau`] with the people below; the tests are grouped
//! by behaviour in the submodules.

mod approve;
mod publishing;
mod verification;

use crate::bureau::{Bureau, MERGED, PUBLISHED, Report, SETTLED, WRITTEN};
use crate::support::require;

/// The bureau: 张三 writes for 投资科, 李四 and 周九 (whose key expired at the end of
/// 2025) supervise it, 赵六 supervises 价格科, 钱七 of the office publishes.
fn bureau() -> Option<Bureau> {
    Bureau::settled(&["张三", "李四", "赵六", "周九", "钱七"])
}

/// [`bureau`] where 孙八 supervises 投资科 too, signing with OpenPGP; `None` without
/// ssh-keygen or gpg.
fn with_openpgp() -> Option<Bureau> {
    if !require("gpg") {
        return None;
    }
    let mut bureau = Bureau::unsettled()?;
    bureau.make_openpgp_key();
    let people = bureau.cast(&["张三", "李四", "赵六", "周九", "钱七", "孙八"]);
    bureau.settle(SETTLED, &people);
    Some(bureau)
}
