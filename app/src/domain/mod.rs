//! Domain types shared by the server and the browser.

pub mod access;
pub mod dashboard;
pub mod editing;
pub mod filter;
pub mod ids;
pub mod imports;
pub mod model;
pub mod responsibility;
pub mod settings;

pub use access::{
    AccountWithTokens, ApiTokenInfo, AuditLine, CurrentUser, NewApiToken, Role, ScopeUnit,
    UserForm, UserSummary, AUDIT_PER_PAGE,
};
pub use dashboard::*;
pub use editing::*;
pub use filter::*;
pub use ids::{Ags, AgsLevel, Ars, IdError, LeikaKey, OzgId};
pub use imports::{
    CatalogueImportReport, CatalogueKind, CatalogueLine, ImportLine, ImportReport,
    TerritoryImportReport, TerritoryLine, MAX_IMPORT_BYTES, MAX_IMPORT_LINES,
};
pub use model::*;
pub use responsibility::{
    LageOption, LeikaTypes, NewService, NewServiceForm, NewServiceOptions, Responsibility,
    ResponsibilityChange, ResponsibilityEdit, ResponsibilityFigures, ResponsibilityImportReport,
    ResponsibilityLine, ResponsibilityMatrix, ResponsibilityOutcome, ResponsibilityQuery,
    ServiceResponsibility,
};
pub use settings::{
    MaturityModel, SettingChange, SettingRefusal, Settings, StatusSetting, MAX_LABEL_LEN,
};
