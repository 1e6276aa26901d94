//! Domain types shared by the server and the browser.

pub mod ids;
pub mod model;
pub mod responsibility;

pub use ids::{Ags, AgsLevel, Ars, IdError, LeikaKey, OzgId};
pub use model::*;
pub use responsibility::{LeikaTypes, Responsibility};
