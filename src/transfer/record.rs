//! One 件's metadata (SPEC §7.1; GB/T 18894, DA/T 46 elements), written as XML
//! into its folder and into the catalogue, and read back by the verifier.

use std::fmt::Write as _;

/// What the metadata say of one 件.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// 电子文件号: the report id.
    pub id: String,
    /// 档号.
    pub code: String,
    /// 全宗号.
    pub fonds: String,
    /// 立档单位名称.
    pub fonds_name: String,
    /// 年度.
    pub year: String,
    /// 保管期限: Y, D30, D10.
    pub retention: String,
    /// 机构或问题: the unit's code.
    pub unit_code: String,
    /// 件号: four digits.
    pub item: String,
    /// 题名.
    pub title: String,
    /// 责任者: the unit.
    pub unit: String,
    /// 日期: YYYYMMDD of the publication.
    pub date: String,
    /// 文号: the bulletin issue it appeared in, if any.
    pub number: String,
    /// 密级.
    pub classification: String,
    /// 页数 of the PDF.
    pub pages: String,
    /// 格式信息.
    pub format: String,
    /// 计算机文件名 of the PDF.
    pub file_name: String,
    /// 计算机文件大小 in bytes.
    pub file_size: String,
    /// 数字摘要: the PDF's SHA-256, hex.
    pub digest: String,
    /// 文档创建程序.
    pub creator: String,
    /// 备注 (已撤回, 迟报).
    pub remark: String,
    /// 业务行为: 起草, 审核, 发布, 归档, in order.
    pub actions: Vec<Action>,
}

/// One business action (业务行为) from the history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Action {
    /// 起草, 审核, 发布 or 归档.
    pub kind: String,
    /// 机构人员名称.
    pub person: String,
    /// 行为时间, RFC 3339.
    pub time: String,
    /// The commit that records it (none for 归档).
    pub commit: String,
    /// The fingerprint of the key that signed it (审核, 发布).
    pub key: String,
    /// The server's receipt time (起草), if any.
    pub received: String,
}

/// The elements every 件 must have, as they are named in the XML, with their values.
pub fn elements(r: &Record) -> [(&'static str, &str, bool); 20] {
    [
        ("电子文件号", &r.id, true),
        ("档号", &r.code, true),
        ("全宗号", &r.fonds, true),
        ("立档单位名称", &r.fonds_name, true),
        ("年度", &r.year, true),
        ("保管期限", &r.retention, true),
        ("机构或问题", &r.unit_code, true),
        ("件号", &r.item, true),
        ("题名", &r.title, true),
        ("责任者", &r.unit, true),
        ("日期", &r.date, true),
        ("文号", &r.number, false),
        ("密级", &r.classification, true),
        ("页数", &r.pages, true),
        ("格式信息", &r.format, true),
        ("计算机文件名", &r.file_name, true),
        ("计算机文件大小", &r.file_size, true),
        ("数字摘要", &r.digest, true),
        ("文档创建程序", &r.creator, true),
        ("备注", &r.remark, false),
    ]
}

/// Escapes text for XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

impl Record {
    /// The `<文件>` element, indented by `indent` spaces.
    pub fn element(&self, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let mut x = format!("{pad}<文件>\n");
        for (name, value, _) in elements(self) {
            let attribute = if name == "数字摘要" { " 算法=\"SHA-256\"" } else { "" };
            let _ = writeln!(x, "{pad}  <{name}{attribute}>{}</{name}>", escape(value));
        }
        let _ = writeln!(x, "{pad}  <业务行为>");
        for a in &self.actions {
            let _ = writeln!(x, "{pad}    <行为 类型=\"{}\">", escape(&a.kind));
            for (name, value) in [
                ("机构人员名称", &a.person),
                ("行为时间", &a.time),
                ("提交", &a.commit),
                ("密钥指纹", &a.key),
                ("收条时间", &a.received),
            ] {
                if !value.is_empty() {
                    let _ = writeln!(x, "{pad}      <{name}>{}</{name}>", escape(value));
                }
            }
            let _ = writeln!(x, "{pad}    </行为>");
        }
        let _ = writeln!(x, "{pad}  </业务行为>\n{pad}</文件>");
        x
    }

    /// The 件's own metadata file.
    pub fn document(&self) -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}", self.element(0))
    }

    /// The action of `kind`, if recorded.
    pub fn action(&self, kind: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.kind == kind)
    }
}

