//! The API documentation: the guide pages, the error catalogue, the masters, search over all of them,
//! the OpenAPI description with the vendored Swagger UI, and the downloads (keys, samples, Postman).

pub mod errors;
pub mod guide;
pub mod openapi;

use crate::state::PortalState;
use crate::web::{Chrome, PortalError, Visitor, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::sync::{Arc, OnceLock};

/// The documentation routes.
pub fn routes() -> Router<PortalState> {
    Router::new()
        .route("/docs", get(index))
        .route("/docs/errors", get(error_page))
        .route("/docs/masters", get(masters_page))
        .route("/docs/search", get(search_page))
        .route("/docs/{page}", get(guide_page))
        .route("/downloads", get(downloads_page))
        .route("/downloads/samples/{file}", get(sample))
        .route("/downloads/openirp.postman_collection.json", get(postman))
        .route("/api-docs/openapi.json", get(openapi_json))
        // The server folds trailing slashes away before routing, so both spellings serve the page.
        .route("/api-docs", get(swagger_index))
        .route("/api-docs/", get(swagger_index))
        .route("/api-docs/{*file}", get(swagger_file))
}

/// A guide link in the side list.
pub struct NavLink {
    pub href: String,
    pub title: String,
    pub summary: String,
    pub current: bool,
}

fn nav(current: &str) -> Vec<NavLink> {
    let mut links: Vec<NavLink> = guide::pages()
        .iter()
        .map(|p| NavLink {
            href: format!("/docs/{}", p.slug),
            title: p.title.to_string(),
            summary: p.summary.to_string(),
            current: p.slug == current,
        })
        .collect();
    links.push(NavLink {
        href: "/docs/errors".into(),
        title: "Error codes".into(),
        summary: "Every code with NIC's message, the cause and the fix.".into(),
        current: current == "errors",
    });
    links.push(NavLink {
        href: "/docs/masters".into(),
        title: "Masters".into(),
        summary:
            "States, units, GST rates, supply and document types, ports, countries, currencies."
                .into(),
        current: current == "masters",
    });
    links.push(NavLink {
        href: "/downloads".into(),
        title: "Downloads".into(),
        summary:
            "Public key, signing certificate, sample invoices, JSON Schema, Postman collection."
                .into(),
        current: current == "downloads",
    });
    links
}

#[derive(Template)]
#[template(path = "docs.html")]
struct DocPage {
    chrome: Chrome,
    nav: Vec<NavLink>,
    /// Trusted HTML: rendered from the guide written here.
    body: String,
    is_index: bool,
}

/// `GET /docs`: what the guide holds, in reading order.
async fn index(State(portal): State<PortalState>, visitor: Visitor) -> Response {
    render(&DocPage {
        chrome: Chrome::new(&portal, &visitor, "Developer guide"),
        nav: nav(""),
        body: String::new(),
        is_index: true,
    })
}

/// `GET /docs/{page}`.
async fn guide_page(
    State(portal): State<PortalState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Result<Response, PortalError> {
    let page = guide::page(&slug).ok_or_else(|| {
        PortalError::not_found(
            "There is no such guide page. The guide index at /docs lists them all.",
        )
    })?;
    Ok(render(&DocPage {
        chrome: Chrome::new(&portal, &visitor, page.title),
        nav: nav(page.slug),
        body: page.html.clone(),
        is_index: false,
    }))
}

#[derive(Template)]
#[template(path = "docs_errors.html")]
struct ErrorsPage {
    chrome: Chrome,
    nav: Vec<NavLink>,
    codes: &'static [errors::ErrorCode],
}

/// `GET /docs/errors`.
async fn error_page(State(portal): State<PortalState>, visitor: Visitor) -> Response {
    render(&ErrorsPage {
        chrome: Chrome::new(&portal, &visitor, "Error codes"),
        nav: nav("errors"),
        codes: errors::catalogue(),
    })
}

/// One master table: a heading, column names and rows of text.
pub struct MasterTable {
    pub id: &'static str,
    pub title: &'static str,
    pub note: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "docs_masters.html")]
struct MastersPage {
    chrome: Chrome,
    nav: Vec<NavLink>,
    tables: &'static [MasterTable],
}

fn masters() -> &'static [MasterTable] {
    use openirp_model::masters as m;
    use openirp_model::states;
    static TABLES: OnceLock<Vec<MasterTable>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let pairs = |list: &[(&str, &str)]| -> Vec<Vec<String>> {
            list.iter()
                .map(|(a, b)| vec![a.to_string(), b.to_string()])
                .collect()
        };
        vec![
            MasterTable {
                id: "states",
                title: "State codes",
                note: "Stcd of every party and Pos (place of supply). 96 is \"other country\": the buyer's state and POS on exports.",
                columns: vec!["Code", "State or territory"],
                rows: states::states()
                    .iter()
                    .map(|s| vec![states::two_digit(s.code), s.name.to_string()])
                    .collect(),
            },
            MasterTable {
                id: "supply-types",
                title: "Supply types (TranDtls.SupTyp)",
                note: "B2B: to a registered buyer. SEZWP/SEZWOP: to an SEZ with or without tax paid. EXPWP/EXPWOP: export with or without tax paid. DEXP: deemed export.",
                columns: vec!["Code"],
                rows: m::SUPPLY_TYPES.iter().map(|s| vec![s.to_string()]).collect(),
            },
            MasterTable {
                id: "document-types",
                title: "Document types (DocDtls.Typ)",
                note: "INV invoice, CRN credit note, DBN debit note.",
                columns: vec!["Code"],
                rows: m::DOC_TYPES.iter().map(|s| vec![s.to_string()]).collect(),
            },
            MasterTable {
                id: "cancel-reasons",
                title: "Cancellation reasons (CnlRsn)",
                note: "",
                columns: vec!["Code", "Reason"],
                rows: pairs(m::CANCEL_REASONS),
            },
            MasterTable {
                id: "gst-rates",
                title: "GST rates (GstRt)",
                note: "The full rate: for CGST+SGST each half is GstRt / 2. Other values are refused (2240).",
                columns: vec!["Rate %", "In force from"],
                rows: m::gst_rates()
                    .iter()
                    .map(|r| vec![r.rate.to_string(), r.from.format("%d/%m/%Y").to_string()])
                    .collect(),
            },
            MasterTable {
                id: "units",
                title: "Units (Unit)",
                note: "GST unit quantity codes; required for goods (IsServc N). Others are refused (2177).",
                columns: vec!["Code", "Unit"],
                rows: m::units()
                    .iter()
                    .map(|u| vec![u.code.to_string(), u.description.to_string()])
                    .collect(),
            },
            MasterTable {
                id: "ports",
                title: "Ports (ExpDtls.Port)",
                note: "Common Indian customs locations; any code of the shape IN + four letters or digits is accepted.",
                columns: vec!["Code", "Port", "Kind"],
                rows: m::ports()
                    .iter()
                    .map(|p| vec![p.code.to_string(), p.name.to_string(), p.kind.to_string()])
                    .collect(),
            },
            MasterTable {
                id: "countries",
                title: "Countries (ExpDtls.CntCode, OrgCntry)",
                note: "ISO 3166-1 alpha-2.",
                columns: vec!["Code", "Country"],
                rows: pairs(m::countries()),
            },
            MasterTable {
                id: "currencies",
                title: "Currencies (ExpDtls.ForCur)",
                note: "ISO 4217.",
                columns: vec!["Code", "Currency"],
                rows: pairs(m::currencies()),
            },
            MasterTable {
                id: "hsn-chapters",
                title: "HSN chapters (first two digits of HsnCd)",
                note: "Chapter 99 holds the service codes (SAC): IsServc Y needs one.",
                columns: vec!["Chapter", "Title"],
                rows: m::hsn_chapters()
                    .iter()
                    .map(|c| vec![format!("{:02}", c.chapter), c.title.to_string()])
                    .collect(),
            },
        ]
    })
}

