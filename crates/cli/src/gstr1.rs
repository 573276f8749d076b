//! `openirp gstr1 --period MMYYYY [--out FILE]`: the GSTR-1 of the profile's GSTIN (`--gstin`) for a
//! month, built by the IRP from its e-invoices. Writes FILE (pretty JSON, GSTN's format) and beside
//! it one CSV per non-empty section, `<stem>-<section>.csv`, and says what it wrote.
//!
//! Exit code 0 on success, 1 on any failure (a refused period or GSTIN prints the IRP's reason).

use anyhow::Context as _;
use clap::Args;
use openirp_gstr1::{Gstr1, Period};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct Gstr1Args {
    /// The return period, MMYYYY (e.g. 112026 for November 2026).
    #[arg(long)]
    pub period: String,
    /// The JSON file to write (default: gstr1-<GSTIN>-<MMYYYY>.json in the current folder); the
    /// CSVs go beside it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: crate::ewb::Format,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

/// One file written.
#[derive(Serialize)]
struct Written {
    /// `json`, or the section of a CSV (`b2b`, `cdnr`, `cdnur`, `exp`, `hsn_b2b`, `hsn_b2c`, `doc_issue`).
    section: String,
    path: String,
    /// Documents (invoices, notes; HSN rows for `hsn_*`; documents issued for `doc_issue`).
    count: u64,
}

pub fn run(args: Gstr1Args) -> anyhow::Result<std::process::ExitCode> {
    let period = Period::parse(args.period.trim())
        .map_err(|e| anyhow::anyhow!("--period {:?}: {e}", args.period))?
        .as_fp();
    let profile = args.profile.resolve()?;
    let gstin = profile.credentials.gstin.clone();
    let value = crate::profile::block_on(async {
        // Logs in on the first call unless the token cache holds a live session.
        let client = profile.client().await?;
        client
            .gstr1(&gstin, &period)
            .await
            .with_context(|| format!("GSTR-1 of {gstin} for {period}"))
    })?;
    let gstr1: Gstr1 = serde_json::from_value(value.clone())
        .context("the IRP's GSTR-1 does not have GSTN's shape")?;

    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("gstr1-{gstin}-{period}.json")));
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut written = vec![Written {
        section: "json".into(),
        path: out.display().to_string(),
        count: section_count(&gstr1, "b2b")
            + section_count(&gstr1, "cdnr")
            + section_count(&gstr1, "cdnur")
            + section_count(&gstr1, "exp"),
    }];
    std::fs::write(&out, format!("{}\n", serde_json::to_string_pretty(&value)?))
        .with_context(|| format!("writing {}", out.display()))?;
    for (section, csv) in gstr1.section_csvs() {
        let count = section_count(&gstr1, section);
        let rows = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
        if count == 0 && rows == 0 {
            continue;
        }
        let path = csv_path(&out, section);
        std::fs::write(&path, csv).with_context(|| format!("writing {}", path.display()))?;
        written.push(Written {
            section: section.to_owned(),
            path: path.display().to_string(),
            count,
        });
    }

    match args.format {
        crate::ewb::Format::Json => {
            let report = serde_json::json!({"gstin": gstin, "period": period, "files": written});
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        crate::ewb::Format::Text => {
            println!("GSTR-1 of {gstin} for {period}");
            for w in &written {
                let what = match w.section.as_str() {
                    "json" => "document(s) in all",
                    "hsn_b2b" | "hsn_b2c" => "HSN row(s)",
                    "doc_issue" => "document(s) issued",
                    _ => "document(s)",
                };
                println!("  {:<10} {:>6} {what:<20} {}", w.section, w.count, w.path);
            }
            if written.len() == 1 {
                println!("  (no e-invoices in this period: no CSV written)");
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// `<dir>/<stem>-<section>.csv` beside `out`.
fn csv_path(out: &Path, section: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map_or_else(|| "gstr1".into(), |s| s.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}-{section}.csv"))
}

/// Documents in a section: invoices (`b2b`, `exp`), notes (`cdnr`, `cdnur`), HSN rows, documents
/// issued (`doc_issue`); 0 for a section this version does not know.
fn section_count(g: &Gstr1, section: &str) -> u64 {
    let n = |len: usize| len as u64;
    match section {
        "b2b" => g.b2b.iter().map(|p| n(p.inv.len())).sum(),
        "cdnr" => g.cdnr.iter().map(|p| n(p.nt.len())).sum(),
        "cdnur" => n(g.cdnur.len()),
        "exp" => g.exp.iter().map(|e| n(e.inv.len())).sum(),
        "hsn_b2b" => g.hsn.as_ref().map_or(0, |h| n(h.hsn_b2b.len())),
        "hsn_b2c" => g.hsn.as_ref().map_or(0, |h| n(h.hsn_b2c.len())),
        "doc_issue" => g.doc_issue.as_ref().map_or(0, |d| {
            d.doc_det
                .iter()
                .flat_map(|det| &det.docs)
                .map(|r| u64::from(r.totnum))
                .sum()
        }),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csvs_go_beside_the_json() {
        assert_eq!(
            csv_path(Path::new("/tmp/x/gstr1-nov.json"), "b2b"),
            PathBuf::from("/tmp/x/gstr1-nov-b2b.csv")
        );
        assert_eq!(
            csv_path(Path::new("out"), "hsn_b2b"),
            PathBuf::from("out-hsn_b2b.csv")
        );
    }
}
