//! The window's commands that change workload identities: each checks and queues a change in
//! the outbox (`steward_core::manage`), which the Changes page lists and `push_changes` (or a
//! sync) sends to Graph. A client secret's value only ever crosses to the window in the push's
//! answer, once.

use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};
use steward_core::clock;
use steward_core::manage::{
    self, federation, FederatedCredentialDraft, ObjectKind, Properties, SecretRequest, Template,
};
use steward_core::model::OwnerRelation;
use steward_core::store::outbox::{self, AuditEntry, OutboxItem};
use steward_core::store::{self, federated_credentials};
use steward_graph::sync;
use tauri::State;

use crate::connections::ConnectArgs;
use crate::{with_tenant, AppError, AppState};

/// Who makes a change from the window, for the audit trail: the OS account.
pub(crate) fn actor() -> String {
    let user = steward_core::manage::os_user();
    format!("{user} (Steward window)")
}

/// The changes made in Steward for a tenant, oldest first, and where each stands.
#[tauri::command]
#[specta::specta]
pub async fn outbox_items(
    state: State<'_, AppState>,
    tenant_id: String,
) -> Result<Vec<OutboxItem>, AppError> {
    with_tenant(&state, tenant_id, |conn, key, _| outbox::list(conn, key)).await
}

/// Steward's audit trail for a tenant, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn audit_trail(
    state: State<'_, AppState>,
    tenant_id: String,
) -> Result<Vec<AuditEntry>, AppError> {
    with_tenant(&state, tenant_id, |conn, key, _| {
        outbox::audit_trail(conn, key)
    })
    .await
}

/// Sends a failed change, or one in conflict, to the next push again.
#[tauri::command]
#[specta::specta]
pub async fn retry_change(
    state: State<'_, AppState>,
    tenant_id: String,
    id: f64,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        outbox::retry(conn, key, id as i64, &actor(), clock::now())
    })
    .await
}

/// Drops a change Graph does not have; the cache stops showing it.
#[tauri::command]
#[specta::specta]
pub async fn drop_change(
    state: State<'_, AppState>,
    tenant_id: String,
    id: f64,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        outbox::drop_item(conn, key, id as i64, &actor(), clock::now())
    })
    .await
}

/// A federated credential as the dialog describes it.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FederatedCredentialForm {
    pub name: String,
    pub description: Option<String>,
    pub template: Template,
}

/// What a federated credential form would save: the issuer and subject its template builds,
/// and every rule it breaks (none: it can be saved).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FederatedCredentialPreview {
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub audience: String,
    pub problems: Vec<String>,
}

fn draft(form: &FederatedCredentialForm) -> Result<FederatedCredentialDraft, Vec<String>> {
    FederatedCredentialDraft::from_template(&form.name, form.description.as_deref(), &form.template)
}

/// The issuer and subject a form builds and what is wrong with it, checked against the
/// application's credentials in the cache; `replacing` names the credential an edit changes.
#[tauri::command]
#[specta::specta]
pub async fn preview_federated_credential(
    state: State<'_, AppState>,
    tenant_id: String,
    application_id: String,
    form: FederatedCredentialForm,
    replacing: Option<String>,
) -> Result<FederatedCredentialPreview, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        preview_of(conn, key, &application_id, &form, replacing.as_deref())
    })
    .await
}

/// What `preview_federated_credential` answers.
pub(crate) fn preview_of(
    conn: &rusqlite::Connection,
    key: steward_core::store::TenantKey,
    application_id: &str,
    form: &FederatedCredentialForm,
    replacing: Option<&str>,
) -> Result<FederatedCredentialPreview, steward_core::Error> {
    let app = manage::application(conn, key, application_id)?;
    let existing = federated_credentials::list_for_application(conn, key, &app.id)?;
    Ok(match draft(form) {
        Ok(d) => FederatedCredentialPreview {
            problems: federation::problems(&d, &existing, replacing),
            issuer: Some(d.issuer),
            subject: Some(d.subject),
            audience: federation::AUDIENCE.into(),
        },
        Err(problems) => FederatedCredentialPreview {
            issuer: None,
            subject: None,
            audience: federation::AUDIENCE.into(),
            problems,
        },
    })
}

