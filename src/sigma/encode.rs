//! The encoding modifiers: `wide`/`utf16le`, `utf16be`, `utf16`, `base64`,
//! `base64offset` and `windash`, with pySigma's exact algorithms (see
//! `/work/notes/sigma-spec` §3; byte lengths as in pySigma 2.x).

use super::strings::{Part, SigmaStr};

/// A UTF-16 flavour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Utf16 {
    /// Little-endian, no BOM (`wide`, `utf16le`).
    Le,
    /// Big-endian, no BOM (`utf16be`).
    Be,
    /// Little-endian after a `FF FE` BOM (`utf16`).
    LeBom,
}

/// Encodes the literal parts to UTF-16 bytes; wildcards pass through.
pub fn utf16(s: &SigmaStr, kind: Utf16) -> SigmaStr {
    let mut out = SigmaStr::default();
    let mut first = true;
    for p in &s.parts {
        match p {
            Part::Lit(text) => {
                let mut bytes = Vec::with_capacity(text.len() * 2 + 2);
                if first && kind == Utf16::LeBom {
                    bytes.extend_from_slice(&[0xFF, 0xFE]);
                }
                for unit in text.encode_utf16() {
                    match kind {
                        Utf16::Be => bytes.extend_from_slice(&unit.to_be_bytes()),
                        Utf16::Le | Utf16::LeBom => bytes.extend_from_slice(&unit.to_le_bytes()),
                    }
                }
                out.parts.push(Part::Bytes(bytes));
            }
            other => out.parts.push(other.clone()),
        }
        first = false;
    }
    out
}

/// The bytes of a value without wildcards or placeholders (`None` if it has
/// any).
fn plain_bytes(s: &SigmaStr) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for p in &s.parts {
        match p {
            Part::Lit(t) => out.extend_from_slice(t.as_bytes()),
            Part::Bytes(b) => out.extend_from_slice(b),
            _ => return None,
        }
    }
    Some(out)
}

/// `base64`: standard alphabet with `=` padding. `None` if the value has
/// wildcards or placeholders (they cannot be encoded).
pub fn base64(s: &SigmaStr) -> Option<SigmaStr> {
    Some(SigmaStr::literal(&b64(&plain_bytes(s)?)))
}

/// `base64offset`: the three encodings of the value at each byte offset
/// modulo 3, trimmed to the characters that do not depend on the
/// neighbouring bytes. `None` as for [`base64`].
pub fn base64offset(s: &SigmaStr) -> Option<Vec<SigmaStr>> {
    let data = plain_bytes(s)?;
    const START: [usize; 3] = [0, 2, 3];
    const END_TRIM: [usize; 3] = [0, 3, 2];
    let mut out = Vec::with_capacity(3);
    for i in 0..3 {
        let mut shifted = vec![b' '; i];
        shifted.extend_from_slice(&data);
        let enc = b64(&shifted);
        let end = enc.len().saturating_sub(END_TRIM[(data.len() + i) % 3]);
        let start = START[i].min(end);
        out.push(SigmaStr::literal(&enc[start..end]));
    }
    Some(out)
}

fn b64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The dashes `windash` produces, in pySigma's order.
const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

