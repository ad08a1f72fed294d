//! Embeds the package templates in `templates/` into the binary, so
//! `vigil compile --format savedsearches` needs no files at run time.

fn main() {
    minijinja_embed::embed_templates!("templates");
}
