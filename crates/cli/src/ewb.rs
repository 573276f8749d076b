//! `openirp ewb generate|get|cancel`: e-way bills for registered IRNs (Generate EWB by IRN, Get EWB
//! by IRN, Cancel EWB through the e-way bill system).
//!
//! Output is a short text block (`--format json`: the typed answer as pretty JSON). As with the other
//! taxpayer commands, the exit code is 0 on success and 1 on any failure (an IRP refusal prints its
//! codes and messages, e.g. `NIC error 4002: ...`); usage errors exit 2.

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use openirp_client::{EwbRequest, TransMode, VehicleType};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum EwbCommand {
    /// Generate an e-way bill for an IRN (Part-A and Part-B, or a Part-A slip with only --transporter-id).
    Generate(GenerateArgs),
    /// Show the e-way bill of an IRN.
    Get(GetArgs),
    /// Cancel an e-way bill (within 24 hours of its generation).
    Cancel(CancelArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    #[value(alias = "table")]
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Mode {
    Road,
    Rail,
    Air,
    Ship,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum VehType {
    Regular,
    /// Over-dimensional cargo.
    Odc,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// The IRN (64 hex characters).
    #[arg(long, required_unless_present = "json")]
    pub irn: Option<String>,
    /// Distance in km (0 to 4000); 0 lets the IRP compute it from the PIN codes.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=4000))]
    pub distance: u32,
    /// Transport mode (default road when --vehicle is given).
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,
    /// Vehicle number, e.g. KA12AB1234 (Part-B by road).
    #[arg(long)]
    pub vehicle: Option<String>,
    /// Vehicle type (default regular when a vehicle goes by road).
    #[arg(long, value_enum)]
    pub vehicle_type: Option<VehType>,
    /// Transporter GSTIN or TRANSIN (alone, it gives a Part-A slip).
    #[arg(long)]
    pub transporter_id: Option<String>,
    #[arg(long)]
    pub transporter_name: Option<String>,
    /// Transport document number (rail, air, ship).
    #[arg(long, requires = "doc_date")]
    pub doc_no: Option<String>,
    /// Transport document date, dd/mm/yyyy.
    #[arg(long, requires = "doc_no")]
    pub doc_date: Option<String>,
    /// The raw request JSON (NIC's Generate EWB by IRN members) from a file, sent as it is.
    #[arg(long, value_name = "FILE", conflicts_with_all = [
        "irn", "mode", "vehicle", "vehicle_type", "transporter_id", "transporter_name", "doc_no", "doc_date",
    ])]
    pub json: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

#[derive(Args)]
pub struct GetArgs {
    /// The IRN whose e-way bill to show.
    #[arg(long)]
    pub irn: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

#[derive(Args)]
pub struct CancelArgs {
    /// The e-way bill number (12 digits).
    #[arg(long)]
    pub ewb_no: u64,
    /// duplicate, order-cancelled, data-entry-mistake, others (or 1 to 4).
    #[arg(long, value_parser = parse_reason)]
    pub reason: u8,
    /// Why (1 to 50 characters).
    #[arg(long)]
    pub remark: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

pub fn run(command: EwbCommand) -> anyhow::Result<std::process::ExitCode> {
    match command {
        EwbCommand::Generate(args) => generate(args),
        EwbCommand::Get(args) => get(args),
        EwbCommand::Cancel(args) => cancel(args),
    }
}

fn generate(args: GenerateArgs) -> anyhow::Result<std::process::ExitCode> {
    let body = match &args.json {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .with_context(|| format!("{} is not JSON", path.display()))?;
            bytes
        }
        None => serde_json::to_vec(&request_of(&args)?)?,
    };
    let profile = args.profile.resolve()?;
    let generated = crate::profile::block_on(async {
        // Logs in on the first call unless the token cache holds a live session.
        let client = profile.client().await?;
        client
            .generate_ewb_json(&body)
            .await
            .context("generating the e-way bill")
    })?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&generated)?),
        Format::Text => {
            println!("EwbNo       {}", generated.ewb_no);
            println!("EwbDt       {}", generated.ewb_date);
            match &generated.valid_till {
                Some(till) => println!("ValidTill   {till}"),
                None => println!("ValidTill   Part-A only: no validity until Part-B is filled"),
            }
            if let Some(km) = generated.computed_distance_km {
                println!("Distance    {km} km (computed by the IRP from the PIN codes)");
            }
            if let Some(remarks) = &generated.remarks {
                println!("Remarks     {remarks}");
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// The request from the flags. A vehicle without a mode goes by road; a vehicle by road without a
/// type is regular.
fn request_of(args: &GenerateArgs) -> anyhow::Result<EwbRequest> {
    let irn = args
        .irn
        .as_deref()
        .map(str::trim)
        .context("give --irn IRN or --json FILE")?;
    if let Some(date) = &args.doc_date
        && openirp_model::time::parse_doc_date(date).is_none()
    {
        bail!("--doc-date {date:?}: expected dd/mm/yyyy");
    }
    let mode = match (args.mode, &args.vehicle) {
        (Some(mode), _) => Some(mode),
        (None, Some(_)) => Some(Mode::Road),
        (None, None) => None,
    };
    let vehicle_type = match (args.vehicle_type, mode, &args.vehicle) {
        (Some(t), _, _) => Some(t),
        (None, Some(Mode::Road), Some(_)) => Some(VehType::Regular),
        _ => None,
    };
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Ok(EwbRequest {
        irn: irn.to_owned(),
        distance: args.distance,
        trans_mode: mode.map(|m| match m {
            Mode::Road => TransMode::Road,
            Mode::Rail => TransMode::Rail,
            Mode::Air => TransMode::Air,
            Mode::Ship => TransMode::Ship,
        }),
        trans_id: text(&args.transporter_id).map(|s| s.to_ascii_uppercase()),
        trans_name: text(&args.transporter_name),
        trans_doc_no: text(&args.doc_no),
        trans_doc_dt: text(&args.doc_date),
        veh_no: text(&args.vehicle).map(|v| v.replace([' ', '-'], "").to_ascii_uppercase()),
        veh_type: vehicle_type.map(|t| match t {
            VehType::Regular => VehicleType::Regular,
            VehType::Odc => VehicleType::OverDimensional,
        }),
        exp_ship_dtls: None,
        disp_dtls: None,
    })
}

fn get(args: GetArgs) -> anyhow::Result<std::process::ExitCode> {
    let irn = args.irn.trim().to_owned();
    let profile = args.profile.resolve()?;
    let details = crate::profile::block_on(async {
        let client = profile.client().await?;
        client
            .ewb_by_irn(&irn)
            .await
            .with_context(|| format!("e-way bill of IRN {irn}"))
    })?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&details)?),
        Format::Text => {
            let or_dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".to_owned());
            println!("EwbNo       {}", details.ewb_no);
            println!("Status      {}", or_dash(&details.status));
            println!("GenGstin    {}", or_dash(&details.gen_gstin));
            println!("EwbDt       {}", or_dash(&details.ewb_date));
            match &details.valid_till {
                Some(till) => println!("ValidTill   {till}"),
                None => println!("ValidTill   Part-A only: no validity until Part-B is filled"),
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn cancel(args: CancelArgs) -> anyhow::Result<std::process::ExitCode> {
    if !(1..=50).contains(&args.remark.trim().chars().count()) {
        bail!("--remark must have 1 to 50 characters");
    }
    let profile = args.profile.resolve()?;
    let cancelled = crate::profile::block_on(async {
        let client = profile.client().await?;
        client
            .cancel_ewb(args.ewb_no, args.reason, args.remark.trim())
            .await
            .with_context(|| format!("cancelling e-way bill {}", args.ewb_no))
    })?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&cancelled)?),
        Format::Text => println!(
            "e-way bill {} cancelled on {}",
            cancelled.ewb_no, cancelled.cancel_date
        ),
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// `duplicate` 1, `order-cancelled` 2, `data-entry-mistake` 3, `others` 4, or the number.
fn parse_reason(text: &str) -> Result<u8, String> {
    let key = text.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    match key.as_str() {
        "1" | "duplicate" => Ok(1),
        "2" | "order-cancelled" => Ok(2),
        "3" | "data-entry-mistake" => Ok(3),
        "4" | "others" | "other" => Ok(4),
        _ => {
            Err("expected duplicate, order-cancelled, data-entry-mistake, others, or 1 to 4".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(subcommand)]
        ewb: EwbCommand,
    }

    fn generate_args(args: &[&str]) -> GenerateArgs {
        let mut argv = vec!["t", "generate"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).unwrap().ewb {
            EwbCommand::Generate(args) => args,
            _ => unreachable!(),
        }
    }

    #[test]
    fn reasons_by_name_or_number() {
        assert_eq!(parse_reason("duplicate"), Ok(1));
        assert_eq!(parse_reason("Order-Cancelled"), Ok(2));
        assert_eq!(parse_reason("data_entry_mistake"), Ok(3));
        assert_eq!(parse_reason("others"), Ok(4));
        assert_eq!(parse_reason("3"), Ok(3));
        assert!(parse_reason("5").is_err());
        assert!(parse_reason("lost").is_err());
    }

    #[test]
    fn flags_make_the_nic_request() {
        let road = request_of(&generate_args(&[
            "--irn",
            "abc",
            "--vehicle",
            "ka 12-ab1234",
        ]))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&road).unwrap(),
            serde_json::json!({"Irn":"abc","Distance":0,"TransMode":"1","VehNo":"KA12AB1234","VehType":"R"})
        );
        let part_a = request_of(&generate_args(&[
            "--irn",
            "abc",
            "--distance",
            "120",
            "--transporter-id",
            "29aklpm8755f1z2",
        ]))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&part_a).unwrap(),
            serde_json::json!({"Irn":"abc","Distance":120,"TransId":"29AKLPM8755F1Z2"})
        );
        let rail = request_of(&generate_args(&[
            "--irn",
            "abc",
            "--mode",
            "rail",
            "--doc-no",
            "RR/1",
            "--doc-date",
            "20/11/2026",
        ]))
        .unwrap();
        assert_eq!(rail.trans_mode, Some(TransMode::Rail));
        assert_eq!(rail.veh_type, None);
        assert!(
            request_of(&generate_args(&[
                "--irn",
                "abc",
                "--doc-no",
                "1",
                "--doc-date",
                "2026-11-20"
            ]))
            .is_err()
        );
        let cli = Cli::try_parse_from(["t", "generate", "--json", "f.json", "--irn", "x"]);
        assert!(cli.is_err());
        assert!(Cli::try_parse_from(["t", "generate"]).is_err());
    }
}
