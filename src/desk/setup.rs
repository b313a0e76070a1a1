//! The desk's set-up page (SPEC §11): the office (or an admin) fills in the
//! bureau, its units and people and pastes a person's public key, and the desk
//! writes them into `xinbao.yaml` — the rest of the file (limits, quotas,
//! comments) as it was — and commits the change signed with the user's own
//! signing set-up, by the same code as `approve`, so that it takes effect as
//! SPEC §6.1 requires. A change that would not take effect is undone.

use super::http::Failure;
use crate::config::{self, Role, placeholders};
use crate::diag::{Diagnostics, Rule, Severity};
use crate::run::Run;
use crate::yaml::{Kind, Node};
use serde_json::{Map, Value, json};

/// The work tree's `xinbao.yaml`, its text and tree.
fn read(run: &Run) -> Result<(String, Node), Failure> {
    let bytes = run
        .workspace()
        .read_file(config::FILE, crate::workspace::MAX_FILE_BYTES)
        .map_err(std::io::Error::from);
    let text =
        bytes.and_then(|b| String::from_utf8(b).map_err(std::io::Error::other)).map_err(|e| {
            Failure::bad(
                format!("无法读取 {}：{e}", config::FILE),
                format!("cannot read {}: {e}", config::FILE),
            )
        })?;
    let node = crate::yaml::parse(&text, 1).map_err(|_| {
        Failure::bad(
            format!("{} 不是合法的 YAML，请先用 `xinbao check` 查看并改正", config::FILE),
            format!("{} is not valid YAML; see `xinbao check` and fix it first", config::FILE),
        )
    })?;
    Ok((text, node))
}

/// The placeholders of `init` still in the work tree's settings (none when it
/// cannot be read: `check` says why).
pub fn placeholders(run: &Run) -> Vec<String> {
    read(run)
        .map(|(_, node)| placeholders::find(&node).into_iter().map(|p| p.text).collect())
        .unwrap_or_default()
}

/// Whether `name` may use the set-up page: an office or admin person, or anyone
/// while the settings name no office or admin key (SPEC §6.1's bootstrap: there
/// is nobody to sign yet).
pub fn may_set_up(settings: &config::Settings, name: Option<&str>) -> bool {
    let person = name.and_then(|n| settings.person(n));
    let keeper =
        |p: &config::Person| p.roles.iter().any(|r| matches!(r, Role::Office | Role::Admin));
    person.is_some_and(keeper) || !settings.people.iter().any(|p| keeper(p) && !p.keys.is_empty())
}

/// A YAML tree as JSON (scalars as text).
fn json_of(node: &Node) -> Value {
    match &node.kind {
        Kind::Null => Value::Null,
        Kind::Scalar(text) => Value::String(text.clone()),
        Kind::Seq(items) => Value::Array(items.iter().map(json_of).collect()),
        Kind::Map(entries) => {
            Value::Object(entries.iter().map(|e| (e.key.clone(), json_of(&e.value))).collect())
        }
    }
}

/// `GET /api/settings`: the bureau, the units and the people as the file has them
/// (keys included), and the placeholders still there.
pub fn current(run: &Run) -> Result<Value, Failure> {
    let (_, node) = read(run)?;
    let field = |key: &str| node.get(key).map(json_of).unwrap_or(Value::Null);
    Ok(json!({
        "bureau": field("bureau"),
        "office": field("office"),
        "units": field("units"),
        "people": field("people"),
        "placeholders": placeholders::find(&node).into_iter().map(|p| p.text).collect::<Vec<_>>(),
    }))
}

