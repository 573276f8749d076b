//! Nothing here: the programs of this package are its examples (`cargo run -p openirp-examples --example …`).
