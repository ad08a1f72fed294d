//! Lists that remember how their items were separated.

use serde::Serialize;

/// How two neighbouring list items were separated in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sep {
    /// `a, b`
    Comma,
    /// `a b`
    Space,
}

/// A list of items plus the separators between them. SPL accepts both forms
/// in most lists; keeping the author's choice lets the Splunk output of a
/// ported search stay diff-able with the original. Other targets and the
/// evaluator look only at `items`.
#[derive(Clone, Debug, PartialEq)]
pub struct List<T> {
    /// The items.
    pub items: Vec<T>,
    /// `seps[i]` stands between `items[i]` and `items[i + 1]`.
    pub seps: Vec<Sep>,
}

impl<T> List<T> {
    /// A comma-separated list (the default layout for generated lists).
    pub fn commas(items: Vec<T>) -> List<T> {
        let seps = vec![Sep::Comma; items.len().saturating_sub(1)];
        List { items, seps }
    }

    /// The separator after item `i` (comma when unknown).
    pub fn sep_after(&self, i: usize) -> Sep {
        self.seps.get(i).copied().unwrap_or(Sep::Comma)
    }

    /// Iterates over the items.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Maps the items, keeping the separators.
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> List<U> {
        List {
            items: self.items.iter().map(f).collect(),
            seps: self.seps.clone(),
        }
    }

    /// Joins the rendered items with `", "` or `" "` as the author wrote them.
    pub fn join_with(&self, mut render: impl FnMut(&T) -> String) -> String {
        let mut out = String::new();
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.push_str(match self.sep_after(i - 1) {
                    Sep::Comma => ", ",
                    Sep::Space => " ",
                });
            }
            out.push_str(&render(item));
        }
        out
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Layout is presentation: `debug ir` shows only the items.
        self.items.serialize(s)
    }
}
