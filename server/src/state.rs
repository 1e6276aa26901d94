//! What every request handler shares: the Leptos options, the backend (storage and caches)
//! and the sign-in settings. Its own module, so that the API and the sign-in, which need it,
//! do not depend on the startup that builds the router from them.

use crate::auth::AuthSettings;
use crate::backend::{ServerBackend, RECORD_COUNTS_KEPT};
use crate::reference_data::LAND_SHORT_NAME;
use crate::storage::Storage;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub backend: Arc<ServerBackend>,
    pub auth: AuthSettings,
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        storage: Storage,
        auth: AuthSettings,
        operator: app::domain::OperatorInfo,
    ) -> Self {
        Self {
            leptos_options,
            backend: Arc::new(ServerBackend {
                storage,
                land_name: LAND_SHORT_NAME.to_owned(),
                public_read: auth.public_read,
                operator,
                dashboard_cache: Default::default(),
                record_counts: crate::generation_cache::GenerationCache::new(RECORD_COUNTS_KEPT),
            }),
            auth,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
