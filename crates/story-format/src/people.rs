//! Who wrote a story, for each place that names them: the credit line the
//! page prints, the names in `<meta name="author">` and the feeds, and the
//! `Person` or `Organization` of structured data. The `authors` list is the
//! data; a `byline` is text, never split into people.

use crate::model::Story;

/// How structured data may type a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One person's name, by its look: two to four capitalised words, or
    /// two to four Han characters; no "and", "&", comma, digit or a word
    /// that names a desk or a publication.
    Person,
    /// Anything else: a desk, an agency, several people in one line.
    Other,
}

impl Story {
    /// The credit line the page prints after "By": the `byline` as
    /// written, else the `authors`' names in a list.
    pub fn credit_line(&self) -> Option<String> {
        if let Some(b) = &self.byline {
            return Some(b.clone());
        }
        if self.authors.is_empty() {
            return None;
        }
        let sep = if crate::text::primary_language(&self.lang).as_str() == "zh" { "、" } else { ", " };
        Some(self.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(sep))
    }

    /// The names to give where one line of names is asked for
    /// (`<meta name="author">`, a feed's authors): the `authors`, else the
    /// byline as one name without a leading "By".
    pub fn author_names(&self) -> Vec<&str> {
        if !self.authors.is_empty() {
            return self.authors.iter().map(|a| a.name.as_str()).collect();
        }
        self.byline.as_deref().map(without_by).filter(|b| !b.is_empty()).into_iter().collect()
    }
}

/// `byline` without a leading "By " (any case): "By Jane Roe" is "Jane Roe".
pub fn without_by(byline: &str) -> &str {
    let t = byline.trim();
    match t.get(..3) {
        Some(by) if by.eq_ignore_ascii_case("by ") => t[3..].trim_start(),
        _ => t,
    }
}

/// Words that name a group, not a person ("Data Desk", "Staff").
const GROUP_WORDS: &[&str] = &[
    "agency",
    "board",
    "bureau",
    "committee",
    "correspondent",
    "correspondents",
    "daily",
    "department",
    "desk",
    "editor",
    "editorial",
    "editors",
    "group",
    "herald",
    "journal",
    "media",
    "network",
    "news",
    "newsroom",
    "office",
    "post",
    "press",
    "reporter",
    "reporters",
    "service",
    "staff",
    "team",
    "times",
    "wire",
    "writers",
];

/// Lower-case words inside names ("Ludwig van Beethoven", "Ibn al Haytham").
const PARTICLES: &[&str] =
    &["al", "bin", "da", "de", "del", "der", "di", "du", "el", "ibn", "la", "le", "van", "von"];

/// Whether `name` reads as one person's name (see [`Kind::Person`]). A
/// guess on purpose narrow: a miss types no person, a wrong hit would
/// invent one.
pub fn kind_of(name: &str) -> Kind {
    let name = without_by(name);
    let joins =
        [",", ";", "&", "/", "+", "|", "、", "，", "；", "和", "與", "与", " and ", " und ", " et ", " y "];
    if name.is_empty()
        || name.chars().count() > 60
        || name.chars().any(|c| c.is_ascii_digit())
        || joins.iter().any(|j| name.contains(j))
    {
        return Kind::Other;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let han = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c);
    if words.len() == 1 {
        let n = name.chars().count();
        // A Han name of two to four characters, unless it ends as the
        // names of newsrooms do (新华社, 人民日报, 凤凰科技, 新闻部).
        let group_end = "社报報网網台部组組局会會院司处處站刊闻聞技";
        let ends_as_group = name.chars().last().is_some_and(|c| group_end.contains(c));
        return if (2..=4).contains(&n) && name.chars().all(han) && !ends_as_group {
            Kind::Person
        } else {
            Kind::Other
        };
    }
    if words.len() > 4 {
        return Kind::Other;
    }
    for w in &words {
        // ASCII: the words it is compared with are ASCII.
        let lower = w.to_ascii_lowercase();
        let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
        if GROUP_WORDS.contains(&bare) || lower.ends_with("'s") || lower.ends_with("’s") {
            return Kind::Other;
        }
        // A Latin word starts with a capital, or is a particle.
        let first = w.chars().next().unwrap_or(' ');
        if first.is_lowercase() && !PARTICLES.contains(&bare) {
            return Kind::Other;
        }
    }
    Kind::Person
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_named_and_desks_are_not() {
        for person in
            ["Jane Roe", "By Jane Roe", "Ludwig van Beethoven", "王晓雨", "ليلى حداد", "Mary-Kate O'Neil"]
        {
            assert_eq!(kind_of(person), Kind::Person, "{person}");
        }
        for other in [
            "Research and Development Desk",
            "Ben & Jerry's newsroom",
            "Reuters",
            "Staff",
            "The Data Desk",
            "Jane Roe, Li Wei",
            "记者 王晓雨 和 李明",
            "Agence France-Presse Team",
            "jane roe",
            "Reporter 2",
            "新华社",
            "凤凰科技",
            "",
        ] {
            assert_eq!(kind_of(other), Kind::Other, "{other}");
        }
    }

    #[test]
    fn by_is_not_a_name() {
        assert_eq!(without_by("By Jane Roe"), "Jane Roe");
        assert_eq!(without_by("by  Jane"), "Jane");
        assert_eq!(without_by("Byron Smith"), "Byron Smith");
    }
}
