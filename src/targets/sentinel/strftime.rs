//! `strftime(t, format)` as Kusto's `format_datetime`.
//!
//! S16 gives `strftime` the specifiers `%Y %m %d %H %M %S %F %T %%`, in UTC;
//! each has a `format_datetime` equivalent (`yyyy MM dd HH mm ss`, Kusto
//! docs, "format_datetime()": supported format elements). A format may hold
//! only those elements and the delimiters `space / - : , . _ [ ]`, so other
//! literal text (`T`, letters, digits) is joined with `strcat`. Any other
//! specifier gives null in Vigil (S16) and is refused by name.

use super::Printer;
use super::expr::Typed;
use super::quote::string;
use super::schema::Ty;
use crate::ir::{Expr, Value};
use crate::source::Span;

/// One piece of a format.
#[derive(Debug, PartialEq)]
enum Piece {
    /// A `format_datetime` specifier (`yyyy`).
    Spec(&'static str),
    /// A literal character.
    Char(char),
}

/// The delimiters `format_datetime` accepts between elements.
const DELIMITERS: &str = " /-:,._[]";

impl Printer<'_> {
    pub(super) fn strftime(&mut self, args: &[Expr], span: Span) -> Typed {
        let str_ = Some(Ty::Str);
        let fmt = match args.get(1) {
            Some(Expr::Lit(Value::Str(t))) => t.as_literal(),
            _ => None,
        };
        let Some(fmt) = fmt else {
            self.error(
                span,
                "Kusto cannot express `strftime` with a format that is not a literal string",
                "format",
                None,
            );
            return (String::new(), str_);
        };
        let pieces = match pieces(&fmt) {
            Ok(p) => p,
            Err(why) => {
                self.error(
                    span,
                    format!("Kusto cannot express `strftime` with {why}"),
                    "format",
                    Some("use %Y %m %d %H %M %S %F %T or %%"),
                );
                return (String::new(), str_);
            }
        };
        let Some(t) = args.first() else {
            return (String::new(), str_);
        };
        let (t, ty) = self.typed(t);
        let time = match ty {
            Some(Ty::Time) => t,
            Some(Ty::Num) => format!("unixtime_seconds_todatetime({t})"),
            _ => format!("unixtime_seconds_todatetime(todouble({t}))"),
        };
        (format_with(&time, &pieces), str_)
    }
}

/// The pieces of a strftime format, or which specifier Kusto lacks.
fn pieces(fmt: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(Piece::Char(c));
            continue;
        }
        let Some(s) = chars.next() else {
            return Err("a `%` at the end of the format".into());
        };
        let spec: &[Piece] = match s {
            'Y' => &[Piece::Spec("yyyy")],
            'm' => &[Piece::Spec("MM")],
            'd' => &[Piece::Spec("dd")],
            'H' => &[Piece::Spec("HH")],
            'M' => &[Piece::Spec("mm")],
            'S' => &[Piece::Spec("ss")],
            'F' => &[
                Piece::Spec("yyyy"),
                Piece::Char('-'),
                Piece::Spec("MM"),
                Piece::Char('-'),
                Piece::Spec("dd"),
            ],
            'T' => &[
                Piece::Spec("HH"),
                Piece::Char(':'),
                Piece::Spec("mm"),
                Piece::Char(':'),
                Piece::Spec("ss"),
            ],
            '%' => &[Piece::Char('%')],
            other => return Err(format!("the specifier `%{other}`{}", meaning(other))),
        };
        for p in spec {
            out.push(match p {
                Piece::Spec(s) => Piece::Spec(s),
                Piece::Char(c) => Piece::Char(*c),
            });
        }
    }
    Ok(out)
}

