//! Signatures: any bytes as a raw git commit, split into its signature and signed
//! data and verified (SSH signatures and OpenPGP armor) against a key ring of one
//! OpenPGP and two SSH keys.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::LazyLock;
use xinbao::approval::KeyRing;

static RING: LazyLock<KeyRing> = LazyLock::new(|| {
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("keys");
    let mut diags = xinbao::diag::Diagnostics::default();
    let yaml = std::fs::read(keys.join("xinbao.yaml")).expect("the fuzz key settings");
    let settings = xinbao::config::from_bytes(yaml, &mut diags).expect("settings that parse");
    let files = |path: &str| -> Result<String, xinbao::lang::Text> {
        let name = Path::new(path).file_name().unwrap_or_default();
        Ok(std::fs::read_to_string(keys.join(name)).expect("a key file"))
    };
    KeyRing::build_with(&settings, &files, &mut diags)
});

fuzz_target!(|data: &[u8]| {
    // 2026-12-02, when the seeds were signed.
    let _ = xinbao::approval::verify::verdict(&RING, data, 1_796_188_240);
});
