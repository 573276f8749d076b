//! The PIN-code master: every Indian PIN code India Post lists, with the GST state code(s) it belongs to,
//! its district and an approximate location, compiled into the binary (`data/pincodes.bin`, built by
//! `tools/pincodes/build_pincodes.py`; source, licence and layout in `data/PINCODES.md`). Lookups are a
//! binary search over the fixed-size records of the embedded bytes: no parsing per call, no allocation.

use std::sync::OnceLock;

/// The embedded master (layout in `data/PINCODES.md`).
static DATA: &[u8] = include_bytes!("../data/pincodes.bin");

/// The file's magic bytes: guards against embedding some other file.
const MAGIC: &[u8; 8] = b"OIRPPIN\0";
/// The layout version this reader understands.
const VERSION: u16 = 1;
const HEADER_SIZE: usize = 48;
const RECORD_SIZE: usize = 12;
/// One state set: a length byte and up to seven GST state codes.
const SET_SLOT: usize = 8;
const NO_SET: u8 = 0xFF;
const NO_DISTRICT: u16 = 0xFFFF;
const NO_COORD: u32 = 0xFF_FFFF;
/// Longitudes are stored as offsets from 60° E (latitudes from 0°), in units of 1e-5 degree.
const LON_ORIGIN_E5: i64 = 60 * 100_000;

/// Approximate road distance over great-circle distance, fitted on six well-known city pairs
/// (mean ratio 1.18; the figures are in `data/PINCODES.md`).
pub const ROAD_FACTOR: f64 = 1.18;

/// Mean Earth radius (IUGG), km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// What the master knows about one PIN code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PinInfo {
    /// The six-digit PIN.
    pub pin: u32,
    /// GST state codes the PIN may belong to: the main state first, then other states with post offices
    /// under this PIN and older codes of the same area (28 for AP/Telangana, 25 for Daman and Diu, 1 for
    /// Ladakh). When the source names no state, the states of the PIN's three-digit prefix.
    pub states: &'static [u8],
    /// The district of most of the PIN's post offices (upper case, as India Post spells it); empty when
    /// the source names none.
    pub district: &'static str,
    /// Latitude and longitude in degrees (centroid of the PIN's post offices); `None` when unknown.
    pub location: Option<(f64, f64)>,
}

/// The header, parsed once: slices of the embedded bytes and the district names.
struct Master {
    sets: &'static [u8],
    prefixes: &'static [u8],
    districts: Vec<&'static str>,
    records: &'static [u8],
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u24_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], 0])
}

fn master() -> &'static Master {
    static MASTER: OnceLock<Master> = OnceLock::new();
    MASTER.get_or_init(|| {
        let d = DATA;
        assert!(
            d.len() >= HEADER_SIZE && &d[..8] == MAGIC,
            "pincodes.bin: bad magic"
        );
        assert_eq!(u16_at(d, 8), VERSION, "pincodes.bin: unknown version");
        assert_eq!(
            u16_at(d, 10) as usize,
            RECORD_SIZE,
            "pincodes.bin: record size"
        );
        let count = u32_at(d, 12) as usize;
        let n_sets = u16_at(d, 16) as usize;
        let n_districts = u16_at(d, 18) as usize;
        let [sets_off, prefix_off, districts_off, records_off] =
            [20, 24, 28, 32].map(|at| u32_at(d, at) as usize);
        let names = districts_off + 4 * (n_districts + 1);
        let districts = (0..n_districts)
            .map(|i| {
                let from = u32_at(d, districts_off + 4 * i) as usize;
                let to = u32_at(d, districts_off + 4 * (i + 1)) as usize;
                std::str::from_utf8(&d[names + from..names + to])
                    .expect("pincodes.bin: district name")
            })
            .collect();
        Master {
            sets: &d[sets_off..sets_off + n_sets * SET_SLOT],
            prefixes: &d[prefix_off..prefix_off + 1000],
            districts,
            records: &d[records_off..records_off + count * RECORD_SIZE],
        }
    })
}

