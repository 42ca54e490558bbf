//! What can stop a sync: [`SyncError`] and [`SyncResult`].

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Core(#[from] steward_core::Error),
    #[error("database error during the sync: {0}; what was committed is kept. {advice}", advice = steward_core::what_to_do(.0, "run sync again to resume", "Run sync again to resume"))]
    Database(#[from] rusqlite::Error),
    #[error("could not sign in to tenant {tenant}: {message}. Check the client id and secret (or certificate) and that the app is registered in that tenant")]
    SignIn { tenant: String, message: String },
    /// The sign-in endpoint gave no usable answer (offline, a proxy's error page): nothing says
    /// the credential is wrong, so nothing kept is forgotten.
    #[error("Entra's sign-in endpoint did not answer for tenant {tenant} ({message}); nothing was read and nothing kept was forgotten. Check the network connection and the authority URL, then run sync again")]
    SignInUnanswered { tenant: String, message: String },
    /// The server's TLS certificate is not one this machine trusts: asking again will not help,
    /// and nothing was sent.
    #[error("could not open a trusted TLS connection to {host} ({message}); nothing was sent. If this network inspects TLS through a proxy, add the proxy's certificate authority to the OS trust store (or point SSL_CERT_FILE at it), check the Graph and authority URLs, then run sync again")]
    UntrustedCertificate { host: String, message: String },
    #[error("Graph did not answer {url} after {attempts} attempts (last: {last}); what was read so far is kept: run sync again to resume")]
    GaveUp {
        url: String,
        attempts: u32,
        last: String,
    },
    #[error(
        "Graph answered {url} with HTTP {status} {code}: {message}; what was read so far is kept"
    )]
    Http {
        url: String,
        status: u16,
        code: String,
        message: String,
    },
    #[error("Graph's answer to {url} was not what the sync expected: {message}; what was read so far is kept, run sync again to resume")]
    Unexpected { url: String, message: String },
    #[error(
        "the organization Graph returned is {found}, not tenant {expected}: check the tenant id"
    )]
    WrongTenant { expected: String, found: String },
    /// The thread that writes the sign-ins could not start or stopped without an answer.
    #[error("the sign-in writer stopped ({0}); every batch committed before is kept: run sync again to resume")]
    WriterStopped(String),
    #[error(
        "the sync was cancelled; every page read so far is kept, and the next sync resumes there"
    )]
    Cancelled,
}

pub type SyncResult<T> = std::result::Result<T, SyncError>;
