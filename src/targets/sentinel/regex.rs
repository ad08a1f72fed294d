//! Regular expressions for Kusto's `matches regex` and `extract`, which run
//! RE2: no look-around, no back-references, no atomic groups or possessive
//! quantifiers. Vigil's patterns are PCRE-style; a pattern RE2 cannot run is
//! refused with the parser's reason, never rewritten into something else.

use crate::ir::RegexFlags;

/// The RE2 pattern for a Vigil regular expression and its flags, or why
/// RE2 cannot run it.
pub(super) fn to_re2(pattern: &str, flags: RegexFlags) -> Result<String, String> {
    // A `{` that opens no repetition is a literal brace in PCRE (Liquid's
    // `{{ ... }}`); written `\{`, it is one in RE2 as well.
    let pattern = &crate::lower::regex::literal_braces_escaped(pattern);
    // regex-syntax accepts the same language as RE2 for everything Vigil
    // patterns use, and rejects what RE2 rejects (look-around,
    // back-references) with a message naming the feature.
    if let Err(e) = regex_syntax::Parser::new().parse(pattern) {
        let msg = match &e {
            regex_syntax::Error::Parse(p) => p.kind().to_string(),
            regex_syntax::Error::Translate(t) => t.kind().to_string(),
            _ => e.to_string(),
        };
        return Err(msg);
    }
    let mut prefix = String::new();
    if flags.ignore_case {
        prefix.push('i');
    }
    if flags.multiline {
        prefix.push('m');
    }
    if flags.dot_all {
        prefix.push('s');
    }
    // RE2 spells named groups `(?P<name>`; PCRE's `(?<name>` is older RE2's
    // syntax error.
    let body = named_groups(pattern);
    Ok(if prefix.is_empty() {
        body
    } else {
        format!("(?{prefix}){body}")
    })
}

/// `(?<name>` → `(?P<name>`, outside character classes and escapes.
fn named_groups(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 4);
    let mut chars = p.chars().peekable();
    let mut class = false;
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '[' => class = true,
            ']' => class = false,
            '(' if !class => {
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("?<") && !rest.starts_with("?<=") && !rest.starts_with("?<!") {
                    out.push_str("?P<");
                    chars.next();
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_a_prefix() {
        let f = RegexFlags {
            ignore_case: true,
            multiline: false,
            dot_all: true,
        };
        assert_eq!(to_re2("a.b", f).unwrap(), "(?is)a.b");
        assert_eq!(to_re2("a.b", RegexFlags::default()).unwrap(), "a.b");
    }

    #[test]
    fn named_groups_use_re2_syntax() {
        let d = RegexFlags::default();
        assert_eq!(to_re2(r"(?<user>\w+)", d).unwrap(), r"(?P<user>\w+)");
        assert_eq!(to_re2(r"[(?<x>]", d).unwrap(), r"[(?<x>]");
        assert_eq!(to_re2(r"\(?<x>", d).unwrap(), r"\(?<x>");
    }

    #[test]
    fn look_around_and_back_references_are_refused() {
        let d = RegexFlags::default();
        assert!(to_re2("a(?=b)", d).unwrap_err().contains("look-around"));
        assert!(to_re2(r"(a)\1", d).unwrap_err().contains("backreference"));
    }
}
