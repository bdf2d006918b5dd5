//! Packet numbers a receiver has seen, kept as disjoint inclusive ranges: the source of ack
//! frames and of duplicate detection. Bounded: the oldest ranges are folded into a floor below
//! which everything counts as seen (a sender retransmits lost reliable data under new packet
//! numbers, so forgetting old gaps loses nothing).

use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct RangeSet {
    /// start -> end, inclusive.
    ranges: BTreeMap<u64, u64>,
    floor: u64,
}

impl RangeSet {
    pub fn contains(&self, x: u64) -> bool {
        x < self.floor
            || self
                .ranges
                .range(..=x)
                .next_back()
                .is_some_and(|(_, &end)| x <= end)
    }

    /// Adds `x`; false when it was already there.
    pub fn insert(&mut self, x: u64) -> bool {
        if self.contains(x) {
            return false;
        }
        let mut start = x;
        let mut end = x;
        if let Some((&s, &e)) = self.ranges.range(..x).next_back() {
            if e.checked_add(1) == Some(x) {
                start = s;
                self.ranges.remove(&s);
            }
        }
        if let Some(next) = x.checked_add(1) {
            if let Some(e) = self.ranges.remove(&next) {
                end = e;
            }
        }
        self.ranges.insert(start, end);
        true
    }

    pub fn trim(&mut self, max_ranges: usize) {
        while self.ranges.len() > max_ranges {
            if let Some((_, end)) = self.ranges.pop_first() {
                self.floor = end.saturating_add(1);
            }
        }
    }

    /// Newest first.
    pub fn iter_desc(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.ranges.iter().rev().map(|(&s, &e)| (s, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_merge_neighbouring_ranges() {
        let mut s = RangeSet::default();
        for x in [1, 3, 2, 7, 5, 6] {
            assert!(s.insert(x));
        }
        assert!(!s.insert(2));
        assert_eq!(s.iter_desc().collect::<Vec<_>>(), vec![(5, 7), (1, 3)]);
        s.trim(1);
        assert!(s.contains(0) && s.contains(3) && !s.contains(4) && !s.contains(8));
    }
}
