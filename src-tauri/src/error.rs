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
    /// A file could not be written (a report export); the message names it.
    #[error("{message}")]
    Io { message: String },
    /// The user cancelled a long operation; nothing was written.
    #[error("{message}")]
    Cancelled { message: String },
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

impl From<steward_report::Error> for AppError {
    fn from(e: steward_report::Error) -> AppError {
        use steward_report::Error as E;
        let message = e.to_string();
        match e {
            E::Core(core) => core.into(),
            E::Database(_) => AppError::Database { message },
            E::Unsupported { .. } | E::InvalidInput(_) => AppError::InvalidInput { message },
            E::Write { .. } | E::Io(_) | E::Json(_) => AppError::Io { message },
            E::Xlsx(_) | E::Pdf(_) | E::RowLimit => AppError::Internal { message },
            E::Cancelled => AppError::Cancelled { message },
        }
    }
}

impl From<steward_graph::Error> for AppError {
    fn from(e: steward_graph::Error) -> AppError {
        use steward_graph::Error as E;
        let message = e.to_string();
        match e {
            E::Core(core) => core.into(),
            E::Database(_) => AppError::Database { message },
            E::Read { .. } => AppError::Io { message },
            E::NoFiles { .. }
            | E::Json { .. }
            | E::Shape { .. }
            | E::Item { .. }
            | E::NoTenant
            | E::TenantMismatch { .. }
            | E::Archive { .. } => AppError::InvalidInput { message },
            E::Cancelled { .. } => AppError::Cancelled { message },
        }
    }
}
