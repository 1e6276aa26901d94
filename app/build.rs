//! Generates the `i18n` module from the translation files in `locales/` (one JSON file per
//! page or area and language). German is the default; a missing or extra key in the English
//! files is reported by this script, a key used in code but missing everywhere is a compile error.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

/// One namespace per page or area, so each file stays small and reviewable.
const NAMESPACES: &[&str] = &[
    "common",
    "domain",
    "dashboard",
    "catalogue",
    "service",
    "org_units",
    "sources",
    "login",
    "legal",
    "record",
    "changes",
    "my_work",
    "bulk",
    "imports",
    "account",
    "users",
    "audit",
    "responsibilities",
    "settings",
    "filter",
    "api",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR not set")?).join("i18n");
    let options = ParseOptions::default().interpolate_display(true);
    let config = Config::new("de")?
        .add_locale("en")?
        .add_namespaces(NAMESPACES.iter().copied())?
        .parse_options(options);
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}
