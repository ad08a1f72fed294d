//! Sigma string values: wildcards, escapes and placeholders.
//!
//! The escape rules are the Sigma specification's (rules v2, "Escape
//! Character"), implemented exactly as pySigma's `SigmaString` does: `*` and
//! `?` are wildcards; a backslash escapes `*`, `?` and `\`; a backslash
//! before any other character (or at the end) is itself literal. So
//! `C:\Windows\*` is a literal star and `C:\Windows\\*` a backslash then a
//! wildcard.

use crate::ir::{Text, TextPart};

/// A piece of a Sigma value on its way to IR text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Literal characters.
    Lit(String),
    /// Bytes produced by `wide`/`utf16*`, waiting for `base64`.
    Bytes(Vec<u8>),
    /// `*`
    AnyString,
    /// `?`
    AnyChar,
    /// A placeholder (`%name%` with `expand`, `{name}` in Auth0 rules).
    Param(String),
}

/// A Sigma value as parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SigmaStr {
    /// The parts, adjacent literals merged.
    pub parts: Vec<Part>,
}

impl SigmaStr {
    /// Literal text, no wildcard processing (for `re` values and numbers).
    pub fn literal(s: &str) -> SigmaStr {
        let mut out = SigmaStr::default();
        out.push_lit(s);
        out
    }

