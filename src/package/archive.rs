//! Reproducible `.tar.gz` archives: the same files give the same bytes.
//!
//! Entries are sorted by path; every entry has the same modification time,
//! owner (0:0, no names) and mode (0644 files, 0755 folders), and the gzip
//! header has no time or file name, so an archive depends only on the
//! files' paths and contents.

use std::collections::BTreeSet;
use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

/// The modification time of every entry: 2000-01-01T00:00:00Z. A fixed
/// time after 1980 keeps tools that refuse older times (zip converters,
/// some validators) content.
pub const MTIME: u64 = 946_684_800;

/// Builds a `.tar.gz` of `files` (relative paths with `/`, and contents),
/// with a folder entry before the files of each folder.
pub fn tar_gz<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> std::io::Result<Vec<u8>> {
    let mut files: Vec<(&str, &[u8])> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let mut dirs = BTreeSet::new();
    for (path, _) in &files {
        let mut prefix = String::new();
        for part in path
            .split('/')
            .rev()
            .skip(1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            prefix.push_str(part);
            prefix.push('/');
            dirs.insert(prefix.clone());
        }
    }
    let gz = GzEncoder::new(Vec::new(), Compression::best());
    let mut tar = tar::Builder::new(gz);
    // Folders and files in one sorted order: a folder's entry ("a/") sorts
    // before its files ("a/x").
    let mut entries: Vec<(&str, Option<&[u8]>)> = dirs.iter().map(|d| (d.as_str(), None)).collect();
    entries.extend(files.iter().map(|(p, c)| (*p, Some(*c))));
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (path, contents) in entries {
        let mut header = tar::Header::new_ustar();
        header.set_mtime(MTIME);
        header.set_uid(0);
        header.set_gid(0);
        match contents {
            None => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                tar.append_data(&mut header, path, std::io::empty())?;
            }
            Some(bytes) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_size(bytes.len() as u64);
                tar.append_data(&mut header, path, bytes)?;
            }
        }
    }
    let mut gz = tar.into_inner()?;
    gz.flush()?;
    gz.finish()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn same_files_in_any_order_give_the_same_bytes() {
        let a = tar_gz([("app/b.txt", &b"b\n"[..]), ("app/a/c.conf", b"c\n")]).unwrap();
        let b = tar_gz([("app/a/c.conf", &b"c\n"[..]), ("app/b.txt", b"b\n")]).unwrap();
        assert_eq!(a, b);
        let c = tar_gz([("app/a/c.conf", &b"d\n"[..]), ("app/b.txt", b"b\n")]).unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn entries_are_sorted_with_fixed_metadata() {
        let bytes = tar_gz([("app/z", &b"z\n"[..]), ("app/d/x", b"x\n")]).unwrap();
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut raw)
            .unwrap();
        let mut archive = tar::Archive::new(&raw[..]);
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let entry = entry.unwrap();
            let h = entry.header();
            seen.push((
                entry.path().unwrap().display().to_string(),
                h.mode().unwrap(),
                h.mtime().unwrap(),
                h.uid().unwrap(),
            ));
        }
        assert_eq!(
            seen,
            vec![
                ("app/".to_string(), 0o755, MTIME, 0),
                ("app/d/".to_string(), 0o755, MTIME, 0),
                ("app/d/x".to_string(), 0o644, MTIME, 0),
                ("app/z".to_string(), 0o644, MTIME, 0),
            ]
        );
    }
}