fn invalid(problems: Vec<String>) -> steward_core::Error {
    steward_core::Error::InvalidInput(format!(
        "the federated credential was not saved: {}",
        problems.join("; ")
    ))
}

/// Adds a federated credential to an application (or changes the one of the form's name when
/// `update`).
#[tauri::command]
#[specta::specta]
pub async fn save_federated_credential(
    state: State<'_, AppState>,
    tenant_id: String,
    application_id: String,
    form: FederatedCredentialForm,
    update: bool,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        let d = draft(&form).map_err(invalid)?;
        let who = actor();
        let (item, _) = if update {
            manage::update_federated_credential(conn, key, &application_id, &d, &who, clock::now())?
        } else {
            manage::add_federated_credential(conn, key, &application_id, &d, &who, clock::now())?
        };
        Ok(item)
    })
    .await
}

/// Removes an application's federated credential.
#[tauri::command]
#[specta::specta]
pub async fn remove_federated_credential(
    state: State<'_, AppState>,
    tenant_id: String,
    application_id: String,
    name: String,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        manage::remove_federated_credential(
            conn,
            key,
            &application_id,
            &name,
            &actor(),
            clock::now(),
        )
    })
    .await
}

/// A new app registration, queued; the item's change names its (local) ids.
#[tauri::command]
#[specta::specta]
pub async fn create_application(
    state: State<'_, AppState>,
    tenant_id: String,
    display_name: String,
    sign_in_audience: String,
    notes: Option<String>,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        manage::create_application(
            conn,
            key,
            &display_name,
            &sign_in_audience,
            notes.as_deref(),
            &actor(),
            clock::now(),
        )
    })
    .await
}

/// New name, notes or tags for an application or service principal.
#[tauri::command]
#[specta::specta]
pub async fn update_properties(
    state: State<'_, AppState>,
    tenant_id: String,
    kind: ObjectKind,
    id: String,
    properties: Properties,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        manage::update_properties(conn, key, kind, &id, &properties, &actor(), clock::now())
    })
    .await
}

/// Enables or disables a service principal's sign-ins.
#[tauri::command]
#[specta::specta]
pub async fn set_enabled(
    state: State<'_, AppState>,
    tenant_id: String,
    id: String,
    enabled: bool,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        manage::set_enabled(conn, key, &id, enabled, &actor(), clock::now())
    })
    .await
}

/// Deletes an application (with its service principal) or a service principal; restorable for
/// 30 days.
#[tauri::command]
#[specta::specta]
pub async fn delete_object(
    state: State<'_, AppState>,
    tenant_id: String,
    kind: ObjectKind,
    id: String,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        manage::delete(conn, key, kind, &id, &actor(), clock::now())
    })
    .await
}

/// Restores a deleted application or service principal.
#[tauri::command]
#[specta::specta]
pub async fn restore_object(
    state: State<'_, AppState>,
    tenant_id: String,
    kind: ObjectKind,
    id: String,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        manage::restore(conn, key, kind, &id, &actor(), clock::now())
    })
    .await
}

/// Adds a client secret; the push that makes it shows its value once.
#[tauri::command]
#[specta::specta]
pub async fn add_secret(
    state: State<'_, AppState>,
    tenant_id: String,
    kind: ObjectKind,
    owner_id: String,
    name: String,
    days: u32,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        manage::add_secret(
            conn,
            key,
            kind,
            &owner_id,
            SecretRequest {
                name: &name,
                days: days.into(),
            },
            &actor(),
            clock::now(),
        )
    })
    .await
}

/// A certificate file chosen in the native dialog, with what it says.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CertificateFile {
    pub path: String,
    pub certificate: manage::certificate::CertificatePreview,
}

