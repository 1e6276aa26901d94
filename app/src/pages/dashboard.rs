//! Übersicht (dashboard): one filter bar for every chart, kept in the URL; KPI tiles; the
//! trend (burn-up) with deadlines, the state by Themenfeld and by Ressort, the Reifegrad
//! distribution; each chart with a data table. "Stand am" shows any past date from the history.
//! The filter is a GET form (works without JavaScript); hydrated, a change re-renders in place.

use crate::api::get_dashboard;
use crate::components::{
    filter_option, loading, submit_enclosing_form, without_nameless_fields, Downloads, ErrorNotice,
    KpiTile, PageTitle,
};
use crate::current_locale;
use crate::domain::{
    yes_no, CategoryBar, CoverageCategory, Dashboard, DashboardFilter, DashboardOptions,
    FederalCategory, FederalRow, FilterError, LageId, LeikaTyp, MapWeighting, Param, ScopeFigures,
    ThemenfeldId, UnitCode, LEIKA_TYPES,
};
use crate::error::AppError;
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let params = use_query_map();
    let l = current_locale();
    // `try_`: when a client leaves mid-request the server disposes the page while the
    // resource's task may still rerun its source; `get` then panicked the worker (seen in the
    // web scan). A disposed page renders nothing, so any value will do.
    let filter = Memo::new(move |_| {
        params
            .try_with(|map| {
                DashboardFilter::from_params(|key| map.get_str(key))
                    .map_err(|errors| FilterError::messages(&errors, l))
            })
            .unwrap_or_else(|| Err(Vec::new()))
    });
    let dashboard = Resource::new(
        move || filter.try_get().unwrap_or_else(|| Err(Vec::new())),
        |filter| async move {
            match filter {
                Ok(f) => get_dashboard(f).await,
                Err(errors) => Err(AppError::BadRequest(errors)),
            }
        },
    );
    view! {
        <PageTitle text=td_string!(l, dashboard.title)/>
        <h1>{td_string!(l, dashboard.heading)}</h1>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(o) => view! {
                        <FilterBar options=o.options.clone() filter/>
                        <DashboardBody dashboard=o/>
                    }.into_any(),
                    Err(e) => view! {
                        <ErrorNotice error=e/>
                        <p><A href="/">{td_string!(l, dashboard.reset)}</A></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn FilterBar(
    options: DashboardOptions,
    filter: Memo<Result<DashboardFilter, Vec<String>>>,
) -> impl IntoView {
    let current = move || filter.get().unwrap_or_default();
    let l = current_locale();
    let lagen = options.lagen;
    let unit_options =
        move |units: Vec<crate::domain::OrgUnitRef>,
              pick: fn(&DashboardFilter) -> Option<UnitCode>| {
            units
                .into_iter()
                .map(move |u| {
                    let code = u.code.clone();
                    filter_option(u.code, u.name, move || {
                        pick(&current()).is_some_and(|c| c.as_str() == code)
                    })
                })
                .collect_view()
        };
    view! {
        <Form method="GET" action="/" on_form_data=without_nameless_fields() attr:class="filters" attr:role="search" attr:aria-label=td_string!(l, dashboard.filter_label)>
            <div class="field">
                <label for="d-themenfeld">{td_string!(l, catalogue.themenfeld)}</label>
                <select id="d-themenfeld" name=Param::Themenfeld.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, catalogue.all_themenfelder).into(), move || current().services.themenfeld.is_none())}
                    {options.themenfelder.into_iter().map(|t| {
                        filter_option(t.id.to_string(), t.name, move || current().services.themenfeld == Some(ThemenfeldId(t.id)))
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="d-lage">{td_string!(l, catalogue.lage)}</label>
                <select id="d-lage" name=Param::Lage.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, catalogue.all_lagen).into(), move || current().services.lage.is_none())}
                    {move || {
                        let themenfeld = current().services.themenfeld;
                        lagen.iter()
                            .filter(|lage| themenfeld.is_none_or(|t| lage.themenfeld_id == t.0))
                            .map(|lage| {
                                let id = lage.id;
                                filter_option(id.to_string(), lage.name.clone(), move || current().services.lage == Some(LageId(id)))
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for="d-ressort">{td_string!(l, dashboard.ressort)}</label>
                <select id="d-ressort" name=Param::Ressort.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, dashboard.all_ressorts).into(), move || current().services.ressort.is_none())}
                    {unit_options(options.ressorts, |f| f.services.ressort.clone())}
                </select>
            </div>
            <div class="field">
                <label for="d-kreis">{td_string!(l, dashboard.kreis)}</label>
                <select id="d-kreis" name=Param::Kreis.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, dashboard.whole_land).into(), move || current().kreis.is_none())}
                    {unit_options(options.kreise, |f| f.kreis.clone())}
                </select>
            </div>
            <div class="field">
                <label for="d-leika">{td_string!(l, dashboard.leika_typ)}</label>
                <select id="d-leika" name=Param::LeikaTyp.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, catalogue.all).into(), move || current().services.leika_typ.is_none())}
                    {LEIKA_TYPES.into_iter().map(|t| {
                        filter_option(t.into(), format!("Typ {t}"), move || current().services.leika_typ == LeikaTyp::parse(t))
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="d-efa">{td_string!(l, dashboard.efa)}</label>
                <select id="d-efa" name=Param::Efa.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, catalogue.all).into(), move || current().services.efa.is_none())}
                    {filter_option(yes_no(true).into(), td_string!(l, dashboard.efa_yes).into(), move || current().services.efa == Some(true))}
                    {filter_option(yes_no(false).into(), td_string!(l, dashboard.efa_no).into(), move || current().services.efa == Some(false))}
                </select>
            </div>
            <div class="field">
                <label for="d-bestaetigt">{td_string!(l, dashboard.confirmed)}</label>
                <select id="d-bestaetigt" name=Param::Bestaetigt.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, catalogue.all).into(), move || current().services.bestaetigt.is_none())}
                    {filter_option(yes_no(true).into(), td_string!(l, dashboard.confirmed_yes).into(), move || current().services.bestaetigt == Some(true))}
                    {filter_option(yes_no(false).into(), td_string!(l, dashboard.confirmed_no).into(), move || current().services.bestaetigt == Some(false))}
                </select>
            </div>
            <div class="field">
                <label for="d-stand">{td_string!(l, catalogue.stand)}</label>
                <select id="d-stand" name=Param::Stand.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, catalogue.all).into(), move || current().stand.is_none())}
                    {CoverageCategory::ALL.into_iter().map(|c| {
                        filter_option(c.code().into(), c.label(l).into(), move || current().stand == Some(c))
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="d-am">{td_string!(l, dashboard.as_of)}</label>
                <input id="d-am" type="date" name=Param::Am.name() min="2000-01-01" max="2100-12-31"
                    value=move || current().am.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
                    prop:value=move || current().am.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
                    on:change=submit_enclosing_form/>
            </div>
            // the map's measure is chosen next to the map; the form keeps it
            {move || (current().karte == MapWeighting::Inhabitants)
                .then(|| view! { <input type="hidden" name=Param::Karte.name() value=MapWeighting::Inhabitants.code()/> })}
            <div class="field field-actions">
                <button type="submit">{td_string!(l, catalogue.filter)}</button>
                <A href="/">{td_string!(l, dashboard.reset)}</A>
            </div>
        </Form>
    }
}

#[component]
fn DashboardBody(dashboard: Dashboard) -> impl IntoView {
    let o = dashboard;
    let l = current_locale();
    let maturity = o
        .maturity
        .average()
        .map_or_else(|| "–".to_owned(), |m| format::decimal(m, 2));
    // zoomed into a Kreis (e.g. from the map), its name leads on to the Kreis's own page
    let scope = o.kreis.clone().map_or_else(
        || td_string!(l, dashboard.scope_land).into_any(),
        |k| {
            let href = format!("/organisationen/{}", crate::domain::urlencode(&k.code));
            view! { <A href=href>{k.name}</A> }.into_any()
        },
    );
    let as_of = format::date(o.as_of);
    let past = o.filter.am.is_some();
    let maturity_detail = match o.maturity.scale() {
        Some((lowest, highest)) => td_string!(
            l,
            dashboard.maturity_detail,
            model = o.maturity.model.clone(),
            min = lowest.level,
            min_label = lowest.label.clone(),
            max = highest.level,
            max_label = highest.label.clone(),
            count = format::int(o.maturity.count)
        )
        .to_string(),
        None => td_string!(
            l,
            dashboard.maturity_detail_unscaled,
            count = format::int(o.maturity.count)
        )
        .to_string(),
    };
    // the same services as the federal table below: those someone in the view executes
    let counted = o.services_counted();
    let mut full_note = td_string!(
        l,
        dashboard.full_note,
        any = format::int(o.services.online_any),
        total = format::int(counted),
        percent = format::percent(o.services.online_any, counted)
    )
    .to_string();
    if o.services_not_counted() > 0 {
        full_note.push(' ');
        full_note.push_str(
            &td_string!(
                l,
                dashboard.full_not_counted,
                count = format::int(o.services_not_counted())
            )
            .to_string(),
        );
    }
    view! {
        <p class="scope-line" data-testid="scope-line">
            {if past { td_string!(l, dashboard.state_at_past) } else { td_string!(l, dashboard.state_at_today) }}
            " " <strong>{as_of}</strong> " · " {td_string!(l, dashboard.scope)} " " <strong>{scope}</strong>
            " · " {td_string!(l, dashboard.data_date)} {format::data_date(o.data_as_of, l)}
            " · " {td_string!(l, dashboard.in_filter, total = format::int(o.services.total))}
        </p>
        <Downloads
            query=o.filter.export_query()
            report=Some(o.filter.report_link())
            note=(o.filter.am.is_some() || o.filter.stand.is_some())
                .then(|| td_string!(l, common.downloads_today).to_owned())
        />
        <section aria-labelledby="kennzahlen">
            <h2 id="kennzahlen">{td_string!(l, dashboard.kpis)}</h2>
            <div class="kpis">
                <KpiTile
                    title=td_string!(l, dashboard.full_title)
                    value=format::percent(o.services.online_full, counted)
                    detail=td_string!(l, dashboard.full_detail,
                        full = format::int(o.services.online_full), total = format::int(counted)).to_string()
                    note=full_note
                />
                <KpiTile
                    title=td_string!(l, dashboard.municipal_title)
                    value=format::percent(o.municipal.records_online, o.municipal.records_applicable)
                    detail=td_string!(l, dashboard.municipal_detail,
                        online = format::int(o.municipal.records_online),
                        applicable = format::int(o.municipal.records_applicable)).to_string()
                    note=td_string!(l, dashboard.municipal_note, gemeinden = format::int(o.municipal.gemeinden),
                        services = format::int(o.municipal.services), confirmed = format::int(o.municipal.confirmed)).to_string()
                />
                <KpiTile
                    title=td_string!(l, dashboard.population_title)
                    value=format::percent(o.municipal.population_online, o.municipal.population_applicable)
                    detail=td_string!(l, dashboard.population_detail).to_owned()
                    note=td_string!(l, dashboard.population_note).to_owned()
                />
                <KpiTile
                    title=td_string!(l, dashboard.maturity_title)
                    value=maturity
                    detail=maturity_detail
                />
            </div>
        </section>
        <FederalTable dashboard=o.clone()/>
        <MapSection dashboard=o.clone()/>
        <LateSection dashboard=o.clone()/>
        <section aria-labelledby="trend">
            <h2 id="trend">{td_string!(l, dashboard.trend_title)}</h2>
            <figure class="chart">
                <div class="chart-svg" data-testid="chart-trend" inner_html=o.charts.trend.clone()></div>
                <figcaption>{td_string!(l, dashboard.trend_caption)}</figcaption>
            </figure>
            <TrendTable dashboard=o.clone()/>
        </section>
        <section aria-labelledby="themenfelder">
            <h2 id="themenfelder">{td_string!(l, dashboard.chart_heading)}</h2>
            <figure class="chart">
                <div class="chart-svg" data-testid="chart-themenfeld" inner_html=o.charts.themenfeld.clone()></div>
                <figcaption>{td_string!(l, dashboard.chart_caption)}</figcaption>
            </figure>
            <BarTable bars=o.bars.clone() filter=o.filter.clone() head=td_string!(l, dashboard.col_themenfeld)/>
        </section>
        <section aria-labelledby="ressorts">
            <h2 id="ressorts">{td_string!(l, dashboard.ressort_title)}</h2>
            <figure class="chart">
                <div class="chart-svg" data-testid="chart-ressort" inner_html=o.charts.ressort.clone()></div>
                <figcaption>{td_string!(l, dashboard.ressort_caption)}</figcaption>
            </figure>
            <BarTable bars=o.ressort_bars.clone() filter=o.filter.clone() head=td_string!(l, dashboard.ressort)/>
        </section>
        <section aria-labelledby="reifegrad">
            <h2 id="reifegrad">{td_string!(l, dashboard.maturity_chart_title)}</h2>
            <figure class="chart">
                <div class="chart-svg" data-testid="chart-maturity" inner_html=o.charts.maturity.clone()></div>
                <figcaption>{td_string!(l, dashboard.maturity_caption, model = o.maturity.model.clone())}</figcaption>
            </figure>
            <MaturityTable dashboard=o/>
        </section>
    }
}

/// The categories a table shows: "nicht relevant" only when it occurs.
fn table_categories(occurs: impl Fn(CoverageCategory) -> bool) -> Vec<CoverageCategory> {
    CoverageCategory::ALL
        .into_iter()
        .filter(|c| *c != CoverageCategory::NotApplicable || occurs(*c))
        .collect()
}

#[component]
fn BarTable(bars: Vec<CategoryBar>, filter: DashboardFilter, head: &'static str) -> impl IntoView {
    let l = current_locale();
    let categories = table_categories(|c| bars.iter().any(|b| b.count(c) > 0));
    let header = categories.clone();
    view! {
        <details class="data-table">
            <summary>{td_string!(l, dashboard.table_summary)}</summary>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{head}</th>
                        {header.into_iter().map(|c| view! { <th scope="col">{c.label(l)}</th> }).collect_view()}
                        <th scope="col">{td_string!(l, dashboard.col_total)}</th>
                    </tr>
                </thead>
                <tbody>
                    {bars.into_iter().map(|bar| {
                        let cells = categories.iter().map(|c| {
                            let href = filter.catalogue_link(&bar.narrowing, *c);
                            let n = bar.count(*c);
                            view! { <td class="num"><A href=href>{format::int(n)}</A></td> }
                        }).collect_view();
                        view! {
                            <tr>
                                <th scope="row">{bar.label.clone()}</th>
                                {cells}
                                <td class="num">{format::int(bar.total())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

#[component]
fn TrendTable(dashboard: Dashboard) -> impl IntoView {
    let l = current_locale();
    let points = dashboard.trend;
    let categories = table_categories(|c| points.iter().any(|p| p.count(c) > 0));
    let header = categories.clone();
    let deadlines = dashboard
        .deadlines
        .iter()
        .map(|d| format!("{} ({})", d.label, format::date(d.date)))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <details class="data-table">
            <summary>{td_string!(l, dashboard.table_summary)}</summary>
            <table>
                <caption>{td_string!(l, dashboard.trend_table_caption, deadlines = deadlines)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, dashboard.col_month_end)}</th>
                        {header.into_iter().map(|c| view! { <th scope="col">{c.label(l)}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {points.into_iter().rev().map(|p| {
                        let cells = categories.iter().map(|c| view! { <td class="num">{format::int(p.count(*c))}</td> }).collect_view();
                        view! { <tr><th scope="row">{format::date(p.date)}</th>{cells}</tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

#[component]
fn MaturityTable(dashboard: Dashboard) -> impl IntoView {
    let l = current_locale();
    view! {
        <details class="data-table">
            <summary>{td_string!(l, dashboard.table_summary)}</summary>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, dashboard.col_maturity)}</th>
                        <th scope="col">{td_string!(l, dashboard.col_records)}</th>
                    </tr>
                </thead>
                <tbody>
                    {dashboard.maturity.bins.into_iter().map(|b| view! {
                        <tr><th scope="row">{format!("{} {}", b.level, b.label)}</th><td class="num">{format::int(b.records)}</td></tr>
                    }).collect_view()}
                    <tr>
                        <th scope="row">{td_string!(l, dashboard.maturity_none)}</th>
                        <td class="num">{format::int(dashboard.maturity.unknown)}</td>
                    </tr>
                </tbody>
            </table>
        </details>
    }
}

/// The federal dashboard's coverage categories next to the share of inhabitants they reach.
#[component]
fn FederalTable(dashboard: Dashboard) -> impl IntoView {
    let l = current_locale();
    let total = dashboard.services_counted();
    let mut all = FederalRow {
        category: FederalCategory::Nowhere,
        services: total,
        figures: ScopeFigures::default(),
    };
    for r in &dashboard.federal {
        all.figures.add(r.figures);
    }
    let mean_inhabitants =
        |r: &FederalRow| match (r.mean_population_online(), r.mean_population_applicable()) {
            (Some(online), Some(applicable)) => td_string!(
                l,
                dashboard.mean_inhabitants,
                online = format::int(online),
                applicable = format::int(applicable)
            )
            .to_string(),
            _ => "–".to_owned(),
        };
    view! {
        <section aria-labelledby="bund">
            <h2 id="bund">{td_string!(l, dashboard.federal_title)}</h2>
            <div class="table-wrap">
                <table data-testid="federal-table">
                    <caption>{td_string!(l, dashboard.federal_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, dashboard.col_federal)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_services)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_share)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_inhabitants)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_weighted)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {dashboard.federal.into_iter().map(|r| view! {
                            <tr>
                                <th scope="row">{r.category.label(l)}</th>
                                <td class="num">{format::int(r.services)}</td>
                                <td class="num">{format::percent(r.services, total)}</td>
                                <td class="num">{mean_inhabitants(&r)}</td>
                                <td class="num">{format::percent(r.figures.population_online, r.figures.population_applicable)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">{td_string!(l, dashboard.federal_counted)}</th>
                            <td class="num" data-testid="federal-total">{format::int(total)}</td>
                            <td class="num">{format::percent(total, total)}</td>
                            <td class="num">{mean_inhabitants(&all)}</td>
                            <td class="num">{format::percent(all.figures.population_online, all.figures.population_applicable)}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}

/// The coverage map with its measure switch, attribution and data table.
#[component]
fn MapSection(dashboard: Dashboard) -> impl IntoView {
    let l = current_locale();
    let filter = dashboard.filter.clone();
    let region_filter = dashboard.filter.clone();
    let with = move |karte: MapWeighting| {
        let f = DashboardFilter {
            karte,
            ..filter.clone()
        };
        format!("/?{}", f.to_query_string())
    };
    let weighting = dashboard.filter.karte;
    let current = move |w: MapWeighting| (weighting == w).then_some("page");
    let caption = match weighting {
        MapWeighting::Units => td_string!(l, dashboard.map_caption_units),
        MapWeighting::Inhabitants => td_string!(l, dashboard.map_caption_inhabitants),
    };
    let heading = match &dashboard.kreis {
        Some(k) => td_string!(l, dashboard.map_title_gemeinden, kreis = k.name.clone()).to_string(),
        None => td_string!(l, dashboard.map_title_kreise).to_owned(),
    };
    let without = dashboard.map.areas_without_unit.join(", ");
    view! {
        <section aria-labelledby="karte">
            <h2 id="karte">{heading}</h2>
            <p class="map-switch">
                {td_string!(l, dashboard.map_show)} " "
                // plain links (the router still navigates in place): its `A` adds its own
                // aria-current to the link of the current address, which gave this one two
                <a href=with(MapWeighting::Units) aria-current=current(MapWeighting::Units)>{td_string!(l, dashboard.map_units)}</a>
                " · "
                <a href=with(MapWeighting::Inhabitants) aria-current=current(MapWeighting::Inhabitants)>{td_string!(l, dashboard.map_inhabitants)}</a>
            </p>
            <figure class="chart map">
                <div class="chart-svg" data-testid="chart-map" inner_html=dashboard.charts.map.clone()></div>
                <figcaption>
                    {caption} " "
                    <a href="http://www.bkg.bund.de" rel="external">{td_string!(l, dashboard.map_attribution)}</a>
                    ", dl-de/by-2-0."
                </figcaption>
            </figure>
            {(!without.is_empty()).then(|| view! {
                <p class="note">{td_string!(l, dashboard.areas_without_unit, names = without)}</p>
            })}
            <details class="data-table">
                <summary>{td_string!(l, dashboard.table_summary)}</summary>
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, dashboard.col_region)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_applicable)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_online)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_share)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_weighted)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_services_full)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {dashboard.map.regions.into_iter().map(|r| {
                            let href = region_filter.region_link(&r.code);
                            let f = r.figures;
                            view! {
                                <tr>
                                    <th scope="row"><A href=href>{r.name.clone()}</A>
                                        {(!r.on_map).then(|| format!(" {}", td_string!(l, dashboard.not_on_map)))}</th>
                                    <td class="num">{format::int(f.applicable)}</td>
                                    <td class="num">{format::int(f.online)}</td>
                                    <td class="num">{format::percent(f.online, f.applicable)}</td>
                                    <td class="num">{format::percent(f.population_online, f.population_applicable)}</td>
                                    <td class="num">{format::int(r.services_full)} " / " {format::int(r.services)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </section>
    }
}

/// Records past their planned go-live, by Ressort and by Kreis (today only).
#[component]
fn LateSection(dashboard: Dashboard) -> impl IntoView {
    let l = current_locale();
    let late = dashboard.late;
    let table = move |head: &'static str,
                      rows: Vec<crate::domain::LateRow>,
                      testid: &'static str| {
        view! {
            <div class="table-wrap">
                <table data-testid=testid>
                    <thead>
                        <tr>
                            <th scope="col">{head}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_late_records)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_late_services)}</th>
                            <th scope="col" class="num">{td_string!(l, dashboard.col_late_oldest)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr>
                                <th scope="row">{match r.unit_code {
                                    Some(code) => view! { <A href=format!("/organisationen/{}", crate::domain::urlencode(&code))>{r.label}</A> }.into_any(),
                                    None => r.label.into_any(),
                                }}</th>
                                <td class="num">{format::int(r.records)}</td>
                                <td class="num">{format::int(r.services)}</td>
                                <td class="num">{r.oldest.map(format::date).unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };
    view! {
        <section aria-labelledby="verspaetet">
            <h2 id="verspaetet">{td_string!(l, dashboard.late_title)}</h2>
            {if late.available {
                view! {
                    <p>{td_string!(l, dashboard.late_lead, records = format::int(late.records))}</p>
                    <div class="late-tables">
                        {table(td_string!(l, dashboard.ressort), late.by_ressort, "late-by-ressort")}
                        {table(td_string!(l, dashboard.kreis), late.by_kreis, "late-by-kreis")}
                    </div>
                }.into_any()
            } else {
                view! { <p class="note">{td_string!(l, dashboard.late_today_only)}</p> }.into_any()
            }}
        </section>
    }
}
