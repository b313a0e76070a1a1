//! The writer's form as a report: the front matter written from the field table
//! (the same table as `check`, `schema` and `new`; no second list of fields) in
//! its order, with what `new` fills in (unit, author, phone, times) where the form
//! leaves a field empty, and the category's template body when there is no body.
//! Pictures are PNG or JPEG only, stored beside the report under names the desk
//! chooses (`images/<id>-<n>.png`).

use super::http::Failure;
use crate::cli::NewArgs;
use crate::commands::new;
use crate::report::Category;
use crate::report::field::{self, Field, Kind};
use crate::run::Run;
use base64::Engine as _;
use serde_json::{Map, Value};

/// A picture the writer added.
pub struct Picture {
    /// Its caption (图说).
    pub caption: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// `png` or `jpg`, from the bytes.
    pub ext: &'static str,
}

/// The form of `POST /api/reports` (and of `POST /api/check` without `text`).
pub struct Form {
    /// The category's id or Chinese label.
    pub category: String,
    /// The title.
    pub title: String,
    /// The other fields, by front matter key.
    pub fields: Map<String, Value>,
    /// The body; the template's when empty.
    pub body: String,
    /// The pictures.
    pub pictures: Vec<Picture>,
}

/// A report made from a form: its file, id, text and pictures (paths relative to
/// the root).
pub struct Composed {
    /// The report's file.
    pub file: String,
    /// Its id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// The pictures to write with it.
    pub pictures: Vec<(String, Vec<u8>)>,
}

/// Reads the form from a request's JSON.
pub fn form(value: &Value) -> Result<Form, Failure> {
    let text = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
    let fields = match value.get("fields") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(fields)) => fields.clone(),
        Some(_) => return Err(Failure::bad("fields 应为对象", "fields must be an object")),
    };
    let unknown: Vec<&str> = fields
        .keys()
        .map(String::as_str)
        .filter(|key| field::find(field::REPORT, key).is_none() || FILLED_BY_DESK.contains(key))
        .collect();
    if !unknown.is_empty() {
        return Err(Failure::bad(
            format!("表单中有未知字段：{}", unknown.join("、")),
            format!("unknown fields in the form: {}", unknown.join(", ")),
        ));
    }
    Ok(Form {
        category: text("category"),
        title: text("title"),
        fields,
        body: text("body"),
        pictures: pictures(value.get("pictures"))?,
    })
}

/// The keys the desk writes itself, not from `fields`.
const FILLED_BY_DESK: &[&str] = &["title", "category", "images", "adoptions"];

/// The pictures of a request: `[{"name", "caption", "data": base64}]`, each a
/// PNG or a JPEG (by its bytes, whatever its name says).
pub fn pictures(value: Option<&Value>) -> Result<Vec<Picture>, Failure> {
    let Some(items) = value.filter(|v| !v.is_null()) else { return Ok(Vec::new()) };
    let items = items
        .as_array()
        .ok_or_else(|| Failure::bad("pictures 应为数组", "pictures must be an array"))?;
    let mut pictures = Vec::new();
    for item in items {
        let name = item.get("name").and_then(Value::as_str).unwrap_or("?");
        let data = item.get("data").and_then(Value::as_str).unwrap_or_default();
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(data.trim()).map_err(|_| {
                Failure::bad(
                    format!("图片 {name} 的数据不是 base64"),
                    format!("picture {name}: the data is not base64"),
                )
            })?;
        let ext = match imagesize::image_type(&bytes) {
            Ok(imagesize::ImageType::Png) => "png",
            Ok(imagesize::ImageType::Jpeg) => "jpg",
            _ => {
                return Err(Failure::bad(
                    format!("图片 {name} 不是 PNG 或 JPEG"),
                    format!("picture {name} is not a PNG or a JPEG"),
                ));
            }
        };
        let caption = item.get("caption").and_then(Value::as_str).unwrap_or_default().to_string();
        pictures.push(Picture { caption, bytes, ext });
    }
    Ok(pictures)
}

