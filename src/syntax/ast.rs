//! The abstract syntax tree of a Vigil detection file.
//!
//! It mirrors what the author wrote, layout included where a printer may keep
//! it (list separators, parentheses, quoted names, the case of `as`): nothing is
//! resolved or checked here. Every node carries its [`Span`].

use serde::Serialize;

use crate::source::Span;

/// A node and where it was written.
#[derive(Clone, Debug, Serialize)]
pub struct Node<T> {
    /// Where.
    pub span: Span,
    /// What.
    pub node: T,
}

impl<T> Node<T> {
    /// Wraps `node` with `span`.
    pub fn new(span: Span, node: T) -> Self {
        Node { span, node }
    }
}

/// A list whose items may be separated by commas or by whitespace alone.
/// `commas[i]` says whether a comma stood between item `i` and item `i + 1`.
#[derive(Clone, Debug, Serialize)]
pub struct SepList<T> {
    /// The items.
    pub items: Vec<Node<T>>,
    /// One entry per gap between items.
    pub commas: Vec<bool>,
}

/// A whole file.
#[derive(Clone, Debug, Serialize)]
pub struct File {
    /// Metadata entries, in order.
    pub meta: Vec<Node<MetaEntry>>,
    /// Parameter declarations, in order.
    pub params: Vec<Node<ParamDecl>>,
    /// The query.
    pub query: Node<Query>,
}

/// `key: value` in the header.
#[derive(Clone, Debug, Serialize)]
pub struct MetaEntry {
    /// The key.
    pub key: Node<String>,
    /// The value.
    pub value: Node<MetaValue>,
}

/// A metadata value.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum MetaValue {
    /// A quoted string or a `"""` text block (already unescaped / dedented).
    Str(String),
    /// `2025-07-11`.
    Date(String),
    /// A number as written.
    Number(String),
    /// An unquoted word such as `experimental` or `attack.t1078`.
    Word(String),
    /// `[a, b]`.
    List(Vec<Node<MetaValue>>),
    /// `{k: v}`.
    Map(Vec<(Node<String>, Node<MetaValue>)>),
}

/// The type of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// Text.
    String,
    /// An integer or a decimal number.
    Number,
    /// `true` or `false`.
    Bool,
}

/// `param name: type [= default] ["description"]`.
#[derive(Clone, Debug, Serialize)]
pub struct ParamDecl {
    /// The name, as used in `{name}`.
    pub name: Node<String>,
    /// The type.
    pub ty: Node<ParamType>,
    /// The default value, if any.
    pub default: Option<Node<Expr>>,
    /// A description.
    pub doc: Option<Node<String>>,
}

/// The query: an optional leading search, then stages.
#[derive(Clone, Debug, Serialize)]
pub struct Query {
    /// `search <expr>` at the start (the detection's filter).
    pub search: Option<Node<Expr>>,
    /// The `| stage`s.
    pub stages: Vec<Node<Stage>>,
}

/// One pipeline stage and the comments written just before it.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    /// What the stage does.
    pub kind: StageKind,
    /// Comment lines attached to the stage (text after `#`, trimmed).
    pub comments: Vec<String>,
}

/// `name=value` after a stage keyword.
#[derive(Clone, Debug, Serialize)]
pub struct StageOption {
    /// The option name.
    pub name: Node<String>,
    /// Its value.
    pub value: Node<OptionValue>,
}

/// The value of a stage option.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum OptionValue {
    /// `1h`, `30d`.
    Duration(String),
    /// A number as written.
    Number(String),
    /// A string.
    Str(StrLit),
    /// `{param}`.
    Param(String),
    /// A field name or bare word.
    Field(Field),
}

