//! Field keys (`field|mod1|mod2`) and the value modifiers of Sigma v2.1:
//! parsing, ordering rules, and the plan the detection reader follows.

use super::Cx;
use super::encode::Utf16;
use super::yaml::Node;
use crate::diagnostic::codes;
use crate::ir::Ordering;
use crate::source::Span;

/// A value modifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    /// `contains`
    Contains,
    /// `startswith`
    StartsWith,
    /// `endswith`
    EndsWith,
    /// `all`: every value must match.
    All,
    /// `base64`
    Base64,
    /// `base64offset`
    Base64Offset,
    /// `wide`/`utf16le`, `utf16be`, `utf16`
    Utf16(Utf16),
    /// `windash`
    WinDash,
    /// `re`
    Re,
    /// `i`/`ignorecase` (after `re`)
    IgnoreCase,
    /// `m`/`multiline` (after `re`)
    Multiline,
    /// `s`/`dotall` (after `re`)
    DotAll,
    /// `cidr`
    Cidr,
    /// `exists`
    Exists,
    /// `expand`: `%name%` placeholders.
    Expand,
    /// `fieldref`: the value names another field.
    FieldRef,
    /// `gt`, `gte`, `lt`, `lte`
    Cmp(Ordering),
    /// `cased`: case-sensitive.
    Cased,
    /// `neq`: the item must not match.
    Neq,
    /// `minute`, `hour`, `day`, `week`, `month`, `year`
    TimePart(&'static str),
}

const NAMES: &[(&str, Modifier)] = &[
    ("contains", Modifier::Contains),
    ("startswith", Modifier::StartsWith),
    ("endswith", Modifier::EndsWith),
    ("all", Modifier::All),
    ("base64", Modifier::Base64),
    ("base64offset", Modifier::Base64Offset),
    ("wide", Modifier::Utf16(Utf16::Le)),
    ("utf16le", Modifier::Utf16(Utf16::Le)),
    ("utf16be", Modifier::Utf16(Utf16::Be)),
    ("utf16", Modifier::Utf16(Utf16::LeBom)),
    ("windash", Modifier::WinDash),
    ("re", Modifier::Re),
    ("i", Modifier::IgnoreCase),
    ("ignorecase", Modifier::IgnoreCase),
    ("m", Modifier::Multiline),
    ("multiline", Modifier::Multiline),
    ("s", Modifier::DotAll),
    ("dotall", Modifier::DotAll),
    ("cidr", Modifier::Cidr),
    ("exists", Modifier::Exists),
    ("expand", Modifier::Expand),
    ("fieldref", Modifier::FieldRef),
    ("gt", Modifier::Cmp(Ordering::Gt)),
    ("gte", Modifier::Cmp(Ordering::Ge)),
    ("lt", Modifier::Cmp(Ordering::Lt)),
    ("lte", Modifier::Cmp(Ordering::Le)),
    ("cased", Modifier::Cased),
    ("neq", Modifier::Neq),
    ("minute", Modifier::TimePart("minute")),
    ("hour", Modifier::TimePart("hour")),
    ("day", Modifier::TimePart("day")),
    ("week", Modifier::TimePart("week")),
    ("month", Modifier::TimePart("month")),
    ("year", Modifier::TimePart("year")),
];

/// The name of a modifier, for messages.
pub fn name(m: Modifier) -> &'static str {
    NAMES.iter().find(|(_, x)| *x == m).map_or("?", |(n, _)| n)
}

/// A parsed key.
#[derive(Debug)]
pub struct Key {
    /// The field name and its span (`None` for keyword searches: `'|all'`).
    pub field: Option<(String, Span)>,
    /// The modifiers, in order, with their spans.
    pub mods: Vec<(Modifier, Span)>,
}

/// Parses `field|mod|mod`. Unknown modifiers are errors at their position.
pub fn parse_key(cx: &mut Cx, key: &Node) -> Option<Key> {
    let Some(text) = key.as_text() else {
        cx.error(
            codes::SIGMA,
            key.span,
            format!("a field name must be text, not {}", key.describe()),
            "not a field name",
            "write `field: value` or `field|modifier: value`",
        );
        return None;
    };
    let mut pieces = text.split('|');
    let field_text = pieces.next().unwrap_or("");
    let field = (!field_text.is_empty()).then(|| {
        (
            field_text.to_string(),
            key.sub_span(cx.src, 0..field_text.len()),
        )
    });
    let mut mods = Vec::new();
    let mut offset = field_text.len();
    let mut ok = true;
    for piece in pieces {
        let span = key.sub_span(cx.src, offset + 1..offset + 1 + piece.len());
        offset += 1 + piece.len();
        match NAMES.iter().find(|(n, _)| *n == piece) {
            Some((_, m)) => mods.push((*m, span)),
            None => {
                ok = false;
                let names: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
                cx.error(
                    codes::SIGMA,
                    span,
                    format!("unknown modifier `{piece}`"),
                    "not a Sigma modifier",
                    format!("Sigma modifiers: {}", names.join(", ")),
                );
            }
        }
    }
    ok.then_some(Key { field, mods })
}

