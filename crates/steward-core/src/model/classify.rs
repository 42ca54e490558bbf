//! Steward's own classifications of a service principal (what it is, whose it is) and of a
//! credential, with their wire names, and GUID text.

use serde::{Deserialize, Serialize};

/// The Microsoft tenants that own first-party applications (docs/domain.md §1.3, bucket C).
pub const MICROSOFT_TENANTS: [&str; 3] = [
    "f8cdef31-a31e-4b4a-93e4-5f571e91255a", // Microsoft Services
    "72f988bf-86f1-41af-91ab-2d7cd011db47", // Microsoft Corp
    "9188040d-6c67-4c5b-b112-36a304b66dad", // Microsoft accounts (MSA)
];

/// Microsoft Graph's own application id, the resource most workload identities call.
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// Steward's classification of a service principal by what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum IdentityKind {
    Application,
    ManagedIdentitySystem,
    ManagedIdentityUser,
    Legacy,
    SocialIdp,
    AgentIdentity,
}

impl IdentityKind {
    pub const ALL: [IdentityKind; 6] = [
        IdentityKind::Application,
        IdentityKind::ManagedIdentitySystem,
        IdentityKind::ManagedIdentityUser,
        IdentityKind::Legacy,
        IdentityKind::SocialIdp,
        IdentityKind::AgentIdentity,
    ];

    /// Derives the kind from Graph's `servicePrincipalType` and, for managed identities, the
    /// `isExplicit=True` marker that user-assigned identities carry in `alternativeNames`.
    pub fn classify(service_principal_type: &str, alternative_names: &[String]) -> IdentityKind {
        match service_principal_type {
            "ManagedIdentity" => {
                if alternative_names
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case("isExplicit=True"))
                {
                    IdentityKind::ManagedIdentityUser
                } else {
                    IdentityKind::ManagedIdentitySystem
                }
            }
            "Legacy" => IdentityKind::Legacy,
            "SocialIdp" => IdentityKind::SocialIdp,
            "ServiceIdentity" => IdentityKind::AgentIdentity,
            _ => IdentityKind::Application,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Application => "application",
            IdentityKind::ManagedIdentitySystem => "managedIdentitySystem",
            IdentityKind::ManagedIdentityUser => "managedIdentityUser",
            IdentityKind::Legacy => "legacy",
            IdentityKind::SocialIdp => "socialIdp",
            IdentityKind::AgentIdentity => "agentIdentity",
        }
    }

    pub fn parse(s: &str) -> Option<IdentityKind> {
        IdentityKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    pub fn label(self) -> &'static str {
        match self {
            IdentityKind::Application => "Application",
            IdentityKind::ManagedIdentitySystem => "Managed identity (system-assigned)",
            IdentityKind::ManagedIdentityUser => "Managed identity (user-assigned)",
            IdentityKind::Legacy => "Legacy",
            IdentityKind::SocialIdp => "Social IdP",
            IdentityKind::AgentIdentity => "Agent identity",
        }
    }
}

/// A secret (`passwordCredential`) or a certificate (`keyCredential`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum CredentialType {
    Secret,
    Certificate,
}

impl CredentialType {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialType::Secret => "secret",
            CredentialType::Certificate => "certificate",
        }
    }

    /// Reads the stored form; anything unexpected reads as a secret, the riskier kind.
    pub fn parse(s: &str) -> CredentialType {
        if s == "certificate" {
            CredentialType::Certificate
        } else {
            CredentialType::Secret
        }
    }
}

/// Whose application a service principal stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Ownership {
    /// Registered in this tenant, single-tenant (`AzureADMyOrg`), or a Legacy SP created here.
    OwnSingleTenant,
    /// Registered in this tenant and offered to other organisations.
    OwnMultiTenant,
    /// A Microsoft first-party application.
    Microsoft,
    /// Another organisation's application (third-party SaaS, a partner's multitenant app).
    External,
    /// No application behind it: managed identities, agent identities, internal SPs.
    NotApplicable,
}

impl Ownership {
    pub const ALL: [Ownership; 5] = [
        Ownership::OwnSingleTenant,
        Ownership::OwnMultiTenant,
        Ownership::Microsoft,
        Ownership::External,
        Ownership::NotApplicable,
    ];

