//! Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit. The operator's details
//! come from the configuration (`OZG_OPERATOR_*`); what the application itself does with data
//! and how accessible it is, is stated here, where it can be kept true with the code.

use crate::api::get_site_info;
use crate::components::{loading, ErrorNotice};
use crate::domain::OperatorInfo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Reads the operator's details, then renders `body` with them.
fn with_operator<V: IntoView + 'static>(body: fn(OperatorInfo) -> V) -> impl IntoView {
    let info = Resource::new(|| (), |_| get_site_info());
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(i) => body(i.operator).into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn missing(what: &'static str) -> impl IntoView {
    view! { <span class="missing">{format!("({what} hat der Betreiber noch nicht hinterlegt)")}</span> }
}

fn value_or_missing(value: Option<String>, what: &'static str) -> AnyView {
    match value {
        Some(v) => v.into_any(),
        None => missing(what).into_any(),
    }
}

fn address(value: Option<String>) -> AnyView {
    match value {
        Some(a) => view! {
            <address>{a.split(';').map(|line| view! { {line.trim().to_owned()}<br/> }).collect_view()}</address>
        }
        .into_any(),
        None => view! { <p>{missing("Die Anschrift")}</p> }.into_any(),
    }
}

fn mail_link(email: Option<String>) -> AnyView {
    match email {
        Some(e) => view! { <a href=format!("mailto:{e}")>{e.clone()}</a> }.into_any(),
        None => missing("Die E-Mail-Adresse").into_any(),
    }
}

