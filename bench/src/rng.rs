//! A small seeded random number generator, so a seed always gives the same
//! corpus and query mix on every machine.

/// SplitMix64: small, fast and the same on every machine, so a seed always
/// gives the same corpus.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Mixes two numbers into a seed.
pub fn mix(a: u64, b: u64) -> u64 {
    Rng::new(a.wrapping_mul(0x100_0000_01b3) ^ b.rotate_left(17)).next()
}

/// FNV-1a, for the fingerprint of the source corpus.
pub fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A word no page holds and no spelling correction reaches: ten random letters.
pub fn unique_word(rng: &mut Rng) -> String {
    (0..10)
        .map(|_| (b'a' + rng.below(26) as u8) as char)
        .collect::<String>()
}