/// The report of `form`: a new one at the file `new` would choose, or the
/// report `existing` (file and id) rewritten.
pub fn compose(
    run: &Run,
    form: &Form,
    existing: Option<(&str, &str)>,
) -> Result<Composed, Failure> {
    let category = Category::parse(&form.category).ok_or_else(|| {
        Failure::bad(
            format!("未知类别 `{}`", form.category),
            format!("unknown category `{}`", form.category),
        )
    })?;
    let scalar = |key: &str| form.fields.get(key).and_then(Value::as_str).map(str::to_string);
    let args = |occurred_at: Option<String>| NewArgs {
        category: category.id().to_string(),
        title: form.title.clone(),
        unit: scalar("unit").filter(|u| !u.trim().is_empty()),
        occurred_at,
        slug: None,
    };
    let occurred = scalar("occurred_at").filter(|t| !t.trim().is_empty());
    // A time `new` cannot read still goes into the file, where `check` says what is
    // wrong with it, beside its field; the file is then named after today.
    let draft = new::draft(run, &args(occurred)).or_else(|_| new::draft(run, &args(None)));
    let draft = draft.map_err(|err| match scalar("unit") {
        None => Failure::bad(
            "请在“供稿科室”中填写科室：git 的 user.name 不是 xinbao.yaml 中的人员（也可在终端运行 git config user.name 你的姓名）",
            "fill in the unit: git's user.name is not a person of xinbao.yaml (or run git config user.name with your name)",
        ),
        Some(_) => Failure::from(err),
    })?;
    let (file, id) = match existing {
        Some((file, id)) => (file.to_string(), id.to_string()),
        None => (draft.file.clone(), draft.id.clone()),
    };
    let folder = file.rsplit_once('/').map_or("", |(folder, _)| folder);
    let mut pictures = Vec::new();
    let mut images = Vec::new();
    for (n, picture) in form.pictures.iter().enumerate() {
        let name = format!("images/{id}-{}.{}", n + 1, picture.ext);
        pictures.push((format!("{folder}/{name}"), picture.bytes.clone()));
        images.push(serde_json::json!({"file": name, "caption": picture.caption}));
    }
    let mut given = form.fields.clone();
    given.insert("title".into(), form.title.clone().into());
    given.insert("category".into(), category.id().into());
    if !images.is_empty() {
        given.insert("images".into(), Value::Array(images));
    }
    for (key, value) in &draft.values {
        let empty = given.get(*key).is_none_or(is_empty);
        if empty && !value.is_empty() {
            given.insert(key.to_string(), value.clone().into());
        }
    }
    let mut front = String::from("---\n");
    for field in field::REPORT {
        write_field(field, given.get(field.key), category, 0, &mut front);
    }
    front.push_str("---\n");
    let body = match form.body.trim() {
        "" => draft.body,
        _ => format!("\n{}\n", form.body.trim_end()),
    };
    Ok(Composed { file, id, text: front + &body, pictures })
}

/// `key: value` for `field` at `depth`: the given value, or an empty line when a
/// report of `category` needs the field (so `check` says it is missing, beside it).
fn write_field(
    field: &Field,
    value: Option<&Value>,
    category: Category,
    depth: usize,
    out: &mut String,
) {
    let indent = "  ".repeat(depth);
    let needed = field.required_for(Some(category));
    let value = value.filter(|v| !is_empty(v));
    match (field.kind, value) {
        (Kind::Record(parts), Some(Value::Object(map))) => {
            out.push_str(&format!("{indent}{}:\n", field.key));
            for part in parts {
                write_field(part, map.get(part.key), category, depth + 1, out);
            }
        }
        (Kind::Record(parts), _) if needed => {
            out.push_str(&format!("{indent}{}:\n", field.key));
            for part in parts {
                write_field(part, None, category, depth + 1, out);
            }
        }
        (Kind::Records(parts), Some(Value::Array(items))) => {
            out.push_str(&format!("{indent}{}:\n", field.key));
            for item in items {
                let mut lines = String::new();
                for part in parts {
                    write_field(part, item.get(part.key), category, depth + 2, &mut lines);
                }
                let lines = lines.trim_start();
                out.push_str(&format!("{indent}  - {lines}"));
            }
        }
        (_, Some(value)) => out.push_str(&format!("{indent}{}: {}\n", field.key, yaml(value))),
        (_, None) if needed => out.push_str(&format!("{indent}{}:\n", field.key)),
        (_, None) => {}
    }
}

/// A JSON value written as YAML (JSON's strings, numbers and lists are YAML).
fn yaml(value: &Value) -> String {
    match value {
        Value::String(text) => serde_json::to_string(text.trim()).unwrap_or_default(),
        Value::Object(_) => "{}".into(),
        other => other.to_string(),
    }
}

/// Nothing written: null, an empty or blank text, an empty list.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The field table for the form of `category`: every field but those the desk
/// writes itself, with its label, hint, example, kind, whether it is required,
/// and its own fields (the emergency block).
pub fn fields_json(category: Category, lang: crate::lang::Lang) -> Value {
    fn one(field: &Field, category: Category, lang: crate::lang::Lang) -> Value {
        serde_json::json!({
            "key": field.key,
            "label": field.label(lang),
            "hint": field.hint,
            "example": field.example,
            "kind": kind_name(field.kind_for(Some(category))),
            "required": field.required_for(Some(category)),
            "fields": field.fields().iter().map(|f| one(f, category, lang)).collect::<Vec<_>>(),
        })
    }
    let fields: Vec<Value> = field::REPORT
        .iter()
        .filter(|f| !FILLED_BY_DESK.contains(&f.key))
        .filter(|f| f.only_for.is_empty() || f.only_for.contains(&category))
        .filter(|f| !matches!(f.kind, Kind::Record(_)) || f.required_for(Some(category)))
        .map(|f| one(f, category, lang))
        .collect();
    let categories: Vec<Value> = Category::ALL
        .iter()
        .map(|c| serde_json::json!({"id": c.id(), "label": c.label()}))
        .collect();
    serde_json::json!({"category": category.id(), "categories": categories, "fields": fields})
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Line => "line",
        Kind::Texts => "texts",
        Kind::Date => "date",
        Kind::Time => "time",
        Kind::DateOrTime => "date-or-time",
        Kind::Phone => "phone",
        Kind::Category => "category",
        Kind::Unit => "unit",
        Kind::Severity => "severity",
        Kind::Level => "level",
        Kind::Count => "count",
        Kind::Record(_) => "record",
        Kind::Records(_) => "records",
    }
}
