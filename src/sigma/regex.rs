//! `re` values: pySigma 2.x's `contains`/`startswith`/`endswith` on
//! regular expressions, and `expand` placeholders in them.

use super::Cx;
use super::modifiers::Modifier;
use super::strings::SigmaStr;
use super::values::text_value;
use super::yaml::Node;
use crate::ir::{Regex, RegexFlags};

/// A regular expression after its modifiers (pySigma 2.x: `contains` and
/// friends add `.*` unless the pattern is anchored there; a top-level
/// alternation is wrapped in `(?:...)` first).
pub fn regex(cx: &mut Cx, n: &Node, flags: RegexFlags, transforms: &[Modifier]) -> Option<Regex> {
    let mut re = text_value(cx, n, "a regular expression")?;
    for m in transforms {
        let (start, end) = match m {
            Modifier::Contains => (true, true),
            Modifier::StartsWith => (false, true),
            Modifier::EndsWith => (true, false),
            _ => continue,
        };
        if has_top_level_alternation(&re) {
            re = format!("(?:{re})");
        }
        if start && !re.starts_with('^') && !re.starts_with(".*") {
            re.insert_str(0, ".*");
        }
        if end && !re.ends_with('$') && !re.ends_with(".*") {
            re.push_str(".*");
        }
    }
    let mut s = SigmaStr::literal(&re);
    if transforms.contains(&Modifier::Expand) {
        for name in s.expand_placeholders() {
            cx.placeholder(&name, n.span);
        }
    }
    Some(Regex {
        pattern: s.into_text()?,
        flags,
    })
}

/// True if the pattern has a `|` outside groups and classes.
fn has_top_level_alternation(re: &str) -> bool {
    let mut depth = 0i32;
    let mut in_class = false;
    let mut escaped = false;
    for c in re.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth -= 1,
            '|' if !in_class && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternation() {
        assert!(has_top_level_alternation("a|b"));
        assert!(!has_top_level_alternation("(a|b)"));
        assert!(!has_top_level_alternation(r"[|]\|"));
    }
}
