//! Where `#` comments go: a comment written before a stage is attached to it
//! (Splunk shows it as a ``` comment before the command), one written inside
//! a stage's lines goes with that stage, and one inside the leading search
//! belongs to no stage.

mod common;

use common::spl;

const SOURCE: &str = r#"title: "t"
search type == "s"
   # inside the head
   and ip == "1"
# before where
| where a == 1
  # inside where
  and b == 2
# before table
| table a
# trailing
"#;

#[test]
fn comments_attach_to_the_stage_they_precede_or_sit_in() {
    let out = spl(SOURCE);
    let lines: Vec<&str> = out.lines().collect();
    let where_at = lines
        .iter()
        .position(|l| l.starts_with("| where"))
        .expect("a where line");
    let table_at = lines
        .iter()
        .position(|l| l.starts_with("| table"))
        .expect("a table line");
    assert_eq!(
        &lines[where_at - 2..where_at],
        &["``` before where ```", "``` inside where ```"],
        "{out}"
    );
    assert_eq!(lines[table_at - 1], "``` before table ```", "{out}");
    assert_eq!(table_at, where_at + 2, "nothing else before `table`: {out}");
    assert!(!out.contains("inside the head"), "{out}");
    assert!(!out.contains("trailing"), "{out}");
}