/// The most dash occurrences `windash` expands (pySigma 2.x refuses more:
/// each one multiplies the alternatives by five).
pub const WINDASH_MAX: usize = 3;

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `windash`: every `-` or `/` that starts an option (no word character
/// before it, a word character after it: pySigma's `\B[-/]\b`) becomes each
/// of `-`, `/`, en dash, em dash and horizontal bar; the result is every
/// combination, leftmost occurrence varying slowest. `Err(n)` if there are
/// more than [`WINDASH_MAX`] occurrences.
pub fn windash(s: &SigmaStr) -> Result<Vec<SigmaStr>, usize> {
    // (part index, byte index) of each occurrence.
    let mut spots = Vec::new();
    for (pi, p) in s.parts.iter().enumerate() {
        if let Part::Lit(t) = p {
            let mut prev: Option<char> = None;
            let mut it = t.char_indices().peekable();
            while let Some((bi, c)) = it.next() {
                let next = it.peek().map(|&(_, n)| n);
                if (c == '-' || c == '/') && !prev.is_some_and(is_word) && next.is_some_and(is_word)
                {
                    spots.push((pi, bi));
                }
                prev = Some(c);
            }
        }
    }
    if spots.len() > WINDASH_MAX {
        return Err(spots.len());
    }
    let total = DASHES.len().pow(spots.len() as u32);
    let mut out = Vec::with_capacity(total);
    for combo in 0..total {
        let mut v = s.clone();
        // Replace from the right so earlier byte indices stay valid.
        for (k, &(pi, bi)) in spots.iter().enumerate().rev() {
            let digit = (combo / DASHES.len().pow((spots.len() - 1 - k) as u32)) % DASHES.len();
            if let Part::Lit(t) = &mut v.parts[pi] {
                t.replace_range(bi..bi + 1, DASHES[digit].encode_utf8(&mut [0; 4]));
            }
        }
        out.push(v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &SigmaStr) -> String {
        match &s.parts[..] {
            [Part::Lit(t)] => t.clone(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn base64_pads() {
        assert_eq!(b64(b"abc"), "YWJj");
        assert_eq!(b64(b"ab"), "YWI=");
        assert_eq!(b64(b"a"), "YQ==");
        assert_eq!(b64(b""), "");
    }

    /// The verified table of the Sigma digest (§3, `base64offset`).
    #[test]
    fn base64offset_matches_pysigma() {
        let run = |s: &str| -> Vec<String> {
            base64offset(&SigmaStr::literal(s))
                .unwrap()
                .iter()
                .map(lit)
                .collect()
        };
        assert_eq!(run("abc"), ["YWJj", "FiY", "hYm"]);
        assert_eq!(run("abcd"), ["YWJjZ", "FiY2", "hYmNk"]);
        assert_eq!(run("abcde"), ["YWJjZG", "FiY2Rl", "hYmNkZ"]);
        assert_eq!(run("é"), ["w6", "Op", "Dq"]);
        let wide = utf16(&SigmaStr::literal("cmd"), Utf16::Le);
        let got: Vec<String> = base64offset(&wide).unwrap().iter().map(lit).collect();
        assert_eq!(got, ["YwBtAGQA", "MAbQBkA", "jAG0AZA"]);
    }

    #[test]
    fn utf16_flavours() {
        let s = SigmaStr::literal("cmd");
        assert_eq!(
            lit(&base64(&utf16(&s, Utf16::LeBom)).unwrap()),
            "//5jAG0AZAA="
        );
        assert_eq!(
            utf16(&s, Utf16::Be).parts,
            vec![Part::Bytes(vec![0, b'c', 0, b'm', 0, b'd'])]
        );
    }

    #[test]
    fn base64_refuses_wildcards() {
        assert!(base64(&SigmaStr::parse("a*")).is_none());
    }

    #[test]
    fn windash_expands_option_dashes_only() {
        let got: Vec<String> = windash(&SigmaStr::literal(" -a-b"))
            .unwrap()
            .iter()
            .map(lit)
            .collect();
        assert_eq!(got, [" -a-b", " /a-b", " –a-b", " —a-b", " ―a-b"]);
        let two = windash(&SigmaStr::literal("c:/x -y")).unwrap();
        assert_eq!(two.len(), 25);
        // Every occurrence takes each variant, its own included.
        assert_eq!(lit(&two[0]), "c:-x -y");
        assert_eq!(lit(&two[1]), "c:-x /y");
        assert_eq!(lit(&two[5]), "c:/x -y");
        assert_eq!(lit(&two[10]), "c:\u{2013}x -y");
        assert_eq!(windash(&SigmaStr::literal(" -a -b -c -d")), Err(4));
    }
}
