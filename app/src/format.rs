//! German number and date formatting for everything a user reads (1.234,5 · 31.12.2026),
//! in the English interface too: the figures are German official statistics.

use crate::i18n::{td_string, Locale};
use chrono::{DateTime, NaiveDate, Utc};

/// 1234567 → "1.234.567"
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// 1234.56 with 1 decimal → "1.234,6"
pub fn decimal(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", int(whole))
    } else {
        format!("{sign}{},{frac}", int(whole))
    }
}

/// Share as percent with one decimal: 0.1234 → "12,3 %"; no denominator → "–".
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        "–".to_owned()
    } else {
        format!("{} %", decimal(part as f64 * 100.0 / whole as f64, 1))
    }
}

pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// Timestamps are stored in UTC and shown as the German date in Berlin.
pub fn datetime_date(t: DateTime<Utc>) -> String {
    date(t.with_timezone(&chrono_tz::Europe::Berlin).date_naive())
}

/// A moment as German date and time in Berlin, with the zone named (MEZ or MESZ), so nobody
/// misreads it; the stored value is UTC.
pub fn datetime(t: DateTime<Utc>) -> String {
    let berlin = t.with_timezone(&chrono_tz::Europe::Berlin);
    let zone = if chrono::Offset::fix(berlin.offset()).local_minus_utc() == 7200 {
        "MESZ"
    } else {
        "MEZ"
    };
    format!("{} {zone}", berlin.format("%d.%m.%Y, %H:%M"))
}

/// The "Datenstand": the date of the newest change, or why there is none.
pub fn data_date(newest_change: Option<DateTime<Utc>>, locale: Locale) -> String {
    newest_change.map_or_else(
        || td_string!(locale, common.no_changes_yet).to_owned(),
        datetime_date,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_numbers() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1.000");
        assert_eq!(int(2_120_237), "2.120.237");
        assert_eq!(int(-1234), "-1.234");
        assert_eq!(decimal(1234.5, 1), "1.234,5");
        assert_eq!(decimal(2.346, 2), "2,35");
        assert_eq!(decimal(-0.01, 1), "0,0");
        assert_eq!(percent(1, 3), "33,3 %");
        assert_eq!(percent(5, 0), "–");
    }

    #[test]
    fn moments_in_berlin_time_with_the_zone_named() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        for (utc, berlin) in [
            ("2026-12-07T05:41:00Z", "07.12.2026, 06:41 MEZ"),
            ("2026-07-01T22:30:00Z", "02.07.2026, 00:30 MESZ"),
            // the change to summer time, 29.03.2026 at 01:00 UTC
            ("2026-03-29T00:59:00Z", "29.03.2026, 01:59 MEZ"),
            ("2026-03-29T01:00:00Z", "29.03.2026, 03:00 MESZ"),
        ] {
            assert_eq!(datetime(at(utc)), berlin, "{utc}");
        }
        // a change late in the evening (UTC) belongs to the next day in Berlin
        assert_eq!(datetime_date(at("2026-12-31T23:30:00Z")), "01.01.2027");
    }

    #[test]
    fn german_dates() {
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()),
            "31.12.2026"
        );
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2019, 1, 5).unwrap()),
            "05.01.2019"
        );
    }
}