/// Opens the native dialog for a certificate's public part (.cer, .crt, .pem) and reads it;
/// `None` when the admin cancels. A file that is no certificate, or holds a private key, fails
/// saying what to choose.
#[tauri::command]
#[specta::specta]
pub async fn choose_public_certificate(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<CertificateFile>, AppError> {
    let pick = crate::dialogs::Pick::File {
        title: "Choose the certificate to upload (public key only: .cer, .crt or .pem)",
        filter: ("Certificate", &["cer", "crt", "pem"]),
    };
    let Some(path) = state
        .dialogs
        .clone()
        .pick(app, pick)
        .await?
        .and_then(|ps| ps.into_iter().next())
    else {
        return Ok(None);
    };
    crate::blocking(move || {
        let bytes = std::fs::read(&path).map_err(|e| {
            steward_core::Error::InvalidInput(format!(
                "could not read {}: {e}; choose another file",
                path.display()
            ))
        })?;
        let certificate =
            manage::certificate::read(&bytes).map_err(steward_core::Error::InvalidInput)?;
        Ok(Some(CertificateFile {
            path: path.display().to_string(),
            certificate,
        }))
    })
    .await
}

/// Adds the certificate of a file chosen with `choose_public_certificate`.
#[tauri::command]
#[specta::specta]
pub async fn add_certificate(
    state: State<'_, AppState>,
    tenant_id: String,
    kind: ObjectKind,
    owner_id: String,
    path: String,
) -> Result<OutboxItem, AppError> {
    let path = state.dialogs.granted(&path, "the certificate file")?;
    with_tenant(&state, tenant_id, move |conn, key, _| {
        let bytes = std::fs::read(&path).map_err(|e| {
            steward_core::Error::InvalidInput(format!(
                "could not read {}: {e}; choose the file again",
                path.display()
            ))
        })?;
        manage::add_certificate(conn, key, kind, &owner_id, &bytes, &actor(), clock::now())
    })
    .await
}

/// Removes a secret or certificate of an application or service principal.
#[tauri::command]
#[specta::specta]
pub async fn remove_credential(
    state: State<'_, AppState>,
    tenant_id: String,
    kind: ObjectKind,
    owner_id: String,
    key_id: String,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        manage::remove_credential(conn, key, kind, &owner_id, &key_id, &actor(), clock::now())
    })
    .await
}

/// `manage::add_owner` or `manage::remove_owner`.
type OwnerChange = fn(
    &rusqlite::Connection,
    steward_core::store::TenantKey,
    manage::Relation<'_>,
    &str,
    chrono::DateTime<chrono::Utc>,
) -> steward_core::Result<OutboxItem>;

/// Runs an owner or sponsor change with the window's actor, now.
async fn owner_change(
    state: State<'_, AppState>,
    tenant_id: String,
    kind: ObjectKind,
    object_id: String,
    principal_id: String,
    relation: OwnerRelation,
    change: OwnerChange,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        let r = manage::Relation {
            kind,
            object_id: &object_id,
            principal_id: &principal_id,
            relation,
        };
        change(conn, key, r, &actor(), clock::now())
    })
    .await
}

/// Adds an owner of an application or service principal, or a sponsor of an agent identity.
#[tauri::command]
#[specta::specta]
pub async fn add_owner(
    state: State<'_, AppState>,
    tenant_id: String,
    kind: ObjectKind,
    object_id: String,
    principal_id: String,
    relation: OwnerRelation,
) -> Result<OutboxItem, AppError> {
    owner_change(
        state,
        tenant_id,
        kind,
        object_id,
        principal_id,
        relation,
        manage::add_owner,
    )
    .await
}

