//! Positions in an ordered list that a move changes one item at a time: each item holds a rank,
//! a string of base-62 digits read as a fraction, and a rank between any two others always exists.
//!
//! Moving an item writes only its own rank (the midpoint of its new neighbours), so two people
//! moving different items at once both succeed. Two moves into the same gap at once can produce
//! equal ranks; the list orders ties by id, and [`between`] refuses to answer for equal
//! neighbours, which the caller then spreads apart.

/// The digits in ASCII order, so ranks compare as plain strings.
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The longest rank kept; a list whose ranks grow past it is spread out again by the caller.
pub const MAX_RANK_LEN: usize = 256;

/// Whether `rank` is one this module made: digits only, not empty, not ending in `0`.
pub fn is_rank(rank: &str) -> bool {
    !rank.is_empty()
        && rank.len() <= MAX_RANK_LEN
        && rank.bytes().all(|b| b.is_ascii_alphanumeric())
        && !rank.ends_with('0')
}

fn value(digit: u8) -> usize {
    DIGITS.iter().position(|d| *d == digit).unwrap_or(0)
}

/// A rank strictly between `before` and `after` (`None`: the start or the end of the list);
/// `None` when `before` is not lower than `after` or either is not a rank.
pub fn between(before: Option<&str>, after: Option<&str>) -> Option<String> {
    if before.is_some_and(|b| !is_rank(b)) || after.is_some_and(|a| !is_rank(a)) {
        return None;
    }
    if let (Some(b), Some(a)) = (before, after)
        && b >= a
    {
        return None;
    }
    let rank = midpoint(before.unwrap_or("").as_bytes(), after.map(str::as_bytes));
    String::from_utf8(rank).ok().filter(|rank| rank.len() <= MAX_RANK_LEN)
}

/// `count` ranks in order between `before` and `after`, for spreading out a run of equal ones.
pub fn spread(before: Option<&str>, after: Option<&str>, count: usize) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(count);
    for _ in 0..count {
        let low = out.last().map(String::as_str).or(before);
        out.push(between(low, after)?);
    }
    Some(out)
}

/// The midpoint of `low` and `high` (absent: 1), both without trailing zeros and `low < high`.
fn midpoint(low: &[u8], high: Option<&[u8]>) -> Vec<u8> {
    if let Some(high) = high {
        // The prefix both share (a shorter `low` reads as padded with zeros) stays as it is.
        let shared = high.iter().enumerate().take_while(|(i, d)| low.get(*i).copied().unwrap_or(b'0') == **d).count();
        if shared > 0 {
            let mut out = high[..shared].to_vec();
            out.extend(midpoint(low.get(shared..).unwrap_or(&[]), Some(&high[shared..])));
            return out;
        }
    }
    let low_digit = low.first().map_or(0, |d| value(*d));
    let high_digit = high.map_or(DIGITS.len(), |h| value(h[0]));
    if high_digit - low_digit > 1 {
        // At either end of the list, one step from the neighbour rather than half the room: a
        // list that always grows at its start or its end then lengthens its ranks by one digit
        // every thirty or so items instead of every five.
        let digit = match (low.is_empty(), high.is_none()) {
            (true, false) => high_digit - 1,
            (false, true) => low_digit + 1,
            _ => usize::midpoint(low_digit, high_digit),
        };
        return vec![DIGITS[digit]];
    }
    match high {
        // `high`'s first digit alone is below `high` (which goes on) and above `low`.
        Some(high) if high.len() > 1 => vec![high[0]],
        _ => {
            let mut out = vec![DIGITS[low_digit]];
            out.extend(midpoint(low.get(1..).unwrap_or(&[]), None));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_fall_strictly_between_their_neighbours() {
        for (low, high) in
            [(None, None), (Some("V"), None), (None, Some("V")), (Some("V"), Some("W")), (Some("z"), None)]
        {
            let mid = between(low, high).unwrap();
            assert!(is_rank(&mid), "{mid}");
            assert!(low.is_none_or(|l| l < mid.as_str()), "{low:?} < {mid}");
            assert!(high.is_none_or(|h| mid.as_str() < h), "{mid} < {high:?}");
        }
        assert_eq!(between(Some("V"), Some("V")), None);
        assert_eq!(between(Some("W"), Some("V")), None);
        assert_eq!(between(Some("V0"), None), None, "a trailing zero is not a rank");
        assert_eq!(between(Some("a#"), None), None);
    }

    #[test]
    fn a_thousand_random_insertions_keep_order_and_stay_short() {
        let mut list: Vec<String> = Vec::new();
        let mut seed: u64 = 7;
        for _ in 0..1000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let at = if list.is_empty() { 0 } else { (seed >> 33) as usize % (list.len() + 1) };
            let low = at.checked_sub(1).map(|i| list[i].as_str());
            let high = list.get(at).map(String::as_str);
            let rank = between(low, high).unwrap();
            list.insert(at, rank);
        }
        assert!(list.windows(2).all(|w| w[0] < w[1]));
        assert!(list.iter().all(|r| r.len() <= 12), "{:?}", list.iter().map(String::len).max());
    }

    #[test]
    fn always_inserting_at_the_front_or_the_back_grows_slowly() {
        let mut front = between(None, None).unwrap();
        let mut back = front.clone();
        for _ in 0..1000 {
            front = between(None, Some(&front)).unwrap();
            back = between(Some(&back), None).unwrap();
        }
        assert!(front.len() <= 40 && back.len() <= 40, "{} {}", front.len(), back.len());
    }

    #[test]
    fn spread_gives_ordered_ranks_inside_the_gap() {
        let ranks = spread(Some("A"), Some("B"), 5).unwrap();
        assert!(ranks.windows(2).all(|w| w[0] < w[1]));
        assert!(ranks.first().unwrap().as_str() > "A" && ranks.last().unwrap().as_str() < "B");
    }
}
