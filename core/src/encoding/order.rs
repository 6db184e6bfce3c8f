//! One sort for the core and the page. Each std `sort_by` with its own
//! element type and comparator is a copy of std's sort in the WebAssembly
//! page (about 2 KB gzipped each); sorting indices through a `dyn`
//! comparator makes every caller share one copy, a plain merge sort of a
//! few hundred bytes (`clippy.toml` turns std's sorts away). What is sorted
//! here is a few members, shares, keys or labels.

use std::cmp::Ordering;

/// Up to this many items are sorted by insertion.
const SHORT: usize = 16;

/// `0..len` ordered by `cmp`, ties in index order: the order a stable sort
/// of the items by `cmp` would give them.
pub fn sorted_indices(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order = Vec::new();
    sort_indices_into(&mut order, len, cmp);
    order
}

/// [`sorted_indices`] into `order` (its old contents replaced), for a
/// caller that sorts often and keeps the vector.
pub fn sort_indices_into(
    order: &mut Vec<usize>,
    len: usize,
    cmp: &dyn Fn(usize, usize) -> Ordering,
) {
    order.clear();
    order.extend(0..len);
    // A few items (members, shares, a struct's keys): insertion, in place.
    // It moves an item only past greater ones, so it is stable.
    if len <= SHORT {
        for i in 1..len {
            let (item, mut j) = (order[i], i);
            while j > 0 && cmp(order[j - 1], item).is_gt() {
                order[j] = order[j - 1];
                j -= 1;
            }
            order[j] = item;
        }
        return;
    }
    // Bottom-up merge sort: runs of `width` merged pairwise into `spare`,
    // taking from the right run only when strictly less, so it is stable.
    let mut spare = vec![0; len];
    let mut width = 1;
    while width < len {
        let mut start = 0;
        while start < len {
            let mid = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, mid);
            for slot in &mut spare[start..end] {
                if right < end && (left >= mid || cmp(order[right], order[left]).is_lt()) {
                    *slot = order[right];
                    right += 1;
                } else {
                    *slot = order[left];
                    left += 1;
                }
            }
            start = end;
        }
        std::mem::swap(order, &mut spare);
        width *= 2;
    }
}

/// `items` in the order of `sorted_indices(items.len(), cmp)`.
pub fn sorted_by<T: Clone>(items: &[T], cmp: &dyn Fn(&T, &T) -> Ordering) -> Vec<T> {
    sorted_indices(items.len(), &|a, b| cmp(&items[a], &items[b]))
        .into_iter()
        .map(|i| items[i].clone())
        .collect()
}

#[cfg(test)]
#[allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests are not in the page"
)]
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
        // Every length up to past a few powers of two, with many ties.
        for len in 0..70u32 {
            let items: Vec<(u32, u32)> = (0..len)
                .map(|i| (i.wrapping_mul(2_654_435_761) % 5, i))
                .collect();
            let mut stable = items.clone();
            stable.sort_by_key(|x| x.0);
            assert_eq!(
                sorted_by(&items, &|a, b| a.0.cmp(&b.0)),
                stable,
                "{len} items"
            );
        }
    }
}
