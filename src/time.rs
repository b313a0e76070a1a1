//! Times as the bureau writes them, and the lengths of time limits.
//!
//! Times are RFC 3339; a time written without an offset is read in the bureau's
//! configured offset, and day boundaries are local to that offset (SPEC §4).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime};

/// A moment, kept with the offset it was written in (or the bureau's).
pub type Time = DateTime<FixedOffset>;

/// Parses a time: `2026-03-02T09:00:00+08:00`, `2026-03-02T09:00` or `2026-03-02 09:00:00`
/// (read in `zone`), and, when `date_only` is allowed, `2026-03-02` (local midnight).
///
/// The grammar is that of RFC 3339 with what people write besides: a space or
/// `t` for `T`, no seconds, no offset (the bureau's), `+0800`, one-digit month,
/// day and hour. [`DATE_PATTERN`] and [`CLOCK_PATTERN`] say the same for the schema.
pub fn parse_time(text: &str, zone: FixedOffset, date_only: bool) -> Option<Time> {
    let mut s = Scanner(text.trim());
    let date = s.date()?;
    if s.0.is_empty() {
        return date_only
            .then(|| date.and_time(NaiveTime::MIN).and_local_timezone(zone).single())?;
    }
    s.eat(&['T', 't', ' '])?;
    let hour = s.digits(1, 2)?;
    s.eat(&[':'])?;
    let minute = s.digits(2, 2)?;
    let (mut second, mut nano) = (0, 0);
    if s.eat(&[':']).is_some() {
        second = s.digits(2, 2)?;
        if s.eat(&['.']).is_some() {
            nano = s.fraction()?;
        }
    }
    let offset = s.offset()?;
    if !s.0.is_empty() || second > 59 {
        return None;
    }
    let naive = date.and_hms_nano_opt(hour, minute, second, nano)?;
    naive.and_local_timezone(offset.unwrap_or(zone)).single()
}

/// Parses a calendar date `2026-03-02` (or `2026-3-2`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut s = Scanner(text.trim());
    let date = s.date()?;
    s.0.is_empty().then_some(date)
}

/// [`parse_date`]'s grammar as a regular expression (for `xinbao schema`): a real
/// calendar date, 29 February in leap years only.
pub const DATE_PATTERN: &str = concat!(
    "[0-9]{4}-(?:(?:0?[13578]|1[02])-(?:0?[1-9]|[12][0-9]|3[01])|(?:0?[469]|11)-(?:0?[1-9]|[12][0-9]|30)|0?2-(?:0?[1-9]|1[0-9]|2[0-8]))",
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-0?2-29"
);

/// What [`parse_time`] reads after the date, as a regular expression: the clock
/// time and an optional offset.
pub const CLOCK_PATTERN: &str = "[Tt ](?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]+)?)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?";

/// Reads a time's text from the front.
struct Scanner<'a>(&'a str);

impl Scanner<'_> {
    /// A number of `min` to `max` ASCII digits (the digits past `max` are left).
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let n = self.0.bytes().take(max).take_while(u8::is_ascii_digit).count();
        if n < min {
            return None;
        }
        let (digits, rest) = self.0.split_at(n);
        self.0 = rest;
        digits.parse().ok()
    }

    /// One of `chars`.
    fn eat(&mut self, chars: &[char]) -> Option<char> {
        let c = self.0.chars().next().filter(|c| chars.contains(c))?;
        self.0 = &self.0[c.len_utf8()..];
        Some(c)
    }

    /// `YYYY-M-D`, month and day of one or two digits.
    fn date(&mut self) -> Option<NaiveDate> {
        let year = self.digits(4, 4)?;
        self.eat(&['-'])?;
        let month = self.digits(1, 2)?;
        self.eat(&['-'])?;
        let day = self.digits(1, 2)?;
        NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
    }

    /// The digits after a decimal point, as nanoseconds (past the ninth ignored).
    fn fraction(&mut self) -> Option<u32> {
        let n = self.0.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let digits: String = self.0[..n].chars().chain(std::iter::repeat('0')).take(9).collect();
        self.0 = &self.0[n..];
        digits.parse().ok()
    }

    /// `Z`, `+08:00` or `+0800`; `Some(None)` when none is written.
    fn offset(&mut self) -> Option<Option<FixedOffset>> {
        let Some(sign) = self.eat(&['Z', 'z', '+', '-']) else { return Some(None) };
        if sign == 'Z' || sign == 'z' {
            return Some(FixedOffset::east_opt(0));
        }
        let hours = self.digits(2, 2)?;
        self.eat(&[':']);
        let minutes = self.digits(2, 2)?;
        if hours > 23 || minutes > 59 {
            return None;
        }
        let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
        Some(FixedOffset::east_opt(if sign == '-' { -seconds } else { seconds }))
    }
}

/// Parses an offset: `+08:00`, `-05:30`, `Z` or `UTC`.
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let text = text.trim();
    if text == "Z" || text.eq_ignore_ascii_case("UTC") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
    let hours: i32 = hours.parse().ok().filter(|h| (0..=14).contains(h))?;
    let minutes: i32 = minutes.parse().ok().filter(|m| (0..60).contains(m))?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// Parses a length of time: `30m`, `1h`, `2h30m`, `90s`, `1d`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total = Duration::zero();
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        total += match c {
            'd' => Duration::try_days(n)?,
            'h' => Duration::try_hours(n)?,
            'm' => Duration::try_minutes(n)?,
            's' => Duration::try_seconds(n)?,
            _ => return None,
        };
    }
    digits.is_empty().then_some(total)
}

