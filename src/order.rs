//! One sort for the whole crate.
//!
//! Every `sort_by_key` on a new element type adds its own copy of the
//! standard library's sort to the wasm (2–5 KB each). The crate's sorts all
//! order by one or two positions, so they go through [`sort_by_key`], which
//! merge-sorts the indexes of the `(key, key)` pairs (in a function that is
//! not generic, and written here: the standard `sort_unstable` it replaced
//! was 0.8 KB more of the gzipped wasm) and then swaps the elements into
//! that order. It is stable: equal keys keep their order, as
//! `slice::sort_by_key` would.

/// Sort `items` by `key`, stably. For a descending second key, give
/// `usize::MAX - value`.
///
/// ```
/// let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd')];
/// mdx_preview::order::sort_by_key(&mut items, |&(n, _)| (n, 0));
/// assert_eq!(items, [(1, 'b'), (2, 'd'), (3, 'a'), (3, 'c')]);
/// ```
pub fn sort_by_key<T>(items: &mut [T], key: impl Fn(&T) -> (usize, usize)) {
    // Only reading the keys and swapping the items depend on `T`: the
    // rest is one copy for every element type.
    let keys: Vec<(usize, usize)> = items.iter().map(key).collect();
    for (a, b) in swaps(keys) {
        items.swap(a, b);
    }
}

/// The swaps that put items with these `keys` in stable sorted order.
fn swaps(keys: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let Some(order) = sorted_order(keys) else {
        return Vec::new();
    };
    // Where the item now at each position belongs.
    let mut target = vec![0; order.len()];
    for (position, &index) in order.iter().enumerate() {
        target[index] = position;
    }
    // Each swap puts one item where it belongs: fewer swaps than items.
    let mut swaps = Vec::new();
    for at in 0..target.len() {
        while target[at] != at {
            let to = target[at];
            swaps.push((at, to));
            target.swap(at, to);
        }
    }
    swaps
}

/// The indexes of `keys` in stable sorted order; `None` when they are
/// sorted already.
///
/// A bottom-up merge sort of indexes: stable by construction, O(n log n),
/// and a few hundred bytes of wasm where the standard library's
/// `sort_unstable` on index triples was 3 KB.
fn sorted_order(keys: Vec<(usize, usize)>) -> Option<Vec<usize>> {
    if keys.windows(2).all(|pair| pair[0] <= pair[1]) {
        return None;
    }
    let count = keys.len();
    let mut order: Vec<usize> = (0..count).collect();
    let mut merged: Vec<usize> = Vec::with_capacity(count);
    let mut width = 1;
    while width < count {
        merged.clear();
        for start in (0..count).step_by(2 * width) {
            let middle = (start + width).min(count);
            let end = (start + 2 * width).min(count);
            let (mut left, mut right) = (start, middle);
            while left < middle && right < end {
                // `<=` takes the left run's element on a tie: stable.
                if keys[order[left]] <= keys[order[right]] {
                    merged.push(order[left]);
                    left += 1;
                } else {
                    merged.push(order[right]);
                    right += 1;
                }
            }
            merged.extend_from_slice(&order[left..middle]);
            merged.extend_from_slice(&order[right..end]);
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    Some(order)
}

/// Sort and deduplicate positions.
pub fn sort_dedup(items: &mut Vec<usize>) {
    sort_by_key(items, |&item| (item, 0));
    items.dedup();
}

/// Byte ranges, merged where they overlap, for asking what covers a
/// position.
pub struct Intervals(Vec<(usize, usize)>);

impl Intervals {
    /// `ranges` (empty ones left out), sorted and merged.
    pub fn new(ranges: impl IntoIterator<Item = (usize, usize)>) -> Intervals {
        let mut list: Vec<(usize, usize)> = ranges.into_iter().filter(|(a, b)| a < b).collect();
        sort_by_key(&mut list, |&(a, b)| (a, b));
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(list.len());
        for (a, b) in list {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        Intervals(merged)
    }

    /// Whether a range holds `at` (`start <= at < end`).
    pub fn contains(&self, at: usize) -> bool {
        let index = self.0.partition_point(|&(a, _)| a <= at);
        index > 0 && self.0[index - 1].1 > at
    }

    /// The range that starts before `end` and reaches it (or past it).
    pub fn reaching(&self, end: usize) -> Option<(usize, usize)> {
        let index = self.0.partition_point(|&(a, _)| a < end);
        let range = *self.0.get(index.checked_sub(1)?)?;
        (range.1 >= end).then_some(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_complete() {
        // Deterministic pseudo-random keys with many ties.
        let mut state = 0x2545_f491_u64;
        let mut items: Vec<(usize, usize, usize)> = (0..2000)
            .map(|id| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                ((state % 17) as usize, ((state >> 8) % 5) as usize, id)
            })
            .collect();
        let mut expected = items.clone();
        expected.sort_by_key(|&(a, b, _)| (a, b));
        sort_by_key(&mut items, |&(a, b, _)| (a, b));
        assert_eq!(items, expected, "should order as the standard stable sort");

        // Every length up to 40, so each run split and odd tail is met.
        for length in 0..40 {
            let mut items: Vec<(usize, usize)> =
                (0..length).map(|id| ((id * 7 + 3) % 5, id)).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|&(key, _)| key);
            sort_by_key(&mut items, |&(key, _)| (key, 0));
            assert_eq!(items, expected, "should sort {length} items stably");
        }

        let mut positions = vec![5, 1, 5, 3, 1, 9];
        sort_dedup(&mut positions);
        assert_eq!(positions, [1, 3, 5, 9], "should sort and drop repeats");
    }
}