    /// Parses wildcards and escapes.
    pub fn parse(s: &str) -> SigmaStr {
        let mut out = SigmaStr::default();
        // Sized once: most values are one literal, which is then moved in.
        let mut acc = String::with_capacity(s.len());
        let mut escaped = false;
        for c in s.chars() {
            if escaped {
                if !matches!(c, '*' | '?' | '\\') {
                    acc.push('\\');
                }
                acc.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '*' || c == '?' {
                out.push_lit(&acc);
                acc.clear();
                out.parts.push(if c == '*' {
                    Part::AnyString
                } else {
                    Part::AnyChar
                });
            } else {
                acc.push(c);
            }
        }
        if escaped {
            acc.push('\\');
        }
        match out.parts.last_mut() {
            Some(Part::Lit(last)) => last.push_str(&acc),
            _ if acc.is_empty() => {}
            _ => out.parts.push(Part::Lit(acc)),
        }
        out
    }

    /// Appends literal text, merging with a preceding literal.
    pub fn push_lit(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(Part::Lit(last)) = self.parts.last_mut() {
            last.push_str(s);
        } else {
            self.parts.push(Part::Lit(s.to_string()));
        }
    }

    /// `contains`: a `*` at both ends unless already there.
    pub fn contains(&mut self) {
        self.startswith();
        self.endswith();
    }

    /// `startswith`: a trailing `*` unless already there.
    pub fn startswith(&mut self) {
        if self.parts.last() != Some(&Part::AnyString) {
            self.parts.push(Part::AnyString);
        }
    }

    /// `endswith`: a leading `*` unless already there.
    pub fn endswith(&mut self) {
        if self.parts.first() != Some(&Part::AnyString) {
            self.parts.insert(0, Part::AnyString);
        }
    }

    /// `expand`: `%name%` in literal parts becomes a placeholder (pySigma
    /// 2.x rules: the name is not empty and holds no `\` or `%`). Returns
    /// the names found.
    pub fn expand_placeholders(&mut self) -> Vec<String> {
        self.split_literals(|lit, out, names| {
            let mut rest = lit;
            while let Some(open) = rest.find('%') {
                let after = &rest[open + 1..];
                match after.find('%') {
                    Some(close) if close > 0 && !after[..close].contains('\\') => {
                        push(out, Part::Lit(rest[..open].to_string()));
                        let name = after[..close].to_string();
                        names.push(name.clone());
                        push(out, Part::Param(name));
                        rest = &after[close + 1..];
                    }
                    _ => {
                        push(out, Part::Lit(rest[..=open].to_string()));
                        rest = after;
                    }
                }
            }
            push(out, Part::Lit(rest.to_string()));
        })
    }

    /// Auth0 catalog template variables: `{name}` in literal parts (a name
    /// of letters, digits, `_` and `-`, starting with a letter or `_`)
    /// becomes a placeholder. Returns the names found.
    pub fn template_params(&mut self) -> Vec<String> {
        self.split_literals(|lit, out, names| {
            let mut rest = lit;
            while let Some(open) = rest.find('{') {
                let after = &rest[open + 1..];
                match after.find('}') {
                    Some(close) if is_template_name(&after[..close]) => {
                        push(out, Part::Lit(rest[..open].to_string()));
                        let name = after[..close].to_string();
                        names.push(name.clone());
                        push(out, Part::Param(name));
                        rest = &after[close + 1..];
                    }
                    _ => {
                        push(out, Part::Lit(rest[..=open].to_string()));
                        rest = after;
                    }
                }
            }
            push(out, Part::Lit(rest.to_string()));
        })
    }

    fn split_literals(
        &mut self,
        mut f: impl FnMut(&str, &mut Vec<Part>, &mut Vec<String>),
    ) -> Vec<String> {
        let mut names = Vec::new();
        let mut out = Vec::with_capacity(self.parts.len());
        for p in std::mem::take(&mut self.parts) {
            match p {
                Part::Lit(s) => f(&s, &mut out, &mut names),
                other => out.push(other),
            }
        }
        self.parts = out;
        names
    }

    /// The IR text, or `None` if bytes from `wide`/`utf16*` were never
    /// base64-encoded (they are not text a query can hold).
    pub fn into_text(self) -> Option<Text> {
        // Sized exactly: the text is kept in the IR for the whole run.
        let mut t = Text {
            parts: Vec::with_capacity(self.parts.len()),
        };
        for p in self.parts {
            t.push(match p {
                Part::Lit(s) => TextPart::Lit(s),
                Part::Bytes(_) => return None,
                Part::AnyString => TextPart::AnyString,
                Part::AnyChar => TextPart::AnyChar,
                Part::Param(n) => TextPart::Param(n),
            });
        }
        Some(t)
    }
}

fn push(out: &mut Vec<Part>, p: Part) {
    match p {
        Part::Lit(s) if s.is_empty() => {}
        Part::Lit(s) => {
            if let Some(Part::Lit(last)) = out.last_mut() {
                last.push_str(&s);
            } else {
                out.push(Part::Lit(s));
            }
        }
        other => out.push(other),
    }
}

fn is_template_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        SigmaStr::parse(s)
            .parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => format!("[{s}]"),
                Part::AnyString => "*".into(),
                Part::AnyChar => "?".into(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    /// The verified parse table of the Sigma specification digest (§4).
    #[test]
    fn escapes_follow_the_specification() {
        assert_eq!(show(r"a\*b"), "[a*b]");
        assert_eq!(show(r"a\?b"), "[a?b]");
        assert_eq!(show(r"a\\b"), r"[a\b]");
        assert_eq!(show(r"a\b"), r"[a\b]");
        assert_eq!(show(r"a\\*b"), r"[a\]*[b]");
        assert_eq!(show(r"a\\\*b"), r"[a\*b]");
        assert_eq!(show(r"a\\\b"), r"[a\\b]");
        assert_eq!(show(r"a\\\\b"), r"[a\\b]");
        assert_eq!(show(r"end\"), r"[end\]");
        assert_eq!(show(r"C:\Windows\*"), r"[C:\Windows*]");
        assert_eq!(show("*a?"), "*[a]?");
    }

    #[test]
    fn modifiers_add_wildcards_once() {
        let mut s = SigmaStr::parse("*x");
        s.contains();
        assert_eq!(s.parts.len(), 3);
        let mut s = SigmaStr::parse("x");
        s.endswith();
        assert_eq!(s.parts, vec![Part::AnyString, Part::Lit("x".into())]);
    }

    #[test]
    fn placeholders() {
        let mut s = SigmaStr::parse("a%Admins%b%c");
        assert_eq!(s.expand_placeholders(), vec!["Admins".to_string()]);
        assert_eq!(
            s.parts,
            vec![
                Part::Lit("a".into()),
                Part::Param("Admins".into()),
                Part::Lit("b%c".into())
            ]
        );
        let mut s = SigmaStr::parse("https://{your-tenant-domain}/api/{ x}");
        assert_eq!(s.template_params(), vec!["your-tenant-domain".to_string()]);
        assert_eq!(s.parts.len(), 3);
    }
}
