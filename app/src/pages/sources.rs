//! Datenquellen: provenance, licences and the attributions the data requires.

use crate::api::get_data_imports;
use crate::components::PageTitle;
use crate::current_locale;
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;

#[component]
pub fn SourcesPage() -> impl IntoView {
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, sources.title)/>
        <h1>{td_string!(l, sources.heading)}</h1>
        <p>{td_string!(l, sources.intro)}</p>
        <CatalogueImportNotice/>
        <div class="table-wrap">
            <table>
                <caption>{td_string!(l, sources.caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, sources.col_data)}</th>
                        <th scope="col">{td_string!(l, sources.col_date)}</th>
                        <th scope="col">{td_string!(l, sources.col_source)}</th>
                    </tr>
                </thead>
                <tbody>
                    <tr>
                        <td>{td_string!(l, sources.catalogue)}</td>
                        <td>{td_string!(l, sources.catalogue_date)}</td>
                        <td>{td_string!(l, sources.catalogue_source)}</td>
                    </tr>
                    <tr>
                        <td>{td_string!(l, sources.municipalities)}</td>
                        <td>{td_string!(l, sources.municipalities_date)}</td>
                        <td>{td_string!(l, sources.municipalities_source)}
                            <a href="https://www.govdata.de/dl-de/by-2-0">"dl-de/by-2-0"</a>")."</td>
                    </tr>
                    <tr>
                        <td>{td_string!(l, sources.boundaries)}</td>
                        <td>"01.01.2021"</td>
                        <td>"© GeoBasis-DE / "<a href="http://www.bkg.bund.de">"BKG"</a>{td_string!(l, sources.boundaries_source)}</td>
                    </tr>
                    <tr>
                        <td>{td_string!(l, sources.ministries)}</td>
                        <td>{td_string!(l, sources.ministries_date)}</td>
                        <td>{td_string!(l, sources.ministries_source)}</td>
                    </tr>
                </tbody>
            </table>
        </div>
        <h2>{td_string!(l, sources.gaps)}</h2>
        <ul>
            <li>{td_string!(l, sources.gap_catalogue)}</li>
            <li>{td_string!(l, sources.gap_reforms)}</li>
            <li>{td_string!(l, sources.gap_status)}</li>
        </ul>
    }
}

/// After a catalogue or org-unit import the data is no longer the shipped one: say so.
#[component]
fn CatalogueImportNotice() -> impl IntoView {
    let l = current_locale();
    let imported = Resource::new(|| (), |()| get_data_imports());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let imports = imported.await.ok().unwrap_or_default();
                view! {
                    {imports.catalogue.map(|c| view! {
                        <p class="notice" role="note">
                            {td_string!(l, sources.catalogue_imported, date = format::datetime(c.at), by = c.by)}
                        </p>
                    })}
                    {imports.territory.map(|t| view! {
                        <p class="notice" role="note">
                            {td_string!(l, sources.territory_imported, date = format::datetime(t.at), by = t.by,
                                gemeinden = format::int(t.gemeinden), kreise = format::int(t.kreise))}
                        </p>
                    })}
                }
            })}
        </Suspense>
    }
}
