//! The check's own tests: files reached twice, a walk's list.

use super::test_story as story;
use super::*;

/// A story reached by two paths (a folder linked inside the site) is
/// read and reported once and held once, and still goes to each file
/// that names it; what the check keeps leaves out the sections and
/// the byline.
#[test]
fn a_file_reached_twice_is_one_slot_and_goes_to_both() {
    let root = std::env::temp_dir().join(format!("story-docs-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (dir, id) in [("s1", "a"), ("s3", "b")] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
        std::fs::write(root.join(dir).join("story.json"), story(id)).unwrap();
    }
    std::os::unix::fs::symlink("s1", root.join("s2")).unwrap();
    let sandbox = Sandbox::new(&root).unwrap();
    let mut files: Paths =
        ["s1", "s2", "s3"].iter().map(|d| sandbox.root().join(d).join("story.json")).collect();
    let (reports, docs) = check_files_and_docs(&sandbox, &mut files, None);
    assert_eq!(docs.files_read(), 2, "each file read once");
    assert!(reports.is_empty(), "nothing to say");
    assert!(
        reports.iter().all(|r| !r.has_errors()),
        "{:?}",
        reports.iter().map(|r| &r.file).collect::<Vec<_>>()
    );
    assert_eq!(docs.all().count(), 2);
    let ids = |i| match docs.of(i) {
        Some(Document::Story(s)) => (s.id.clone(), s.sections.len(), s.byline.clone()),
        _ => panic!("file {i} has no story"),
    };
    assert_eq!([ids(0), ids(1), ids(2)].map(|(id, ..)| id), ["a", "a", "b"]);
    assert_eq!((ids(0).1, ids(0).2), (0, None));
    std::fs::remove_dir_all(&root).unwrap();
}

/// A walk's list of a canonical folder is marked as one: its paths'
/// folders are not looked up again, yet a `story.json` that is a link
/// to another story of the site is still that story, read once. The
/// same folder walked through a link to it, or a path added by hand,
/// is not such a list.
#[test]
fn a_walks_list_is_trusted_for_its_folders_only() {
    let root = std::env::temp_dir().join(format!("story-walked-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for dir in ["s1", "s2"] {
        std::fs::create_dir_all(root.join("site").join(dir)).unwrap();
    }
    std::fs::write(root.join("site/s1/story.json"), story("a")).unwrap();
    std::os::unix::fs::symlink("../s1/story.json", root.join("site/s2/story.json")).unwrap();
    std::os::unix::fs::symlink("site", root.join("link")).unwrap();
    let sandbox = Sandbox::new(&root.join("site")).unwrap();
    let (mut files, mut notes) = (Paths::new(), Vec::new());
    collect(&sandbox, sandbox.root(), &mut files, &mut notes).unwrap();
    assert!(files.walked() && files.len() == 2, "{files:?}");
    // Each regular file's stamp as the walk saw it, the same as asked
    // from the root; none for the link.
    let real = root.join("site/s1/story.json");
    assert_eq!(files.stamp(0), Some(crate::memo::Stamp::of(&real).unwrap()));
    assert_eq!(files.stamp(1), None, "a link has no stamp of its own");
    let (reports, docs) = check_files_and_docs(&sandbox, &mut files, None);
    assert!(reports.is_empty(), "nothing to say");
    assert_eq!(docs.files_read(), 1, "the linked file is the story it links to");
    let (mut through_link, mut notes) = (Paths::new(), Vec::new());
    collect(&sandbox, &root.join("link"), &mut through_link, &mut notes).unwrap();
    assert!(!through_link.walked(), "walked through a link: not canonical");
    files.push(&root.join("elsewhere/story.json")).unwrap();
    assert!(!files.walked(), "a path added by hand");
    assert_eq!(files.stamp(0), None, "a list that is no longer a walk's has no stamps");
    std::fs::remove_dir_all(&root).unwrap();
}
