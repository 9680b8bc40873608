//! Port numbers, ranges and the comma-separated lists that support articles use
//! (`443,8557,9998-9999`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A list in a URL may hold at most this many items; a range counts as one.
/// Long enough for any vendor table we have seen, short enough that nobody
/// mistakes a port scan for a readiness check.
pub const MAX_LIST_ITEMS: usize = 64;

/// An inclusive range of ports, `start..=end`, with `1 <= start <= end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    start: u16,
    end: u16,
}

impl PortRange {
    /// A range, or `None` when it would contain port 0 or run backwards.
    pub fn new(start: u16, end: u16) -> Option<Self> {
        (start >= 1 && start <= end).then_some(Self { start, end })
    }

    pub fn single(port: u16) -> Option<Self> {
        Self::new(port, port)
    }

    pub fn start(self) -> u16 {
        self.start
    }

    pub fn end(self) -> u16 {
        self.end
    }

    pub fn port_count(self) -> u32 {
        u32::from(self.end) - u32::from(self.start) + 1
    }

    pub fn is_single(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, port: u16) -> bool {
        (self.start..=self.end).contains(&port)
    }

    pub fn ports(self) -> impl Iterator<Item = u16> {
        self.start..=self.end
    }

    /// At most `count` ports spread evenly over the range, both edges included
    /// (edges are where firewall rules most often start and stop). Deterministic,
    /// so the server and every browser agree on the sample without talking.
    pub fn sample(self, count: usize) -> Vec<u16> {
        let len = self.port_count() as usize;
        if count == 0 {
            return Vec::new();
        }
        if len <= count {
            return self.ports().collect();
        }
        if count == 1 {
            return vec![self.start];
        }
        let span = (len - 1) as u64;
        let steps = (count - 1) as u64;
        let mut out: Vec<u16> = (0..count as u64)
            .map(|i| self.start + ((i * span + steps / 2) / steps) as u16)
            .collect();
        out.dedup();
        out
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_single() {
            write!(f, "{}", self.start)
        } else {
            // An en dash reads as a range to people; parsing accepts both.
            write!(f, "{}–{}", self.start, self.end)
        }
    }
}

impl FromStr for PortRange {
    type Err = PortListError;

    fn from_str(item: &str) -> Result<Self, Self::Err> {
        let item = item.trim();
        if item.is_empty() {
            return Err(PortListError::EmptyItem);
        }
        let (low, high) = match item.split_once(['-', '–']) {
            Some((low, high)) => (low.trim(), Some(high.trim())),
            None => (item, None),
        };
        let start = parse_port(low, item)?;
        let end = match high {
            Some(high) => parse_port(high, item)?,
            None => start,
        };
        PortRange::new(start, end).ok_or(PortListError::Backwards { start, end })
    }
}

fn parse_port(text: &str, item: &str) -> Result<u16, PortListError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PortListError::NotANumber {
            item: shorten(item),
        });
    }
    // Digits only, so the only way to fail is being too large.
    match text.parse::<u32>() {
        Ok(0) => Err(PortListError::Zero),
        Ok(port) if port <= 65535 => Ok(port as u16),
        _ => Err(PortListError::TooLarge {
            item: shorten(text),
        }),
    }
}

/// Echoed input is cut so a 10 kB query string does not come back in an error.
fn shorten(text: &str) -> String {
    const MAX: usize = 24;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// Why a port list was rejected, worded for the person who typed or pasted it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortListError {
    #[error("the port list is empty")]
    Empty,
    #[error("the port list has an empty item (two commas in a row?)")]
    EmptyItem,
    #[error("\"{item}\" is not a port number; write ports like 443 or ranges like 9998-9999")]
    NotANumber { item: String },
    #[error("port 0 does not exist; ports run from 1 to 65535")]
    Zero,
    #[error("{item} is above 65535, the highest port number")]
    TooLarge { item: String },
    #[error("the range {start}-{end} runs backwards; write {end}-{start}")]
    Backwards { start: u16, end: u16 },
    #[error("the list has {count} items; at most {max} are allowed (use a range such as 16500-65000 for many ports)")]
    TooMany { count: usize, max: usize },
}

/// A sorted list of ranges that do not overlap or touch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortList(Vec<PortRange>);

impl PortList {
    pub fn ranges(&self) -> &[PortRange] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, port: u16) -> bool {
        self.0.iter().any(|r| r.contains(port))
    }

    /// Total number of ports (not items).
    pub fn port_count(&self) -> u32 {
        self.0.iter().map(|r| r.port_count()).sum()
    }

    pub fn from_ranges(ranges: impl IntoIterator<Item = PortRange>) -> Self {
        let mut ranges: Vec<PortRange> = ranges.into_iter().collect();
        ranges.sort();
        let mut merged: Vec<PortRange> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if u32::from(range.start) <= u32::from(last.end) + 1 => {
                    last.end = last.end.max(range.end);
                }
                _ => merged.push(range),
            }
        }
        PortList(merged)
    }
}

