//! What the desk's requests and answers are, apart from how they travel: the
//! desk's settings ([`Desk`]), a request read ([`Request`]), an answer
//! ([`Reply`]) and a request not carried out ([`Failure`], answered as
//! `{"error": {"code", "message"}}`).

use super::security;
use crate::lang::{Lang, Refusal, Text};
use serde_json::{Value, json};

/// What the desk works on, the same for every request.
pub struct Desk {
    /// The language of messages and of the page.
    pub lang: Lang,
    /// The pinned trust anchor, if any.
    pub trust_root: Option<String>,
    /// The token of this desk.
    pub token: String,
    /// The port it listens on.
    pub port: u16,
    /// The history's facts and the reports as parsed, kept between requests.
    pub warm: std::rc::Rc<crate::run::Warm>,
    /// What the archive at `/archive/` was last built from ([`super::archive`]).
    pub archive: std::cell::RefCell<Option<Vec<u8>>>,
}

/// A request, read.
pub struct Request {
    /// `GET`, `POST`, `PUT`…
    pub method: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    /// The query's pairs, percent-decoded.
    pub query: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// The query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The body as a JSON object (an empty body is `{}`).
    pub fn json(&self) -> Result<Value, Failure> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(json!({}));
        }
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(value) if value.is_object() => Ok(value),
            _ => Err(Failure::bad("请求体应为 JSON 对象", "the body must be a JSON object")),
        }
    }
}

/// An answer.
pub struct Reply {
    /// The HTTP status.
    pub(super) status: u16,
    /// The content type.
    pub(super) kind: &'static str,
    /// The body.
    pub(super) body: Vec<u8>,
    /// A cookie to set.
    pub(super) cookie: Option<String>,
    /// Whether the browser may keep it (the font, the same in every desk).
    pub(super) lasting: bool,
}

impl Reply {
    /// `value` as JSON with status 200.
    pub fn json(value: Value) -> Reply {
        Reply::bytes("application/json; charset=utf-8", value.to_string().into_bytes())
    }

    /// `body` of content type `kind` with status 200.
    pub fn bytes(kind: &'static str, body: Vec<u8>) -> Reply {
        Reply { status: 200, kind, body, cookie: None, lasting: false }
    }

    /// The same answer, which the browser may keep for a day.
    pub fn lasting(self) -> Reply {
        Reply { lasting: true, ..self }
    }

    /// The same answer, setting the token's cookie.
    pub fn with_cookie(self, token: &str) -> Reply {
        let cookie = format!("{}={token}; Path=/; HttpOnly; SameSite=Strict", security::COOKIE);
        Reply { cookie: Some(cookie), ..self }
    }
}

/// A request the desk did not carry out, and why.
#[derive(Debug)]
pub struct Failure {
    /// 400, 403, 404, 409 or 500.
    pub status: u16,
    /// A stable code for scripts (`bad-request`, `forbidden`, `not-found`, `conflict`…).
    pub code: &'static str,
    /// Why, in both languages.
    pub text: Text,
}

impl Failure {
    /// 400: the request itself is wrong.
    pub fn bad(zh: impl Into<String>, en: impl Into<String>) -> Failure {
        Failure { status: 400, code: "bad-request", text: Text::new(zh, en) }
    }

    /// 403: not allowed (token, role, authority, signing).
    pub fn forbidden(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Failure {
        Failure { status: 403, code, text: Text::new(zh, en) }
    }

    /// 404: no such thing.
    pub fn not_found(zh: impl Into<String>, en: impl Into<String>) -> Failure {
        Failure { status: 404, code: "not-found", text: Text::new(zh, en) }
    }

    /// 409: the state does not allow it (already done, moved, not clean).
    pub fn conflict(zh: impl Into<String>, en: impl Into<String>) -> Failure {
        Failure { status: 409, code: "conflict", text: Text::new(zh, en) }
    }

    /// The failure as the JSON answer `{"error": {"code", "message"}}`.
    pub fn reply(&self, lang: Lang) -> Reply {
        let error = json!({"error": {"code": self.code, "message": self.text.get(lang)}});
        Reply { status: self.status, ..Reply::json(error) }
    }
}

/// A command's error as the desk answers it: a refusal is a conflict with the
/// state (409), a command that cannot run as asked a bad request (400), anything
/// else (git or the disk failing) 500.
impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Failure {
        match err.downcast_ref::<Refusal>() {
            Some(refusal) if refusal.code == 1 => {
                Failure { status: 409, code: "refused", text: refusal.text.clone() }
            }
            Some(refusal) => {
                Failure { status: 400, code: "bad-request", text: refusal.text.clone() }
            }
            None => {
                let message = format!("{err:#}");
                Failure { status: 500, code: "failed", text: Text::new(message.clone(), message) }
            }
        }
    }
}

/// A report id of a request.
pub fn id_of(id: &str) -> Result<&str, Failure> {
    security::report_id(id)
        .ok_or_else(|| Failure::bad(format!("编号 {id} 无效"), format!("bad report id {id}")))
}

/// Percent-encodes `text` for a query value or a path (`/` kept).
pub fn percent_encode(text: &str) -> String {
    crate::slug::percent_encoded(text, true)
}