impl Master {
    fn set(&self, index: u8) -> &'static [u8] {
        let at = index as usize * SET_SLOT;
        let len = self.sets[at] as usize;
        &self.sets[at + 1..at + 1 + len]
    }

    /// The states seen among known PINs with the same first three digits.
    fn prefix_states(&self, pin: u32) -> Option<&'static [u8]> {
        let index = *self.prefixes.get((pin / 1000) as usize)?;
        (index != NO_SET).then(|| self.set(index))
    }

    fn record(&self, i: usize) -> &'static [u8] {
        &self.records[i * RECORD_SIZE..(i + 1) * RECORD_SIZE]
    }

    fn find(&self, pin: u32) -> Option<&'static [u8]> {
        let (mut lo, mut hi) = (0, self.records.len() / RECORD_SIZE);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let r = self.record(mid);
            match u24_at(r, 0).cmp(&pin) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(r),
            }
        }
        None
    }
}

/// The master's entry for `pin`, or `None` when India Post does not list it.
pub fn lookup(pin: u32) -> Option<PinInfo> {
    let m = master();
    let r = m.find(pin)?;
    let mut states = m.set(r[3]);
    if states.is_empty() {
        states = m.prefix_states(pin).unwrap_or(&[]);
    }
    let district = match u16_at(r, 4) {
        NO_DISTRICT => "",
        i => m.districts.get(i as usize).copied().unwrap_or(""),
    };
    let (lat, lon) = (u24_at(r, 6), u24_at(r, 9));
    let location = (lat != NO_COORD && lon != NO_COORD)
        .then(|| (lat as f64 / 1e5, (lon as i64 + LON_ORIGIN_E5) as f64 / 1e5));
    Some(PinInfo {
        pin,
        states,
        district,
        location,
    })
}

/// GST state codes `pin` may belong to: the PIN's own when the master lists it (and names a state), else
/// those seen among known PINs with the same first three digits; `None` when neither says (unknown
/// prefix, foreign 999999).
pub fn states_of(pin: u32) -> Option<&'static [u8]> {
    match lookup(pin) {
        Some(info) if !info.states.is_empty() => Some(info.states),
        _ => master().prefix_states(pin),
    }
}

