//! Timestamps as people read them. The store keeps Unix seconds; pages show UTC so that
//! every console instance and every browser shows the same text for the same moment.

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC` (civil-from-days, proleptic Gregorian).
pub fn utc(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(super::utc(1_795_512_707), "2026-11-24 09:31:47 UTC");
    }
}

/// `YYYY-MM-DD` (as a date input gives it) as Unix seconds at 00:00 UTC.
pub fn parse_utc_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let (y, m, d): (i64, i64, i64) =
        (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // days-from-civil, the inverse of `utc`.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

#[cfg(test)]
mod date_tests {
    #[test]
    fn dates_round_trip() {
        for t in [0, 951_782_400, 1_795_478_400] {
            let text = super::utc(t);
            assert_eq!(super::parse_utc_date(&text[..10]), Some(t), "{text}");
        }
        for bad in ["", "2026-13-01", "2026-1", "x-y-z", "1969-12-31"] {
            assert_eq!(super::parse_utc_date(bad), None, "{bad}");
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` (a SQL timestamp as text, in whatever zone the database
/// speaks) as seconds on the same scale as [`parse_utc_date`]: differences of two are
/// exact whatever the zone.
pub fn parse_sql_datetime(s: &str) -> Option<i64> {
    let (date, time) = s.trim().split_once([' ', 'T'])?;
    let day = parse_utc_date(date)?;
    let mut hms = time.split('.').next()?.splitn(3, ':');
    let (h, m, sec): (i64, i64, i64) =
        (hms.next()?.parse().ok()?, hms.next()?.parse().ok()?, hms.next()?.parse().ok()?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..61).contains(&sec) {
        return None;
    }
    Some(day + h * 3600 + m * 60 + sec)
}

#[cfg(test)]
mod datetime_tests {
    #[test]
    fn sql_datetimes() {
        let a = super::parse_sql_datetime("2026-12-07 23:59:58.123456").unwrap();
        let b = super::parse_sql_datetime("2026-12-08 00:00:03").unwrap();
        assert_eq!(b - a, 5);
        for bad in ["", "2026-12-07", "2026-12-07 25:00:00", "x 1:2:3"] {
            assert_eq!(super::parse_sql_datetime(bad), None, "{bad}");
        }
    }
}
