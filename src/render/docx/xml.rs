//! A part of the package as a small tree of quick-xml events, so the package
//! pass can reorder, drop and add elements. Text, attributes and everything else
//! are kept byte for byte as docx-rs wrote them (never unescaped and escaped
//! again).

use quick_xml::events::{BytesEnd, BytesStart, Event};

/// One node of a part: an element with its children, or any other event.
#[derive(Clone, Debug)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Text, a declaration, a comment…: written back as it was read.
    Other(Event<'static>),
}

/// An element: its start tag (name and attributes) and its children.
#[derive(Clone, Debug)]
pub struct Element {
    /// The start tag.
    pub start: BytesStart<'static>,
    /// The children, in order.
    pub children: Vec<Node>,
}

impl Element {
    /// An element named `name` without attributes or children.
    pub fn new(name: &str) -> Element {
        Element { start: BytesStart::new(name.to_string()), children: Vec::new() }
    }

    /// The qualified name, `w:pPr`.
    pub fn name(&self) -> &[u8] {
        self.start.name().into_inner()
    }

    /// The raw (escaped) value of attribute `key`.
    pub fn attribute(&self, key: &str) -> Option<Vec<u8>> {
        self.start
            .attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key.as_bytes())
            .map(|a| a.value.into_owned())
    }

    /// Sets attribute `key` to `value` (escaped here), keeping the others in order.
    pub fn set_attribute(&mut self, key: &str, value: &str) {
        let mut start = BytesStart::new(String::from_utf8_lossy(self.name()).into_owned());
        let mut found = false;
        for attribute in self.start.attributes().flatten() {
            if attribute.key.as_ref() == key.as_bytes() {
                if !found {
                    start.push_attribute((key, value));
                }
                found = true;
            } else {
                start.push_attribute(attribute);
            }
        }
        if !found {
            start.push_attribute((key, value));
        }
        self.start = start;
    }

    /// Removes attribute `key`.
    pub fn remove_attribute(&mut self, key: &str) {
        let mut start = BytesStart::new(String::from_utf8_lossy(self.name()).into_owned());
        for attribute in self.start.attributes().flatten() {
            if attribute.key.as_ref() != key.as_bytes() {
                start.push_attribute(attribute);
            }
        }
        self.start = start;
    }
}

/// Reads a part into its top-level nodes (the declaration and the root element).
pub fn parse(bytes: &[u8]) -> Result<Vec<Node>, quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut stack: Vec<Element> = Vec::new();
    let mut top = Vec::new();
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf)?.into_owned();
        buf.clear();
        let node = match event {
            Event::Eof => break,
            Event::Start(start) => {
                stack.push(Element { start, children: Vec::new() });
                continue;
            }
            Event::End(_) => match stack.pop() {
                Some(element) => Node::Element(element),
                None => continue,
            },
            Event::Empty(start) => Node::Element(Element { start, children: Vec::new() }),
            other => Node::Other(other),
        };
        match stack.last_mut() {
            Some(parent) => parent.children.push(node),
            None => top.push(node),
        }
    }
    Ok(top)
}

/// Writes nodes back; an element without children is written as an empty tag.
pub fn write(nodes: &[Node]) -> Vec<u8> {
    fn put(writer: &mut quick_xml::Writer<Vec<u8>>, node: &Node) -> std::io::Result<()> {
        match node {
            Node::Other(event) => writer.write_event(event.borrow()),
            Node::Element(element) if element.children.is_empty() => {
                writer.write_event(Event::Empty(element.start.borrow()))
            }
            Node::Element(element) => {
                writer.write_event(Event::Start(element.start.borrow()))?;
                for child in &element.children {
                    put(writer, child)?;
                }
                let name = String::from_utf8_lossy(element.name()).into_owned();
                writer.write_event(Event::End(BytesEnd::new(name)))
            }
        }
    }
    let mut writer = quick_xml::Writer::new(Vec::new());
    for node in nodes {
        // Writing into a Vec cannot fail.
        let _ = put(&mut writer, node);
    }
    writer.into_inner()
}

/// Calls `visit` on every element of `nodes`, parents before children, with the
/// name of the parent (empty at the top).
pub fn walk(nodes: &mut [Node], parent: &[u8], visit: &mut dyn FnMut(&mut Element, &[u8])) {
    for node in nodes {
        if let Node::Element(element) = node {
            visit(element, parent);
            let name = element.name().to_vec();
            walk(&mut element.children, &name, visit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_reads_and_writes_back_unchanged() {
        let text = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:p a="1 &amp; 2"><w:r><w:t xml:space="preserve">甲 &lt; 乙</w:t></w:r><w:x /></w:p>"#;
        let nodes = parse(text.as_bytes()).unwrap();
        let out = String::from_utf8(write(&nodes)).unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn attributes_are_set_escaped_and_removed() {
        let mut nodes = parse(br#"<w:gridCol w:w="10" w:type="dxa"/>"#).unwrap();
        let Node::Element(element) = &mut nodes[0] else { panic!() };
        element.remove_attribute("w:type");
        element.set_attribute("descr", "图 <1>");
        assert_eq!(element.attribute("w:w").as_deref(), Some(&b"10"[..]));
        let out = String::from_utf8(write(&nodes)).unwrap();
        assert_eq!(out, r#"<w:gridCol w:w="10" descr="图 &lt;1&gt;"/>"#);
    }
}
