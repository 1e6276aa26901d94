//! Sicherheitsprotokoll (administration): logins, failed and throttled logins, refused
//! requests, denied actions, account and token changes — newest first, filterable by kind.

use crate::api::get_audit_log;
use crate::components::{loading, ErrorNotice, Pagination};
use crate::domain::{urlencode, AuditLine};
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (
            q.get("art").filter(|s| !s.is_empty()),
            q.get("seite")
                .and_then(|s| s.parse::<u32>().ok())
                .unwrap_or(1),
        )
    };
    let lines = Resource::new(params, |(action, page)| get_audit_log(action, page));
    view! {
        <Title text="Sicherheitsprotokoll"/>
        <h1>"Sicherheitsprotokoll"</h1>
        <p class="lead">"Anmeldungen, fehlgeschlagene und gesperrte Anmeldeversuche, abgewiesene fremde Anfragen, \
            verweigerte Aktionen sowie Änderungen an Konten und API-Tokens. Zeiten in UTC."</p>
        <form method="get" action="/verwaltung/protokoll" class="filter-form">
            <div>
                <label for="art">"Art"</label>
                <select id="art" name="art">
                    <option value="">"alle"</option>
                    {move || {
                        let selected = params().0.unwrap_or_default();
                        AuditLine::ACTIONS.into_iter().map(|a| view! {
                            <option value=a selected=a == selected>{AuditLine::action_label(a, crate::current_locale())}</option>
                        }).collect_view()
                    }}
                </select>
            </div>
            <button type="submit">"Anzeigen"</button>
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
                                    <caption>"Einträge, neueste zuerst"</caption>
                                    <thead><tr>
                                        <th scope="col">"Zeitpunkt"</th>
                                        <th scope="col">"Art"</th>
                                        <th scope="col">"Wer"</th>
                                        <th scope="col">"Betrifft"</th>
                                        <th scope="col">"Adresse"</th>
                                        <th scope="col">"Einzelheiten"</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.items.is_empty().then(|| view! { <tr><td colspan="6">"Keine Einträge."</td></tr> })}
                                        {page.items.clone().into_iter().map(|l| view! {
                                            <tr>
                                                <td>{format::datetime(l.occurred_at)}</td>
                                                <td>{AuditLine::action_label(&l.action, crate::current_locale())}</td>
                                                <td>{l.actor.unwrap_or_else(|| "–".into())}</td>
                                                <td>{l.subject.unwrap_or_else(|| "–".into())}</td>
                                                <td>{l.client_addr.unwrap_or_else(|| "–".into())}</td>
                                                <td>{l.detail.unwrap_or_default()}</td>
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