/// Removes an owner, or a sponsor of an agent identity.
#[tauri::command]
#[specta::specta]
pub async fn remove_owner(
    state: State<'_, AppState>,
    tenant_id: String,
    kind: ObjectKind,
    object_id: String,
    principal_id: String,
    relation: OwnerRelation,
) -> Result<OutboxItem, AppError> {
    owner_change(
        state,
        tenant_id,
        kind,
        object_id,
        principal_id,
        relation,
        manage::remove_owner,
    )
    .await
}

/// Takes an application permission away from a service principal.
#[tauri::command]
#[specta::specta]
pub async fn remove_permission(
    state: State<'_, AppState>,
    tenant_id: String,
    service_principal_id: String,
    assignment_id: String,
) -> Result<OutboxItem, AppError> {
    with_tenant(&state, tenant_id, move |conn, key, _| {
        manage::remove_app_role_assignment(
            conn,
            key,
            &service_principal_id,
            &assignment_id,
            &actor(),
            clock::now(),
        )
    })
    .await
}

/// A client secret Graph made in a push, with its value: the window shows it once.
#[derive(Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewSecretView {
    pub owner_id: String,
    pub owner_display_name: String,
    pub key_id: String,
    pub display_name: Option<String>,
    pub end_date_time: Option<String>,
    pub secret_text: String,
}

impl std::fmt::Debug for NewSecretView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSecretView")
            .field("owner_id", &self.owner_id)
            .field("key_id", &self.key_id)
            .field("secret_text", &"<redacted>")
            .finish()
    }
}

impl From<&sync::NewSecret> for NewSecretView {
    fn from(s: &sync::NewSecret) -> NewSecretView {
        NewSecretView {
            owner_id: s.owner_id.clone(),
            owner_display_name: s.owner_display_name.clone(),
            key_id: s.key_id.clone(),
            display_name: s.display_name.clone(),
            end_date_time: s.end_date_time.clone(),
            secret_text: s.secret_text.clone(),
        }
    }
}

/// What a push did.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PushOutcome {
    pub pushed: u32,
    pub failed: u32,
    pub conflicts: u32,
    pub waiting: u32,
    pub items: Vec<OutboxItem>,
    pub new_secrets: Vec<NewSecretView>,
    /// New client secrets a sync left for Push changes, which shows their values.
    pub secrets_waiting: u32,
    /// Why the push stopped before the end of the outbox.
    pub stopped: Option<String>,
}

impl From<&sync::PushSummary> for PushOutcome {
    fn from(s: &sync::PushSummary) -> PushOutcome {
        PushOutcome {
            pushed: s.pushed as u32,
            failed: s.failed as u32,
            conflicts: s.conflicts as u32,
            waiting: s.waiting as u32,
            items: s.items.clone(),
            new_secrets: s.new_secrets.iter().map(NewSecretView::from).collect(),
            secrets_waiting: s.secrets_waiting as u32,
            stopped: s.stopped.clone(),
        }
    }
}

/// Sends the tenant's changes to Graph, signed in as the Connections form says (the secret
/// given, or the kept one).
#[tauri::command]
#[specta::specta]
pub async fn push_changes(
    state: State<'_, AppState>,
    args: ConnectArgs,
) -> Result<PushOutcome, AppError> {
    let args = args.checked(&state.dialogs)?;
    let store = state.secrets.clone();
    let shared = state.syncs.clone();
    if shared.running.swap(true, Ordering::SeqCst) {
        return Err(AppError::InvalidInput {
            message: "a sync or push is already running; wait for it to end".into(),
        });
    }
    let db = state.db.clone();
    let stores = shared.clone();
    let result = crate::connections::on_own_runtime(move |rt| {
        let connected = args.resolve(stores.stores(store.as_ref()), true)?;
        let conn = store::open(&db)?;
        let result = rt.block_on(sync::push(&conn, &connected.options, clock::now()));
        connected.settle(&result, stores.stores(store.as_ref()));
        Ok(PushOutcome::from(&result?))
    })
    .await;
    shared.running.store(false, Ordering::SeqCst);
    result
}
