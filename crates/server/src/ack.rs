//! AckNo minting. An AckNo is 15 digits: a 2-digit node prefix, the 2-digit year, `1`, and a 10-digit
//! running number. Running numbers are reserved from the store in blocks, so nodes sharing a database
//! never collide and the hot path does not touch the database for each number.

use openirp_store::{Store, StoreError};
use tokio::sync::Mutex;

const BLOCK: i64 = 1000;
const SEQUENCE: &str = "ack_no";

/// Hands out AckNos from blocks reserved in the store.
pub struct AckNumbers {
    prefix: u64,
    block: Mutex<(i64, i64)>,
}

impl AckNumbers {
    /// A minter for node prefix `prefix` (10–99).
    pub fn new(prefix: u8) -> Self {
        AckNumbers {
            prefix: u64::from(prefix.clamp(10, 99)),
            block: Mutex::new((0, 0)),
        }
    }

    /// The next AckNo for a document acknowledged in `year` (e.g. 2025).
    pub async fn next(&self, store: &dyn Store, year: i32) -> Result<u64, StoreError> {
        let seq = {
            let mut block = self.block.lock().await;
            if block.0 >= block.1 {
                let first = store.reserve_sequence(SEQUENCE, BLOCK).await?;
                *block = (first, first + BLOCK);
            }
            let seq = block.0;
            block.0 += 1;
            seq
        };
        Ok(compose(self.prefix, year, seq))
    }
}

/// `prefix · yy · 1 · seq(10 digits)`.
fn compose(prefix: u64, year: i32, seq: i64) -> u64 {
    let yy = u64::try_from(year.rem_euclid(100)).unwrap_or(0);
    let seq = u64::try_from(seq).unwrap_or(0) % 10_000_000_000;
    prefix * 10_000_000_000_000 + yy * 100_000_000_000 + 10_000_000_000 + seq
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_numbers_have_nics_shape() {
        let n = compose(23, 2022, 36_743_849);
        assert_eq!(n, 232_210_036_743_849);
        assert_eq!(compose(11, 2025, 1).to_string().len(), 15);
        assert_eq!(compose(11, 2025, 1).to_string(), "112510000000001");
    }
}
