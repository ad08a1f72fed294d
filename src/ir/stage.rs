//! Pipeline stages.
//!
//! The vocabulary follows the catalog's searches (SPL commands) with
//! SIEM-neutral meanings; the evaluator defines each one exactly.

use serde::Serialize;

use super::expr::Expr;
use super::field::FieldRef;
use super::filter::{Filter, Regex};
use super::list::List;
use super::value::{Duration, Text, Value};
use crate::source::Span;

/// One stage of the pipeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stage {
    /// What it does.
    #[serde(flatten)]
    pub kind: StageKind,
    /// Comments the author attached to it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    /// Where it was written.
    #[serde(skip)]
    pub span: Span,
    /// How the author spelled it (see [`super::hint`]).
    #[serde(skip)]
    pub hints: super::hint::Hints,
}

/// `name = expr` in `eval`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assign {
    /// The column assigned.
    pub field: FieldRef,
    /// Its value.
    pub value: Expr,
}

/// Aggregate functions of `stats` / `eventstats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AggFunc {
    /// Number of rows (or of non-null values of the argument).
    Count,
    /// Number of distinct values.
    Dc,
    /// Distinct values, sorted.
    Values,
    /// All values, in order.
    List,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Arithmetic mean.
    Avg,
    /// Sum.
    Sum,
    /// Median.
    Median,
    /// Percentile (0-100).
    Perc(u8),
    /// Value of the earliest event (by time).
    Earliest,
    /// Value of the latest event (by time).
    Latest,
    /// Standard deviation (sample).
    Stdev,
    /// First value seen.
    First,
    /// Last value seen.
    Last,
}

impl AggFunc {
    /// Parses the Vigil name (`count`, `dc`, `perc95`, ...).
    pub fn from_name(name: &str) -> Option<AggFunc> {
        Some(match name {
            "count" => AggFunc::Count,
            "dc" => AggFunc::Dc,
            "values" => AggFunc::Values,
            "list" => AggFunc::List,
            "min" => AggFunc::Min,
            "max" => AggFunc::Max,
            "avg" => AggFunc::Avg,
            "sum" => AggFunc::Sum,
            "median" => AggFunc::Median,
            "earliest" => AggFunc::Earliest,
            "latest" => AggFunc::Latest,
            "stdev" => AggFunc::Stdev,
            "first" => AggFunc::First,
            "last" => AggFunc::Last,
            _ => {
                let n: u8 = name.strip_prefix("perc")?.parse().ok()?;
                if n > 100 {
                    return None;
                }
                AggFunc::Perc(n)
            }
        })
    }

    /// The Vigil name.
    pub fn name(self) -> String {
        match self {
            AggFunc::Count => "count".into(),
            AggFunc::Dc => "dc".into(),
            AggFunc::Values => "values".into(),
            AggFunc::List => "list".into(),
            AggFunc::Min => "min".into(),
            AggFunc::Max => "max".into(),
            AggFunc::Avg => "avg".into(),
            AggFunc::Sum => "sum".into(),
            AggFunc::Median => "median".into(),
            AggFunc::Perc(n) => format!("perc{n}"),
            AggFunc::Earliest => "earliest".into(),
            AggFunc::Latest => "latest".into(),
            AggFunc::Stdev => "stdev".into(),
            AggFunc::First => "first".into(),
            AggFunc::Last => "last".into(),
        }
    }
}

/// What an aggregate runs over.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AggArg {
    /// A field's values.
    Field(FieldRef),
    /// An expression per row: for `count` a condition (rows where it holds),
    /// otherwise the values it yields (nulls skipped).
    Expr(Expr),
}

/// A new name, with the case the author wrote `as` in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alias {
    /// The name.
    pub name: FieldRef,
    /// `AS` rather than `as` (SPL keeps the author's spelling).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub upper: bool,
}

/// `fn(arg) as name`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Aggregate {
    /// The function.
    pub func: AggFunc,
    /// Its argument (none for a plain `count`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arg: Option<AggArg>,
    /// The output column (else the target's default name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<Alias>,
}

