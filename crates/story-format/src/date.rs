//! `published`/`updated`: `YYYY-MM-DD` or an RFC 3339 date-time, with real
//! calendar dates (`2026-02-30` is refused).

use std::cmp::Ordering;

/// A checked date or date-time from a story or catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timestamp {
    /// The text as the file gave it (goes into `<time datetime>`).
    pub raw: String,
    /// Year, month (1-12), day (1-31) as written.
    pub date: (i32, u8, u8),
    /// Whether a time of day was given (else only a date).
    pub has_time: bool,
    /// Seconds since 1970-01-01T00:00:00Z (a date alone counts as its midnight UTC); for ordering.
    pub unix: i64,
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.unix.cmp(&other.unix).then_with(|| self.raw.cmp(&other.raw))
    }
}

fn num(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1-12) of year `y`.
pub fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (the
/// inverse of `days_from_civil`, Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DD` or an RFC 3339 date-time (`2026-03-14T09:30:00Z`,
/// `2026-03-14T09:30:00.5+08:00`). Returns a message saying what is wrong.
pub fn parse(s: &str) -> Result<Timestamp, String> {
    const FORMS: &str = "use YYYY-MM-DD or an RFC 3339 date-time such as 2026-03-14T09:30:00Z";
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(format!("\"{s}\" is not a date: {FORMS}"));
    }
    let (Some(y), Some(m), Some(d)) = (num(&b[0..4]), num(&b[5..7]), num(&b[8..10])) else {
        return Err(format!("\"{s}\" is not a date: {FORMS}"));
    };
    let (y, m, d) = (y as i32, m as u8, d as u8);
    if !(1..=12).contains(&m) {
        return Err(format!("\"{s}\" has month {m}, which does not exist"));
    }
    if d == 0 || d > days_in_month(y, m) {
        return Err(format!("\"{s}\": {y:04}-{m:02} has no day {d}"));
    }
    let mut unix = days_from_civil(y, m, d) * 86_400;
    if b.len() == 10 {
        return Ok(Timestamp { raw: s.to_owned(), date: (y, m, d), has_time: false, unix });
    }
    // RFC 3339: 'T' HH:MM:SS [.frac] ('Z' | +HH:MM | -HH:MM)
    let t = &b[10..];
    let bad = || format!("\"{s}\" is not a valid date-time: {FORMS}");
    if t.len() < 10 || !matches!(t[0], b'T' | b't') || t[3] != b':' || t[6] != b':' {
        return Err(bad());
    }
    let (Some(hh), Some(mm), Some(ss)) = (num(&t[1..3]), num(&t[4..6]), num(&t[7..9])) else {
        return Err(bad());
    };
    if hh > 23 || mm > 59 || ss > 60 {
        return Err(format!("\"{s}\" has a time of day that does not exist"));
    }
    let mut rest = &t[9..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(bad());
        }
        rest = &frac[n..];
    }
    let offset: i64 = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (Some(oh), Some(om)) = (num(&[*h1, *h2]), num(&[*m1, *m2])) else {
                return Err(bad());
            };
            if oh > 23 || om > 59 {
                return Err(format!("\"{s}\" has a time-zone offset that does not exist"));
            }
            let o = i64::from(oh * 3600 + om * 60);
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return Err(bad()),
    };
    unix += i64::from(hh * 3600 + mm * 60 + ss.min(59)) - offset;
    Ok(Timestamp { raw: s.to_owned(), date: (y, m, d), has_time: true, unix })
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The date as a reader of `lang` writes it, without a browser: what a
/// built page shows (the viewer in a browser uses `Intl`, which gives the
/// same text for these dates: see [`same_as_intl`]). English as `Intl`'s
/// long style ("March 14, 2026" for `en` and `en-US`, "14 March 2026" for
/// other English); Chinese and Japanese "2026年3月14日"; Korean "2026년 3월
/// 14일"; Arabic (`ar`) "14 مارس 2026" (Chromium's `Intl` writes Latin
/// digits for `ar`); any other language the ISO form
/// "2026-03-14", which every reader can read. A date-time adds its time of day as written, with its offset
/// ("09:30 UTC+08:00"): a page built once cannot know the reader's zone.
pub fn format_long(t: &Timestamp, lang: &str) -> String {
    let (y, m, d) = t.date;
    let month = MONTHS_EN[usize::from(m - 1)];
    let date = match crate::text::primary_language(lang).as_str() {
        "en" if is_us_english(lang) => format!("{month} {d}, {y}"),
        "en" => format!("{d} {month} {y}"),
        "zh" | "ja" => format!("{y}年{m}月{d}日"),
        "ko" => format!("{y}년 {m}월 {d}일"),
        "ar" if lang.eq_ignore_ascii_case("ar") => format!("{d} {} {y}", MONTHS_AR[usize::from(m - 1)]),
        _ => format!("{y:04}-{m:02}-{d:02}"),
    };
    if !t.has_time {
        return date;
    }
    // raw is checked RFC 3339: "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)".
    let clock = &t.raw[11..16];
    let zone = match &t.raw[19..] {
        z if z.ends_with(['Z', 'z']) => "UTC".to_owned(),
        z => format!("UTC{}", &z[z.len() - 6..]),
    };
    format!("{date}, {clock} {zone}")
}

