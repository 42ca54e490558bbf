//! The one error type that crosses to the UI: a tagged union the UI can branch on by `kind`.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AppError {
    #[error("{message}")]
    NotFound { message: String },
    #[error("{message}")]
    InvalidInput { message: String },
    #[error("{message}")]
    Database { message: String },
    #[error("{message}")]
    Internal { message: String },
}

impl From<steward_core::Error> for AppError {
    fn from(e: steward_core::Error) -> AppError {
        use steward_core::Error as E;
        let message = e.to_string();
        match e {
            E::NoTenant | E::UnknownTenant(_) | E::UnknownServicePrincipal { .. } => {
                AppError::NotFound { message }
            }
            E::AmbiguousTenant { .. } | E::InvalidInput(_) => AppError::InvalidInput { message },
            E::Open { .. } | E::SchemaTooNew { .. } | E::Database(_) => {
                AppError::Database { message }
            }
            E::Chart(_) => AppError::Internal { message },
        }
    }
}
