//! Splunk `.conf` files (`savedsearches.conf`, `macros.conf`): `[stanza]`
//! headers, `key = value` lines, a `\` at a line's end continuing the value
//! on the next line, `#` comment lines.

/// One `[stanza]` and its settings.
#[derive(Clone, Debug, Default)]
pub struct Stanza {
    /// The name between the brackets.
    pub name: String,
    /// Where the header starts in the file.
    pub at: usize,
    /// `key`, value, and where the value starts in the file.
    pub entries: Vec<(String, String, usize)>,
}

impl Stanza {
    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, _)| v.as_str())
    }

    /// Where the value of a key starts.
    pub fn offset(&self, key: &str) -> Option<usize> {
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, at)| *at)
    }
}

/// Parses the stanzas of a `.conf` file.
pub fn stanzas(text: &str) -> Vec<Stanza> {
    let mut out: Vec<Stanza> = Vec::new();
    let mut lines = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        lines.push((at, l.trim_end_matches(['\n', '\r'])));
        at += l.len();
    }
    let mut i = 0;
    while i < lines.len() {
        let (at, line) = lines[i];
        i += 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            out.push(Stanza {
                name: t[1..t.len() - 1].to_string(),
                at,
                entries: Vec::new(),
            });
            continue;
        }
        let Some(eq) = line.find('=') else { continue };
        let key = line[..eq].trim().to_string();
        let raw = &line[eq + 1..];
        let lead = raw.len() - raw.trim_start().len();
        let start = at + eq + 1 + lead;
        let mut value = raw.trim_start().to_string();
        // `\` + newline continues the value; Splunk keeps the line break.
        while value.ends_with('\\') && i < lines.len() {
            value.pop();
            value.push('\n');
            value.push_str(lines[i].1);
            i += 1;
        }
        if out.is_empty() {
            out.push(Stanza {
                name: "default".into(),
                ..Stanza::default()
            });
        }
        if let Some(st) = out.last_mut() {
            st.entries.push((key, value.trim_end().to_string(), start));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_and_offsets() {
        let text = "# c\n[A b]\nsearch = index=x \\\n| head 1\ndescription=d\n";
        let st = stanzas(text);
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].name, "A b");
        assert_eq!(st[0].get("search"), Some("index=x \n| head 1"));
        assert_eq!(&text[st[0].offset("search").unwrap()..][..7], "index=x");
        assert_eq!(st[0].get("description"), Some("d"));
    }
}
