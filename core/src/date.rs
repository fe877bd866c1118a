//! Dates as cookies and HTTP write them, read with the lenient algorithm of RFC 6265 §5.1.1.
//!
//! One parser serves `Expires` and `Date`: the RFC 6265 algorithm accepts the IMF-fixdate that HTTP
//! servers send (`Sun, 06 Nov 1994 08:49:37 GMT`), the RFC 850 form, asctime, and the dashed form
//! Tomcat writes on deleted cookies (`Thu, 01-Jan-1970 00:00:10 GMT`).

/// Seconds since the Unix epoch of a cookie date, or `None` when the text is not one.
pub(crate) fn parse_cookie_date(text: &[u8]) -> Option<i64> {
    let mut time: Option<(u32, u32, u32)> = None;
    let mut day: Option<u32> = None;
    let mut month: Option<u32> = None;
    let mut year: Option<u32> = None;

    for token in text.split(|&b| is_delimiter(b)).filter(|t| !t.is_empty()) {
        if time.is_none() {
            if let Some(hms) = parse_time(token) {
                time = Some(hms);
                continue;
            }
        }
        if day.is_none() {
            if let Some(d) = leading_digits(token, 1, 2) {
                day = Some(d);
                continue;
            }
        }
        if month.is_none() {
            if let Some(m) = parse_month(token) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() {
            if let Some(y) = leading_digits(token, 2, 4) {
                year = Some(y);
                continue;
            }
        }
    }

    let (hour, minute, second) = time?;
    let (day, month, mut year) = (day?, month?, year?);
    if (70..=99).contains(&year) {
        year += 1900;
    } else if year <= 69 {
        year += 2000;
    }
    if year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(i32::try_from(year).ok()?, month, day);
    Some(i64::from(days) * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

/// RFC 6265 §5.1.1 `delimiter`.
fn is_delimiter(b: u8) -> bool {
    matches!(b, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// `min..=max` leading digits followed by nothing or a non-digit.
fn leading_digits(token: &[u8], min: usize, max: usize) -> Option<u32> {
    let count = token.iter().take_while(|b| b.is_ascii_digit()).count();
    if count < min || count > max {
        return None;
    }
    token
        .iter()
        .take(count)
        .try_fold(0u32, |acc, &b| acc.checked_mul(10)?.checked_add(u32::from(b - b'0')))
}

/// `hms-time = time-field ":" time-field ":" time-field`, each field one or two digits, optionally
/// followed by non-digits.
fn parse_time(token: &[u8]) -> Option<(u32, u32, u32)> {
    let mut parts = token.splitn(3, |&b| b == b':');
    let hour = exact_digits(parts.next()?)?;
    let minute = exact_digits(parts.next()?)?;
    let second = leading_digits(parts.next()?, 1, 2)?;
    Some((hour, minute, second))
}

fn exact_digits(field: &[u8]) -> Option<u32> {
    if field.is_empty() || field.len() > 2 {
        return None;
    }
    leading_digits(field, field.len(), field.len())
}

fn parse_month(token: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let prefix = token.get(..3)?;
    let index = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(prefix))?;
    u32::try_from(index + 1).ok()
}

fn is_leap(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`), for the
/// years a cookie date can hold (1601 to 9999). In 32 bits: a 64-bit division would pull a library
/// routine into a microcontroller's flash.
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i32::try_from(month).unwrap_or(1);
    let d = i32::try_from(day).unwrap_or(1);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_cookie_date as parse;

    #[test]
    fn reads_the_forms_servers_write() {
        // IMF-fixdate (RFC 9110), the RFC 850 form, asctime, Tomcat's dashed form.
        assert_eq!(parse(b"Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse(b"Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse(b"Sun Nov  6 08:49:37 1994"), Some(784_111_777));
        assert_eq!(parse(b"Thu, 01-Jan-1970 00:00:10 GMT"), Some(10));
        assert_eq!(parse(b"Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse(b"Wed, 09 Jun 2021 10:18:14 GMT"), Some(1_623_233_894));
        assert_eq!(parse(b"Tue, 29 Feb 2028 23:59:59 GMT"), Some(1_835_481_599));
    }

    #[test]
    fn two_digit_years_follow_rfc_6265() {
        assert_eq!(parse(b"01 Jan 70 00:00:00"), Some(0));
        assert_eq!(parse(b"01 Jan 00 00:00:00"), Some(946_684_800));
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for bad in [
            &b""[..],
            b"yesterday",
            b"Sun, 06 Nov 1994",              // no time
            b"Sun, 31 Feb 1994 08:49:37 GMT", // no such day
            b"Sun, 06 Nov 1994 24:00:00 GMT",
            b"Sun, 06 Nov 1994 08:60:00 GMT",
            b"Sun, 06 Nov 1600 08:49:37 GMT",
            b"Sun, 06 Foo 1994 08:49:37 GMT",
            b"Sun, 00 Nov 1994 08:49:37 GMT",
            b"\xff\xfe:::",
        ] {
            assert_eq!(parse(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn far_years_do_not_overflow() {
        assert!(parse(b"01 Jan 9999 23:59:59").is_some());
        assert_eq!(parse(b"01 Jan 99999 00:00:00"), None);
    }
}