impl Aggregate {
    /// The output column's name when there is no alias: `count`,
    /// `dc(user_id)` (the neutral field path), `count(eval)` for an
    /// expression. Later stages may use it as a column name.
    pub fn default_name(&self) -> String {
        let name = self.func.name();
        match &self.arg {
            None => name,
            Some(AggArg::Field(f)) => format!("{name}({})", f.path),
            Some(AggArg::Expr(_)) => format!("{name}(eval)"),
        }
    }
}

/// `a as b` in `rename`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rename {
    /// The field renamed.
    pub from: FieldRef,
    /// Its new name.
    pub to: Alias,
    /// `from` and `to` each hold one `*` (`properties.* as *`): every
    /// column whose name matches `from` is renamed, the text the `*` matched
    /// put in place of the `*` of `to`. Columns that do not match are left
    /// alone.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub wildcard: bool,
}

impl Rename {
    /// The text before and after the `*` of a wildcard name.
    pub fn wildcard_parts(f: &FieldRef) -> Option<(String, String)> {
        let s = f.path.render("[]");
        let (a, b) = s.split_once('*')?;
        Some((a.to_string(), b.to_string()))
    }
}

/// A sort key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SortKey {
    /// The field.
    pub field: FieldRef,
    /// Largest first.
    pub descending: bool,
    /// `+` was written.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub explicit_ascending: bool,
}

/// A field of a lookup table and the event column it corresponds to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LookupField {
    /// The column in the lookup table.
    pub column: FieldRef,
    /// The event column (`as` name); the same name when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<Alias>,
}

/// Whether lookup outputs overwrite existing values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputMode {
    /// `output`: overwrite.
    Output,
    /// `outputnew`: only fill empty columns.
    OutputNew,
}

/// The outputs of a lookup.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LookupOutputs {
    /// Overwrite or fill.
    pub mode: OutputMode,
    /// The keyword as written (`OUTPUT`, `output`).
    #[serde(skip)]
    pub keyword: String,
    /// The columns.
    pub fields: List<LookupField>,
}

/// Kinds of join.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JoinKind {
    /// Only rows with a match.
    Inner,
    /// Every left row.
    Left,
}

/// A sub-search: its own filter and pipeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubQuery {
    /// The filter.
    pub filter: Filter,
    /// The stages.
    pub stages: Vec<Stage>,
}

