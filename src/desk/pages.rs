//! The desk's page: one HTML page, one script, one style sheet and a Chinese
//! font for systems without one (the PDF's 黑体), built into the binary (no CDN,
//! no build step; nothing newer than Chromium 90 needs). The
//! page asks the API for everything, the form's fields included.

use super::http::Reply;
use crate::lang::Lang;

const PAGE: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/desk.js");
const STYLE: &str = include_str!("page/desk.css");

/// The file at `path`, if the page has one; the page in `lang`, carrying the
/// token for its own requests' header (it is served only to holders of the token).
pub fn file(path: &str, lang: Lang, token: &str) -> Option<Reply> {
    let (kind, body) = match path {
        "/" | "/index.html" => {
            let code = match lang {
                Lang::Zh => "zh-CN",
                Lang::En => "en",
            };
            ("text/html; charset=utf-8", PAGE.replace("{{lang}}", code).replace("{{token}}", token))
        }
        "/desk.js" => ("text/javascript; charset=utf-8", SCRIPT.to_string()),
        "/desk.css" => ("text/css; charset=utf-8", STYLE.to_string()),
        "/sans.ttf" => {
            return Some(Reply::bytes("font/ttf", crate::render::fonts::sans().to_vec()).lasting());
        }
        _ => return None,
    };
    Some(Reply::bytes(kind, body.into_bytes()))
}