/// What a common specifier Vigil does not run means, for the message.
fn meaning(c: char) -> String {
    let what = match c {
        'y' => "two-digit year",
        'b' | 'h' => "abbreviated month name",
        'B' => "month name",
        'a' => "abbreviated weekday name",
        'A' => "weekday name",
        'j' => "day of the year",
        'I' => "12-hour clock hour",
        'p' => "AM or PM",
        'z' => "time zone offset",
        'Z' => "time zone name",
        's' => "epoch seconds",
        'e' => "space-padded day",
        'N' | 'Q' | 'f' => "subseconds",
        'u' | 'w' => "weekday number",
        'U' | 'V' | 'W' => "week number",
        'c' | 'x' | 'X' | 'D' | 'R' | 'r' => "locale date or time",
        _ => return " (not a specifier Vigil runs, S16)".into(),
    };
    format!(" ({what}: Vigil's strftime gives null for it, S16)")
}

/// `format_datetime` runs for the specifiers (two specifiers touching, or
/// one touching literal text, start a new run), string literals for the
/// rest, joined with `strcat`.
fn format_with(time: &str, pieces: &[Piece]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run = String::new();
    let mut pending = String::new();
    let mut lit = String::new();
    let flush_run = |parts: &mut Vec<String>, run: &mut String| {
        if !run.is_empty() {
            parts.push(format!("format_datetime({time}, {})", string(run)));
            run.clear();
        }
    };
    for p in pieces {
        match p {
            Piece::Spec(s) => {
                if !run.is_empty() && !pending.is_empty() {
                    run.push_str(&pending);
                } else {
                    flush_run(&mut parts, &mut run);
                    lit.push_str(&pending);
                }
                pending.clear();
                if !lit.is_empty() {
                    parts.push(string(&lit));
                    lit.clear();
                }
                run.push_str(s);
            }
            Piece::Char(c) if DELIMITERS.contains(*c) && !run.is_empty() => pending.push(*c),
            Piece::Char(c) => {
                flush_run(&mut parts, &mut run);
                lit.push_str(&pending);
                pending.clear();
                lit.push(*c);
            }
        }
    }
    flush_run(&mut parts, &mut run);
    lit.push_str(&pending);
    if !lit.is_empty() {
        parts.push(string(&lit));
    }
    match parts.len() {
        0 => string(""),
        1 => parts.pop().unwrap_or_default(),
        _ => format!("strcat({})", parts.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(f: &str) -> String {
        format_with("t", &pieces(f).expect("supported"))
    }

    #[test]
    fn delimited_specifiers_share_one_format() {
        assert_eq!(
            fmt("%Y-%m-%d %H:%M:%S"),
            r#"format_datetime(t, "yyyy-MM-dd HH:mm:ss")"#
        );
        assert_eq!(fmt("%F"), r#"format_datetime(t, "yyyy-MM-dd")"#);
    }

    #[test]
    fn literal_text_is_joined_with_strcat() {
        assert_eq!(
            fmt("%FT%TZ"),
            r#"strcat(format_datetime(t, "yyyy-MM-dd"), "T", format_datetime(t, "HH:mm:ss"), "Z")"#
        );
        assert_eq!(
            fmt("day %d%%"),
            r#"strcat("day ", format_datetime(t, "dd"), "%")"#
        );
        assert_eq!(fmt("-"), r#""-""#);
        assert_eq!(fmt(""), r#""""#);
    }

    #[test]
    fn touching_specifiers_are_separate_formats() {
        // `yyyyMM` would be one element to a reader of the format; keep
        // each specifier apart.
        assert_eq!(
            fmt("%Y%m"),
            r#"strcat(format_datetime(t, "yyyy"), format_datetime(t, "MM"))"#
        );
        assert_eq!(fmt("%Y.-"), r#"strcat(format_datetime(t, "yyyy"), ".-")"#);
    }

    #[test]
    fn other_specifiers_are_refused_by_name() {
        let e = pieces("%j").expect_err("refused");
        assert!(e.contains("`%j`") && e.contains("day of the year"), "{e}");
        assert!(pieces("%Y%").expect_err("refused").contains("at the end"));
        assert!(pieces("%q").expect_err("refused").contains("`%q`"));
    }
}