/// Great-circle distance in km between two (latitude, longitude) points in degrees (haversine, mean
/// Earth radius 6371.0088 km).
pub fn great_circle_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let (dp, dl) = (p2 - p1, (b.1 - a.1).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Approximate road distance in whole km between two PINs: None if either PIN is unknown or lacks
/// coordinates; Some(0) for the same PIN; otherwise the great-circle distance times [`ROAD_FACTOR`],
/// rounded, at least 1.
pub fn road_distance_km(from: u32, to: u32) -> Option<u32> {
    let a = lookup(from)?.location?;
    if from == to {
        return Some(0);
    }
    let b = lookup(to)?.location?;
    Some(((great_circle_km(a, b) * ROAD_FACTOR).round() as u32).max(1))
}

/// Number of PINs in the master.
pub fn count() -> usize {
    master().records.len() / RECORD_SIZE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(pin: u32) -> &'static [u8] {
        lookup(pin)
            .unwrap_or_else(|| panic!("{pin} unknown"))
            .states
    }

    #[test]
    fn header_has_magic_and_version() {
        assert_eq!(&DATA[..8], MAGIC);
        assert_eq!(u16_at(DATA, 8), VERSION);
        assert_eq!(&DATA[36..46], b"2025.10.03");
        assert!(count() > 19_000, "{}", count());
        assert!(DATA.len() < 350 * 1024);
    }

    #[test]
    fn records_are_strictly_sorted() {
        let m = master();
        let pins: Vec<u32> = (0..count()).map(|i| u24_at(m.record(i), 0)).collect();
        assert!(pins.windows(2).all(|w| w[0] < w[1]));
        assert!(pins.iter().all(|p| (110_000..=999_999).contains(p)));
        for &pin in pins.iter().step_by(97) {
            assert_eq!(lookup(pin).unwrap().pin, pin);
        }
    }

    #[test]
    fn well_known_pins() {
        let blr = lookup(560001).unwrap();
        assert_eq!(blr.states, &[29]);
        assert!(blr.district.contains("BENGALURU"), "{}", blr.district);
        let (lat, lon) = blr.location.unwrap();
        assert!(
            (12.9..13.1).contains(&lat) && (77.5..77.7).contains(&lon),
            "{lat},{lon}"
        );
        assert_eq!(states(110001), &[7]);
        assert_eq!(states(400001), &[27]);
        assert_eq!(states(403001), &[30]);
        assert_eq!(states(160017), &[4]);
        assert_eq!(states(194101), &[38, 1], "Ladakh also accepts J&K's code");
        assert_eq!(states(520001), &[37, 28]);
        assert_eq!(states(500001), &[36, 28]);
        assert_eq!(
            states(396210),
            &[26, 25],
            "Daman accepts the old Daman and Diu code"
        );
    }

    #[test]
    fn pins_in_two_states_keep_both_but_not_stray_offices() {
        // Yanam (Puducherry) shares 533464 with Andhra Pradesh villages.
        assert!(states(533464).contains(&34) && states(533464).contains(&37));
        assert!(states(605007).contains(&33) && states(605007).contains(&34));
        // One office of 305402 (Ajmer) is filed under a Telangana district: dropped.
        assert_eq!(states(305402), &[8]);
        assert_eq!(states(110025), &[7]);
    }

    #[test]
    fn every_sample_pin_is_in_its_state() {
        for s in crate::states::states() {
            if let Some(pin) = s.sample_pin {
                assert!(states(pin).contains(&s.code), "{} {pin}", s.code);
            }
        }
    }

    #[test]
    fn unknown_pins_fall_back_to_their_prefix() {
        assert!(lookup(560999).is_none());
        assert_eq!(states_of(560999), Some(&[29][..]));
        assert_eq!(states_of(560001), Some(&[29][..]));
        assert_eq!(states_of(999999), None);
        assert_eq!(states_of(100001), None);
        assert_eq!(states_of(1_234_567), None);
        assert!(lookup(999999).is_none());
        assert!(lookup(0).is_none());
    }

    #[test]
    fn distances() {
        let d = road_distance_km(110001, 400001).unwrap();
        assert!((1250..=1600).contains(&d), "{d}");
        assert_eq!(
            road_distance_km(110001, 400001),
            road_distance_km(400001, 110001)
        );
        assert_eq!(road_distance_km(560001, 560001), Some(0));
        assert_eq!(road_distance_km(560001, 560999), None);
        assert_eq!(road_distance_km(560999, 560001), None);
        assert_eq!(road_distance_km(560999, 560999), None);
        let near = road_distance_km(560001, 560002).unwrap();
        assert!((1..20).contains(&near), "{near}");
        assert!(
            great_circle_km((0.0, 0.0), (0.0, 180.0)) - std::f64::consts::PI * 6371.0088 < 1e-6
        );
    }

    #[test]
    fn a_pin_without_coordinates_has_no_distance() {
        let m = master();
        let pin = (0..count())
            .map(|i| u24_at(m.record(i), 0))
            .find(|&p| lookup(p).unwrap().location.is_none())
            .expect("some PIN lacks coordinates");
        assert_eq!(road_distance_km(pin, 560001), None);
        assert_eq!(road_distance_km(560001, pin), None);
        assert_eq!(road_distance_km(pin, pin), None);
    }

    /// Rough cost of a lookup: `cargo test -p openirp-model pincode::tests::lookup_cost -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn lookup_cost() {
        let m = master();
        let pins: Vec<u32> = (0..count()).map(|i| u24_at(m.record(i), 0)).collect();
        let start = std::time::Instant::now();
        let mut n = 0usize;
        for _ in 0..50 {
            for &p in &pins {
                n += std::hint::black_box(lookup(p)).map_or(0, |i| i.states.len());
            }
        }
        let per = start.elapsed().as_nanos() as f64 / (50 * pins.len()) as f64;
        println!("{n} states; {per:.1} ns per lookup");
        for (a, b) in [
            (110001, 400001),
            (560001, 600001),
            (110001, 700001),
            (400001, 560001),
            (600001, 500001),
            (380001, 400001),
        ] {
            let g = great_circle_km(
                lookup(a).unwrap().location.unwrap(),
                lookup(b).unwrap().location.unwrap(),
            );
            println!(
                "{a}-{b}: great circle {g:.1} km, road {:?} km",
                road_distance_km(a, b)
            );
        }
    }
}
