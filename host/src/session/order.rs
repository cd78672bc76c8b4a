//! The order tests run in under `--seed N` / `--random`: files, and the children of every group
//! (tests and groups alike), shuffled by a seeded [`SplitMix64`]. A group's tests stay together,
//! so its `beforeAll`/`afterAll` hooks still run once around them; the same seed and the same
//! tests always give the same order. [`RunOrder`] is the other way to order a run: an explicit
//! list of test ids (what `proctor flaky --triage` replays from a recorded run).

/// A tiny, fast, seedable PRNG (Steele, Lea and Flood's SplitMix64): plenty for shuffling, and
/// stable across platforms and releases, which a replayable seed needs.
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    /// Starts from a seed.
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (Lemire's multiply-shift; the bias is negligible for test counts).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Fisher–Yates.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Shuffles `items` (each with its path: file, then enclosing group names) so that every group
/// stays contiguous and only the order of siblings changes. Items of one group must already be
/// contiguous, as registration order guarantees.
pub(crate) fn shuffle_within_groups<T>(items: Vec<T>, path: impl Fn(&T) -> Vec<String>, seed: u64) -> Vec<T> {
    let with_paths: Vec<(Vec<String>, T)> = items.into_iter().map(|item| (path(&item), item)).collect();
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(with_paths.len());
    shuffle_level(with_paths, 0, &mut rng, &mut out);
    out
}

/// One sibling at some depth: a test, or a whole group with everything inside it.
enum Unit<T> {
    Leaf(T),
    Group(Vec<(Vec<String>, T)>),
}

fn shuffle_level<T>(items: Vec<(Vec<String>, T)>, depth: usize, rng: &mut SplitMix64, out: &mut Vec<T>) {
    let mut units: Vec<Unit<T>> = Vec::new();
    for (path, item) in items {
        if path.len() <= depth {
            units.push(Unit::Leaf(item));
            continue;
        }
        match units.last_mut() {
            Some(Unit::Group(group)) if group[0].0[depth] == path[depth] => group.push((path, item)),
            _ => units.push(Unit::Group(vec![(path, item)])),
        }
    }
    rng.shuffle(&mut units);
    for unit in units {
        match unit {
            Unit::Leaf(item) => out.push(item),
            Unit::Group(group) => shuffle_level(group, depth + 1, rng, out),
        }
    }
}

/// An explicit run order: the tests it names run in its order, files in the order of their first
/// named test; anything it does not name keeps its relative place after them. The order must
/// keep every group contiguous (a recorded run's order, or a subsequence of one, always does),
/// or a group's `beforeAll`/`afterAll` would run around each of its pieces.
#[derive(Debug, Clone, Default)]
pub struct RunOrder {
    /// `suite:id` → position.
    tests: std::collections::HashMap<String, usize>,
    /// `suite:file` → position of its first named test.
    files: std::collections::HashMap<String, usize>,
}

impl RunOrder {
    /// The order of these `(suite, test id)` pairs, first occurrence first.
    pub fn new<'a>(tests: impl IntoIterator<Item = (&'a str, &'a str)>) -> RunOrder {
        let mut order = RunOrder::default();
        for (rank, (suite, id)) in tests.into_iter().enumerate() {
            order.tests.entry(format!("{suite}:{id}")).or_insert(rank);
            let file = id.split("::").next().unwrap_or(id);
            order.files.entry(format!("{suite}:{file}")).or_insert(rank);
        }
        order
    }

    /// A test's position (after every named one when it is not named).
    pub(crate) fn test_rank(&self, suite: &str, id: &str) -> usize {
        self.tests.get(&format!("{suite}:{id}")).copied().unwrap_or(usize::MAX)
    }

    /// A file's position: that of its first named test.
    pub(crate) fn file_rank(&self, suite: &str, file: &str) -> usize {
        self.files.get(&format!("{suite}:{file}")).copied().unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (file, groups..., test) paths of a small tree, in registration order.
    fn tree() -> Vec<Vec<&'static str>> {
        let mut items = Vec::new();
        for file in ["a.js", "b.js", "c.js"] {
            for group in ["g1", "g2", "g3"] {
                for test in ["t1", "t2", "t3", "t4"] {
                    items.push(vec![file, group, test]);
                }
                items.push(vec![file, group, "inner", "deep1"]);
                items.push(vec![file, group, "inner", "deep2"]);
            }
            items.push(vec![file, "top-level test"]);
        }
        items
    }

    fn shuffled(seed: u64) -> Vec<Vec<&'static str>> {
        shuffle_within_groups(tree(), |t| t[..t.len() - 1].iter().map(|s| s.to_string()).collect(), seed)
    }

    #[test]
    fn the_same_seed_gives_the_same_order_and_another_seed_another() {
        assert_eq!(shuffled(42), shuffled(42));
        assert_ne!(shuffled(42), shuffled(43));
        assert_ne!(shuffled(42), tree());
        let mut sorted = shuffled(7);
        sorted.sort();
        let mut original = tree();
        original.sort();
        assert_eq!(sorted, original, "a permutation: nothing lost or repeated");
    }

    #[test]
    fn every_group_stays_contiguous() {
        for seed in 0..50 {
            let order = shuffled(seed);
            for depth in 1..=3 {
                // Once a group (a path prefix) is left, it never comes back.
                let mut closed: Vec<Vec<&str>> = Vec::new();
                let mut current: Option<Vec<&str>> = None;
                for item in &order {
                    if item.len() <= depth {
                        continue;
                    }
                    let prefix = item[..depth].to_vec();
                    if current.as_ref() != Some(&prefix) {
                        assert!(!closed.contains(&prefix), "seed {seed}: {prefix:?} split in {order:?}");
                        if let Some(previous) = current.replace(prefix) {
                            closed.push(previous);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn splitmix64_matches_its_reference_output() {
        // The first outputs for seed 1234567 from the reference implementation.
        let mut rng = SplitMix64::new(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
    }

    #[test]
    fn a_run_order_ranks_named_tests_and_their_files_and_puts_the_rest_last() {
        let order = RunOrder::new([("unit", "b.js::g::x"), ("unit", "a.js::y"), ("unit", "b.js::z")]);
        assert_eq!(order.test_rank("unit", "b.js::g::x"), 0);
        assert_eq!(order.test_rank("unit", "a.js::y"), 1);
        assert_eq!(order.test_rank("unit", "b.js::z"), 2);
        assert_eq!(order.test_rank("other", "a.js::y"), usize::MAX, "suites are kept apart");
        assert_eq!(order.file_rank("unit", "b.js"), 0);
        assert_eq!(order.file_rank("unit", "a.js"), 1);
        assert_eq!(order.file_rank("unit", "c.js"), usize::MAX);
    }
}