/// A pipeline stage.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum StageKind {
    /// `eval a = x, b = y`.
    Eval {
        /// The assignments.
        assignments: Vec<Node<Assignment>>,
    },
    /// `where <expr>`.
    Where {
        /// The condition.
        cond: Node<Expr>,
    },
    /// `search <expr>` after the first stage.
    Search {
        /// The filter.
        filter: Node<Expr>,
    },
    /// `stats ...` or `eventstats ...`.
    Stats {
        /// True for `eventstats`.
        event: bool,
        /// The aggregates.
        aggregates: Option<SepList<Aggregate>>,
        /// The `by` fields.
        by: Option<SepList<Field>>,
    },
    /// `table a, b`.
    Table {
        /// The columns.
        fields: SepList<Field>,
    },
    /// `fields [-] a, b`.
    Fields {
        /// True for `fields -`.
        remove: bool,
        /// The fields.
        fields: SepList<Field>,
    },
    /// `rename a as b, c as d`.
    Rename {
        /// The pairs.
        pairs: SepList<RenamePair>,
    },
    /// `sort -a, b`, `sort 10000 -a`.
    Sort {
        /// How many rows to keep after sorting (all when absent).
        limit: Option<Node<u64>>,
        /// The keys.
        keys: SepList<SortKey>,
    },
    /// `head N`.
    Head {
        /// How many rows to keep.
        count: Node<u64>,
    },
    /// `dedup a, b`.
    Dedup {
        /// The key fields.
        fields: SepList<Field>,
    },
    /// `bin f span=1h` (or `bucket f span=1h`).
    Bin {
        /// Written `bucket`, SPL's alias.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        alias: bool,
        /// The field to bin.
        field: Node<Field>,
        /// Options (`span`).
        options: Vec<Node<StageOption>>,
    },
    /// `rex field=f "re" max_match=N`.
    Rex {
        /// Options (`field`, `max_match`).
        options: Vec<Node<StageOption>>,
        /// The regular expression.
        pattern: Node<StrLit>,
    },
    /// `spath [path=]p [output=o]`.
    Spath {
        /// The path given without `path=`, if so.
        path: Option<Node<Field>>,
        /// Options (`path`, `output`).
        options: Vec<Node<StageOption>>,
    },
    /// `mvexpand f`.
    MvExpand {
        /// The multi-value field.
        field: Node<Field>,
    },
    /// `lookup table in [as f] output out [as g]`.
    Lookup {
        /// The lookup table.
        table: Node<LookupTable>,
        /// Input fields.
        inputs: SepList<LookupField>,
        /// `output` or `outputnew`, as written, and the output fields.
        outputs: Option<(Node<String>, SepList<LookupField>)>,
    },
    /// `join [type=inner] [fields] [ query ]`.
    Join {
        /// Options (`type`).
        options: Vec<Node<StageOption>>,
        /// Join keys.
        fields: Option<SepList<Field>>,
        /// The sub-pipeline.
        query: Box<Node<Query>>,
    },
    /// `fillnull [value=x] [fields]`.
    FillNull {
        /// Options (`value`).
        options: Vec<Node<StageOption>>,
        /// The fields to fill (all when absent).
        fields: Option<SepList<Field>>,
    },
    /// `transpose [N]`.
    Transpose {
        /// How many rows to turn into columns.
        rows: Option<Node<u64>>,
    },
    /// A stage keyword Vigil does not know.
    Unknown {
        /// The word.
        name: Node<String>,
    },
}

/// `field = expr` in `eval`.
#[derive(Clone, Debug, Serialize)]
pub struct Assignment {
    /// The field assigned.
    pub field: Node<Field>,
    /// The value.
    pub value: Node<Expr>,
}

/// `fn(expr) [as name]` in `stats`.
#[derive(Clone, Debug, Serialize)]
pub struct Aggregate {
    /// `count`, `dc`, `values`, ...
    pub func: Node<String>,
    /// The argument, if any.
    pub arg: Option<Node<Expr>>,
    /// `as name`.
    pub alias: Option<Alias>,
}

/// `as name`, with the case of the keyword as written.
#[derive(Clone, Debug, Serialize)]
pub struct Alias {
    /// The new name.
    pub name: Node<Field>,
    /// True if written `AS`.
    pub upper: bool,
}

/// `a as b` in `rename`.
#[derive(Clone, Debug, Serialize)]
pub struct RenamePair {
    /// The field renamed.
    pub from: Node<Field>,
    /// The new name.
    pub to: Alias,
}

/// `[-]field` in `sort`.
#[derive(Clone, Debug, Serialize)]
pub struct SortKey {
    /// True for descending (`-`).
    pub descending: bool,
    /// True if `+` was written.
    pub explicit_ascending: bool,
    /// The field.
    pub field: Node<Field>,
}

/// A lookup table name.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum LookupTable {
    /// A bare name.
    Name(String),
    /// A quoted string.
    Str(StrLit),
    /// `{param}`.
    Param(String),
}