/// What the values of an item are.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    /// Strings with wildcards (and numbers, booleans, null), transformed by
    /// the listed modifiers in order.
    Plain(Vec<Modifier>),
    /// Regular expressions.
    Regex {
        /// `i`, `m`, `s`.
        flags: crate::ir::RegexFlags,
        /// `contains`, `startswith`, `endswith`, `expand`, in order.
        transforms: Vec<Modifier>,
    },
    /// CIDR ranges.
    Cidr,
    /// `exists: true|false`.
    Exists,
    /// Names of other fields.
    FieldRef,
    /// Numbers compared with an operator.
    Compare(Ordering),
}

/// How an item is read: its mode plus the list modifiers.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// What the values are.
    pub mode: Mode,
    /// `all`: AND the values instead of OR.
    pub all: bool,
    /// `neq`: negate the item.
    pub neq: bool,
    /// `cased`: case-sensitive.
    pub cased: bool,
}

/// Checks the modifiers' order and combinations (Sigma's rules: `re`,
/// `cidr` and `exists` come first; `i`/`m`/`s` only after `re`; ...) and
/// makes the plan.
pub fn plan(cx: &mut Cx, mods: &[(Modifier, Span)]) -> Option<Plan> {
    let mut p = Plan {
        mode: Mode::Plain(Vec::new()),
        all: false,
        neq: false,
        cased: false,
    };
    let mut ok = true;
    for (i, &(m, span)) in mods.iter().enumerate() {
        let mut bad = |cx: &mut Cx, msg: String, help: &str| {
            cx.error(codes::SIGMA, span, msg, "misplaced modifier", help);
            ok = false;
        };
        match m {
            Modifier::All => p.all = true,
            Modifier::Neq => p.neq = true,
            Modifier::TimePart(unit) => {
                cx.error(
                    codes::SIGMA_UNSUPPORTED,
                    span,
                    format!("the `{unit}` modifier is not supported by Vigil yet"),
                    "not supported",
                    "compare the whole timestamp instead, or leave this rule out",
                );
                ok = false;
            }
            Modifier::Re | Modifier::Cidr | Modifier::Exists => {
                if i != 0 {
                    bad(
                        cx,
                        format!("`{}` must be the first modifier", name(m)),
                        "move it right after the field name",
                    );
                    continue;
                }
                p.mode = match m {
                    Modifier::Re => Mode::Regex {
                        flags: Default::default(),
                        transforms: Vec::new(),
                    },
                    Modifier::Cidr => Mode::Cidr,
                    _ => Mode::Exists,
                };
            }
            Modifier::IgnoreCase | Modifier::Multiline | Modifier::DotAll => match &mut p.mode {
                Mode::Regex { flags, .. } => match m {
                    Modifier::IgnoreCase => flags.ignore_case = true,
                    Modifier::Multiline => flags.multiline = true,
                    _ => flags.dot_all = true,
                },
                _ => bad(
                    cx,
                    format!("`{}` is a flag of `re` and needs it first", name(m)),
                    "write `field|re|i: ...`",
                ),
            },
            Modifier::FieldRef | Modifier::Cmp(_) => {
                if !matches!(p.mode, Mode::Plain(ref t) if t.is_empty()) {
                    bad(
                        cx,
                        format!("`{}` cannot follow the modifiers before it", name(m)),
                        "use it alone (with `all` or `neq`)",
                    );
                    continue;
                }
                p.mode = match m {
                    Modifier::FieldRef => Mode::FieldRef,
                    Modifier::Cmp(op) => Mode::Compare(op),
                    _ => unreachable!("matched above"),
                };
            }
            Modifier::Cased => p.cased = true,
            other => match &mut p.mode {
                Mode::Plain(t) => t.push(other),
                Mode::Regex { transforms, .. }
                    if matches!(
                        other,
                        Modifier::Contains
                            | Modifier::StartsWith
                            | Modifier::EndsWith
                            | Modifier::Expand
                    ) =>
                {
                    transforms.push(other)
                }
                Mode::FieldRef
                    if matches!(
                        other,
                        Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith
                    ) =>
                {
                    cx.error(
                        codes::SIGMA_UNSUPPORTED,
                        span,
                        format!(
                            "`fieldref` with `{}` is not supported by Vigil yet",
                            name(other)
                        ),
                        "not supported",
                        "compare the two fields for equality, or leave this rule out",
                    );
                    ok = false;
                }
                _ => bad(
                    cx,
                    format!(
                        "`{}` cannot be combined with the modifiers before it",
                        name(other)
                    ),
                    "see the Sigma modifiers appendix for valid combinations",
                ),
            },
        }
    }
    if p.cased && !matches!(p.mode, Mode::Plain(_)) {
        let span = mods
            .iter()
            .find(|(m, _)| *m == Modifier::Cased)
            .map_or(Span::default(), |(_, s)| *s);
        cx.error(
            codes::SIGMA,
            span,
            "`cased` applies to plain string values only",
            "misplaced modifier",
            "remove `cased` (regular expressions are case-sensitive unless `i` is given)",
        );
        ok = false;
    }
    if matches!(p.mode, Mode::Exists) && mods.len() > 1 {
        cx.error(
            codes::SIGMA,
            mods[1].1,
            "`exists` takes no other modifier",
            "misplaced modifier",
            "write `field|exists: true` or `field|exists: false`",
        );
        ok = false;
    }
    ok.then_some(p)
}