/// Reads every `<文件>` of an XML document: its records, or why it is not well formed.
pub fn read(xml: &str) -> Result<Vec<Record>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut records = Vec::new();
    let mut current: Option<Record> = None;
    let mut action: Option<Action> = None;
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Err(err) => {
                return Err(format!(
                    "第 {} 字节 / at byte {}: {err}",
                    reader.buffer_position(),
                    reader.buffer_position()
                ));
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(start)) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                match name.as_str() {
                    "文件" => current = Some(Record::default()),
                    "行为" => {
                        let mut a = Action::default();
                        for attribute in start.attributes().flatten() {
                            if attribute.key.as_ref() == "类型".as_bytes() {
                                a.kind = attribute
                                    .decoded_and_normalized_value(
                                        quick_xml::XmlVersion::Implicit1_0,
                                        reader.decoder(),
                                    )
                                    .map(|v| v.into_owned())
                                    .unwrap_or_default();
                            }
                        }
                        action = Some(a);
                    }
                    _ => {}
                }
                path.push(name);
            }
            Ok(Event::End(_)) => match path.pop().as_deref() {
                Some("文件") => records.extend(current.take()),
                Some("行为") => {
                    if let (Some(r), Some(a)) = (current.as_mut(), action.take()) {
                        r.actions.push(a);
                    }
                }
                _ => {}
            },
            Ok(Event::Text(text)) => {
                let value = text.decode().map_err(|e| e.to_string())?;
                let value = quick_xml::escape::unescape(&value).map_err(|e| e.to_string())?;
                let Some(name) = path.last() else { continue };
                append(current.as_mut(), action.as_mut(), name, &value);
            }
            Ok(Event::GeneralRef(reference)) => {
                // An entity between text pieces (&amp; and the like).
                let entity = String::from_utf8_lossy(&reference).into_owned();
                let text = match entity.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => return Err(format!("unknown entity &{entity};")),
                };
                let Some(name) = path.last() else { continue };
                append(current.as_mut(), action.as_mut(), name, text);
            }
            Ok(_) => {}
        }
    }
    if !path.is_empty() {
        return Err(format!("未闭合的元素 / unclosed element <{}>", path.join("><")));
    }
    Ok(records)
}

/// Adds `text` to the element `name` of the action being read, else of the record.
fn append(record: Option<&mut Record>, action: Option<&mut Action>, name: &str, text: &str) {
    let slot = match (action, record) {
        (Some(a), _) => match name {
            "机构人员名称" => Some(&mut a.person),
            "行为时间" => Some(&mut a.time),
            "提交" => Some(&mut a.commit),
            "密钥指纹" => Some(&mut a.key),
            "收条时间" => Some(&mut a.received),
            _ => None,
        },
        (None, Some(r)) => slot(r, name),
        (None, None) => None,
    };
    if let Some(slot) = slot {
        slot.push_str(text);
    }
}

/// The field of `record` that element `name` fills.
fn slot<'r>(record: &'r mut Record, name: &str) -> Option<&'r mut String> {
    Some(match name {
        "电子文件号" => &mut record.id,
        "档号" => &mut record.code,
        "全宗号" => &mut record.fonds,
        "立档单位名称" => &mut record.fonds_name,
        "年度" => &mut record.year,
        "保管期限" => &mut record.retention,
        "机构或问题" => &mut record.unit_code,
        "件号" => &mut record.item,
        "题名" => &mut record.title,
        "责任者" => &mut record.unit,
        "日期" => &mut record.date,
        "文号" => &mut record.number,
        "密级" => &mut record.classification,
        "页数" => &mut record.pages,
        "格式信息" => &mut record.format,
        "计算机文件名" => &mut record.file_name,
        "计算机文件大小" => &mut record.file_size,
        "数字摘要" => &mut record.digest,
        "文档创建程序" => &mut record.creator,
        "备注" => &mut record.remark,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_it_was_written() {
        let record = Record {
            id: "2026-03-02-r1".into(),
            code: "Z109-WS·2026-D30-BGS-0001".into(),
            title: "A & B <调度会>".into(),
            remark: "已撤回".into(),
            actions: vec![Action {
                kind: "审核".into(),
                person: "李四".into(),
                time: "2026-03-02T20:00:00+08:00".into(),
                commit: "abc".into(),
                key: "SHA256:x".into(),
                received: String::new(),
            }],
            ..Record::default()
        };
        let read = read(&record.document()).unwrap();
        assert_eq!(read, vec![record]);
        assert!(read_fails("<文件><题名>x</文件>"));
        assert!(read_fails("<文件><题名>x</题名>"));
    }

    fn read_fails(xml: &str) -> bool {
        read(xml).is_err()
    }
}
