//! Every limit of the formats, in one place: the parser enforces them, the
//! JSON Schema (`story check --schema`) states them, the viewer's fetch and
//! the command line refuse a file over [`MAX_FILE_BYTES`] before reading it,
//! and the format doc quotes them. Change a limit here and nowhere else.

/// Largest `story.json` or `stories.json`, in MiB, as messages say it.
pub const MAX_FILE_MIB: usize = 8;
/// Largest `story.json` or `stories.json`, in bytes.
pub const MAX_FILE_BYTES: usize = MAX_FILE_MIB * 1024 * 1024;
/// Most sections in one story.
pub const MAX_SECTIONS: usize = 2_000;
/// Most blocks in one story, all sections together.
pub const MAX_BLOCKS: usize = 50_000;
/// Most entries in one catalog.
pub const MAX_ENTRIES: usize = 10_000;
/// Most tags on a story or entry (the rest are dropped with an error).
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 60;
/// Entries of a story's `authors`.
pub const MAX_AUTHORS: usize = 20;
/// Entries of a story's `corrections`.
pub const MAX_CORRECTIONS: usize = 20;
/// Longest correction or update note, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest story or entry id, in bytes (`a-z`, `0-9`, `-`).
pub const MAX_ID_BYTES: usize = 100;
/// Longest explicit section id, in characters.
pub const MAX_SECTION_ID_CHARS: usize = 100;

/// How deep lists nest: a list, a list in one of its items, and one more.
pub const MAX_LIST_DEPTH: usize = 3;

/// Columns of one table.
pub const MAX_TABLE_COLUMNS: usize = 64;

/// Cells of one table, header included: a table holds at most this much,
/// however it is shaped (checked while reading, cell by cell).
pub const MAX_TABLE_CELLS: usize = 20_000;
/// Images in one gallery block.
pub const MAX_GALLERY_IMAGES: usize = 100;
/// Characters of a social post's author's name or handle.
pub const MAX_HANDLE_CHARS: usize = 120;
/// Characters of a video's title.
pub const MAX_VIDEO_TITLE_CHARS: usize = 300;
/// Longest section id derived from a heading, in characters.
pub const MAX_SLUG_CHARS: usize = 64;
/// Largest image width or height, in pixels.
pub const MAX_PIXELS: u32 = 100_000;
/// Most diagnostics kept per file; past it one warning says how many more.
pub const MAX_DIAGNOSTICS: usize = 200;

/// The message for a file of `len` bytes, over [`MAX_FILE_BYTES`]: the same
/// words from the parser, the command line and the viewer.
pub fn file_too_large(len: u64) -> String {
    let max = MAX_FILE_BYTES as u64;
    format!(
        "the file is {len} bytes, over the limit of {MAX_FILE_MIB} MiB ({max} bytes) by {} bytes",
        len.saturating_sub(max)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_size_message_names_the_limit_and_the_excess() {
        assert_eq!(
            super::file_too_large(8_388_618),
            "the file is 8388618 bytes, over the limit of 8 MiB (8388608 bytes) by 10 bytes"
        );
    }
}
