//! `openirp get IRN` or `openirp get --doc TYPE/NUMBER/DATE`: a registered e-invoice as pretty JSON
//! (`--out FILE` also saves it).

use anyhow::{Context as _, bail};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct GetArgs {
    /// The IRN.
    #[arg(required_unless_present = "doc", conflicts_with = "doc")]
    pub irn: Option<String>,
    /// The document instead of the IRN: TYPE/NUMBER/DATE, e.g. INV/INV/26/0001/20/11/2026.
    #[arg(long)]
    pub doc: Option<String>,
    /// Save the response (pretty JSON) to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

pub fn run(args: GetArgs) -> anyhow::Result<std::process::ExitCode> {
    let doc = args.doc.as_deref().map(split_doc).transpose()?;
    let profile = args.profile.resolve()?;
    let answer = crate::profile::block_on(async {
        // Logs in on the first call unless the token cache holds a live session.
        let client = profile.client().await?;
        let answer = match (&doc, &args.irn) {
            (Some((t, n, d)), _) => client
                .get_irn_by_doc(t, n, d)
                .await
                .with_context(|| format!("document {t} {n} {d}")),
            (None, Some(irn)) => client
                .get_irn(irn.trim())
                .await
                .with_context(|| format!("IRN {irn}")),
            (None, None) => bail!("give an IRN or --doc TYPE/NUMBER/DATE"),
        }?;
        anyhow::Ok(answer)
    })?;
    let text = serde_json::to_string_pretty(&answer)?;
    if let Some(out) = &args.out {
        std::fs::write(out, format!("{text}\n"))
            .with_context(|| format!("writing {}", out.display()))?;
    }
    println!("{text}");
    Ok(std::process::ExitCode::SUCCESS)
}

/// `TYPE/NUMBER/DATE`: the number may itself hold `/`, so the type is the first part and the date
/// (dd/mm/yyyy) the last ten characters.
fn split_doc(doc: &str) -> anyhow::Result<(String, String, String)> {
    let doc = doc.trim();
    let malformed =
        || anyhow::anyhow!("--doc {doc:?}: expected TYPE/NUMBER/DATE, e.g. INV/A-1/20/11/2026");
    let (doc_type, rest) = doc.split_once('/').ok_or_else(malformed)?;
    if rest.len() < 12 || !rest.is_char_boundary(rest.len() - 11) {
        return Err(malformed());
    }
    let (number, date) = rest.split_at(rest.len() - 11);
    let date = date.strip_prefix('/').ok_or_else(malformed)?;
    if openirp_model::time::parse_doc_date(date).is_none() || number.is_empty() {
        return Err(malformed());
    }
    Ok((
        doc_type.to_ascii_uppercase(),
        number.to_string(),
        date.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::split_doc;

    #[test]
    fn doc_numbers_may_hold_slashes() {
        let (t, n, d) = split_doc("inv/INV/26/0001/20/11/2026").unwrap();
        assert_eq!(
            (t.as_str(), n.as_str(), d.as_str()),
            ("INV", "INV/26/0001", "20/11/2026")
        );
        assert!(split_doc("INV/20/11/2026").is_err());
        assert!(split_doc("INV-1-20/11/2026").is_err());
    }
}
