//! The masters' data files, compiled into the binary and parsed once: a tiny reader for the
//! `# comment` + separated-values format of `data/*.csv`.

/// The rows of `text`: lines that are neither empty nor comments, split on `sep`, fields trimmed.
pub(crate) fn rows(text: &'static str, sep: char) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(move |l| l.split(sep).map(str::trim).collect())
}

pub(crate) const STATES: &str = include_str!("../data/states.csv");
pub(crate) const UNITS: &str = include_str!("../data/units.csv");
pub(crate) const GST_RATES: &str = include_str!("../data/gst_rates.csv");
pub(crate) const COUNTRIES: &str = include_str!("../data/countries.csv");
pub(crate) const CURRENCIES: &str = include_str!("../data/currencies.csv");
pub(crate) const PORTS: &str = include_str!("../data/ports.csv");
pub(crate) const HSN_CHAPTERS: &str = include_str!("../data/hsn_chapters.csv");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let got: Vec<Vec<&str>> = rows("# head\n\n a , b \n#x\nc,d\n", ',').collect();
        assert_eq!(got, vec![vec!["a", "b"], vec!["c", "d"]]);
    }

    #[test]
    fn every_file_has_rows_of_a_fixed_width() {
        for (text, sep, width) in [
            (STATES, ',', 4),
            (UNITS, ',', 2),
            (GST_RATES, ',', 2),
            (COUNTRIES, ',', 2),
            (CURRENCIES, ',', 2),
            (PORTS, ',', 3),
            (HSN_CHAPTERS, '|', 2),
        ] {
            let all: Vec<_> = rows(text, sep).collect();
            assert!(!all.is_empty());
            for row in all {
                assert_eq!(row.len(), width, "{row:?}");
            }
        }
    }
}
