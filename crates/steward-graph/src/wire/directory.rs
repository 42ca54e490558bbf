//! Directory objects from Graph's JSON: the organization, applications with their credentials
//! and federated credentials, service principals, and app-role assignments.

use serde_json::Value;
use steward_core::model::{
    AppRoleAssignment, Application, FederatedIdentityCredential, KeyCredential, PasswordCredential,
    ServicePrincipal,
};

use crate::json::{Field, Obj};

/// The organization's id, name and default domain.
pub struct Organization {
    pub id: String,
    pub display_name: String,
    pub default_domain: Option<String>,
}

pub fn organization(o: Obj<'_>) -> Field<Organization> {
    let default_domain = o
        .objs("verifiedDomains")?
        .into_iter()
        .find(|d| d.opt_bool("isDefault").ok().flatten() == Some(true))
        .map(|d| d.str("name"))
        .transpose()?;
    Ok(Organization {
        id: o.str("id")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        default_domain,
    })
}

fn password_credentials(o: Obj<'_>) -> Field<Vec<PasswordCredential>> {
    o.objs("passwordCredentials")?
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            o.within("passwordCredentials", i, || {
                // `secretText` is never read: the cache holds no secret's value.
                Ok(PasswordCredential {
                    key_id: c.str("keyId")?,
                    display_name: c.opt_str("displayName")?,
                    hint: c.opt_str("hint")?,
                    start_date_time: c.opt_time("startDateTime")?,
                    end_date_time: c.opt_time("endDateTime")?,
                })
            })
        })
        .collect()
}

fn key_credentials(o: Obj<'_>) -> Field<Vec<KeyCredential>> {
    o.objs("keyCredentials")?
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            o.within("keyCredentials", i, || {
                Ok(KeyCredential {
                    key_id: c.str("keyId")?,
                    display_name: c.opt_str("displayName")?,
                    key_type: c.opt_str("type")?,
                    usage: c.opt_str("usage")?,
                    custom_key_identifier: c.opt_str("customKeyIdentifier")?,
                    start_date_time: c.opt_time("startDateTime")?,
                    end_date_time: c.opt_time("endDateTime")?,
                })
            })
        })
        .collect()
}

pub fn federated_credential(c: Obj<'_>) -> Field<FederatedIdentityCredential> {
    Ok(FederatedIdentityCredential {
        id: c.str("id")?,
        name: c.str("name")?,
        issuer: c.str("issuer")?,
        subject: c.opt_str("subject")?,
        audiences: c.strings("audiences")?,
        description: c.opt_str("description")?,
    })
}

pub fn application(o: Obj<'_>) -> Field<Application> {
    let fics = o
        .objs("federatedIdentityCredentials")?
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            o.within("federatedIdentityCredentials", i, || {
                federated_credential(c)
            })
        })
        .collect::<Field<Vec<_>>>()?;
    Ok(Application {
        id: o.str("id")?,
        app_id: o.str("appId")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        sign_in_audience: o.opt_str("signInAudience")?,
        publisher_domain: o.opt_str("publisherDomain")?,
        created_date_time: o.opt_time("createdDateTime")?,
        deleted_date_time: o.opt_time("deletedDateTime")?,
        disabled_by_microsoft_status: o.opt_str("disabledByMicrosoftStatus")?,
        password_credentials: password_credentials(o)?,
        key_credentials: key_credentials(o)?,
        federated_identity_credentials: fics,
        redirect_uris: redirect_uris(o)?,
        // Graph answers `null` for an app that never configured the lock: that is off, not unread.
        instance_lock: match o.opt_obj("servicePrincipalLockConfiguration")? {
            Some(l) => Some(l.opt_bool("isEnabled")?.unwrap_or(false)),
            None if o.has("servicePrincipalLockConfiguration") => Some(false),
            None => None,
        },
        notes: o.opt_str("notes")?,
        tags: o.strings("tags")?,
        agent_blueprint: odata_type_is(o, "agentIdentityBlueprint"),
    })
}

/// Every redirect URI of an application (web, single-page, public client), or `None` when the
/// answer carries none of the three (they were not selected or not exported).
fn redirect_uris(o: Obj<'_>) -> Field<Option<Vec<String>>> {
    let mut uris = Vec::new();
    let mut read = false;
    for platform in ["web", "spa", "publicClient"] {
        if let Some(p) = o.opt_obj(platform)? {
            read = true;
            uris.extend(p.strings("redirectUris")?);
        }
    }
    Ok(read.then_some(uris))
}

/// Whether the object's `@odata.type` names the derived type `name` (`#microsoft.graph.{name}`,
/// or without the namespace as some exports write it).
fn odata_type_is(o: Obj<'_>, name: &str) -> bool {
    matches!(o.get("@odata.type"), Some(Value::String(t))
        if t.rsplit('.').next().is_some_and(|last| last.eq_ignore_ascii_case(name)))
}

