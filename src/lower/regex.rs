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
///
/// The `regex` crate refuses a pattern for its syntax or for the size of its
/// compiled program. Syntax is checked by parsing alone, with `regex`'s own
/// parser and settings. Compiling costs far more (a SigmaHQ compile spent
/// about an eighth of its time there), so the full build runs only when
/// [`may_be_too_big`] cannot rule the size limit out.
pub fn check_regex(t: &Text) -> Result<(), String> {
    let src = literal_braces_escaped(&t.display());
    if src.contains("(?=") || src.contains("(?!") || src.contains("(?<=") || src.contains("(?<!") {
        return Ok(());
    }
    let result = match regex_syntax::Parser::new().parse(&src) {
        Ok(hir) if !may_be_too_big(&hir) => Ok(()),
        Ok(_) => regex::Regex::new(&src).map(drop),
        Err(e) => Err(regex::Error::Syntax(e.to_string())),
    };
    match result {
        Ok(()) => Ok(()),
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

/// The `regex` crate's default limit on a compiled program's size, in bytes
/// (`RegexBuilder::size_limit`).
const REGEX_SIZE_LIMIT: u64 = 10 << 20;

/// False when the pattern's compiled programs (the `regex` crate builds a
/// forward and a reverse automaton, each held to [`REGEX_SIZE_LIMIT`]) are
/// surely under the limit, by the bound [`bytes`].
fn may_be_too_big(hir: &regex_syntax::hir::Hir) -> bool {
    bytes(hir).saturating_add(4096) > REGEX_SIZE_LIMIT
}

/// An upper bound on the bytes `hir`'s automata take, less a fixed 4 KiB:
/// 64 bytes a node (a literal byte, an assertion, a choice), a class 1 KiB
/// plus 32 bytes a byte range of its UTF-8 sequences, a repetition its
/// counted copies, each with a choice around it. Measured against
/// `regex-automata`'s own size check (forward and reverse), on every
/// SigmaHQ pattern and on nested, optional, negated and Unicode classes and
/// repetitions, the bound was at least 1.79× what was needed.
fn bytes(hir: &regex_syntax::hir::Hir) -> u64 {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 64,
        HirKind::Literal(l) => 64 * l.0.len() as u64,
        HirKind::Class(Class::Unicode(c)) => c
            .iter()
            .flat_map(|r| regex_syntax::utf8::Utf8Sequences::new(r.start(), r.end()))
            .map(|s| 32 * s.len() as u64)
            .sum::<u64>()
            .saturating_add(1024),
        HirKind::Class(Class::Bytes(c)) => 32 * c.ranges().len() as u64 + 1024,
        HirKind::Repetition(r) => {
            let copies = u64::from(r.max.unwrap_or(r.min + 1).max(r.min)).max(1);
            (bytes(&r.sub).saturating_add(128))
                .saturating_mul(copies)
                .saturating_add(64)
        }
        HirKind::Capture(c) => bytes(&c.sub).saturating_add(128),
        HirKind::Concat(all) | HirKind::Alternation(all) => all
            .iter()
            .map(bytes)
            .fold(64 * all.len() as u64, u64::saturating_add),
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
        assert_eq!(
            check_regex(&Text::lit("(?<v>a")),
            Err(regex::Regex::new(&String::from("(?<v>a"))
                .unwrap_err()
                .to_string()
                .lines()
                .last()
                .unwrap()
                .to_string()),
            "the parser's message is the one `regex` gives"
        );
    }

    #[test]
    fn programs_over_the_size_limit_are_refused() {
        // Small enough to parse, far too big to compile: the bound sends
        // it to the full build, which refuses it.
        let huge = Text::lit(r"\w{1000}{1000}");
        assert!(check_regex(&huge).unwrap_err().contains("size limit"));
        let hir = |s: &str| regex_syntax::Parser::new().parse(s).unwrap();
        assert!(may_be_too_big(&hir(r"\w{1000}{1000}")));
        assert!(!may_be_too_big(&hir(r"cmd\.exe.*\s/c\s[a-z]{3,6}")));
        // SigmaHQ's largest: about 3 MiB (reverse), bounded under 10 MiB.
        assert!(!may_be_too_big(&hir(r"-k\s\w{1,64}(?:\s?(?:-p|-s))?")));
    }

    #[test]
    fn groups_in_order() {
        assert_eq!(
            named_groups(&Text::lit("(?<a>x)(?P<b>y)(?<=z)\\(?<c>")),
            vec!["a".to_string(), "b".to_string()]
        );
    }
}