/// A text as a YAML scalar: JSON's quoted string is one.
fn quoted(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

/// The people of a request as YAML lines (`people:` and its block): each
/// person's keys in a fixed order, text values quoted, empty ones left out.
fn people_yaml(people: &[Value]) -> Result<Vec<String>, Failure> {
    const ORDER: &[&str] = &["name", "unit", "roles", "supervises", "phone", "keys"];
    let mut lines = vec!["people:".to_string()];
    for person in people {
        let fields = person
            .as_object()
            .ok_or_else(|| Failure::bad("人员应为对象", "a person must be an object"))?;
        let mut keys: Vec<&String> = fields.keys().collect();
        keys.sort_by_key(|k| {
            (ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()), k.as_str())
        });
        let mut first = true;
        for key in keys {
            let value = &fields[key];
            let lead = if first { "  - " } else { "    " };
            let line = match value {
                Value::String(text) if text.trim().is_empty() => continue,
                Value::String(text) => format!("{lead}{key}: {}", quoted(text.trim())),
                Value::Array(items) if items.is_empty() => continue,
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    let items: Vec<String> =
                        items.iter().filter_map(Value::as_str).map(quoted).collect();
                    format!("{lead}{key}: [{}]", items.join(", "))
                }
                Value::Array(items) => {
                    lines.push(format!("{lead}{key}:"));
                    first = false;
                    for item in items {
                        let entries = item.as_object().ok_or_else(|| {
                            Failure::bad(
                                format!("{key} 的每一项应为对象"),
                                format!("each item of {key} must be an object"),
                            )
                        })?;
                        for (i, (k, v)) in entries.iter().enumerate() {
                            let text = v.as_str().ok_or_else(|| {
                                Failure::bad(
                                    format!("{key}.{k} 应为文字"),
                                    format!("{key}.{k} must be text"),
                                )
                            })?;
                            let lead = if i == 0 { "      - " } else { "        " };
                            lines.push(format!("{lead}{k}: {}", quoted(text.trim())));
                        }
                    }
                    continue;
                }
                Value::Null => continue,
                _ => {
                    return Err(Failure::bad(
                        format!("{key} 应为文字或列表"),
                        format!("{key} must be text or a list"),
                    ));
                }
            };
            lines.push(line);
            first = false;
        }
    }
    Ok(lines)
}

/// The lines (0-based, end exclusive) of the top-level entry `key`: from its key
/// to the next top-level key, without the blank lines and unindented comments
/// before that one (they belong to it).
fn block(node: &Node, lines: &[&str], key: &str) -> Option<(usize, usize)> {
    let entries = node.entries()?;
    let at = entries.iter().position(|e| e.key == key)?;
    let start = entries[at].key_pos.line as usize - 1;
    let mut end = entries.get(at + 1).map_or(lines.len(), |e| e.key_pos.line as usize - 1);
    while end > start + 1 && (lines[end - 1].trim().is_empty() || lines[end - 1].starts_with('#')) {
        end -= 1;
    }
    Some((start, end))
}

/// `text` with the scalar `node` (on one line) replaced by `value`, quoted.
fn replace_scalar(lines: &mut [String], node: &Node, value: &str) {
    if node.pos.line != node.end.line || node.as_str().is_none() {
        return;
    }
    let line = &mut lines[node.pos.line as usize - 1];
    let chars: Vec<char> = line.chars().collect();
    let (from, to) =
        (node.pos.column as usize - 1, (node.end.column as usize - 1).min(chars.len()));
    *line = chars[..from]
        .iter()
        .chain(quoted(value).chars().collect::<Vec<_>>().iter())
        .chain(chars[to..].iter())
        .collect();
}

