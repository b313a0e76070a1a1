//! Settings: any bytes as `xinbao.yaml`, read into settings, and its keys read
//! into a key ring with the same bytes as every key file (OpenPGP armor).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut diags = xinbao::diag::Diagnostics::default();
    let Ok(settings) = xinbao::config::from_bytes(data.to_vec(), &mut diags) else { return };
    let armor = String::from_utf8_lossy(data).into_owned();
    let files = |_: &str| -> Result<String, xinbao::lang::Text> { Ok(armor.clone()) };
    let _ = xinbao::approval::KeyRing::build_with(&settings, &files, &mut diags);
});
