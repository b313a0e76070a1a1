//! The desk's HTTP loop: each request passes the gate ([`super::security`]), then
//! goes to the page ([`super::pages`]) or the API ([`super::api`]); answers are
//! JSON, errors `{"error": {"code", "message"}}`. Requests are answered one at a
//! time, so two changes never race in the repository (the second sees the first).

use super::security::{self, Asked};
use crate::lang::{Lang, Refusal, Text};
use serde_json::{Value, json};
use std::io::Read as _;
use std::path::PathBuf;

/// The largest request body read (a report with its pictures).
const MAX_BODY: u64 = 64 << 20;

/// What the desk works on, the same for every request.
pub struct Desk {
    /// The reports repository.
    pub root: PathBuf,
    /// The language of messages and of the page.
    pub lang: Lang,
    /// The pinned trust anchor, if any.
    pub trust_root: Option<String>,
    /// The token of this desk.
    pub token: String,
    /// The port it listens on.
    pub port: u16,
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
    status: u16,
    kind: &'static str,
    body: Vec<u8>,
    cookie: Option<String>,
    /// Whether the browser may keep it (the font, the same in every desk).
    lasting: bool,
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

    fn reply(&self, lang: Lang) -> Reply {
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

/// Answers the requests of `server` until the process ends.
pub fn serve(server: tiny_http::Server, desk: &Desk) {
    for mut request in server.incoming_requests() {
        let reply = match read(&mut request, desk) {
            Ok(asked) => route(desk, &asked),
            Err(failure) => Err(failure),
        };
        let reply = reply.unwrap_or_else(|failure| failure.reply(desk.lang));
        let _ = request.respond(response(reply));
    }
}

/// The request read and let through the gate.
fn read(request: &mut tiny_http::Request, desk: &Desk) -> Result<Request, Failure> {
    let url = request.url().to_string();
    let (raw_path, raw_query) = url.split_once('?').unwrap_or((&url, ""));
    let query = pairs(raw_query);
    let method = request.method().as_str().to_ascii_uppercase();
    let token_in_query = query.iter().find(|(k, _)| k == "token").map(|(_, v)| v.as_str());
    let asked = Asked {
        host: header(request, "Host"),
        header: header(request, security::HEADER),
        cookie: header(request, "Cookie").and_then(|c| security::cookie(c, security::COOKIE)),
        query: token_in_query,
        changes: !matches!(method.as_str(), "GET" | "HEAD"),
    };
    if let Some(why) = security::refusal(&asked, desk.port, &desk.token) {
        return Err(Failure { status: 403, code: "forbidden", text: why });
    }
    let path = crate::commands::serve::percent_decode(raw_path)
        .ok_or_else(|| Failure::bad("路径无效", "bad path"))?;
    let mut body = Vec::new();
    let reader = request.as_reader().take(MAX_BODY + 1);
    std::io::BufReader::new(reader)
        .read_to_end(&mut body)
        .map_err(|_| Failure::bad("读取请求体失败", "could not read the body"))?;
    if body.len() as u64 > MAX_BODY {
        return Err(Failure::bad("请求体过大", "the body is too large"));
    }
    Ok(Request { method, path, query, body })
}

/// The value of header `name`.
fn header<'a>(request: &'a tiny_http::Request, name: &'static str) -> Option<&'a str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

/// The page's files, or the API.
fn route(desk: &Desk, request: &Request) -> Result<Reply, Failure> {
    if request.path.starts_with("/api/") {
        return super::api::answer(desk, request);
    }
    if request.method != "GET" {
        return Err(Failure::not_found("没有这个地址", "no such address"));
    }
    let reply = super::pages::file(&request.path, desk.lang, &desk.token)
        .ok_or_else(|| Failure::not_found("没有这个页面", "no such page"))?;
    // The first page sets the cookie, so the page's own requests carry the token.
    Ok(match request.path.as_str() {
        "/" => reply.with_cookie(&desk.token),
        _ => reply,
    })
}

fn response(reply: Reply) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut response = tiny_http::Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_chunked_threshold(usize::MAX);
    let headers = [
        Some(("Content-Type", reply.kind.to_string())),
        Some((
            "Cache-Control",
            if reply.lasting { "private, max-age=86400" } else { "no-store" }.to_string(),
        )),
        Some(("X-Content-Type-Options", "nosniff".to_string())),
        Some(("Referrer-Policy", "no-referrer".to_string())),
        Some((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'self'; frame-ancestors 'self'"
                .to_string(),
        )),
        reply.cookie.map(|c| ("Set-Cookie", c)),
    ];
    for (name, value) in headers.into_iter().flatten() {
        if let Ok(header) = tiny_http::Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    response
}

/// The pairs of a query string, percent-decoded (`+` is a space).
fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| crate::commands::serve::percent_decode(&s.replace('+', " "));
            Some((decode(key)?, decode(value)?))
        })
        .collect()
}