/// `GET /docs/masters`.
async fn masters_page(State(portal): State<PortalState>, visitor: Visitor) -> Response {
    render(&MastersPage {
        chrome: Chrome::new(&portal, &visitor, "Masters"),
        nav: nav("masters"),
        tables: masters(),
    })
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

/// One search hit.
pub struct Hit {
    pub title: String,
    pub href: String,
    pub snippet: String,
}

#[derive(Template)]
#[template(path = "docs_search.html")]
struct SearchPage {
    chrome: Chrome,
    query: String,
    /// Why there are no results, when the query could not be searched.
    advice: String,
    hits: Vec<Hit>,
}

/// Shortest and longest query searched.
const MIN_QUERY: usize = 2;
const MAX_QUERY: usize = 100;
const MAX_HITS: usize = 50;

/// `GET /docs/search?q=`: case-insensitive search over the guide and the error catalogue.
async fn search_page(
    State(portal): State<PortalState>,
    visitor: Visitor,
    Query(query): Query<SearchQuery>,
) -> Response {
    let query: String = query
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_QUERY)
        .collect();
    let (hits, advice) = if query.chars().count() < MIN_QUERY {
        (
            Vec::new(),
            "Type at least two characters: a word such as AppKey or cancel, or an error code such as 2150."
                .to_string(),
        )
    } else {
        let hits = search(&query);
        let advice = if hits.is_empty() {
            "Nothing matched. Try a shorter word, an error code, or browse the guide index."
                .to_string()
        } else {
            String::new()
        };
        (hits, advice)
    };
    render(&SearchPage {
        chrome: Chrome::new(&portal, &visitor, format!("Search: {query}")),
        query,
        advice,
        hits,
    })
}

