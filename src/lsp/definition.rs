//! Go to definition: from a `{name}` parameter reference to its `param`
//! declaration.

use crate::source::Span;

/// The span of the declaration of the parameter referenced at `offset`.
pub fn at(text: &str, offset: usize) -> Option<Span> {
    let offset = offset.min(text.len());
    let open = text[..offset].rfind('{')?;
    let close = offset + text[offset..].find('}')?;
    let name = &text[open + 1..close];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
    {
        return None;
    }
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        if let Some(rest) = body.strip_prefix("param ") {
            let rest_trim = rest.trim_start();
            let decl = rest_trim
                .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-')))
                .next()
                .unwrap_or("");
            if decl == name {
                let at =
                    line_start + (line.len() - body.len()) + 6 + (rest.len() - rest_trim.len());
                return Some(Span::new(at, at + name.len()));
            }
        }
        line_start += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_declaration() {
        let text = "param thr: number = 3\nsearch n > {thr}\n";
        let use_at = text.find("{thr}").unwrap_or(0) + 2;
        let span = super::at(text, use_at).expect("found");
        assert_eq!(&text[span.start..span.end], "thr");
        assert_eq!(super::at(text, 3), None);
    }
}
