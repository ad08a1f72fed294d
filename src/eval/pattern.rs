//! Text patterns: wildcards, regular expressions and CIDR ranges, compiled
//! once per detection.

use std::net::IpAddr;

use super::value::fold;
use crate::ir::{RegexFlags, Text, TextPart};

/// A piece of a wildcard pattern.
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Lit(String),
    Any,
    One,
}

/// A compiled wildcard pattern (`*` any run, `?` one character), matched
/// against the whole text.
#[derive(Clone, Debug)]
pub struct Wildcard {
    pieces: Vec<Piece>,
    cased: bool,
    has_one: bool,
}

impl Wildcard {
    /// Compiles a pattern; `None` if it still holds a parameter.
    pub fn new(t: &Text, cased: bool) -> Option<Wildcard> {
        let mut pieces = Vec::new();
        for p in &t.parts {
            match p {
                TextPart::Lit(s) => {
                    let s = if cased {
                        s.clone()
                    } else {
                        fold(s).into_owned()
                    };
                    match pieces.last_mut() {
                        Some(Piece::Lit(prev)) => prev.push_str(&s),
                        _ => pieces.push(Piece::Lit(s)),
                    }
                }
                TextPart::AnyString => {
                    if pieces.last() != Some(&Piece::Any) {
                        pieces.push(Piece::Any);
                    }
                }
                TextPart::AnyChar => pieces.push(Piece::One),
                TextPart::Param(_) => return None,
            }
        }
        let has_one = pieces.contains(&Piece::One);
        Some(Wildcard {
            pieces,
            cased,
            has_one,
        })
    }

    /// The longest literal run of the pattern (a matching text contains it).
    pub fn longest_literal(&self) -> Option<&str> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Lit(s) => Some(s.as_str()),
                _ => None,
            })
            .max_by_key(|s| s.len())
    }

    /// True if the whole of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        let folded;
        let text = if self.cased {
            text
        } else {
            folded = fold(text);
            &folded
        };
        if self.has_one {
            let chars: Vec<char> = text.chars().collect();
            match_chars(&self.pieces, &chars)
        } else {
            match_runs(&self.pieces, text)
        }
    }
}

/// Matching without `?`: literal runs separated by `*`, found left to right.
fn match_runs(pieces: &[Piece], text: &str) -> bool {
    let lits: Vec<&str> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Lit(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let starts_any = pieces.first() == Some(&Piece::Any);
    let ends_any = pieces.last() == Some(&Piece::Any);
    if lits.is_empty() {
        return starts_any || text.is_empty();
    }
    if lits.len() == 1 && !starts_any && !ends_any {
        return text == lits[0];
    }
    let mut rest = text;
    for (i, lit) in lits.iter().enumerate() {
        let first = i == 0;
        let last = i == lits.len() - 1;
        if first && !starts_any {
            match rest.strip_prefix(lit) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if last && !ends_any {
            return rest.len() >= lit.len() && rest.ends_with(lit);
        } else {
            match rest.find(lit) {
                Some(at) => rest = &rest[at + lit.len()..],
                None => return false,
            }
        }
    }
    ends_any || rest.is_empty()
}

/// General matching with `?`: the classic glob algorithm over characters,
/// backtracking to the last `*` (linear in practice, no recursion).
fn match_chars(pieces: &[Piece], text: &[char]) -> bool {
    enum Tok {
        Ch(char),
        One,
        Star,
    }
    let mut pat = Vec::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => pat.extend(s.chars().map(Tok::Ch)),
            Piece::One => pat.push(Tok::One),
            Piece::Any => pat.push(Tok::Star),
        }
    }
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<usize> = None;
    let mut mark = 0usize;
    while ti < text.len() {
        match pat.get(pi) {
            Some(Tok::Ch(c)) if *c == text[ti] => {
                pi += 1;
                ti += 1;
            }
            Some(Tok::One) => {
                pi += 1;
                ti += 1;
            }
            Some(Tok::Star) => {
                star = Some(pi);
                mark = ti;
                pi += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                }
                None => return false,
            },
        }
    }
    while matches!(pat.get(pi), Some(Tok::Star)) {
        pi += 1;
    }
    pi == pat.len()
}

/// Rewrites PCRE syntax the `regex` crate spells differently: named groups
/// `(?<name>` become `(?P<name>` (look-behind `(?<=`/`(?<!` is left alone so
/// that the crate reports it), and a `{` that opens no quantifier, which
/// PCRE reads as a literal brace, is escaped.
pub fn pcre_to_rust(src: &str) -> String {
    named_groups_to_rust(&crate::lower::regex::literal_braces_escaped(src))
}

fn named_groups_to_rust(src: &str) -> String {
    let mut out = String::with_capacity(src.len() + 4);
    let b = src.as_bytes();
    let mut i = 0;
    let mut escaped = false;
    while i < b.len() {
        let c = b[i];
        if !escaped && c == b'(' && src[i..].starts_with("(?<") {
            let next = b.get(i + 3).copied();
            if next != Some(b'=') && next != Some(b'!') {
                out.push_str("(?P<");
                i += 3;
                continue;
            }
        }
        escaped = !escaped && c == b'\\';
        let ch_len = src[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&src[i..i + ch_len]);
        i += ch_len;
    }
    out
}

