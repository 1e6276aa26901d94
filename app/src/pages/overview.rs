//! Übersicht: KPI tiles and the status-by-Themenfeld chart with its data table.

use crate::api::get_overview;
use crate::components::{loading, ErrorNotice, KpiTile};
use crate::current_locale;
use crate::domain::{CoverageCategory, Overview};
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    let l = current_locale();
    view! {
        <Title text=td_string!(l, overview.title)/>
        <h1>{td_string!(l, overview.heading)}</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <OverviewBody overview=o/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OverviewBody(overview: Overview) -> impl IntoView {
    let o = overview;
    let maturity = o
        .average_maturity()
        .map(|m| format::decimal(m, 2))
        .unwrap_or_else(|| "–".to_owned());
    let l = current_locale();
    view! {
        <section aria-labelledby="kennzahlen">
            <h2 id="kennzahlen">{td_string!(l, overview.kpis)}</h2>
            <div class="kpis">
                <KpiTile
                    title=td_string!(l, overview.full_title)
                    value=format::percent(o.services_online_full, o.services_total)
                    detail=td_string!(l, overview.full_detail,
                        full = format::int(o.services_online_full), total = format::int(o.services_total)).to_string()
                    note=td_string!(l, overview.full_note,
                        any = format::int(o.services_online_any), total = format::int(o.services_total),
                        percent = format::percent(o.services_online_any, o.services_total)).to_string()
                />
                <KpiTile
                    title=td_string!(l, overview.municipal_title)
                    value=format::percent(o.municipal_records_online, o.municipal_records_applicable)
                    detail=td_string!(l, overview.municipal_detail,
                        online = format::int(o.municipal_records_online),
                        applicable = format::int(o.municipal_records_applicable)).to_string()
                    note=td_string!(l, overview.municipal_note, gemeinden = format::int(o.gemeinden_total)).to_string()
                />
                <KpiTile
                    title=td_string!(l, overview.population_title)
                    value=format::percent(o.municipal_population_online, o.municipal_population_applicable)
                    detail=td_string!(l, overview.population_detail).to_owned()
                    note=td_string!(l, overview.population_note).to_owned()
                />
                <KpiTile
                    title=td_string!(l, overview.maturity_title)
                    value=maturity
                    detail=td_string!(l, overview.maturity_detail, count = format::int(o.maturity_count)).to_string()
                />
            </div>
            <p class="kpi-date">
                {td_string!(l, overview.data_date)}
                {format::data_date(o.data_as_of, l)}
                {td_string!(l, overview.population_total, total = format::int(o.services_total))}
            </p>
        </section>
        <section aria-labelledby="diagramm">
            <h2 id="diagramm">{td_string!(l, overview.chart_heading)}</h2>
            <figure class="chart">
                <div class="chart-svg" inner_html=o.chart_svg.clone()></div>
                <figcaption>{td_string!(l, overview.chart_caption)}</figcaption>
            </figure>
            <ChartTable overview=o/>
        </section>
    }
}

#[component]
fn ChartTable(overview: Overview) -> impl IntoView {
    let categories = CoverageCategory::ALL;
    let l = current_locale();
    view! {
        <details class="data-table">
            <summary>{td_string!(l, overview.table_summary)}</summary>
            <table>
                <caption>{td_string!(l, overview.table_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, overview.col_themenfeld)}</th>
                        {categories.into_iter().map(|c| view! { <th scope="col">{c.label(l)}</th> }).collect_view()}
                        <th scope="col">{td_string!(l, overview.col_total)}</th>
                    </tr>
                </thead>
                <tbody>
                    {overview.bars.into_iter().map(|bar| {
                        let href = format!("/leistungen?themenfeld={}", bar.themenfeld_id);
                        let cells = categories.map(|c| format::int(bar.count(c)));
                        let total = format::int(bar.total());
                        view! {
                            <tr>
                                <th scope="row"><A href=href>{bar.themenfeld}</A></th>
                                {cells.into_iter().map(|n| view! { <td class="num">{n}</td> }).collect_view()}
                                <td class="num">{total}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}
