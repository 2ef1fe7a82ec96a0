//! A bounded map for per-process caches (compiled schemas, runner versions): at most
//! `capacity` entries, evicting the least recently used. Reads take a shared lock and
//! stamp the entry; only inserts take the exclusive lock.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct BoundedCache<K, V> {
    entries: RwLock<HashMap<K, Entry<V>>>,
    capacity: usize,
    clock: AtomicU64,
}

struct Entry<V> {
    value: V,
    used: AtomicU64,
}

impl<K: Eq + Hash + Clone, V: Clone> BoundedCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            capacity: capacity.max(1),
            clock: AtomicU64::new(0),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self
            .entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = entries.get(key)?;
        entry.used.store(self.tick(), Ordering::Relaxed);
        Some(entry.value.clone())
    }

    /// Inserts `value` unless the key is present (a concurrent insert won); returns the
    /// cached value.
    pub fn insert(&self, key: K, value: V) -> V {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(existing) = entries.get(&key) {
            return existing.value.clone();
        }
        if entries.len() >= self.capacity {
            let oldest = entries
                .iter()
                .min_by_key(|(_, e)| e.used.load(Ordering::Relaxed))
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        let used = AtomicU64::new(self.tick());
        entries.insert(
            key,
            Entry {
                value: value.clone(),
                used,
            },
        );
        value
    }

    pub fn remove(&self, key: &K) {
        self.entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }

    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_capacity_and_evicts_the_least_recently_used() {
        let cache = BoundedCache::new(2);
        cache.insert("a", 1);
        cache.insert("b", 2);
        assert_eq!(cache.get(&"a"), Some(1));
        cache.insert("c", 3);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&"b"), None, "b was used least recently");
        assert_eq!(cache.get(&"a"), Some(1));
        assert_eq!(cache.insert("a", 9), 1, "the first value stays");
    }
}
