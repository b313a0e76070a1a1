//! The desk's HTTP loop: each request passes the gate ([`super::security`]), then
//! goes to the page ([`super::pages`]) or the API ([`super::api`]); answers are
//! JSON, errors `{"error": {"code", "message"}}` ([`super::http`]). Requests are answered one at a
//! time, so two changes never race in the repository (the second sees the first).

use super::http::{Desk, Failure, Reply, Request};
use super::security::{self, Asked};
use std::io::Read as _;

/// The largest request body read (a report with its pictures).
const MAX_BODY: u64 = 64 << 20;

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
    if let Some(path) = request.path.strip_prefix("/archive/") {
        let run = crate::run::Run::warm(desk.lang, desk.trust_root.clone(), &desk.warm);
        return super::archive::file(desk, &run, path);
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
