//! Regular expressions written for `rex`: their named groups, and a syntax
//! check with the `regex` crate that accepts what PCRE (Splunk's engine)
//! accepts.

use crate::ir::Text;

/// The names of `(?<name>...)` and `(?P<name>...)` groups, in order.
pub fn named_groups(t: &Text) -> Vec<String> {
    let src = t.display();
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i + 3 < bytes.len() {
        let escaped = i > 0 && bytes[i - 1] == b'\\';
        if !escaped && bytes[i] == b'(' && bytes[i + 1] == b'?' {
            let start = if bytes[i + 2] == b'<'
                && bytes.get(i + 3).is_some_and(|c| *c != b'=' && *c != b'!')
            {
                Some(i + 3)
            } else if bytes[i + 2] == b'P' && bytes.get(i + 3) == Some(&b'<') {
                Some(i + 4)
            } else {
                None
            };
            if let Some(s) = start
                && let Some(len) = src[s..].find('>')
            {
                out.push(src[s..s + len].to_string());
                i = s + len;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Checks a PCRE-style expression with the `regex` crate; constructs it
/// lacks (look-around, back-references) are not reported as errors, and a
/// `{` that does not open a quantifier is read as PCRE reads it, literally.
pub fn check_regex(t: &Text) -> Result<(), String> {
    let src = literal_braces_escaped(&t.display());
    if src.contains("(?=") || src.contains("(?!") || src.contains("(?<=") || src.contains("(?<!") {
        return Ok(());
    }
    match regex::Regex::new(&src) {
        Ok(_) => Ok(()),
        Err(regex::Error::Syntax(s))
            if s.contains("backreference") || s.contains("look-around") =>
        {
            Ok(())
        }
        Err(e) => Err(e
            .to_string()
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .to_string()),
    }
}

/// Escapes every `{` that does not open a counted repetition (`{n}`,
/// `{n,}`, `{n,m}`). PCRE reads such a brace as a literal character (the
/// catalog's `{{(?<variable>[^}]+?)}}` matches Liquid's `{{ ... }}`), while
/// the `regex` crate rejects it.
pub(crate) fn literal_braces_escaped(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
            }
            i += 2;
            // `\p{Greek}`, `\x{41}`: the braces belong to the escape.
            if chars.get(i - 1).is_some_and(|n| "pPxkgNo".contains(*n))
                && chars.get(i) == Some(&'{')
            {
                while let Some(&b) = chars.get(i) {
                    out.push(b);
                    i += 1;
                    if b == '}' {
                        break;
                    }
                }
            }
            continue;
        }
        if c == '{' && !opens_quantifier(&chars[i + 1..]) {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
    out
}

/// True if `rest` (the text after a `{`) is `n}`, `n,}` or `n,m}`.
fn opens_quantifier(rest: &[char]) -> bool {
    let digits = |s: &[char]| s.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = digits(rest);
    if n == 0 {
        return false;
    }
    match rest.get(n) {
        Some('}') => true,
        Some(',') => {
            let m = digits(&rest[n + 1..]);
            rest.get(n + 1 + m) == Some(&'}')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_braces_are_accepted_like_pcre() {
        assert_eq!(
            check_regex(&Text::lit("{{(?<v>[^}]+?)}}")),
            Ok(()),
            "PCRE reads a brace that opens no quantifier literally"
        );
        assert_eq!(literal_braces_escaped("{{a}}"), "\\{\\{a}}");
        assert_eq!(literal_braces_escaped("a{2}b{1,}c{1,3}"), "a{2}b{1,}c{1,3}");
        assert_eq!(literal_braces_escaped("\\{x"), "\\{x");
    }

    #[test]
    fn real_errors_are_still_reported() {
        assert!(check_regex(&Text::lit("(?<v>a")).is_err());
        assert!(check_regex(&Text::lit("a{2,1}")).is_err());
    }

    #[test]
    fn groups_in_order() {
        assert_eq!(
            named_groups(&Text::lit("(?<a>x)(?P<b>y)(?<=z)\\(?<c>")),
            vec!["a".to_string(), "b".to_string()]
        );
    }
}
