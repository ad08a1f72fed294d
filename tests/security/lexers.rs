//! Independent readers of Vigil's output, written from the vendors'
//! documented rules rather than from Vigil's code, for the security
//! property tests.

/// One SPL command as Splunk's documented quoting rules split it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Command {
    /// Double-quoted strings, unescaped as SPL does: `\\` is a backslash,
    /// `\"` a quote; any other backslash pair stays as written.
    pub strings: Vec<String>,
    /// Single-quoted field names (single quotes do not protect `|`; a `\'`
    /// is a quote).
    pub fields: Vec<String>,
    /// Text outside quotes.
    pub bare: String,
}

/// What went wrong reading SPL.
#[derive(Debug, PartialEq)]
pub enum SplError {
    /// A double-quoted string never ends.
    Unterminated,
    /// A backtick outside double quotes (a macro call).
    Macro,
    /// A `[` outside double quotes (a subsearch).
    Subsearch,
}

/// Splits SPL into commands: double quotes delimit strings with backslash
/// escapes, `|` outside double quotes starts a command, a backtick starts a
/// macro and `[` a subsearch (both refused here), single quotes carry no
/// meaning for command splitting. ```` ``` ```` comments are skipped.
pub fn spl_commands(s: &str) -> Result<Vec<Command>, SplError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = vec![Command::default()];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let cmd = out.last_mut().expect("one command");
        match c {
            '"' => {
                let mut v = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(SplError::Unterminated),
                        Some('"') => break,
                        Some('\\') => match chars.get(i + 1) {
                            Some(&n @ ('\\' | '"')) => {
                                v.push(n);
                                i += 2;
                            }
                            Some(&n) => {
                                v.push('\\');
                                v.push(n);
                                i += 2;
                            }
                            None => return Err(SplError::Unterminated),
                        },
                        Some(&n) => {
                            v.push(n);
                            i += 1;
                        }
                    }
                }
                cmd.strings.push(v);
                i += 1;
            }
            '\'' => {
                // A field name: ends at the next unescaped `'`, but a `|`
                // inside still splits the command, so it is read as bare
                // text too.
                let mut v = String::new();
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '\'' && chars[j] != '|' && chars[j] != '"' {
                    if chars[j] == '\\' && chars.get(j + 1) == Some(&'\'') {
                        j += 1;
                    }
                    v.push(chars[j]);
                    j += 1;
                }
                if chars.get(j) == Some(&'\'') {
                    cmd.fields.push(v);
                    i = j + 1;
                } else {
                    cmd.bare.push(c);
                    i += 1;
                }
            }
            '`' if chars[i..].starts_with(&['`', '`', '`']) => {
                let rest: String = chars[i + 3..].iter().collect();
                match rest.find("```") {
                    Some(end) => i += 3 + rest[..end].chars().count() + 3,
                    None => return Err(SplError::Macro),
                }
            }
            '`' => return Err(SplError::Macro),
            '[' => return Err(SplError::Subsearch),
            '|' => {
                out.push(Command::default());
                i += 1;
            }
            c => {
                cmd.bare.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A `savedsearches.conf` file as Splunk reads it: `[name]` opens a stanza,
/// `key = value` sets a key, a line ending in `\` continues on the next,
/// `#` lines are comments.
#[derive(Debug, Default)]
pub struct Conf {
    /// Stanzas in order: name and keys with values.
    pub stanzas: Vec<(String, Vec<(String, String)>)>,
    /// Lines that are neither (outside comments and blanks).
    pub stray: Vec<String>,
}

/// Reads a `.conf` file.
pub fn conf(text: &str) -> Conf {
    let mut out = Conf::default();
    let mut logical = Vec::new();
    let mut cur = String::new();
    for line in text.split('\n') {
        if let Some(head) = line.strip_suffix('\\') {
            cur.push_str(head);
            cur.push('\n');
            continue;
        }
        cur.push_str(line);
        logical.push(std::mem::take(&mut cur));
    }
    if !cur.is_empty() {
        logical.push(cur);
    }
    for l in logical {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('[') && t.trim_end().ends_with(']') {
            let name = t.trim_end();
            out.stanzas
                .push((name[1..name.len() - 1].to_string(), Vec::new()));
        } else if let (Some((k, v)), Some(last)) = (t.split_once('='), out.stanzas.last_mut()) {
            last.1.push((k.trim().to_string(), v.trim().to_string()));
        } else {
            out.stray.push(l);
        }
    }
    out
}
