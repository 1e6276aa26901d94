//! Katalogimport (administration): upload a newer OZG catalogue, see what it adds, changes
//! and deactivates and every line error (a dry run), then take it over. The browser sends the
//! file to `POST /api/v1/imports/catalogue`, the endpoint programs use.

use super::import::{FailedLines, Outcome, ReportNotices, UploadForm};
use crate::components::PageTitle;
use crate::current_locale;
use crate::domain::{CatalogueImportReport, CatalogueKind, CatalogueLine};
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn CatalogueImportPage() -> impl IntoView {
    let l = current_locale();
    let keep_missing = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome<CatalogueImportReport>>);
    let query = move |dry_run: bool| {
        format!(
            "dry_run={dry_run}&deactivate_missing={}",
            !keep_missing.get_untracked()
        )
    };

    view! {
        <PageTitle text=td_string!(l, imports.catalogue.title)/>
        <h1>{td_string!(l, imports.catalogue.title)}</h1>
        <p class="lead">{td_string!(l, imports.catalogue.lead)}</p>
        <p>{td_string!(l, imports.catalogue.format)}</p>
        <p>{td_string!(l, imports.catalogue.history_note)}</p>
        <noscript><p class="notice">{td_string!(l, imports.catalogue.noscript)}</p></noscript>
        <UploadForm kind="catalogue" file_id="catalogue-file" file_label=td_string!(l, imports.catalogue.file_label)
            outcome=outcome query=query can_apply=CatalogueImportReport::can_apply
            result=|report| view! { <CatalogueResult report=report/> }.into_any()>
            <div class="checkbox">
                <input id="keep-missing" type="checkbox"
                    prop:checked=move || keep_missing.get()
                    on:change=move |ev| { keep_missing.set(event_target_checked(&ev)); outcome.set(None); }/>
                <label for="keep-missing">{td_string!(l, imports.catalogue.keep_missing)}</label>
                <p class="hint">{td_string!(l, imports.catalogue.keep_missing_hint)}</p>
            </div>
        </UploadForm>
    }
}

#[component]
fn CatalogueResult(report: CatalogueImportReport) -> impl IntoView {
    let l = current_locale();
    let heading = if report.dry_run {
        td_string!(l, imports.catalogue.result_dry)
    } else if report.written {
        td_string!(l, imports.catalogue.result_written)
    } else {
        td_string!(l, imports.catalogue.result_nothing)
    };
    let (lines, kind, added, changed) = (
        report.lines_read,
        report.file_kind.clone(),
        report.added.len(),
        report.changed.len(),
    );
    let (unchanged, deactivated, failed, records) = (
        report.unchanged,
        report.deactivated.len(),
        report.failed.len(),
        report.records_created,
    );
    let summary = if report.written {
        td_string!(
            l,
            imports.catalogue.summary_written,
            lines,
            kind,
            added,
            changed,
            unchanged,
            deactivated,
            records
        )
        .to_string()
    } else {
        td_string!(
            l,
            imports.catalogue.summary_dry,
            lines,
            kind,
            added,
            changed,
            unchanged,
            deactivated,
            failed,
            records
        )
        .to_string()
    };
    // new services exist once the catalogue is written (other entries name existing ones)
    let link_added = report.written || report.catalogue == CatalogueKind::Leika;
    view! {
        <section class="import-result" data-testid="catalogue-result">
            <h2>{heading}</h2>
            <p>{summary}</p>
            <ReportNotices heading=td_string!(l, imports.catalogue.blocked) blocked=report.blocked notes=report.notes/>
            <FailedLines lines=report.failed subject=td_string!(l, imports.catalogue.col_service)/>
            <ServiceTable caption=td_string!(l, imports.catalogue.added) lines=report.added link=link_added/>
            <ServiceTable caption=td_string!(l, imports.catalogue.changed) lines=report.changed link=true/>
            <ServiceTable caption=td_string!(l, imports.catalogue.deactivated) lines=report.deactivated link=true/>
            {(!report.new_lagen.is_empty()).then(|| view! {
                <h3>{td_string!(l, imports.catalogue.new_lagen)}</h3>
                <ul>{report.new_lagen.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
            })}
        </section>
    }
}

/// Services added, changed or deactivated; nothing when `lines` is empty.
#[component]
fn ServiceTable(caption: &'static str, lines: Vec<CatalogueLine>, link: bool) -> impl IntoView {
    let l = current_locale();
    (!lines.is_empty()).then(|| {
        let count = lines.len();
        view! {
            <div class="table-wrap">
                <table>
                    <caption>{format!("{caption} ({count})")}</caption>
                    <thead><tr>
                        <th scope="col">{td_string!(l, imports.catalogue.col_position)}</th>
                        <th scope="col">{td_string!(l, imports.catalogue.col_ozg_id)}</th>
                        <th scope="col">{td_string!(l, imports.catalogue.col_service)}</th>
                        <th scope="col">{td_string!(l, imports.catalogue.col_changes)}</th>
                    </tr></thead>
                    <tbody>
                        {lines.into_iter().map(|line| {
                            let name = match line.ozg_id.filter(|_| link) {
                                Some(id) => view! { <A href=format!("/leistungen/{id}")>{line.name}</A> }.into_any(),
                                None => view! { {line.name} }.into_any(),
                            };
                            view! {
                                <tr>
                                    <td>{line.position.unwrap_or_else(|| "–".into())}</td>
                                    <th scope="row">{line.key}</th>
                                    <td>{name}</td>
                                    <td>
                                        <ul class="changes">
                                            {line.changes.into_iter().map(|c| view! {
                                                <li>{c.label}": "{c.old}" → "{c.new}</li>
                                            }).collect_view()}
                                        </ul>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}
