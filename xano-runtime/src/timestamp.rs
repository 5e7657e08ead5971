//! [`Timestamp`]: Xano's `timestamptz`, in either of the forms Xano sends.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time, as Xano's `timestamptz` fields hold it, to the millisecond.
///
/// Xano sends timestamps in two forms: epoch milliseconds (`1681938092000`, the
/// app APIs) and text (`"2023-04-19 21:01:32+0000"`, the Metadata API). Both
/// read into a `Timestamp`, as do RFC 3339 text and a bare date. It serializes as
/// epoch milliseconds, which Xano accepts for every timestamp input. Convert with
/// [`Timestamp::to_system_time`], or to `jiff`, `chrono` and `time` types with
/// the features of those names. `Display` writes RFC 3339 in UTC.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    millis: i64,
}

impl Timestamp {
    /// The timestamp `millis` milliseconds after the Unix epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Timestamp { millis }
    }

    /// Milliseconds since the Unix epoch, as Xano counts them.
    pub const fn as_millis(self) -> i64 {
        self.millis
    }

    /// The current time.
    pub fn now() -> Self {
        Timestamp::from(SystemTime::now())
    }

    /// As a `SystemTime`.
    pub fn to_system_time(self) -> SystemTime {
        let magnitude = Duration::from_millis(self.millis.unsigned_abs());
        if self.millis >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }

    /// Reads Xano's text form (`2023-04-19 21:01:32+0000`), RFC 3339
    /// (`2023-04-19T21:01:32.5Z`, `…+02:00`), a bare date (`2023-04-19`, midnight
    /// UTC) or epoch milliseconds written as text (what `str::parse` does).
    fn parse_text(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        if let Ok(millis) = text.parse::<i64>() {
            return Some(Timestamp::from_millis(millis));
        }
        let bytes = text.as_bytes();
        let number = |from: usize, len: usize| -> Option<i64> {
            let part = text.get(from..from + len)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
        if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return None;
        }
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let days = days_from_civil(year, month, day);
        if bytes.len() == 10 {
            return Some(Timestamp::from_millis(days * 86_400_000));
        }
        if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
            return None;
        }
        let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
        if bytes.get(13) != Some(&b':') || bytes.get(16) != Some(&b':') {
            return None;
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut at = 19;
        let mut millis = 0;
        if bytes.get(at) == Some(&b'.') {
            let start = at + 1;
            let end = start
                + bytes[start..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
            if end == start {
                return None;
            }
            let fraction = &text[start..end.min(start + 3)];
            millis = fraction.parse::<i64>().ok()? * 10_i64.pow(3 - fraction.len() as u32);
            at = end;
        }
        let offset_minutes = match &text[at..] {
            "Z" | "z" | "" => 0,
            zone => {
                let sign = match zone.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
                if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let hours: i64 = digits[..2].parse().ok()?;
                let minutes: i64 = digits[2..].parse().ok()?;
                sign * (hours * 60 + minutes)
            }
        };
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
        Some(Timestamp::from_millis(seconds * 1000 + millis))
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count from 1970-01-01 (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC, with milliseconds when there are any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.millis.div_euclid(86_400_000);
        let in_day = self.millis.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        let (hour, minute) = (in_day / 3_600_000, in_day / 60_000 % 60);
        let (second, millis) = (in_day / 1000 % 60, in_day % 1000);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"
        )?;
        if millis != 0 {
            write!(f, ".{millis:03}")?;
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        let millis = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
        };
        Timestamp::from_millis(millis)
    }
}