impl FromStr for PortList {
    type Err = PortListError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PortListError::Empty);
        }
        // Count before parsing: a huge list is rejected without doing the work.
        let count = text.split(',').count();
        if count > MAX_LIST_ITEMS {
            return Err(PortListError::TooMany {
                count,
                max: MAX_LIST_ITEMS,
            });
        }
        let ranges = text
            .split(',')
            .map(str::parse)
            .collect::<Result<Vec<PortRange>, _>>()?;
        Ok(PortList::from_ranges(ranges))
    }
}

impl fmt::Display for PortList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, range) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{range}")?;
        }
        Ok(())
    }
}

// Ranges travel as "16500-65000" or a plain number, the way vendors write them.
impl Serialize for PortRange {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_single() {
            serializer.serialize_u16(self.start)
        } else {
            serializer.collect_str(&format_args!("{}-{}", self.start, self.end))
        }
    }
}

impl<'de> Deserialize<'de> for PortRange {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u32),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => u16::try_from(n)
                .ok()
                .and_then(PortRange::single)
                .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a port (1-65535)"))),
            Raw::Text(text) => text.parse().map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> Result<PortList, PortListError> {
        text.parse()
    }

    #[test]
    fn parses_the_lists_support_articles_use() {
        let parsed = list("443,8557,9998-9999").unwrap();
        assert_eq!(parsed.to_string(), "443, 8557, 9998–9999");
        assert_eq!(parsed.port_count(), 4);
        assert_eq!(list(" 16500 - 65000 ").unwrap().port_count(), 48501);
        assert_eq!(list("15063–15064").unwrap().port_count(), 2);
    }

    #[test]
    fn merges_overlapping_and_adjacent_items() {
        let parsed = list("10-20,15-25,26,5").unwrap();
        assert_eq!(parsed.to_string(), "5, 10–26");
    }

    #[test]
    fn rejects_malformed_lists_with_a_reason() {
        assert_eq!(
            list("abc"),
            Err(PortListError::NotANumber { item: "abc".into() })
        );
        assert_eq!(list("0"), Err(PortListError::Zero));
        assert_eq!(
            list("70000"),
            Err(PortListError::TooLarge {
                item: "70000".into()
            })
        );
        assert_eq!(
            list("99999999999999999999999"),
            Err(PortListError::TooLarge {
                item: "99999999999999999999999".into()
            })
        );
        assert_eq!(
            list("9-1"),
            Err(PortListError::Backwards { start: 9, end: 1 })
        );
        assert_eq!(list(""), Err(PortListError::Empty));
        assert_eq!(list("80,,443"), Err(PortListError::EmptyItem));
        assert_eq!(
            list("-5"),
            Err(PortListError::NotANumber { item: "-5".into() })
        );
        assert_eq!(
            list("+80"),
            Err(PortListError::NotANumber { item: "+80".into() })
        );
    }

    #[test]
    fn rejects_ten_thousand_ports_without_parsing_them() {
        let huge: Vec<String> = (1..=10_000).map(|p| p.to_string()).collect();
        let err = list(&huge.join(",")).unwrap_err();
        assert_eq!(
            err,
            PortListError::TooMany {
                count: 10_000,
                max: MAX_LIST_ITEMS
            }
        );
        assert!(err.to_string().contains("at most 64"));
    }

    #[test]
    fn error_messages_do_not_echo_huge_input() {
        let long = "x".repeat(10_000);
        let message = list(&long).unwrap_err().to_string();
        assert!(message.len() < 200, "{message}");
    }

    #[test]
    fn sample_keeps_both_edges_and_is_spread() {
        let range = PortRange::new(16500, 65000).unwrap();
        let sample = range.sample(8);
        assert_eq!(sample.len(), 8);
        assert_eq!(sample.first(), Some(&16500));
        assert_eq!(sample.last(), Some(&65000));
        assert!(sample.windows(2).all(|w| w[0] < w[1]));
        let gaps: Vec<u16> = sample.windows(2).map(|w| w[1] - w[0]).collect();
        let (min, max) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
        assert!(max - min <= 1, "uneven gaps {gaps:?}");
        assert_eq!(range.sample(8), sample, "deterministic");
    }

    #[test]
    fn sample_of_a_small_range_is_the_whole_range() {
        let range = PortRange::new(9998, 9999).unwrap();
        assert_eq!(range.sample(8), vec![9998, 9999]);
        assert_eq!(range.sample(1), vec![9998]);
        assert!(range.sample(0).is_empty());
    }

    #[test]
    fn ranges_round_trip_through_serde() {
        let ranges: Vec<PortRange> = serde_json::from_str(r#"[443, "9998-9999"]"#).unwrap();
        assert_eq!(
            serde_json::to_string(&ranges).unwrap(),
            r#"[443,"9998-9999"]"#
        );
        assert!(serde_json::from_str::<PortRange>("0").is_err());
        assert!(serde_json::from_str::<PortRange>("70000").is_err());
        assert!(serde_json::from_str::<PortRange>(r#""9-1""#).is_err());
    }
}