/// Every place `query` occurs (ignoring ASCII case): one hit per guide page and per error code.
pub fn search(query: &str) -> Vec<Hit> {
    let needle = query.to_ascii_lowercase();
    let mut hits = Vec::new();
    for page in guide::pages() {
        if let Some(snippet) = snippet(&page.text, &needle) {
            hits.push(Hit {
                title: page.title.to_string(),
                href: format!("/docs/{}", page.slug),
                snippet,
            });
        }
    }
    for code in errors::catalogue() {
        let mut text = format!("{} {}", code.code, code.message);
        for r in &code.reasons {
            text.push_str(&format!(" {} {} {} {}", r.source, r.field, r.cause, r.fix));
        }
        if let Some(snippet) = snippet(&text, &needle) {
            hits.push(Hit {
                title: format!("Error {}: {}", code.code, code.message),
                href: format!("/docs/errors#e{}", code.code),
                snippet,
            });
        }
    }
    hits.truncate(MAX_HITS);
    hits
}

/// About 80 characters of `text` either side of the first occurrence of `needle` (lower case).
fn snippet(text: &str, needle: &str) -> Option<String> {
    // ASCII lower-casing keeps byte offsets, so the hit's position is valid in `text`.
    let at = text.to_ascii_lowercase().find(needle)?;
    let mut start = at.saturating_sub(80);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + needle.len() + 80).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let body = text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let lead = if start > 0 { "…" } else { "" };
    let tail = if end < text.len() { "…" } else { "" };
    Some(format!("{lead}{body}{tail}"))
}

/// A downloadable sample invoice.
pub struct Sample {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    json: &'static str,
}

/// The placeholder seller GSTIN of the samples (checksum-valid, state 29): replace it with yours.
pub const SAMPLE_SELLER: &str = "29AAAAA0000A1ZY";

pub const SAMPLES: &[Sample] = &[
    Sample {
        name: "b2b-intra-state",
        title: "B2B, intra-state (CGST + SGST)",
        description: "Seller and buyer in Karnataka (29), one goods and one service line at 18 %.",
        json: include_str!("../../guide/samples/b2b-intra-state.json"),
    },
    Sample {
        name: "b2b-inter-state",
        title: "B2B, inter-state (IGST) with every block",
        description: "NIC's reference sample moved to a Karnataka seller selling to Andhra Pradesh (37): cess, state cess, charges, dispatch and ship-to, payment and references.",
        json: include_str!("../../guide/samples/b2b-inter-state.json"),
    },
    Sample {
        name: "export",
        title: "Export with payment of IGST (EXPWP)",
        description: "Buyer URP, place of supply 96, PIN 999999, shipping bill and port in ExpDtls.",
        json: include_str!("../../guide/samples/export.json"),
    },
];

/// A sample dated `date` (dd/mm/yyyy).
pub fn sample_text(name: &str, date: &str) -> Option<String> {
    SAMPLES
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.json.replace("{{DOC_DATE}}", date))
}

#[derive(Template)]
#[template(path = "downloads.html")]
struct DownloadsPage {
    chrome: Chrome,
    nav: Vec<NavLink>,
    samples: &'static [Sample],
    seller: &'static str,
}