/// A date-time as the browser's `Intl` words it (`dateStyle: "long"`,
/// `timeStyle: "short"`) for a reader whose clock is `offset_minutes` ahead
/// of UTC, in the languages where the words are known to be the same (US
/// English, Simplified Chinese, Japanese, Korean; checked against
/// Chromium's `Intl` by a component test); `None` for any other language,
/// or for a date without a time (see [`format_long`]). The viewer then
/// skips `Intl`, whose first use costs about 25 ms of startup.
pub fn format_local(t: &Timestamp, lang: &str, offset_minutes: i32) -> Option<String> {
    if !t.has_time {
        return None;
    }
    let local = t.unix + i64::from(offset_minutes) * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    let (h, min) = (secs / 3600, secs % 3600 / 60);
    let (h12, pm) = (if h % 12 == 0 { 12 } else { h % 12 }, h >= 12);
    let known = |tags: &[&str]| tags.iter().any(|k| lang.eq_ignore_ascii_case(k));
    Some(if is_us_english(lang) {
        let month = MONTHS_EN[usize::from(m - 1)];
        format!("{month} {d}, {y} at {h12}:{min:02} {}", if pm { "PM" } else { "AM" })
    } else if known(&["zh", "zh-CN", "zh-Hans", "zh-Hans-CN"]) {
        format!("{y}年{m}月{d}日 {h:02}:{min:02}")
    } else if known(&["ja", "ja-JP"]) {
        format!("{y}年{m}月{d}日 {h}:{min:02}")
    } else if known(&["ko", "ko-KR"]) {
        format!("{y}년 {m}월 {d}일 {} {h12}:{min:02}", if pm { "오후" } else { "오전" })
    } else {
        return None;
    })
}

const MONTHS_AR: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

fn is_us_english(lang: &str) -> bool {
    lang.eq_ignore_ascii_case("en") || lang.eq_ignore_ascii_case("en-US")
}

/// Whether [`format_long`] gives exactly what the browser's `Intl`
/// (`dateStyle: "long"`, in UTC) gives for `t` in `lang`: a date without a
/// time, in US English, Chinese, Japanese or Korean. The viewer then skips
/// `Intl`, whose first use costs about 30 ms of startup.
pub fn same_as_intl(t: &Timestamp, lang: &str) -> bool {
    !t.has_time
        && (is_us_english(lang)
            || lang.eq_ignore_ascii_case("ar")
            || matches!(crate::text::primary_language(lang).as_str(), "zh" | "ja" | "ko"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2026, 3, 14), (1969, 12, 31), (2400, 12, 31)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
    }

    #[test]
    fn local_date_times_as_intl_words_them() {
        let t = parse("2026-03-16T09:30:00+08:00").unwrap(); // 01:30 UTC
        assert_eq!(format_local(&t, "en", 0).unwrap(), "March 16, 2026 at 1:30 AM");
        assert_eq!(format_local(&t, "en-US", -120).unwrap(), "March 15, 2026 at 11:30 PM");
        assert_eq!(format_local(&t, "zh-Hans", 480).unwrap(), "2026年3月16日 09:30");
        assert_eq!(format_local(&t, "ja", 540).unwrap(), "2026年3月16日 10:30");
        assert_eq!(format_local(&t, "ko", 720).unwrap(), "2026년 3월 16일 오후 1:30");
        assert_eq!(format_local(&t, "fr", 0), None);
        assert_eq!(format_local(&parse("2026-03-16").unwrap(), "en", 0), None);
    }

    #[test]
    fn long_dates_without_a_browser() {
        let f = |s: &str, lang: &str| format_long(&parse(s).unwrap(), lang);
        assert_eq!(f("2026-03-14", "en"), "March 14, 2026");
        assert_eq!(f("2026-03-14", "en-GB"), "14 March 2026");
        assert_eq!(f("2026-03-14", "zh-Hans"), "2026年3月14日");
        assert_eq!(f("2026-03-04", "ko"), "2026년 3월 4일");
        assert_eq!(f("2026-03-04", "fr"), "2026-03-04");
        assert_eq!(f("2026-01-28", "ar"), "28 يناير 2026");
        assert_eq!(f("2026-03-14T09:30:00Z", "en"), "March 14, 2026, 09:30 UTC");
        assert_eq!(f("2026-03-14T09:30:00.25+08:00", "ja"), "2026年3月14日, 09:30 UTC+08:00");
    }

    #[test]
    fn accepts_dates_and_date_times() {
        assert_eq!(parse("2026-03-14").unwrap().date, (2026, 3, 14));
        assert_eq!(parse("1970-01-01T00:00:00Z").unwrap().unix, 0);
        assert_eq!(parse("1970-01-01T08:00:00+08:00").unwrap().unix, 0);
        assert_eq!(parse("2024-02-29").unwrap().date, (2024, 2, 29));
        assert!(parse("2026-03-14T09:30:00.123-05:30").is_ok());
        assert!(parse("2016-12-31T23:59:60Z").is_ok());
    }

    #[test]
    fn refuses_impossible_dates_and_other_forms() {
        for bad in [
            "2026-02-30",
            "2025-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "26-03-14",
            "2026/03/14",
            "2026-03-14T25:00:00Z",
            "2026-03-14T09:30Z",
            "2026-03-14T09:30:00",
            "2026-03-14 09:30:00Z",
            "2026-03-14T09:30:00+0800",
            "2026-03-14T09:30:00.Z",
            "",
            "yesterday",
            "２０２６-03-14",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn orders_by_instant() {
        assert!(parse("2026-03-14T01:00:00+02:00").unwrap() < parse("2026-03-14T00:00:00Z").unwrap());
        assert!(parse("2026-03-13").unwrap() < parse("2026-03-14").unwrap());
    }
}
