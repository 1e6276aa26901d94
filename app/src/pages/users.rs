//! Konten (administration): every account with role and scope; create accounts, change role,
//! scope and active flag, reset a password.

use crate::api::{list_users, SaveUser};
use crate::components::{loading, ErrorNotice};
use crate::domain::{Role, UserSummary};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UsersPage() -> impl IntoView {
    let save = ServerAction::<SaveUser>::new();
    let users = Resource::new(move || save.version().get(), |_| list_users());
    view! {
        <Title text="Konten"/>
        <h1>"Konten"</h1>
        <div aria-live="polite">
            {move || save.value().get().map(|r| match r {
                Ok(u) => view! { <p class="success-notice" role="status">{format!("Konto {} gespeichert.", u.email)}</p> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
        </div>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! { <UserList users=list save=save/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <section aria-labelledby="neu">
            <h2 id="neu">"Neues Konto"</h2>
            <UserFormView user=None save=save/>
        </section>
    }
}

#[component]
fn UserList(users: Vec<UserSummary>, save: ServerAction<SaveUser>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption>{format!("{} Konten", users.len())}</caption>
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"E-Mail-Adresse"</th><th scope="col">"Rolle"</th>
                    <th scope="col">"Zuständig für"</th><th scope="col">"Aktiv"</th><th scope="col">"Bearbeiten"</th>
                </tr></thead>
                <tbody>
                    {users.into_iter().map(|u| view! {
                        <tr>
                            <td>{u.display_name.clone()}</td>
                            <td>{u.email.clone()}</td>
                            <td>{u.role.label(crate::current_locale())}</td>
                            <td>{u.scopes.iter().map(|s| format!("{} ({})", s.name, s.code)).collect::<Vec<_>>().join(", ")}</td>
                            <td>{if u.active { "ja" } else { "nein" }}</td>
                            <td>
                                <details>
                                    <summary>{format!("{} bearbeiten", u.display_name)}</summary>
                                    <UserFormView user=Some(u.clone()) save=save/>
                                </details>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserFormView(user: Option<UserSummary>, save: ServerAction<SaveUser>) -> impl IntoView {
    let prefix = user
        .as_ref()
        .map(|u| format!("u{}", u.id))
        .unwrap_or_else(|| "neu".into());
    let id = move |name: &str| format!("{prefix}-{name}");
    let role = user.as_ref().map(|u| u.role).unwrap_or(Role::Koordination);
    let scopes = user
        .as_ref()
        .map(|u| {
            u.scopes
                .iter()
                .map(|s| s.code.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let active = user.as_ref().is_none_or(|u| u.active);
    let is_new = user.is_none();
    view! {
        <ActionForm action=save attr:class="stacked-form">
            {user.as_ref().map(|u| view! { <input type="hidden" name="form[id]" value=u.id.to_string()/> })}
            <label for=id("email")>"E-Mail-Adresse"</label>
            <input id=id("email") name="form[email]" type="email" required=true readonly=!is_new
                value=user.as_ref().map(|u| u.email.clone()).unwrap_or_default()/>
            <label for=id("name")>"Name"</label>
            <input id=id("name") name="form[display_name]" type="text" required=true
                value=user.as_ref().map(|u| u.display_name.clone()).unwrap_or_default()/>
            <label for=id("role")>"Rolle"</label>
            <select id=id("role") name="form[role]">
                {Role::ALL.into_iter().map(|r| view! { <option value=r.code() selected=r == role>{r.label(crate::current_locale())}</option> }).collect_view()}
            </select>
            <label for=id("scopes")>"Zuständig für (Kennungen, durch Komma getrennt: AGS eines Kreises oder einer Gemeinde, Kürzel eines Ressorts)"</label>
            <input id=id("scopes") name="form[scopes]" type="text" value=scopes placeholder="z. B. 16068, TMDI"/>
            <div class="checkbox-row">
                <input id=id("active") name="form[active]" type="checkbox" value="true" checked=active/>
                <label for=id("active")>"Konto aktiv"</label>
            </div>
            <label for=id("password")>{if is_new { "Erstes Passwort (mindestens 12 Zeichen)" } else { "Neues Passwort (leer lassen, um es zu behalten)" }}</label>
            <input id=id("password") name="form[password]" type="password" autocomplete="new-password" required=is_new/>
            <button type="submit">{if is_new { "Konto anlegen" } else { "Änderungen speichern" }}</button>
        </ActionForm>
    }
}
