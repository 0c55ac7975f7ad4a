//! "Did you mean …?": the closest known name to a misspelt one, used for
//! suggestions on undefined identifiers and unknown admonition types.

/// Levenshtein distance between two strings, in characters.
///
/// ```
/// assert_eq!(mdx_preview::suggest::distance("kitten", "sitting"), 3);
/// ```
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate closest to `name`, if it is close enough to be a likely
/// typo (at most a third of the longer name's length, and at least one
/// character in common). Ties go to the first candidate.
///
/// ```
/// let names = ["blog_20251110_img0", "blog_20251110_img1"];
/// assert_eq!(
///     mdx_preview::suggest::closest("blog_20251111_img0", names),
///     Some("blog_20251110_img0")
/// );
/// assert_eq!(mdx_preview::suggest::closest("zzz", names), None);
/// ```
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    pick(name, candidates, false)
}

/// [`closest`] for candidates in no particular order (a hash map's keys):
/// of equally close ones, the first in byte order.
pub fn closest_unordered<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    pick(name, candidates, true)
}

fn pick<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    by_name: bool,
) -> Option<&'a str> {
    let length = name.chars().count();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        // Cheap bound first: lengths far apart cannot be close.
        let other = candidate.chars().count();
        let limit = length.max(other).div_ceil(3);
        if length.abs_diff(other) > limit {
            continue;
        }
        let d = distance(name, candidate);
        let better = |(b, first): (usize, &str)| d < b || (by_name && d == b && candidate < first);
        if d <= limit && d < length.max(other) && best.is_none_or(better) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::{closest, closest_unordered};

    #[test]
    fn ties_go_to_the_first_given_or_the_first_by_name() {
        // "ac" is one edit from both.
        assert_eq!(closest("ac", ["ab", "aa"]), Some("ab"));
        assert_eq!(closest("ac", ["aa", "ab"]), Some("aa"));
        assert_eq!(closest_unordered("ac", ["ab", "aa"]), Some("aa"));
        assert_eq!(closest_unordered("ac", ["aa", "ab"]), Some("aa"));
        // A closer candidate still wins, wherever it is.
        assert_eq!(
            closest_unordered("abcdef", ["abcdxy", "abcdez"]),
            Some("abcdez")
        );
    }
}
