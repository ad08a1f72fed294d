//! Search macros: Splunk's `macros.conf` and security_content's
//! `macros/*.yml`.
//!
//! A macro is known by its name and arity (`name` or `name(2)`, as
//! `macros.conf` stanzas are named); `$arg$` in its definition is replaced by
//! the argument given. A `<name>_filter` macro without a definition is the
//! empty tuning hook security_content's tooling generates as `search *`.

use std::collections::BTreeMap;
use std::path::Path;

/// Known macros, by `name` or `name(n)`.
#[derive(Clone, Debug, Default)]
pub struct Macros {
    defs: BTreeMap<String, (Vec<String>, String)>,
}

impl Macros {
    /// Defines a macro.
    pub fn define(&mut self, name: &str, args: &[String], body: &str) {
        let key = key(name, args.len());
        self.defs.insert(key, (args.to_vec(), body.to_string()));
    }

    /// Number of macros known.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// True if no macro is known.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// The text a call (the part between the backticks) expands to.
    pub fn expand_call(&self, call: &str) -> Result<String, String> {
        let call = call.trim();
        let (name, args) = match call.find('(') {
            Some(open) if call.ends_with(')') => (
                call[..open].trim(),
                split_args(&call[open + 1..call.len() - 1]),
            ),
            _ => (call, Vec::new()),
        };
        match self.defs.get(&key(name, args.len())) {
            Some((params, body)) => {
                let mut out = body.clone();
                for (p, a) in params.iter().zip(&args) {
                    out = out.replace(&format!("${p}$"), a);
                }
                Ok(out)
            }
            None if name.ends_with("_filter") && args.is_empty() => Ok("search *".into()),
            None => Err(format!("unknown macro `{}`", key(name, args.len()))),
        }
    }

    /// Reads `macros.conf`, a security_content macro `.yml`, or every such
    /// file in a directory. In a directory, a file that cannot be read is
    /// skipped: its message is returned (a search that calls the macro
    /// then fails as calling an unknown macro).
    pub fn load(&mut self, path: &Path) -> Result<Vec<String>, String> {
        if path.is_dir() {
            let mut files = Vec::new();
            crate::load::walk_files(path, &mut |p| files.push(p))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            let mut skipped = Vec::new();
            for f in files {
                let ext = f.extension().and_then(|e| e.to_str());
                if matches!(ext, Some("yml" | "yaml" | "conf")) {
                    match self.load(&f) {
                        Ok(more) => skipped.extend(more),
                        Err(e) => skipped.push(e),
                    }
                }
            }
            return Ok(skipped);
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if path.extension().and_then(|e| e.to_str()) == Some("conf") {
            for st in super::conf::stanzas(&text) {
                if let Some(def) = st.get("definition") {
                    let args: Vec<String> = st.get("args").map(split_args).unwrap_or_default();
                    let name = st.name.split('(').next().unwrap_or_default().trim();
                    self.define(name, &args, def);
                }
            }
            return Ok(Vec::new());
        }
        #[derive(serde::Deserialize)]
        struct Yml {
            name: String,
            definition: String,
            #[serde(default)]
            arguments: Vec<String>,
        }
        let m: Yml = serde_saphyr::from_str(&text)
            .map_err(|e| format!("{}: not a macro definition: {e}", path.display()))?;
        self.define(&m.name, &m.arguments, &m.definition);
        Ok(Vec::new())
    }
}

fn key(name: &str, n: usize) -> String {
    if n == 0 {
        name.to_string()
    } else {
        format!("{name}({n})")
    }
}

/// Splits macro arguments at commas outside quotes and parentheses.
fn split_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut depth, mut quote) = (0, false);
    for c in s.chars() {
        match c {
            '"' => quote = !quote,
            '(' if !quote => depth += 1,
            ')' if !quote => depth -= 1,
            ',' if !quote && depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() || !out.is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_and_filter_hooks() {
        let mut m = Macros::default();
        m.define("ctime", &["field".into()], "convert ctime($field$)");
        assert_eq!(
            m.expand_call("ctime(firstTime)").unwrap(),
            "convert ctime(firstTime)"
        );
        assert_eq!(m.expand_call("x_filter").unwrap(), "search *");
        assert!(m.expand_call("ctime").unwrap_err().contains("`ctime`"));
    }
}