/// A duration in words: `1 小时 30 分钟` / `1 h 30 min`.
pub fn format_duration(duration: Duration) -> (String, String) {
    let minutes = duration.num_minutes();
    match (minutes / 60, minutes % 60) {
        (0, m) => (format!("{m} 分钟"), format!("{m} min")),
        (h, 0) => (format!("{h} 小时"), format!("{h} h")),
        (h, m) => (format!("{h} 小时 {m} 分钟"), format!("{h} h {m} min")),
    }
}

/// How late, in words: `3 小时 20 分` / `3 h 20 min` (days when a day or more).
pub fn late_by(duration: Duration) -> (String, String) {
    // Whole minutes, rounded up: a second late is a minute late.
    let minutes = ((duration.num_seconds() + 59) / 60).max(1);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let mut zh = String::new();
    let mut en = Vec::new();
    if days > 0 {
        zh.push_str(&format!("{days} 天 "));
        en.push(format!("{days} d"));
    }
    if hours > 0 {
        zh.push_str(&format!("{hours} 小时 "));
        en.push(format!("{hours} h"));
    }
    if mins > 0 {
        zh.push_str(&format!("{mins} 分"));
        en.push(format!("{mins} min"));
    }
    (zh.trim_end().to_string(), en.join(" "))
}

/// Writes a time for messages: `2026-03-02 09:00 +08:00`.
pub fn format_time(time: &Time) -> String {
    time.format("%Y-%m-%d %H:%M %:z").to_string()
}

/// The start of the day `days` days after `time`'s local day, in `zone`.
pub fn local_midnight_after(time: &Time, zone: FixedOffset, days: u64) -> Option<Time> {
    let date = time.with_timezone(&zone).date_naive().checked_add_days(chrono::Days::new(days))?;
    date.and_time(NaiveTime::MIN).and_local_timezone(zone).single()
}

/// A time in the bureau's zone, RFC 3339.
pub fn rfc3339(at: i64, zone: chrono::FixedOffset) -> String {
    chrono::DateTime::from_timestamp(at, 0).unwrap_or_default().with_timezone(&zone).to_rfc3339()
}

/// A moment's day as official documents write it: `2026年3月2日`.
pub fn chinese_date(at: i64, zone: chrono::FixedOffset) -> String {
    chinese_day(
        chrono::DateTime::from_timestamp(at, 0)
            .unwrap_or_default()
            .with_timezone(&zone)
            .date_naive(),
    )
}

/// A day as official documents write it: `2026年3月2日` (Arabic numerals, no
/// padding, GB/T 9704 7.3.5.4).
pub fn chinese_day(date: chrono::NaiveDate) -> String {
    date.format("%Y年%-m月%-d日").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    #[test]
    fn times_with_and_without_offsets() {
        let a = parse_time("2026-03-02T09:00:00+08:00", cst(), false).unwrap();
        let b = parse_time("2026-03-02 09:00", cst(), false).unwrap();
        let c = parse_time("2026-03-02T01:00:00Z", cst(), false).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert!(parse_time("2026-03-02", cst(), false).is_none());
        assert_eq!(
            parse_time("2026-03-02", cst(), true).unwrap().to_rfc3339(),
            "2026-03-02T00:00:00+08:00"
        );
        assert!(parse_time("2026-02-30T09:00:00+08:00", cst(), false).is_none());
        assert!(parse_time("昨天", cst(), true).is_none());
    }

    #[test]
    fn what_people_write_and_what_they_do_not() {
        let a = parse_time("2026-03-02T09:00:00+08:00", cst(), false).unwrap();
        for same in [
            "2026-3-2T9:00",
            "2026-03-02t09:00:00+0800",
            "2026-03-02T01:00:00z",
            "2026-03-02 09:00:00.000",
        ] {
            assert_eq!(parse_time(same, cst(), false), Some(a), "{same}");
        }
        let nanos = parse_time("2026-03-02T09:00:00.1234567891+08:00", cst(), false).unwrap();
        assert_eq!(nanos.timestamp_subsec_nanos(), 123_456_789);
        for wrong in [
            "26-03-02T09:00",
            "+2026-03-02T09:00",
            "2026-03-02T09:0",
            "2026-03-02T09:00:60+08:00",
            "2026-03-02  09:00",
            "2026-03-02T24:00",
            "2026-03-02T09:00+08",
            "2026-03-02T09:00:00 +08:00",
        ] {
            assert_eq!(parse_time(wrong, cst(), true), None, "{wrong}");
        }
        assert_eq!(parse_date("2026-3-2"), NaiveDate::from_ymd_opt(2026, 3, 2));
        assert_eq!(parse_date("2026-03-02x"), None);
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00"), Some(cst()));
        assert_eq!(parse_offset("UTC"), FixedOffset::east_opt(0));
        assert_eq!(parse_offset("-05:30").unwrap().local_minus_utc(), -19800);
        assert_eq!(parse_offset("Asia/Shanghai"), None);
        assert_eq!(parse_offset("+25:00"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h"), Some(Duration::hours(1)));
        assert_eq!(parse_duration("2h30m"), Some(Duration::minutes(150)));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration("1x"), None);
        assert_eq!(
            format_duration(Duration::minutes(90)),
            ("1 小时 30 分钟".into(), "1 h 30 min".into())
        );
    }

    #[test]
    fn local_day_boundaries() {
        // 23:30 UTC on 1 March is 07:30 on 2 March in +08:00: the next local day ends 4 March 00:00.
        let t = parse_time("2026-03-01T23:30:00Z", cst(), false).unwrap();
        let end = local_midnight_after(&t, cst(), 2).unwrap();
        assert_eq!(end.to_rfc3339(), "2026-03-04T00:00:00+08:00");
    }
}
