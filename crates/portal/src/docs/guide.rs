//! The guide: Markdown pages compiled into the binary, rendered to HTML once, and a plain-text copy of
//! each for the search box.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use std::sync::OnceLock;

/// One guide page as written.
struct Source {
    slug: &'static str,
    title: &'static str,
    summary: &'static str,
    markdown: &'static str,
}

/// In reading order: the index lists them so.
const SOURCES: &[Source] = &[
    Source {
        slug: "overview",
        title: "Getting started",
        summary: "What an IRP does, the two credential sets, sandbox and production, and the path from registration to your first IRN.",
        markdown: include_str!("../../guide/overview.md"),
    },
    Source {
        slug: "authentication",
        title: "Authentication, step by step",
        summary: "AppKey, RSA, the session key (Sek) and the AES that protects every payload, with the exact byte steps.",
        markdown: include_str!("../../guide/authentication.md"),
    },
    Source {
        slug: "envelope",
        title: "The request and response envelope",
        summary: "Status, ErrorDetails, Data and InfoDtls; encrypted Data; HTTP codes; headers.",
        markdown: include_str!("../../guide/envelope.md"),
    },
    Source {
        slug: "apis",
        title: "Every API with examples",
        summary: "Auth, Generate IRN, cancel, get by IRN and by document, GSTIN details, rejected IRNs, validate.",
        markdown: include_str!("../../guide/apis.md"),
    },
    Source {
        slug: "invoice",
        title: "Writing a valid invoice (INV-01)",
        summary: "The blocks of the document, intra- versus inter-state tax, exports, and the arithmetic the IRP checks.",
        markdown: include_str!("../../guide/invoice.md"),
    },
    Source {
        slug: "ewaybill",
        title: "E-way bills from IRNs",
        summary: "Part-A from the e-invoice, Part-B from you: generate with the IRN or after it, PIN-to-PIN distance, validity, cancel, and every 4xxx code.",
        markdown: include_str!("../../guide/ewaybill.md"),
    },
    Source {
        slug: "gstr1",
        title: "GSTR-1 from your e-invoices",
        summary: "The GSTR-1 sections registered e-invoices fill (b2b, cdnr, exp, hsn, doc_issue), how to fetch them, and what is left to you.",
        markdown: include_str!("../../guide/gstr1.md"),
    },
    Source {
        slug: "sandbox",
        title: "The sandbox test-data API",
        summary: "Make a test taxpayer in one call, add GSTINs in any status, and move the clock.",
        markdown: include_str!("../../guide/sandbox.md"),
    },
    Source {
        slug: "faq",
        title: "Frequently asked questions",
        summary: "Timeouts, duplicates, token expiry, common error codes and other questions new integrators ask.",
        markdown: include_str!("../../guide/faq.md"),
    },
];

/// A rendered guide page.
pub struct Page {
    pub slug: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub html: String,
    /// The words of the page without markup, for search.
    pub text: String,
}

/// Every guide page, rendered on first use.
pub fn pages() -> &'static [Page] {
    static PAGES: OnceLock<Vec<Page>> = OnceLock::new();
    PAGES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|s| Page {
                slug: s.slug,
                title: s.title,
                summary: s.summary,
                html: to_html(s.markdown),
                text: to_text(s.markdown),
            })
            .collect()
    })
}

/// The page with `slug`.
pub fn page(slug: &str) -> Option<&'static Page> {
    pages().iter().find(|p| p.slug == slug)
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_STRIKETHROUGH
}

/// Markdown to HTML. Tables are wrapped so that a wide one scrolls on a phone instead of the page.
pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options()));
    out.replace("<table>", "<div class=\"table-wrap\"><table>")
        .replace("</table>", "</table></div>")
}

/// The text a reader sees, one block per line.
fn to_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            )
            | Event::Start(Tag::CodeBlock(_)) => text.push('\n'),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_renders_with_a_heading() {
        for p in pages() {
            assert!(p.html.contains("<h1"), "{} has no title heading", p.slug);
            assert!(p.text.len() > 500, "{} is nearly empty", p.slug);
        }
    }

    #[test]
    fn tables_scroll_on_small_screens() {
        let html = to_html("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<div class=\"table-wrap\"><table>"));
    }
}
