//! Übersicht: KPI tiles and the status-by-Themenfeld chart with its data table.

use crate::api::get_overview;
use crate::components::{loading, ErrorNotice, KpiTile};
use crate::domain::{CoverageCategory, Overview};
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text="Übersicht"/>
        <h1>"Übersicht: Umsetzung der OZG-Leistungen"</h1>
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
    view! {
        <section aria-labelledby="kennzahlen">
            <h2 id="kennzahlen">"Kennzahlen"</h2>
            <div class="kpis">
                <KpiTile
                    title="OZG-Leistungen flächendeckend online"
                    value=format::percent(o.services_online_full, o.services_total)
                    detail=format!("{} von {} OZG-Leistungen sind bei allen zuständigen Stellen online.",
                        format::int(o.services_online_full), format::int(o.services_total))
                    note=format!("In mindestens einer Stelle online: {} von {} ({}).",
                        format::int(o.services_online_any), format::int(o.services_total),
                        format::percent(o.services_online_any, o.services_total))
                />
                <KpiTile
                    title="Abdeckung in den Gemeinden"
                    value=format::percent(o.municipal_records_online, o.municipal_records_applicable)
                    detail=format!("{} von {} kommunalen Umsetzungsständen (OZG-Leistung × Gemeinde) sind online.",
                        format::int(o.municipal_records_online), format::int(o.municipal_records_applicable))
                    note=format!("Grundgesamtheit: kommunal vollzogene OZG-Leistungen in {} Gemeinden.", format::int(o.gemeinden_total))
                />
                <KpiTile
                    title="Abdeckung nach Einwohnern"
                    value=format::percent(o.municipal_population_online, o.municipal_population_applicable)
                    detail="Anteil der Einwohner, deren Gemeinde die jeweilige kommunale Leistung online anbietet, über alle kommunalen OZG-Leistungen gemittelt.".to_owned()
                    note="Einwohner: Destatis, Stand 31.12.2019.".to_owned()
                />
                <KpiTile
                    title="Durchschnittlicher Reifegrad"
                    value=maturity
                    detail=format!("Skala 0 (offline) bis 4 (Online-Transaktion), über {} Umsetzungsstände mit Reifegrad.",
                        format::int(o.maturity_count))
                />
            </div>
            <p class="kpi-date">
                "Datenstand: "
                {format::data_date(o.data_as_of, crate::current_locale())}
                " · Grundgesamtheit: "{format::int(o.services_total)}" aktive OZG-Leistungen des Katalogs."
            </p>
        </section>
        <section aria-labelledby="diagramm">
            <h2 id="diagramm">"Stand der OZG-Leistungen nach Themenfeld"</h2>
            <figure class="chart">
                <div class="chart-svg" inner_html=o.chart_svg.clone()></div>
                <figcaption>
                    "Anzahl der OZG-Leistungen je Themenfeld nach Umsetzungsstand: flächendeckend online (bei allen zuständigen Stellen), "
                    "teilweise online (bei mindestens einer), in Arbeit, nicht begonnen. Die Zahlen stehen auch in der Tabelle unten."
                </figcaption>
            </figure>
            <ChartTable overview=o/>
        </section>
    }
}

#[component]
fn ChartTable(overview: Overview) -> impl IntoView {
    let categories = CoverageCategory::ALL;
    view! {
        <details class="data-table">
            <summary>"Diagrammdaten als Tabelle"</summary>
            <table>
                <caption>"OZG-Leistungen je Themenfeld nach Umsetzungsstand"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Themenfeld"</th>
                        {categories.into_iter().map(|c| view! { <th scope="col">{c.label(crate::current_locale())}</th> }).collect_view()}
                        <th scope="col">"Gesamt"</th>
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
