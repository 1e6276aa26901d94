//! Sicherheitsprotokoll (administration): logins, failed and throttled logins, refused
//! requests, denied actions, account and token changes — newest first, filterable by kind.

use crate::api::get_audit_log;
use crate::components::{loading, ErrorNotice, PageTitle, Pagination};
use crate::current_locale;
use crate::domain::{urlencode, AuditLine};
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    // `try_` reads: see the dashboard page (a disposed page's resource may rerun its source).
    let params = move || {
        query
            .try_with(|q| {
                (
                    q.get("art").filter(|s| !s.is_empty()),
                    q.get("seite")
                        .and_then(|s| s.parse::<u32>().ok())
                        .unwrap_or(1),
                )
            })
            .unwrap_or_default()
    };
    let lines = Resource::new(params, |(action, page)| get_audit_log(action, page));
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, audit.title)/>
        <h1>{td_string!(l, audit.title)}</h1>
        <p class="lead">{td_string!(l, audit.lead)}</p>
        <form method="get" action="/verwaltung/protokoll" class="filter-form">
            <div>
                <label for="art">{td_string!(l, audit.kind)}</label>
                <select id="art" name="art">
                    <option value="">{td_string!(l, audit.all)}</option>
                    {move || {
                        let selected = params().0.unwrap_or_default();
                        AuditLine::ACTIONS.into_iter().map(|a| view! {
                            <option value=a selected=a == selected>{AuditLine::action_label(a, l)}</option>
                        }).collect_view()
                    }}
                </select>
            </div>
            <button type="submit">{td_string!(l, audit.show)}</button>
        </form>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match lines.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(page) => {
                        let art = params().0.unwrap_or_default();
                        let href_for = move |n: u32| format!("/verwaltung/protokoll?art={}&seite={n}", urlencode(&art));
                        view! {
                            <div class="table-wrap">
                                <table>
                                    <caption>{td_string!(l, audit.caption)}</caption>
                                    <thead><tr>
                                        <th scope="col">{td_string!(l, audit.time)}</th>
                                        <th scope="col">{td_string!(l, audit.kind)}</th>
                                        <th scope="col">{td_string!(l, audit.actor)}</th>
                                        <th scope="col">{td_string!(l, audit.subject)}</th>
                                        <th scope="col">{td_string!(l, audit.address)}</th>
                                        <th scope="col">{td_string!(l, audit.details)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.items.is_empty().then(|| view! { <tr><td colspan="6">{td_string!(l, audit.no_entries)}</td></tr> })}
                                        {page.items.clone().into_iter().map(|line| view! {
                                            <tr>
                                                <td>{format::datetime(line.occurred_at)}</td>
                                                <td>{AuditLine::action_label(&line.action, l)}</td>
                                                <td>{line.actor.unwrap_or_else(|| "–".into())}</td>
                                                <td>{line.subject.unwrap_or_else(|| "–".into())}</td>
                                                <td>{line.client_addr.unwrap_or_else(|| "–".into())}</td>
                                                <td>{line.detail.unwrap_or_default()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination page=page href_for/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
