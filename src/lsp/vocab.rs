//! What completion and hover say about Vigil's words: stages and their
//! one-line documentation (docs/language.md has the whole story).

/// Every stage with what it does.
pub const STAGES: &[(&str, &str)] = &[
    ("eval", "Computes columns: `| eval name = expression, ...`."),
    (
        "where",
        "Keeps the rows where an expression is true: `| where n > 3`.",
    ),
    (
        "search",
        "Keeps the rows matching a filter (search semantics, wildcards): `| search user_name == \"a*\"`.",
    ),
    (
        "stats",
        "Aggregates rows: `| stats count as n, dc(ip) as ips by user_id`. Keeps only its aggregates and `by` fields.",
    ),
    (
        "eventstats",
        "Adds aggregates to every row instead of replacing the rows: `| eventstats count as n by ip`.",
    ),
    (
        "table",
        "Keeps exactly these columns, in this order: `| table timestamp, ip`.",
    ),
    (
        "fields",
        "Keeps (or with `-`, removes) columns; keeps the event's time: `| fields user_id, ip`.",
    ),
    ("rename", "Renames columns: `| rename details.ip as ip`."),
    (
        "sort",
        "Sorts rows (`-` for largest first); `sort N` keeps the first N: `| sort -timestamp`.",
    ),
    ("head", "Keeps the first N rows: `| head 10`."),
    (
        "dedup",
        "Keeps the first row of each combination of the fields: `| dedup user_id`.",
    ),
    (
        "bin",
        "Rounds a time field down to a multiple of a span: `| bin timestamp span=1h`.",
    ),
    (
        "rex",
        "Extracts the named groups of a regular expression into columns: `| rex field=x r\"(?<user>\\w+)\"`.",
    ),
    (
        "spath",
        "Reads a JSON path into a column: `| spath path=a.b output=c`.",
    ),
    (
        "mvexpand",
        "One row per value of a multi-value column: `| mvexpand scopes`.",
    ),
    (
        "lookup",
        "Adds columns from a lookup table: `| lookup table key OUTPUT col`.",
    ),
    (
        "join",
        "Joins the rows of a sub-search on fields: `| join ip [search ...]`.",
    ),
    (
        "fillnull",
        "Replaces missing values: `| fillnull value=0 n`.",
    ),
    ("transpose", "Turns rows into columns: `| transpose 5`."),
];

/// Keywords of filters and expressions.
pub const KEYWORDS: &[&str] = &[
    "search",
    "and",
    "or",
    "not",
    "in",
    "by",
    "as",
    "like",
    "contains",
    "startswith",
    "endswith",
    "matches",
    "cased",
    "all",
    "is",
    "null",
    "exists",
    "true",
    "false",
    "param",
];

/// The documentation of a stage.
pub fn stage_doc(name: &str) -> Option<&'static str> {
    STAGES.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}
