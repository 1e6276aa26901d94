//! Änderungen seit …: every change in a period, filterable by org unit and Themenfeld. The
//! filter is a plain GET form, so any view can be bookmarked and works without JavaScript.

use crate::api::{get_filter_options, list_changes};
use crate::components::{loading, PageTitle, Pagination};
use crate::current_locale;
use crate::domain::{
    parse_date, urlencode, ChangeQuery, FilterError, Param, ParamReader, QueryString,
    ServiceFilter, ThemenfeldId,
};
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

fn default_since() -> chrono::NaiveDate {
    (chrono::Utc::now() - chrono::Duration::days(30)).date_naive()
}

#[component]
pub fn ChangesPage() -> impl IntoView {
    let query = use_query_map();
    // `try_` reads: see the dashboard page (a disposed page's resource may rerun its source).
    let params = move || {
        query
            .try_with(|q| {
                let get = |k: &str| q.get(k).unwrap_or_default();
                let mut reader = ParamReader::new(|k: &str| q.get_str(k));
                let services = ServiceFilter::read(&mut reader);
                (
                    get("seit"),
                    get("bis"),
                    get("einheit"),
                    reader.finish(services),
                    get(Param::Seite.name()),
                )
            })
            .unwrap_or_else(|| {
                let none = String::new;
                (none(), none(), none(), Ok(ServiceFilter::default()), none())
            })
    };
    let l = current_locale();
    let parsed = move || -> Result<ChangeQuery, String> {
        let (seit, bis, einheit, services, seite) = params();
        Ok(ChangeQuery {
            since: parse_date(&seit, l)
                .map_err(|e| td_string!(l, changes.error_since, message = e).to_string())?
                .unwrap_or_else(default_since),
            until: parse_date(&bis, l)
                .map_err(|e| td_string!(l, changes.error_until, message = e).to_string())?,
            org_unit: Some(einheit.trim().to_owned()).filter(|s| !s.is_empty()),
            services: services.map_err(|e| FilterError::messages(&e, l).join(" "))?,
            page: seite.parse().unwrap_or(1),
        })
    };
    let options = Resource::new(|| (), |()| get_filter_options());
    let changes = Resource::new(parsed, move |q| async move {
        match q {
            Ok(q) => list_changes(q).await.map_err(|e| e.message(l)),
            Err(e) => Err(e),
        }
    });
    view! {
        <PageTitle text=td_string!(l, changes.title)/>
        <h1>{td_string!(l, changes.title)}</h1>
        <p class="lead">{td_string!(l, changes.lead)}</p>
        <form method="get" action="/aenderungen" class="filter-form">
            <div>
                <label for="seit">{td_string!(l, changes.since)}</label>
                <input id="seit" name="seit" type="date" value=move || parsed().map(|q| q.since.to_string()).unwrap_or_default()/>
            </div>
            <div>
                <label for="bis">{td_string!(l, changes.until)}</label>
                <input id="bis" name="bis" type="date" value=move || params().1/>
            </div>
            <div>
                <label for="einheit">{td_string!(l, changes.unit)}</label>
                <input id="einheit" name="einheit" type="text" value=move || params().2 placeholder=td_string!(l, changes.unit_placeholder)/>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let services = params().3.unwrap_or_default();
                    let selected = services.themenfeld;
                    let themenfelder = options.await.map(|o| o.themenfelder).unwrap_or_default();
                    let themenfeld = Param::Themenfeld.name();
                    view! {
                        <div>
                            <label for=themenfeld>{td_string!(l, changes.themenfeld)}</label>
                            <select id=themenfeld name=themenfeld>
                                <option value="">{td_string!(l, changes.all)}</option>
                                {themenfelder.into_iter().map(|t| {
                                    let is = selected == Some(ThemenfeldId(t.id));
                                    view! { <option value=t.id.to_string() selected=is>{t.name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        // the service filter's other parts, from a link, kept when the form is sent
                        {services.hidden_fields(&[Param::Themenfeld]).into_iter().map(|(name, value)| {
                            view! { <input type="hidden" name=name value=value/> }
                        }).collect_view()}
                    }
                })}
            </Suspense>
            <button type="submit">{td_string!(l, changes.show)}</button>
        </form>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match changes.await {
                    Err(msg) => view! { <div class="error-notice" role="alert"><p>{msg}</p></div> }.into_any(),
                    Ok(page) => {
                        let (seit, bis, einheit, services, _) = params();
                        let mut filter = QueryString::default();
                        services.unwrap_or_default().write(&mut filter);
                        let href_for = move |n: u32| {
                            let mut query = filter.clone();
                            query.set(Param::Seite, n);
                            format!(
                                "/aenderungen?seit={}&bis={}&einheit={}&{}",
                                urlencode(&seit), urlencode(&bis), urlencode(&einheit), query.finish())
                        };
                        view! {
                            <div class="table-wrap">
                                <table class="changes-table">
                                    <caption>{td_string!(l, changes.caption)}</caption>
                                    <thead><tr>
                                        <th scope="col">{td_string!(l, changes.col_time)}</th>
                                        <th scope="col">{td_string!(l, changes.col_service)}</th>
                                        <th scope="col">{td_string!(l, changes.col_unit)}</th>
                                        <th scope="col">{td_string!(l, changes.col_change)}</th>
                                        <th scope="col">{td_string!(l, changes.col_by)}</th>
                                        <th scope="col">{td_string!(l, changes.col_comment)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {page.items.is_empty().then(|| view! { <tr><td colspan="6">{td_string!(l, changes.empty)}</td></tr> })}
                                        {page.items.clone().into_iter().map(|c| view! {
                                            <tr>
                                                <td><A href=format!("/umsetzungsstaende/{}", c.entry.record_id)>{format::datetime(c.entry.occurred_at)}</A></td>
                                                <td><A href=format!("/leistungen/{}", c.ozg_id)>{c.service_name}</A></td>
                                                <td><A href=format!("/organisationen/{}", c.org_unit_code)>{c.org_unit_name}</A></td>
                                                <td><ul class="changes">{c.entry.changes.into_iter().map(|f| view! {
                                                    <li>{f.label}": "{f.old}" → "{f.new}</li>
                                                }).collect_view()}</ul></td>
                                                <td>{c.entry.actor}{c.entry.is_demo.then_some(td_string!(l, changes.demo))}</td>
                                                <td>{c.entry.comment.unwrap_or_default()}</td>
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