pub fn service_principal(o: Obj<'_>) -> Field<ServicePrincipal> {
    let agent = odata_type_is(o, "agentIdentity");
    let sp_type = match o.opt_str("servicePrincipalType")? {
        Some(t) => t,
        None if agent => "ServiceIdentity".into(),
        None => return Err("`servicePrincipalType` is missing".into()),
    };
    Ok(ServicePrincipal {
        id: o.str("id")?,
        app_id: o.str("appId")?,
        display_name: o.opt_str("displayName")?.unwrap_or_default(),
        app_display_name: o.opt_str("appDisplayName")?,
        service_principal_type: sp_type,
        app_owner_organization_id: o.opt_str("appOwnerOrganizationId")?,
        // Graph always sends it; a tool that drops it most likely drops `true`.
        account_enabled: o.opt_bool("accountEnabled")?.unwrap_or(true),
        sign_in_audience: o.opt_str("signInAudience")?,
        created_date_time: o.opt_time("createdDateTime")?,
        deleted_date_time: o.opt_time("deletedDateTime")?,
        tags: o.strings("tags")?,
        alternative_names: o.strings("alternativeNames")?,
        agent_identity_blueprint_id: o.opt_str("agentIdentityBlueprintId")?,
        disabled_by_microsoft_status: o.opt_str("disabledByMicrosoftStatus")?,
        password_credentials: password_credentials(o)?,
        key_credentials: key_credentials(o)?,
        app_role_assignment_required: o.opt_bool("appRoleAssignmentRequired")?,
        reply_urls: if o.has("replyUrls") {
            Some(o.strings("replyUrls")?)
        } else {
            None
        },
        agent_blueprint_principal: odata_type_is(o, "agentIdentityBlueprintPrincipal"),
    })
}

pub fn app_role_assignment(o: Obj<'_>) -> Field<AppRoleAssignment> {
    Ok(AppRoleAssignment {
        id: o.str("id")?,
        principal_id: o.str("principalId")?,
        resource_id: o.str("resourceId")?,
        resource_display_name: o.opt_str("resourceDisplayName")?.unwrap_or_default(),
        permission: steward_core::model::graph_permission_name(&o.str("appRoleId")?)
            .map(str::to_string),
        app_role_id: o.str("appRoleId")?,
        created_date_time: o.opt_time("createdDateTime")?,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{application, service_principal};
    use crate::json::Obj;

    fn app(v: serde_json::Value) -> steward_core::model::Application {
        application(Obj(v.as_object().unwrap())).unwrap()
    }

    #[test]
    fn settings_read_null_as_off_and_absence_as_not_read() {
        let base = json!({"id": "1", "appId": "a"});
        let none = app(base.clone());
        assert_eq!((none.instance_lock, none.redirect_uris), (None, None));
        let mut v = base.clone();
        v["servicePrincipalLockConfiguration"] = serde_json::Value::Null;
        v["web"] = json!({"redirectUris": ["https://a.example/cb"]});
        v["publicClient"] = json!({"redirectUris": ["http://localhost"]});
        let read = app(v);
        assert_eq!(read.instance_lock, Some(false), "Graph's null is off");
        assert_eq!(
            read.redirect_uris,
            Some(vec![
                "https://a.example/cb".to_string(),
                "http://localhost".to_string()
            ])
        );
        let mut v = base;
        v["servicePrincipalLockConfiguration"] = json!({"isEnabled": true, "allProperties": true});
        assert_eq!(app(v).instance_lock, Some(true));
    }

    #[test]
    fn agent_blueprints_and_their_principals_are_known_by_their_odata_type() {
        // Graph's documented examples (beta agentIdentityBlueprint list and
        // agentIdentityBlueprintPrincipal list), trimmed to what is read.
        let blueprint = app(json!({
            "@odata.type": "#microsoft.graph.agentIdentityBlueprint",
            "id": "08be1f79-37a1-49c0-b444-3075e74d1e8c",
            "appId": "00001111-aaaa-2222-bbbb-3333cccc4444",
            "createdDateTime": "2025-09-10T17:04:20Z",
            "displayName": "My Agent Blueprint",
            "signInAudience": "AzureADMyOrg",
            "tags": [], "keyCredentials": [], "passwordCredentials": [],
            "web": {"redirectUris": [], "homePageUrl": null, "logoutUrl": null}
        }));
        assert!(blueprint.agent_blueprint);
        assert!(!app(json!({"id": "1", "appId": "a"})).agent_blueprint);
        let sp = |v: serde_json::Value| service_principal(Obj(v.as_object().unwrap())).unwrap();
        let principal = sp(json!({
            "@odata.type": "#microsoft.graph.agentIdentityBlueprintPrincipal",
            "id": "f7c938db-8c3d-4d04-937b-456c3242ed95",
            "appId": "00001111-aaaa-2222-bbbb-3333cccc4444",
            "accountEnabled": true,
            "appDisplayName": "My Sample App",
            "appOwnerOrganizationId": "65415bb1-9267-4313-bbf5-ae259732ee12",
            "servicePrincipalType": "Application",
            "tags": []
        }));
        assert!(principal.agent_blueprint_principal);
        assert_eq!(principal.service_principal_type, "Application");
        // An agent identity is neither; it keeps its blueprint's appId.
        let agent = sp(json!({
            "@odata.type": "#microsoft.graph.agentIdentity",
            "id": "1b7313c4-05d0-4a08-88e3-7b76c003a0a2", "appId": "b",
            "agentIdentityBlueprintId": "631a96bc-a705-4eda-9f99-fdaf9f54f6a2"
        }));
        assert!(!agent.agent_blueprint_principal);
        assert_eq!(agent.service_principal_type, "ServiceIdentity");
    }
}
