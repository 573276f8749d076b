//! Numbers the IRP hands out: AckNos and e-way bill numbers. Running numbers are reserved from the
//! store in blocks, so nodes sharing a database never collide and the hot path does not touch the
//! database for each number. A block a node does not use up (it stops) is skipped, never reused.
//!
//! An AckNo is 15 digits: a 2-digit node prefix, the 2-digit year, `1`, and a 10-digit running number.
//! An e-way bill number is 12 digits: `1` and an 11-digit running number.

use openirp_store::{Store, StoreError};
use tokio::sync::Mutex;

/// Running numbers from one named store sequence, reserved `block` at a time.
struct BlockCounter {
    sequence: &'static str,
    block: i64,
    /// (next, end) of the block in hand.
    range: Mutex<(i64, i64)>,
}

impl BlockCounter {
    const fn new(sequence: &'static str, block: i64) -> Self {
        BlockCounter {
            sequence,
            block,
            range: Mutex::const_new((0, 0)),
        }
    }

    async fn next(&self, store: &dyn Store) -> Result<i64, StoreError> {
        let mut range = self.range.lock().await;
        if range.0 >= range.1 {
            let first = store.reserve_sequence(self.sequence, self.block).await?;
            *range = (first, first + self.block);
        }
        let n = range.0;
        range.0 += 1;
        Ok(n)
    }
}

/// Hands out AckNos.
pub struct AckNumbers {
    prefix: u64,
    counter: BlockCounter,
}

impl AckNumbers {
    /// A minter for node prefix `prefix` (10–99).
    pub fn new(prefix: u8) -> Self {
        AckNumbers {
            prefix: u64::from(prefix.clamp(10, 99)),
            counter: BlockCounter::new("ack_no", 1000),
        }
    }

    /// The next AckNo for a document acknowledged in `year` (e.g. 2025).
    pub async fn next(&self, store: &dyn Store, year: i32) -> Result<u64, StoreError> {
        let seq = self.counter.next(store).await?;
        Ok(compose_ack(self.prefix, year, seq))
    }
}

/// Hands out e-way bill numbers.
pub struct EwbNumbers {
    counter: BlockCounter,
}

impl EwbNumbers {
    /// E-way bills are far fewer than IRNs, so blocks are smaller.
    pub fn new() -> Self {
        EwbNumbers {
            counter: BlockCounter::new("ewb_no", 1000),
        }
    }

    /// The next 12-digit e-way bill number.
    pub async fn next(&self, store: &dyn Store) -> Result<i64, StoreError> {
        Ok(compose_ewb(self.counter.next(store).await?))
    }
}

impl Default for EwbNumbers {
    fn default() -> Self {
        EwbNumbers::new()
    }
}

/// `prefix · yy · 1 · seq(10 digits)`.
fn compose_ack(prefix: u64, year: i32, seq: i64) -> u64 {
    let yy = u64::try_from(year.rem_euclid(100)).unwrap_or(0);
    let seq = u64::try_from(seq).unwrap_or(0) % 10_000_000_000;
    prefix * 10_000_000_000_000 + yy * 100_000_000_000 + 10_000_000_000 + seq
}

/// `1 · seq(11 digits)`.
fn compose_ewb(seq: i64) -> i64 {
    100_000_000_000 + seq.rem_euclid(100_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_numbers_have_nics_shape() {
        let n = compose_ack(23, 2022, 36_743_849);
        assert_eq!(n, 232_210_036_743_849);
        assert_eq!(compose_ack(11, 2025, 1).to_string().len(), 15);
        assert_eq!(compose_ack(11, 2025, 1).to_string(), "112510000000001");
    }

    #[test]
    fn ewb_numbers_have_twelve_digits() {
        assert_eq!(compose_ewb(1), 100_000_000_001);
        assert_eq!(compose_ewb(99_999_999_999).to_string().len(), 12);
    }
}
