//! One sort for the whole crate. Each `sort_by` with its own element type
//! and comparator is a copy of the standard library's sort in the
//! WebAssembly page (about 4 KB each, raw); sorting indices through a
//! `dyn` comparator makes every caller share a single copy.

use std::cmp::Ordering;

/// `0..len` ordered by `cmp`, ties in index order: the order a stable sort
/// of the items by `cmp` would give them.
pub(crate) fn sorted_indices(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    // With the index as the last key the order is total, so an unstable sort
    // gives exactly the stable result.
    order.sort_unstable_by(|&a, &b| cmp(a, b).then(a.cmp(&b)));
    order
}

/// `items` in the order of `sorted_indices(items.len(), cmp)`.
pub(crate) fn sorted_by<T: Clone>(items: &[T], cmp: &dyn Fn(&T, &T) -> Ordering) -> Vec<T> {
    sorted_indices(items.len(), &|a, b| cmp(&items[a], &items[b]))
        .into_iter()
        .map(|i| items[i].clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_order_as_a_stable_sort() {
        let items: Vec<(u8, u32)> = (0..500u32).map(|i| ((i * 7919 % 13) as u8, i)).collect();
        let mut stable = items.clone();
        stable.sort_by_key(|x| std::cmp::Reverse(x.0));
        assert_eq!(sorted_by(&items, &|a, b| b.0.cmp(&a.0)), stable);
        assert_eq!(
            sorted_indices(0, &|_, _| Ordering::Equal),
            Vec::<usize>::new()
        );
    }
}
