//! Progressive drawing of large stories, as plain arithmetic (no browser
//! APIs, no yew; tested natively): how many blocks are drawn first, how the
//! budget grows, which groups of sections and chunks of blocks a budget puts
//! on the page. `pages::story` and `components::sections` only draw what
//! this decides. Why these numbers, measured: docs/perf.md, "Drawing large
//! stories".

use story_format::Story;

/// Blocks drawn before the first paint.
pub const FIRST_BLOCKS: usize = 60;
/// Blocks added per step after that; each step runs in a task of its own
/// (`dom::yield_task`), so the browser renders between steps.
pub const STEP_BLOCKS: usize = 250;
/// Blocks per chunk component.
pub const CHUNK: usize = 50;
/// Stories with more blocks than this get `content-visibility: auto` on
/// their sections (class `sv-long`).
pub const LONG_STORY_BLOCKS: usize = 500;
/// Sections per group component: a step re-lists at most
/// `sections / GROUP` groups, never every section.
pub const GROUP: usize = 40;

/// Where each section's blocks start in the story's order of blocks.
#[derive(Debug, PartialEq, Eq)]
pub struct Layout {
    starts: Vec<usize>,
    total: usize,
}

/// Up to [`GROUP`] sections, `first..last`, with `shown` blocks of the
/// story drawn, clamped to the group's own blocks (so a finished group's
/// props stop changing and it is never drawn again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    pub first: usize,
    pub last: usize,
    pub shown: usize,
}

impl Layout {
    /// The layout of `story`.
    pub fn of(story: &Story) -> Layout {
        Layout::from_lengths(story.sections.iter().map(|s| s.blocks.len()))
    }

    /// The layout of sections with these numbers of blocks.
    pub fn from_lengths(lengths: impl IntoIterator<Item = usize>) -> Layout {
        let mut total = 0;
        let starts = lengths
            .into_iter()
            .map(|n| {
                let start = total;
                total += n;
                start
            })
            .collect();
        Layout { starts, total }
    }

    /// Blocks in the whole story.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Whether the story is long enough for `content-visibility` on sections.
    pub fn is_long(&self) -> bool {
        self.total > LONG_STORY_BLOCKS
    }

    /// The blocks of section `i`, as a range of the story's blocks.
    fn range(&self, i: usize) -> (usize, usize) {
        let end = self.starts.get(i + 1).copied().unwrap_or(self.total);
        (self.starts[i], end)
    }

    /// The budget a section needs to be on the page with a screen below
    /// it (for a deep link or a section link); 0 for no section.
    pub fn needed_for(&self, section: Option<usize>) -> usize {
        section
            .filter(|&i| i < self.starts.len())
            .map_or(0, |i| (self.range(i).1 + FIRST_BLOCKS).min(self.total))
    }

    /// The first budget: a first screen, or enough for `needed`.
    pub fn first_budget(&self, needed: usize) -> usize {
        FIRST_BLOCKS.max(needed).min(self.total)
    }

    /// The budget after one more step.
    pub fn next_budget(&self, budget: usize) -> usize {
        (budget + STEP_BLOCKS).min(self.total)
    }

    /// The groups of sections that `budget` reaches.
    pub fn groups(&self, budget: usize) -> Vec<Group> {
        let n = self.starts.len();
        (0..n)
            .step_by(GROUP)
            .map(|first| {
                let last = (first + GROUP).min(n);
                let (start, _) = self.range(first);
                let end = self.range(last - 1).1;
                (start, Group { first, last, shown: budget.clamp(start, end) })
            })
            .filter(|&(start, _)| start <= budget)
            .map(|(_, g)| g)
            .collect()
    }

    /// How many blocks of section `i` are drawn for `budget`; `None` when
    /// the section is not drawn yet (its first block is past the budget;
    /// an empty section is drawn once the budget reaches it).
    pub fn section_shown(&self, i: usize, budget: usize) -> Option<usize> {
        let (start, end) = self.range(i);
        let drawn = start < budget || (start == budget && start == end);
        drawn.then(|| (budget - start).min(end - start))
    }
}

/// The chunks of [`CHUNK`] blocks that `shown` blocks of a section make,
/// as `(start, end)` ranges of the section's blocks.
pub fn chunks(shown: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..shown).step_by(CHUNK).map(move |start| (start, (start + CHUNK).min(shown)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_grows_by_steps_to_the_whole_story() {
        let layout = Layout::from_lengths([1000, 0, 500]);
        assert_eq!(layout.total(), 1500);
        assert!(layout.is_long());
        let mut budget = layout.first_budget(0);
        assert_eq!(budget, FIRST_BLOCKS);
        let mut steps = 0;
        while budget < layout.total() {
            budget = layout.next_budget(budget);
            steps += 1;
        }
        assert_eq!((budget, steps), (1500, (1500 - FIRST_BLOCKS).div_ceil(STEP_BLOCKS)));
        assert!(!Layout::from_lengths([3, 4]).is_long());
        assert_eq!(Layout::from_lengths([3, 4]).first_budget(0), 7);
    }

    #[test]
    fn a_focused_section_is_drawn_with_a_screen_below_it() {
        let layout = Layout::from_lengths([1000, 0, 500]);
        assert_eq!(layout.needed_for(None), 0);
        assert_eq!(layout.needed_for(Some(0)), 1000 + FIRST_BLOCKS);
        assert_eq!(layout.needed_for(Some(2)), 1500);
        assert_eq!(layout.needed_for(Some(9)), 0, "no such section");
        assert_eq!(layout.first_budget(layout.needed_for(Some(0))), 1000 + FIRST_BLOCKS);
    }

    #[test]
    fn sections_are_drawn_once_the_budget_reaches_them() {
        let layout = Layout::from_lengths([100, 0, 100]);
        assert_eq!(layout.section_shown(0, 50), Some(50));
        assert_eq!(layout.section_shown(1, 50), None);
        // An empty section is drawn when the budget reaches its place.
        assert_eq!(layout.section_shown(1, 100), Some(0));
        assert_eq!(layout.section_shown(2, 100), None);
        assert_eq!(layout.section_shown(2, 150), Some(50));
        assert_eq!(layout.section_shown(2, 500), Some(100));
    }

    #[test]
    fn groups_clamp_their_budget_so_finished_ones_stay_equal() {
        let layout = Layout::from_lengths(vec![10; 100]); // 3 groups: 40, 40, 20 sections
        assert_eq!(layout.groups(0), [Group { first: 0, last: 40, shown: 0 }]);
        let g = layout.groups(450);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0], Group { first: 0, last: 40, shown: 400 });
        assert_eq!(g[1], Group { first: 40, last: 80, shown: 450 });
        assert_eq!(layout.groups(1000)[0], g[0], "the first group's props no longer change");
        assert_eq!(layout.groups(1000).len(), 3);
    }

    #[test]
    fn chunks_cover_what_is_shown() {
        assert_eq!(chunks(0).count(), 0);
        assert_eq!(chunks(120).collect::<Vec<_>>(), [(0, 50), (50, 100), (100, 120)]);
    }
}