impl From<Timestamp> for SystemTime {
    fn from(timestamp: Timestamp) -> Self {
        timestamp.to_system_time()
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.millis)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Xano timestamp (epoch milliseconds or date-time text)")
            }
            fn visit_i64<E: serde::de::Error>(self, millis: i64) -> Result<Timestamp, E> {
                Ok(Timestamp::from_millis(millis))
            }
            fn visit_u64<E: serde::de::Error>(self, millis: u64) -> Result<Timestamp, E> {
                i64::try_from(millis)
                    .map(Timestamp::from_millis)
                    .map_err(|_| E::custom("a timestamp past the year 292 million"))
            }
            fn visit_f64<E: serde::de::Error>(self, millis: f64) -> Result<Timestamp, E> {
                if millis.is_finite() && millis.abs() < 9.2e18 {
                    Ok(Timestamp::from_millis(millis.round() as i64))
                } else {
                    Err(E::custom("not a timestamp"))
                }
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Timestamp::parse_text(text)
                    .ok_or_else(|| E::custom(format!("`{text}` is not a Xano timestamp")))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Reads Xano's text form (`2023-04-19 21:01:32+0000`), RFC 3339
/// (`2023-04-19T21:01:32.5Z`, `…+02:00`), a bare date (`2023-04-19`, midnight
/// UTC) or epoch milliseconds written as text.
///
/// ```
/// let at: xano_runtime::Timestamp = "2023-04-19 21:01:32+0000".parse()?;
/// assert_eq!(at.as_millis(), 1_681_938_092_000);
/// # Ok::<(), xano_runtime::Error>(())
/// ```
impl std::str::FromStr for Timestamp {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Timestamp, crate::Error> {
        Timestamp::parse_text(text)
            .ok_or_else(|| crate::Error::Timestamp(format!("`{text}` is not a Xano timestamp")))
    }
}

#[cfg(feature = "chrono")]
mod with_chrono {
    use super::Timestamp;

    impl TryFrom<Timestamp> for chrono::DateTime<chrono::Utc> {
        type Error = crate::Error;
        fn try_from(timestamp: Timestamp) -> Result<Self, crate::Error> {
            chrono::DateTime::from_timestamp_millis(timestamp.as_millis()).ok_or_else(|| {
                crate::Error::Timestamp(format!("{timestamp:?} is out of chrono's range"))
            })
        }
    }

    impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp {
        fn from(time: chrono::DateTime<Tz>) -> Self {
            Timestamp::from_millis(time.timestamp_millis())
        }
    }
}

#[cfg(feature = "time")]
mod with_time {
    use super::Timestamp;

    impl TryFrom<Timestamp> for time::OffsetDateTime {
        type Error = crate::Error;
        fn try_from(timestamp: Timestamp) -> Result<Self, crate::Error> {
            time::OffsetDateTime::from_unix_timestamp_nanos(
                i128::from(timestamp.as_millis()) * 1_000_000,
            )
            .map_err(|err| crate::Error::Timestamp(format!("{timestamp:?}: {err}")))
        }
    }

    impl From<time::OffsetDateTime> for Timestamp {
        fn from(time: time::OffsetDateTime) -> Self {
            let millis = time.unix_timestamp_nanos().div_euclid(1_000_000);
            Timestamp::from_millis(i64::try_from(millis).unwrap_or(i64::MAX))
        }
    }
}

#[cfg(feature = "jiff")]
mod with_jiff {
    use super::Timestamp;

    impl TryFrom<Timestamp> for jiff::Timestamp {
        type Error = crate::Error;
        fn try_from(timestamp: Timestamp) -> Result<Self, crate::Error> {
            jiff::Timestamp::from_millisecond(timestamp.as_millis())
                .map_err(|err| crate::Error::Timestamp(format!("{timestamp:?}: {err}")))
        }
    }

    impl From<jiff::Timestamp> for Timestamp {
        fn from(time: jiff::Timestamp) -> Self {
            Timestamp::from_millis(time.as_millisecond())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn both_xano_forms_and_rfc_3339_read_the_same_instant() {
        let millis = Timestamp::from_millis(1_681_938_092_000);
        for text in [
            "\"2023-04-19 21:01:32+0000\"",
            "\"2023-04-19T21:01:32Z\"",
            "\"2023-04-19T23:01:32+02:00\"",
            "\"2023-04-19 16:01:32-0500\"",
            "\"1681938092000\"",
            "1681938092000",
            "1681938092000.0",
        ] {
            let read: Timestamp =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(read, millis, "{text}");
        }
        let precise: Timestamp = serde_json::from_str("\"2023-04-19T21:01:32.5Z\"").unwrap();
        assert_eq!(precise.as_millis(), 1_681_938_092_500);
        let date: Timestamp = serde_json::from_str("\"2023-04-19\"").unwrap();
        assert_eq!(date.to_string(), "2023-04-19T00:00:00Z");
        assert_eq!(serde_json::to_string(&millis).unwrap(), "1681938092000");
        assert_eq!(millis.to_string(), "2023-04-19T21:01:32Z");
        for bad in ["\"now\"", "\"2023-13-01\"", "\"2023-04-19X21:01\"", "true"] {
            assert!(serde_json::from_str::<Timestamp>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn system_time_round_trips_before_and_after_the_epoch() {
        for millis in [
            0,
            1,
            -1,
            1_681_938_092_123,
            -86_400_001,
            253_402_300_799_000,
        ] {
            let t = Timestamp::from_millis(millis);
            assert_eq!(Timestamp::from(t.to_system_time()), t);
            assert_eq!(Timestamp::parse_text(&t.to_string()), Some(t), "{t}");
        }
        assert_eq!(
            Timestamp::from_millis(-1).to_string(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    #[cfg(all(feature = "jiff", feature = "chrono", feature = "time"))]
    #[test]
    fn converts_to_and_from_jiff_chrono_and_time() {
        let t = Timestamp::from_millis(1_681_938_092_500);
        let jiff = jiff::Timestamp::try_from(t).unwrap();
        assert_eq!(jiff.to_string(), "2023-04-19T21:01:32.5Z");
        assert_eq!(Timestamp::from(jiff), t);
        let chrono = chrono::DateTime::<chrono::Utc>::try_from(t).unwrap();
        assert_eq!(chrono.timestamp_millis(), t.as_millis());
        assert_eq!(Timestamp::from(chrono), t);
        let time = time::OffsetDateTime::try_from(t).unwrap();
        assert_eq!(time.unix_timestamp(), 1_681_938_092);
        assert_eq!(Timestamp::from(time), t);
    }
}