/// What a stage does.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "stage")]
pub enum StageKind {
    /// Computes columns.
    Eval {
        /// The assignments, in order.
        assignments: Vec<Assign>,
    },
    /// Keeps rows where the expression is true.
    Where {
        /// The condition.
        cond: Expr,
    },
    /// Keeps rows matching a filter (search semantics).
    Search {
        /// The filter.
        filter: Filter,
    },
    /// Aggregates rows (`event`: adds the aggregates to every row instead).
    Stats {
        /// `eventstats` rather than `stats`.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        event: bool,
        /// The aggregates.
        aggregates: List<Aggregate>,
        /// The grouping columns.
        by: List<FieldRef>,
    },
    /// Keeps these columns, in this order.
    Table {
        /// The columns.
        fields: List<FieldRef>,
    },
    /// Keeps (or with `remove`, drops) these columns.
    Fields {
        /// Drop instead of keep.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        remove: bool,
        /// The columns.
        fields: List<FieldRef>,
    },
    /// Renames columns.
    Rename {
        /// The renames.
        renames: List<Rename>,
    },
    /// Sorts rows.
    Sort {
        /// Keep only the first N rows after sorting (`sort N ...`); every
        /// row when absent.
        #[serde(skip_serializing_if = "Option::is_none")]
        limit: Option<u64>,
        /// The keys.
        keys: List<SortKey>,
    },
    /// Keeps the first N rows.
    Head {
        /// N.
        count: u64,
    },
    /// Keeps the first row of each distinct combination of the fields.
    Dedup {
        /// The fields.
        fields: List<FieldRef>,
    },
    /// Rounds a time field down to a multiple of `span`.
    Bin {
        /// The field.
        field: FieldRef,
        /// The bucket size.
        span: Duration,
    },
    /// Extracts named groups of a regular expression into columns.
    Rex {
        /// The field read.
        field: FieldRef,
        /// The expression.
        regex: Regex,
        /// Matches kept per row (`0` = all, which makes multi-values).
        #[serde(skip_serializing_if = "Option::is_none")]
        max_match: Option<u64>,
        /// The named groups, in order.
        groups: Vec<String>,
    },
    /// Extracts a value at a JSON path: of the event, or with `input` of the
    /// JSON text a column holds.
    Spath {
        /// The column whose text is parsed as JSON (`input=`); the event
        /// when absent.
        #[serde(skip_serializing_if = "Option::is_none")]
        input: Option<FieldRef>,
        /// The path (with `input`, a path inside that JSON, of kind
        /// `Lookup`: not an event field). Absent only with `input`: every
        /// key of that JSON becomes a column named by its path.
        path: Option<FieldRef>,
        /// The output column (the path itself when absent).
        #[serde(skip_serializing_if = "Option::is_none")]
        output: Option<FieldRef>,
        /// The author wrote `path=`.
        #[serde(skip)]
        path_keyword: bool,
    },
    /// One row per value of a multi-value column.
    MvExpand {
        /// The column.
        field: FieldRef,
    },
    /// Enriches rows from a lookup table.
    Lookup {
        /// The table.
        table: Text,
        /// Match columns.
        inputs: List<LookupField>,
        /// Columns copied out.
        #[serde(skip_serializing_if = "Option::is_none")]
        outputs: Option<LookupOutputs>,
    },
    /// Joins rows with a sub-search's rows on equal keys (all rows of the
    /// sub-search when there are no keys).
    Join {
        /// Inner or left.
        kind: JoinKind,
        /// `type=` was written.
        #[serde(skip)]
        kind_explicit: bool,
        /// The keys.
        fields: List<FieldRef>,
        /// The sub-search.
        query: Box<SubQuery>,
    },
    /// Replaces null values.
    FillNull {
        /// The replacement (0 when absent).
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<Value>,
        /// The columns (all when empty).
        fields: List<FieldRef>,
    },
    /// Turns rows into columns.
    Transpose {
        /// How many rows.
        #[serde(skip_serializing_if = "Option::is_none")]
        rows: Option<u64>,
    },
}

impl StageKind {
    /// The stage's keyword, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            StageKind::Eval { .. } => "eval",
            StageKind::Where { .. } => "where",
            StageKind::Search { .. } => "search",
            StageKind::Stats { event: true, .. } => "eventstats",
            StageKind::Stats { .. } => "stats",
            StageKind::Table { .. } => "table",
            StageKind::Fields { .. } => "fields",
            StageKind::Rename { .. } => "rename",
            StageKind::Sort { .. } => "sort",
            StageKind::Head { .. } => "head",
            StageKind::Dedup { .. } => "dedup",
            StageKind::Bin { .. } => "bin",
            StageKind::Rex { .. } => "rex",
            StageKind::Spath { .. } => "spath",
            StageKind::MvExpand { .. } => "mvexpand",
            StageKind::Lookup { .. } => "lookup",
            StageKind::Join { .. } => "join",
            StageKind::FillNull { .. } => "fillnull",
            StageKind::Transpose { .. } => "transpose",
        }
    }

    /// True for stages that only choose or order columns and never change
    /// which rows a detection returns (a filter-only target may drop them
    /// without changing the alert's meaning).
    pub fn is_presentation(&self) -> bool {
        matches!(
            self,
            StageKind::Table { .. }
                | StageKind::Fields { .. }
                | StageKind::Rename { .. }
                | StageKind::Sort { .. }
        )
    }
}
