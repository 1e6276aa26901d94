//! Datenquellen: provenance, licences and the attributions the data requires.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SourcesPage() -> impl IntoView {
    view! {
        <Title text="Datenquellen"/>
        <h1>"Datenquellen und Lizenzen"</h1>
        <p>"Der OZG-Monitor verwendet die folgenden öffentlichen Daten. Umsetzungsstände erfassen die zuständigen Stellen selbst; "
           "solange keine echten Daten erfasst sind, zeigt die Anwendung gekennzeichnete Demo-Daten."</p>
        <div class="table-wrap">
            <table>
                <caption>"Verwendete Daten"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Daten"</th>
                        <th scope="col">"Stand"</th>
                        <th scope="col">"Quelle und Lizenz"</th>
                    </tr>
                </thead>
                <tbody>
                    <tr>
                        <td>"OZG-Umsetzungskatalog: 14 Themenfelder, 55 Lebens- und Unternehmenslagen, 557 OZG-Leistungen, 5.249 LeiKa-Leistungen"</td>
                        <td>"Oktober–Dezember 2019"</td>
                        <td>"Herausgegeben von BMI / IT-Planungsrat. Extrahiert aus dem öffentlichen Repository kdn-nrw/OZG-Datenbank-NRW "
                            "(MIT-Lizenz, © 2020 Gert Hammes). Spätere Leistungen (der Katalog wuchs auf etwa 575–582) sind nicht enthalten."</td>
                    </tr>
                    <tr>
                        <td>"Gemeindeverzeichnis: Gemeinden und Kreise mit AGS, ARS, Fläche und Einwohnern"</td>
                        <td>"Gebietsstand 31.12.2020, Einwohner 31.12.2019"</td>
                        <td>"© Statistisches Bundesamt (Destatis), 2021. Gemeindeverzeichnis GV-ISys. "
                            "Datenlizenz Deutschland – Namensnennung – Version 2.0 ("
                            <a href="https://www.govdata.de/dl-de/by-2-0">"dl-de/by-2-0"</a>")."</td>
                    </tr>
                    <tr>
                        <td>"Verwaltungsgrenzen (für Karten)"</td>
                        <td>"01.01.2021"</td>
                        <td>"© GeoBasis-DE / "<a href="http://www.bkg.bund.de">"BKG"</a>" 2021 (Daten verändert), dl-de/by-2-0."</td>
                    </tr>
                    <tr>
                        <td>"Ressorts des Freistaats Thüringen und ihre Zuordnung zu Themenfeldern"</td>
                        <td>"seit 13.12.2024"</td>
                        <td>"Von den Betreibern gepflegte Stammdaten; Abkürzungen außer TFM und TMDI sind unbestätigt und änderbar."</td>
                    </tr>
                </tbody>
            </table>
        </div>
        <h2>"Bekannte Lücken"</h2>
        <ul>
            <li>"Der Katalog entspricht dem Stand 2019; neuere OZG-Leistungen müssen ergänzt werden."</li>
            <li>"Gebietsreformen nach 2020 (z. B. Eingliederung von Eisenach in den Wartburgkreis 2021) sind noch nicht nachgeführt."</li>
            <li>"Es gibt keine öffentlichen Umsetzungsstände je Gemeinde; alle Stände vor echter Erfassung sind Demo-Daten."</li>
        </ul>
    }
}