/// `GET /downloads`.
async fn downloads_page(State(portal): State<PortalState>, visitor: Visitor) -> Response {
    render(&DownloadsPage {
        chrome: Chrome::new(&portal, &visitor, "Downloads"),
        nav: nav("downloads"),
        samples: SAMPLES,
        seller: SAMPLE_SELLER,
    })
}

/// Today (IST, by the server's clock) as dd/mm/yyyy: samples are dated so they pass the date rules.
fn today(portal: &PortalState) -> String {
    openirp_model::time::format_doc_date(openirp_model::time::ist_date(portal.now()))
}

/// `GET /downloads/samples/{name}.json`.
async fn sample(
    State(portal): State<PortalState>,
    Path(file): Path<String>,
) -> Result<Response, PortalError> {
    let text = file
        .strip_suffix(".json")
        .and_then(|name| sample_text(name, &today(&portal)))
        .ok_or_else(|| PortalError::not_found("There is no such sample; /downloads lists them."))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        text,
    )
        .into_response())
}

/// `GET /downloads/openirp.postman_collection.json`: built from the OpenAPI description on each call.
async fn postman(State(portal): State<PortalState>) -> Response {
    let collection = openapi::postman_collection(&openapi::document(portal.sandbox()));
    (
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"openirp.postman_collection.json\"",
        )],
        axum::Json(collection),
    )
        .into_response()
}

/// `GET /api-docs/openapi.json`.
async fn openapi_json(State(portal): State<PortalState>) -> Response {
    axum::Json(openapi::document(portal.sandbox())).into_response()
}

fn swagger_config() -> Arc<utoipa_swagger_ui::Config<'static>> {
    static CONFIG: OnceLock<Arc<utoipa_swagger_ui::Config<'static>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Arc::new(utoipa_swagger_ui::Config::from("/api-docs/openapi.json")))
        .clone()
}

/// `GET /api-docs/`: Swagger UI's page with its asset links made absolute, so it works whether or not
/// the trailing slash survived.
async fn swagger_index() -> Response {
    match utoipa_swagger_ui::serve("index.html", swagger_config()) {
        Ok(Some(file)) if !file.gzpipped => {
            let html = String::from_utf8_lossy(&file.bytes)
                .replace("href=\"./", "href=\"/api-docs/")
                .replace("src=\"./", "src=\"/api-docs/")
                .replace("href=\"index.css\"", "href=\"/api-docs/index.css\"");
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
        _ => swagger_unavailable(),
    }
}

/// `GET /api-docs/{file}`: Swagger UI's scripts and styles, compiled into the binary.
async fn swagger_file(Path(file): Path<String>) -> Response {
    if file.is_empty() || file == "index.html" {
        return swagger_index().await;
    }
    match utoipa_swagger_ui::serve(&file, swagger_config()) {
        Ok(Some(found)) => {
            let mut response = (
                [
                    (header::CONTENT_TYPE, found.content_type),
                    (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
                ],
                found.bytes.into_owned(),
            )
                .into_response();
            if found.gzpipped {
                response.headers_mut().insert(
                    header::CONTENT_ENCODING,
                    header::HeaderValue::from_static("gzip"),
                );
            }
            response
        }
        Ok(None) => (StatusCode::NOT_FOUND, "no such file").into_response(),
        Err(_) => swagger_unavailable(),
    }
}

fn swagger_unavailable() -> Response {
    PortalError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "The API reference viewer could not be loaded; the description itself is at /api-docs/openapi.json.",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_stay_on_character_boundaries() {
        let text = "₹₹₹ ".repeat(40) + "AppKey" + &" ₹₹₹".repeat(40);
        let s = snippet(&text, "appkey");
        assert!(s.is_some_and(|s| s.contains("AppKey")));
    }

    #[test]
    fn finds_auth_words_and_error_codes() {
        let hits = search("AppKey");
        assert!(hits.iter().any(|h| h.href == "/docs/authentication"));
        let hits = search("2150");
        assert!(hits.iter().any(|h| h.href == "/docs/errors#e2150"));
    }

    #[test]
    fn samples_are_json_once_dated() {
        for s in SAMPLES {
            let text = sample_text(s.name, "01/11/2026");
            let parsed = text.and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
            assert!(
                parsed.is_some_and(|v| v["SellerDtls"]["Gstin"] == SAMPLE_SELLER),
                "{}",
                s.name
            );
        }
    }
}