/// `field [as other]` in `lookup`.
#[derive(Clone, Debug, Serialize)]
pub struct LookupField {
    /// The lookup table's field.
    pub field: Node<Field>,
    /// The event field it maps to.
    pub alias: Option<Alias>,
}

/// A field reference as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The path segments.
    pub segments: Vec<Segment>,
    /// True if written in single quotes.
    pub quoted: bool,
}

/// One segment of a field path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// The name.
    pub name: String,
    /// True if followed by `[]` (an array).
    pub array: bool,
}

/// A piece of a string literal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// `{name}`: a parameter.
    Param(String),
    /// An unescaped `*`.
    Star,
    /// An unescaped `?`.
    Question,
}

/// A string literal: pieces of text, parameters and unescaped wildcards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StrLit {
    /// The pieces.
    pub pieces: Vec<Piece>,
    /// True for `r"..."` (backslashes kept as written).
    pub raw: bool,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
}

/// Text tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TextOp {
    /// `like` (wildcards `*` and `?`).
    Like,
    /// `contains`.
    Contains,
    /// `startswith`.
    StartsWith,
    /// `endswith`.
    EndsWith,
    /// `matches` (regular expression).
    Matches,
    /// `cidr`.
    Cidr,
}

/// An expression (also used for filters; lowering decides which is which).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "expr", rename_all = "snake_case")]
pub enum Expr {
    /// `a or b or c`.
    Or {
        /// Operands.
        items: Vec<Node<Expr>>,
    },
    /// `a and b`.
    And {
        /// Operands.
        items: Vec<Node<Expr>>,
    },
    /// `not a`.
    Not {
        /// Operand.
        inner: Box<Node<Expr>>,
    },
    /// `( a )`.
    Group {
        /// Operand.
        inner: Box<Node<Expr>>,
    },
    /// `a == b` (`cased` if written after the value).
    Compare {
        /// Operator.
        op: CmpOp,
        /// Left side.
        lhs: Box<Node<Expr>>,
        /// Right side.
        rhs: Box<Node<Expr>>,
        /// True if `cased` was written.
        cased: bool,
    },
    /// `a is null` / `a is not null`.
    IsNull {
        /// Operand.
        inner: Box<Node<Expr>>,
        /// True for `is not null`.
        negated: bool,
    },
    /// `a exists`.
    Exists {
        /// Operand.
        inner: Box<Node<Expr>>,
    },
    /// `a in (x, y)` / `a not in (...)`.
    In {
        /// The tested value.
        inner: Box<Node<Expr>>,
        /// The list.
        list: SepList<Expr>,
        /// True for `not in`.
        negated: bool,
        /// True if `cased` was written.
        cased: bool,
    },
    /// `a like "x*"`, `a contains all ("x", "y") cased`, ...
    Text {
        /// The test.
        op: TextOp,
        /// The tested value.
        inner: Box<Node<Expr>>,
        /// The operand(s).
        operands: TextOperands,
        /// True if `all` was written.
        all: bool,
        /// True if `cased` was written.
        cased: bool,
    },
    /// `a + b` and friends.
    Arith {
        /// Operator.
        op: ArithOp,
        /// Left side.
        lhs: Box<Node<Expr>>,
        /// Right side.
        rhs: Box<Node<Expr>>,
    },
    /// `-a`.
    Neg {
        /// Operand.
        inner: Box<Node<Expr>>,
    },
    /// `f(a, b)`.
    Call {
        /// The function name as written.
        name: Node<String>,
        /// The arguments.
        args: Vec<Node<Expr>>,
    },
    /// A string literal.
    Str {
        /// The literal.
        lit: StrLit,
    },
    /// A number as written.
    Number {
        /// The digits.
        text: String,
    },
    /// `true` / `false`.
    Bool {
        /// The value.
        value: bool,
    },
    /// `null`.
    Null,
    /// `{name}`.
    Param {
        /// The parameter name.
        name: String,
    },
    /// A field.
    Field {
        /// The field.
        field: Field,
    },
}

/// The right side of a text test: one value or a list.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum TextOperands {
    /// `like "x"`.
    One(Box<Node<Expr>>),
    /// `like ("x", "y")`.
    List(SepList<Expr>),
}