#[component]
pub fn ImpressumPage() -> impl IntoView {
    view! {
        <Title text="Impressum"/>
        <h1>"Impressum"</h1>
        {with_operator(|o: OperatorInfo| {
            let configured = o.is_configured();
            view! {
                {(!configured).then(|| view! {
                    <p class="notice" role="note">"Für diese Installation sind noch keine Betreiberangaben hinterlegt. \
                        Betreiber setzen sie mit den Einstellungen OZG_OPERATOR_NAME, OZG_OPERATOR_ADDRESS, OZG_OPERATOR_EMAIL, \
                        OZG_OPERATOR_PHONE und OZG_OPERATOR_RESPONSIBLE."</p>
                })}
                <h2>"Betreiber (Angaben nach § 5 Digitale-Dienste-Gesetz)"</h2>
                <p><strong>{value_or_missing(o.name.clone(), "Den Namen")}</strong></p>
                {address(o.address.clone())}
                <dl class="facts">
                    <dt>"E-Mail"</dt><dd>{mail_link(o.email.clone())}</dd>
                    <dt>"Telefon"</dt><dd>{value_or_missing(o.phone.clone(), "Die Telefonnummer")}</dd>
                    <dt>"Inhaltlich verantwortlich"</dt><dd>{value_or_missing(o.responsible.clone(), "Die verantwortliche Person")}</dd>
                </dl>
                <h2>"Software"</h2>
                <p>"OZG-Monitor, freie Software unter der European Union Public Licence (EUPL-1.2). \
                    Datenquellen und ihre Lizenzen: "<A href="/datenquellen">"Datenquellen"</A>"."</p>
            }
        })}
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Title text="Datenschutz"/>
        <h1>"Datenschutzerklärung"</h1>
        {with_operator(|o: OperatorInfo| view! {
            <h2>"Verantwortlich"</h2>
            <p>{value_or_missing(o.name.clone(), "Den Namen des Verantwortlichen")}</p>
            {address(o.address.clone())}
            <p>"E-Mail: "{mail_link(o.email.clone())}</p>
            <p>"Datenschutzbeauftragte/r: "{value_or_missing(o.privacy_officer.clone(), "Den Kontakt der/des Datenschutzbeauftragten")}</p>

            <h2>"Welche Daten verarbeitet werden"</h2>
            <ul>
                <li><strong>"Konten: "</strong>"Name, dienstliche E-Mail-Adresse, Rolle und Zuständigkeitsbereich der Nutzerinnen und Nutzer; \
                    das Passwort nur als nicht umkehrbarer Hash (Argon2id). Zweck: Anmeldung und Berechtigungsprüfung \
                    (Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit dem Landesrecht über die Aufgaben der Verwaltung)."</li>
                <li><strong>"Änderungshistorie: "</strong>"Jede Änderung an einem Umsetzungsstand wird mit Name und E-Mail-Adresse der \
                    ändernden Person und dem Zeitpunkt dauerhaft gespeichert. Zweck: nachvollziehbare, verlässliche Berichterstattung."</li>
                <li><strong>"Sitzungs-Cookie: "</strong>"Nach der Anmeldung setzt die Anwendung ein einziges Cookie („ozg_session“), \
                    technisch notwendig für die Anmeldung (§ 25 Abs. 2 Nr. 2 TDDDG). Es enthält eine zufällige Kennung, endet \
                    nach 12 Stunden oder bei der Abmeldung und wird nicht zur Nachverfolgung verwendet."</li>
                <li><strong>"Sicherheitsprotokoll: "</strong>"Anmeldungen, fehlgeschlagene Anmeldeversuche, abgewiesene Anfragen und \
                    Kontoänderungen werden mit Zeitpunkt, E-Mail-Adresse und IP-Adresse protokolliert, um Angriffe zu erkennen \
                    und Anmeldeversuche zu begrenzen. Die Aufbewahrungsdauer legt der Betreiber fest."</li>
                <li><strong>"Server-Protokolle: "</strong>"Aufgerufene Adressen, Zeitpunkt und Antwortstatus zur Fehleranalyse."</li>
            </ul>
            <h2>"Keine Weitergabe an Dritte"</h2>
            <p>"Die Anwendung lädt keine Inhalte von anderen Servern: Schriften, Skripte, Stile und Bilder kommen ausschließlich \
                von diesem Server. Es gibt keine Analyse- oder Tracking-Dienste und keine Einbindungen sozialer Netzwerke."</p>
            <h2>"Ihre Rechte"</h2>
            <p>"Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der \
                Verarbeitung (Art. 18) und Widerspruch (Art. 21). Wenden Sie sich dazu an den Verantwortlichen. \
                Sie können sich außerdem bei der Aufsichtsbehörde beschweren: "
                {value_or_missing(o.supervisory_authority.clone(), "Die Aufsichtsbehörde")}"."</p>
        })}
    }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! {
        <Title text="Barrierefreiheit"/>
        <h1>"Erklärung zur Barrierefreiheit"</h1>
        {with_operator(|o: OperatorInfo| view! {
            <p>"Der Betreiber ist bemüht, den OZG-Monitor im Einklang mit der Barrierefreie-Informationstechnik-Verordnung \
                (BITV 2.0), der europäischen Norm EN 301 549 und den Web Content Accessibility Guidelines (WCAG) 2.1, \
                Konformitätsstufe AA, barrierefrei zugänglich zu machen. Diese Erklärung gilt für diese Installation: "
                {value_or_missing(o.name.clone(), "Den Betreiber")}"."</p>
            <h2>"Stand der Vereinbarkeit mit den Anforderungen"</h2>
            <p>"Die Anwendung ist mit den Anforderungen "<strong>"teilweise vereinbar"</strong>". Geprüft wird bei jeder Änderung \
                automatisch: jede Seite mit axe-core gegen die Regeln der WCAG 2.0 und 2.1 (Stufen A und AA) ohne Befund, \
                und der Ablauf einer Koordinatorin (Anmelden, Umsetzungsstand ändern, Speichern) ausschließlich mit der Tastatur. \
                Eine Prüfung durch Menschen mit Assistenztechnik steht noch aus."</p>
            <h2>"Nicht barrierefreie Inhalte"</h2>
            <ul>
                <li>"Diagramme sind Grafiken; jedes hat einen Titel, eine Beschreibung und dieselben Zahlen als Tabelle."</li>
                <li>"Ohne JavaScript speichert das Bearbeitungsformular, zeigt Fehler aber nur zusammengefasst; die Sammelbearbeitung \
                    braucht JavaScript."</li>
                <li>"Die Oberfläche ist bisher nur auf Deutsch verfügbar."</li>
            </ul>
            <h2>"Barrieren melden: Kontakt"</h2>
            <p>"Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Schreiben Sie uns: "{mail_link(o.email.clone())}
                {o.phone.clone().map(|p| view! { " oder rufen Sie an: "{p} })}"."</p>
            <h2>"Durchsetzungsverfahren"</h2>
            <p>"Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die zuständige \
                Durchsetzungs- bzw. Schlichtungsstelle wenden: "
                {value_or_missing(o.enforcement_body.clone(), "Die zuständige Stelle")}"."</p>
            <p class="muted">"Diese Erklärung wurde am 28.11.2026 auf Grundlage einer Selbstbewertung erstellt."</p>
        })}
    }
}