/// What the `regex` crate lacks of PCRE, named from its error or the
/// pattern, so the diagnostic can say why a SIEM-valid expression cannot run.
pub fn unsupported_feature(src: &str, err: &str) -> Option<&'static str> {
    let e = err.to_ascii_lowercase();
    if e.contains("look-around") || src.contains("(?=") || src.contains("(?!") {
        Some("look-around assertions ((?=...), (?!...), (?<=...), (?<!...))")
    } else if e.contains("backreference") {
        Some("back-references (\\1, \\k<name>)")
    } else if src.contains("(?>") {
        Some("atomic groups ((?>...))")
    } else if src.contains("*+") || src.contains("++") || src.contains("?+") {
        Some("possessive quantifiers (*+, ++, ?+)")
    } else if src.contains("(?R") || src.contains("(?(") {
        Some("recursion and conditionals")
    } else if src.contains("\\K") {
        Some("\\K (match reset)")
    } else {
        None
    }
}

/// Compiles a regular expression written PCRE-style with its flags.
pub fn compile_regex(src: &str, flags: RegexFlags) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(&pcre_to_rust(src))
        .case_insensitive(flags.ignore_case)
        .multi_line(flags.multiline)
        .dot_matches_new_line(flags.dot_all)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| {
            let msg = e.to_string();
            let last = msg.lines().last().unwrap_or("").trim().to_string();
            match unsupported_feature(src, &msg) {
                Some(f) => format!("Vigil's regex engine has no {f}"),
                None => last,
            }
        })
}

/// An IP range.
#[derive(Clone, Debug)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `2001:db8::/32` or a single address.
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, bits) = match s.trim().split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
            None => (s.trim(), None),
        };
        let net: IpAddr = addr.parse().ok()?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(Cidr { net, bits })
    }

    /// True if `ip` (text) is an address inside the range.
    pub fn contains(&self, ip: &str) -> bool {
        let Ok(ip) = ip.trim().parse::<IpAddr>() else {
            return false;
        };
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.bits))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(parts: &[&str], cased: bool) -> Wildcard {
        let mut t = Text::default();
        for p in parts {
            t.push(match *p {
                "*" => TextPart::AnyString,
                "?" => TextPart::AnyChar,
                s => TextPart::Lit(s.to_string()),
            });
        }
        Wildcard::new(&t, cased).unwrap()
    }

    #[test]
    fn wildcards() {
        assert!(w(&["ab", "*"], false).matches("ABC"));
        assert!(!w(&["ab", "*"], true).matches("ABC"));
        assert!(w(&["*", "b", "*"], false).matches("abc"));
        assert!(w(&["*", "c"], false).matches("abc"));
        assert!(!w(&["*", "c"], false).matches("abcd"));
        assert!(w(&["a", "*", "b", "*", "c"], false).matches("axxbyyc"));
        assert!(!w(&["a", "*", "b", "*", "c"], false).matches("axxcyyb"));
        assert!(w(&["a", "?", "c"], false).matches("abc"));
        assert!(w(&["a", "?", "c"], false).matches("aéc"));
        assert!(!w(&["a", "?", "c"], false).matches("ac"));
        assert!(w(&["*", "?", "b"], false).matches("xxab"));
        assert!(!w(&["*", "?", "b"], false).matches("b"));
        assert!(w(&["*"], false).matches(""));
        assert!(w(&["ab", "*", "ab"], false).matches("ab"[..].repeat(2).as_str()));
        assert!(!w(&["ab", "*", "ab"], false).matches("ab"));
    }

    #[test]
    fn named_groups_are_rewritten() {
        assert_eq!(pcre_to_rust(r"/(?<factor>[^/]+)$"), r"/(?P<factor>[^/]+)$");
        assert_eq!(pcre_to_rust(r"(?<=a)b"), r"(?<=a)b");
        assert_eq!(pcre_to_rust(r"\(?<x>"), r"\(?<x>");
        assert_eq!(pcre_to_rust(r"{{(?<v>[^}]+?)}}"), r"\{\{(?P<v>[^}]+?)}}");
    }

    #[test]
    fn unsupported_pcre_is_named() {
        let e = compile_regex(r"foo(?=bar)", RegexFlags::default()).unwrap_err();
        assert!(e.contains("look-around"), "{e}");
        let e = compile_regex(r"(a)\1", RegexFlags::default()).unwrap_err();
        assert!(e.contains("back-references"), "{e}");
    }

    #[test]
    fn cidr() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.1.2.3"));
        assert!(!c.contains("11.0.0.1"));
        assert!(!c.contains("not an ip"));
        assert!(
            Cidr::parse("2001:db8::/32")
                .unwrap()
                .contains("2001:db8::1")
        );
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8"));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
    }
}
