//! Splunk's documented limits on a search's text, checked on what the
//! Splunk target writes.
//!
//! Source: `limits.conf.spec` (Splunk Enterprise 9.x admin manual,
//! "limits.conf", `[search]` stanza, "Parsing" section):
//! - `max_subsearch_depth`: "Maximum recursion depth for subsearches ...
//!   It is considered a search exception if a subsearch does not stop after
//!   this many levels. Default: 8". Vigil writes a subsearch for each
//!   `join [...]`, so joins nested in joins count.
//! - `max_macro_depth` (100) does not apply: Vigil writes no macro, and a
//!   backtick in a name or comment is refused or left out.
//!
//! The spec documents no maximum length for a search string or a regular
//! expression (`[rex]`'s `match_limit`/`depth_limit` bound PCRE's work on
//! each event at run time, not the pattern), so none is enforced here.

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Detection, Stage, StageKind};

/// Subsearches nested in one search (`max_subsearch_depth`).
pub const MAX_SUBSEARCH_DEPTH: usize = 8;

/// An error at the first `join` nested deeper than [`MAX_SUBSEARCH_DEPTH`].
pub fn check(det: &Detection, stages: &[Stage]) -> Option<Diagnostic> {
    let (depth, stage) = deepest_join(stages, 1)?;
    (depth > MAX_SUBSEARCH_DEPTH).then(|| {
        Diagnostic::error(
            codes::UNSUPPORTED,
            format!(
                "this `join` is a subsearch {depth} levels deep; Splunk (`max_subsearch_depth` in limits.conf) runs at most {MAX_SUBSEARCH_DEPTH}"
            ),
        )
        .with_label(stage.span, "the innermost join")
        .with_help("flatten the joins: join on the outer search's results, or use `lookup`")
        .in_file(&det.file)
    })
}

/// The deepest `join` below `stages` (at `depth` for their own joins) and
/// its depth.
fn deepest_join(stages: &[Stage], depth: usize) -> Option<(usize, &Stage)> {
    let mut best: Option<(usize, &Stage)> = None;
    for s in stages {
        if let StageKind::Join { query, .. } = &s.kind {
            let found = deepest_join(&query.stages, depth + 1).unwrap_or((depth, s));
            if best.is_none_or(|(d, _)| found.0 > d) {
                best = Some(found);
            }
        }
    }
    best
}
