//! One map by name for the whole crate.
//!
//! Every `HashMap<K, V>` type brings its own copy of the map code (insert,
//! grow, find, drop) into the wasm, 0.3–0.8 KB gzip each. A [`NameMap`]
//! keeps its values in a `Vec` and their places in a `HashMap<String,
//! usize>`, the one map type the crate uses elsewhere too (the slugger's
//! and the engine's name counts), so each map by name adds only these thin
//! methods. [`NameSet`] is the same for a set of names.

use std::collections::HashMap;

/// Values by name. Two maps are equal when they were given the same names
/// in the same order, with equal values.
///
/// ```
/// use mdx_preview::name_map::NameMap;
/// let mut map = NameMap::default();
/// map.insert("b".to_string(), 1);
/// map.first("a".to_string(), 2);
/// map.first("b".to_string(), 3);
/// assert_eq!(map.get("b"), Some(&1));
/// assert_eq!(map.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameMap<V> {
    /// Each name's index in `values`.
    places: HashMap<String, usize>,
    values: Vec<V>,
}

impl<V> Default for NameMap<V> {
    fn default() -> Self {
        NameMap {
            places: HashMap::new(),
            values: Vec::new(),
        }
    }
}

impl<V> NameMap<V> {
    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&V> {
        let &at = self.places.get(name)?;
        self.values.get(at)
    }

    /// Whether `name` has a value.
    pub fn contains_key(&self, name: &str) -> bool {
        self.places.contains_key(name)
    }

    /// Give `name` a value, replacing the one it had.
    pub fn insert(&mut self, name: String, value: V) {
        match self.places.get(&name) {
            Some(&at) => self.values[at] = value,
            None => self.push(name, value),
        }
    }

    /// The value of `name`, which gets `value` if it has none (so the
    /// first value given stays).
    pub fn first(&mut self, name: String, value: V) -> &mut V {
        let at = match self.places.get(&name) {
            Some(&at) => at,
            None => {
                self.push(name, value);
                self.values.len() - 1
            }
        };
        &mut self.values[at]
    }

    fn push(&mut self, name: String, value: V) {
        self.places.insert(name, self.values.len());
        self.values.push(value);
    }

    /// The names, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.places.keys()
    }

    /// The names and values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.places
            .iter()
            .filter_map(|(name, &at)| Some((name, self.values.get(at)?)))
    }

    /// How many names have a value.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no name has a value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl<V> FromIterator<(String, V)> for NameMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(entries: I) -> Self {
        let mut map = NameMap::default();
        for (name, value) in entries {
            map.insert(name, value);
        }
        map
    }
}

impl<V, const N: usize> From<[(String, V); N]> for NameMap<V> {
    fn from(entries: [(String, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

/// A set of names, over the same map type as [`NameMap`] (the values are
/// not used).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameSet(HashMap<String, usize>);

impl NameSet {
    /// Add `name` (copied only when it is new); false when it was there
    /// already.
    pub fn insert(&mut self, name: &str) -> bool {
        if self.0.contains_key(name) {
            return false;
        }
        self.0.insert(name.to_string(), 0);
        true
    }

    /// Whether `name` is in the set.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// How many names the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> Extend<&'a str> for NameSet {
    fn extend<I: IntoIterator<Item = &'a str>>(&mut self, names: I) {
        for name in names {
            self.insert(name);
        }
    }
}

impl<'a> FromIterator<&'a str> for NameSet {
    fn from_iter<I: IntoIterator<Item = &'a str>>(names: I) -> Self {
        let mut set = NameSet::default();
        set.extend(names);
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_replaces_and_first_keeps() {
        let mut map = NameMap::default();
        assert!(map.is_empty());
        map.insert("a".to_string(), 1);
        map.insert("b".to_string(), 2);
        map.insert("a".to_string(), 3);
        assert_eq!(map.get("a"), Some(&3), "insert should replace");
        assert_eq!(map.len(), 2, "a replaced name should not be added again");
        *map.first("b".to_string(), 9) += 10;
        assert_eq!(map.get("b"), Some(&12), "should keep and lend the value");
        map.first("c".to_string(), 4);
        assert_eq!(map.get("c"), Some(&4));
        assert!(map.contains_key("c") && !map.contains_key("d"));
        assert_eq!(map.get("d"), None);
        let mut names: Vec<(&String, &i32)> = map.iter().collect();
        names.sort();
        assert_eq!(
            names,
            [(&"a".into(), &3), (&"b".into(), &12), (&"c".into(), &4)]
        );
        assert_eq!(map.keys().count(), 3);
    }

    #[test]
    fn a_set_holds_each_name_once() {
        let mut set: NameSet = ["a", "b", "a"].into_iter().collect();
        assert_eq!(set.len(), 2);
        assert!(!set.insert("b"), "should say `b` was there");
        assert!(set.insert("c"), "should say `c` is new");
        assert!(set.contains("c") && !set.contains("d"));
        assert!(!set.is_empty() && NameSet::default().is_empty());
    }
}