    pub fn classify(
        home_tenant: &str,
        kind: IdentityKind,
        app_owner_organization_id: Option<&str>,
        sign_in_audience: Option<&str>,
    ) -> Ownership {
        match (kind, app_owner_organization_id) {
            (IdentityKind::Legacy, None) => Ownership::OwnSingleTenant,
            (_, None) => Ownership::NotApplicable,
            (_, Some(owner))
                if MICROSOFT_TENANTS
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(owner)) =>
            {
                Ownership::Microsoft
            }
            (_, Some(owner)) if owner.eq_ignore_ascii_case(home_tenant) => match sign_in_audience {
                None | Some("AzureADMyOrg") => Ownership::OwnSingleTenant,
                Some(_) => Ownership::OwnMultiTenant,
            },
            (_, Some(_)) => Ownership::External,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Ownership::OwnSingleTenant => "ownSingleTenant",
            Ownership::OwnMultiTenant => "ownMultiTenant",
            Ownership::Microsoft => "microsoft",
            Ownership::External => "external",
            Ownership::NotApplicable => "notApplicable",
        }
    }

    pub fn parse(s: &str) -> Option<Ownership> {
        Ownership::ALL
            .into_iter()
            .find(|o| o.as_str().eq_ignore_ascii_case(s))
    }

    pub fn label(self) -> &'static str {
        match self {
            Ownership::OwnSingleTenant => "Own (single-tenant)",
            Ownership::OwnMultiTenant => "Own (multitenant)",
            Ownership::Microsoft => "Microsoft first-party",
            Ownership::External => "Another organisation",
            Ownership::NotApplicable => "Not applicable",
        }
    }
}

/// A GUID's canonical text (lower-case hex, 8-4-4-4-12) from its 128 bits, big-endian.
pub fn guid_text(v: u128) -> String {
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: &str = "11111111-1111-1111-1111-111111111111";

    #[test]
    fn user_assigned_managed_identity_is_told_apart_by_is_explicit() {
        let uami = vec![
            "isExplicit=True".to_string(),
            "/subscriptions/x".to_string(),
        ];
        let sami = vec![
            "isExplicit=False".to_string(),
            "/subscriptions/x".to_string(),
        ];
        assert_eq!(
            IdentityKind::classify("ManagedIdentity", &uami),
            IdentityKind::ManagedIdentityUser
        );
        assert_eq!(
            IdentityKind::classify("ManagedIdentity", &sami),
            IdentityKind::ManagedIdentitySystem
        );
        assert_eq!(
            IdentityKind::classify("ServiceIdentity", &[]),
            IdentityKind::AgentIdentity
        );
    }

    #[test]
    fn ownership_follows_app_owner_organization_and_audience() {
        let app = IdentityKind::Application;
        assert_eq!(
            Ownership::classify(HOME, app, Some(HOME), Some("AzureADMyOrg")),
            Ownership::OwnSingleTenant
        );
        assert_eq!(
            Ownership::classify(HOME, app, Some(HOME), Some("AzureADMultipleOrgs")),
            Ownership::OwnMultiTenant
        );
        assert_eq!(
            Ownership::classify(HOME, app, Some(MICROSOFT_TENANTS[0]), None),
            Ownership::Microsoft
        );
        assert_eq!(
            Ownership::classify(
                HOME,
                app,
                Some("22222222-2222-2222-2222-222222222222"),
                None
            ),
            Ownership::External
        );
        assert_eq!(
            Ownership::classify(HOME, IdentityKind::ManagedIdentityUser, None, None),
            Ownership::NotApplicable
        );
        assert_eq!(
            Ownership::classify(HOME, IdentityKind::Legacy, None, None),
            Ownership::OwnSingleTenant,
            "a Legacy SP has no app registration and lives only in the tenant that made it"
        );
    }

    #[test]
    fn kind_and_ownership_round_trip_through_their_wire_names() {
        for k in IdentityKind::ALL {
            assert_eq!(IdentityKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for o in Ownership::ALL {
            assert_eq!(Ownership::parse(o.as_str()), Some(o));
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }
}