/// The settings `text` with the bureau, units and people of `body` (each when
/// given) written in, and the bulletin's editor when it is still `init`'s.
pub fn edited(text: &str, body: &Value) -> Result<String, Failure> {
    let node = crate::yaml::parse(text, 1).map_err(|_| {
        Failure::bad("xinbao.yaml 不是合法的 YAML", "xinbao.yaml is not valid YAML")
    })?;
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let bureau =
        body.get("bureau").and_then(Value::as_str).map(str::trim).filter(|b| !b.is_empty());
    if let Some(bureau) = bureau {
        if let Some(old) = node.get("bureau") {
            replace_scalar(&mut lines, old, bureau);
        }
        let office = node.get("office").and_then(Node::as_str).unwrap_or("办公室");
        let editor = node.get("bulletin").and_then(|b| b.get("editor"));
        let placeholder = placeholders::find(&node);
        if let Some(editor) = editor.filter(|e| placeholder.iter().any(|p| p.span == e.span())) {
            replace_scalar(&mut lines, editor, &format!("{bureau}{office}"));
        }
    }
    // Whole blocks, the later first, so the earlier keep their lines.
    let mut blocks: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let borrowed: Vec<&str> = text.lines().collect();
    if let Some(units) = body.get("units") {
        let units: Vec<&str> = units
            .as_array()
            .map(|u| {
                u.iter()
                    .filter_map(Value::as_str)
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if units.is_empty() {
            return Err(Failure::bad("至少要有一个科室", "at least one unit is needed"));
        }
        let line =
            format!("units: [{}]", units.iter().map(|u| quoted(u)).collect::<Vec<_>>().join(", "));
        let (start, end) = block(&node, &borrowed, "units").unwrap_or((lines.len(), lines.len()));
        blocks.push((start, end, vec![line]));
    }
    if let Some(people) = body.get("people") {
        let people = people
            .as_array()
            .ok_or_else(|| Failure::bad("people 应为列表", "people must be a list"))?;
        let (start, end) = block(&node, &borrowed, "people").unwrap_or((lines.len(), lines.len()));
        blocks.push((start, end, people_yaml(people)?));
    }
    blocks.sort_by_key(|b| std::cmp::Reverse(b.0));
    for (start, end, new) in blocks {
        lines.splice(start..end, new);
    }
    Ok(lines.join("\n") + "\n")
}

/// Adds the SSH public key `key` (pasted) to the person `name` of `body`'s people.
fn add_key(body: &mut Value, name: &str, key: &str) -> Result<(), Failure> {
    let key = key.trim();
    ssh_key::PublicKey::from_openssh(key).map_err(|_| {
        Failure::bad(
            "公钥应为一行 ssh-ed25519 AAAA… （ssh-keygen 生成的 .pub 文件的内容）",
            "the public key must be one line ssh-ed25519 AAAA… (the content of the .pub file ssh-keygen made)",
        )
    })?;
    let people = body
        .get_mut("people")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| Failure::bad("缺少 people", "people is missing"))?;
    let person = people.iter_mut().find(|p| p["name"] == name).ok_or_else(|| {
        Failure::bad(format!("people 中没有 {name}"), format!("{name} is not in people"))
    })?;
    let fields = person
        .as_object_mut()
        .ok_or_else(|| Failure::bad("人员应为对象", "a person must be an object"))?;
    let keys = fields.entry("keys").or_insert_with(|| Value::Array(Vec::new()));
    if !keys.is_array() {
        *keys = Value::Array(Vec::new());
    }
    let mut entry = Map::new();
    entry.insert("ssh".to_string(), Value::String(key.to_string()));
    keys.as_array_mut().into_iter().for_each(|k| k.push(Value::Object(entry.clone())));
    Ok(())
}

/// `POST /api/settings` `{"bureau"?, "units"?, "people"?, "key"?: {"name", "ssh"}}`:
/// the settings written and committed, signed; `{"commit", "pushed", "warnings"}`.
pub fn save(run: &Run, body: &Value, user: Option<&str>) -> Result<Value, Failure> {
    let (text, _) = read(run)?;
    let settings = config::from_bytes(text.clone().into_bytes(), &mut Diagnostics::default())?;
    if !may_set_up(&settings, user) {
        return Err(Failure::forbidden(
            "not-authorized",
            "只有办公室或管理员可以修改设置",
            "only the office or an admin may change the settings",
        ));
    }
    if crate::commit::dirty_files(run.root())?.iter().any(|f| f == config::FILE) {
        return Err(Failure::conflict(
            format!("{} 有未提交的改动，请先提交或撤销", config::FILE),
            format!("{} has uncommitted changes; commit or undo them first", config::FILE),
        ));
    }
    let mut body = body.clone();
    if let Some(key) = body.get("key").cloned().filter(|k| !k.is_null()) {
        let name = key.get("name").and_then(Value::as_str).unwrap_or_default();
        add_key(&mut body, name, key.get("ssh").and_then(Value::as_str).unwrap_or_default())?;
    }
    let new = edited(&text, &body)?;
    let mut diags = Diagnostics::default();
    config::from_bytes(new.clone().into_bytes(), &mut diags)?;
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}:{}: {}", config::FILE, d.pos.line, d.message.get(run.lang())))
        .collect();
    if !errors.is_empty() {
        return Err(Failure::bad(
            format!("设置有误，未保存：{}", errors.join("；")),
            format!("the settings are wrong; nothing was saved: {}", errors.join("; ")),
        ));
    }
    let path = run.root().join(config::FILE);
    crate::atomic::write(&path, new.as_bytes()).map_err(anyhow::Error::from)?;
    let signing = crate::commit::Signing {
        commit: &["commit", "-S", "-q", "-F", "-", "--", config::FILE],
        abort: &[],
        undo: &["reset", "-q", "HEAD^"],
    };
    let restore = || {
        let _ = crate::atomic::write(&path, text.as_bytes());
    };
    let message = "设置：局名、科室和人员（工作台）\n";
    let counted = |ledger: &crate::approval::Ledger, head: git2::Oid| {
        !ledger.problems.iter().any(|p| p.rule == Rule::SettingsUnsigned && p.commit == head)
    };
    let refusal = (
        "这次修改没有当时生效设置中办公室或管理员的有效签名，不会生效，已撤销（SPEC §6.1）：请用已登记的办公室或管理员密钥签名",
        "this change has no valid office or admin signature under the settings before it and would not take effect; it was undone (SPEC §6.1): sign with a registered office or admin key",
    );
    let head = super::signed::commit(run, &signing, message, counted, restore, refusal)?;
    let commit = head.to_string();
    let pushed = super::branches::pushed(run, &commit, "--hard")?;
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.message.get(run.lang()).to_string())
        .collect::<Vec<_>>();
    Ok(json!({"commit": commit, "pushed": pushed, "warnings": warnings}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_replaces_inits_placeholders_and_keeps_the_rest() {
        let template = crate::config::INIT;
        let body = json!({
            "bureau": "测试县发展和改革局",
            "units": ["办公室", "投资科"],
            "people": [
                {"name": "张三", "unit": "投资科", "roles": ["writer"], "phone": "13800000000"},
                {"name": "钱七", "unit": "办公室", "roles": ["office"],
                 "keys": [{"ssh": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx qian", "valid_from": "2027-01-01"}]},
            ],
        });
        let text = edited(template, &body).unwrap();
        let node = crate::yaml::parse(&text, 1).unwrap();
        assert!(placeholders::find(&node).is_empty(), "{text}");
        assert_eq!(node.get("bureau").and_then(Node::as_str), Some("测试县发展和改革局"));
        let editor = node.get("bulletin").and_then(|b| b.get("editor")).and_then(Node::as_str);
        assert_eq!(editor, Some("测试县发展和改革局办公室"));
        let people = json_of(node.get("people").unwrap());
        assert_eq!(people[1]["keys"][0]["valid_from"], "2027-01-01", "{text}");
        assert_eq!(people[0]["roles"], json!(["writer"]));
        // The rest as it was: the limits with their comments, the commented-out effective_from.
        for kept in [
            "  routine: next-day                   # 一般工作信息：当天或次日",
            "# effective_from: 2027-01-01",
            "timezone: \"+08:00\"",
        ] {
            assert!(text.contains(kept), "{kept} kept:\n{text}");
        }
        assert!(!text.contains("信息员甲"), "{text}");
    }
}
