//! Workload identity federation: templates that build a federated credential's issuer and
//! subject from the admin's words, and the rules Entra applies before it saves one
//! (docs/domain.md §7.2), each broken rule said with how to fix it.

use serde::{Deserialize, Serialize};

use crate::model::FederatedIdentityCredential;

/// The one audience Entra recommends for federated credentials (docs/domain.md §7.2).
pub const AUDIENCE: &str = "api://AzureADTokenExchange";
/// Entra keeps at most this many federated credentials on one application or user-assigned
/// managed identity.
pub const MAX_PER_OBJECT: usize = 20;
/// GitHub Actions' token issuer.
pub const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";
/// GitLab.com's issuer (self-managed GitLab has its own).
pub const GITLAB_ISSUER: &str = "https://gitlab.com";
/// HCP Terraform's issuer (the EU region's is `https://app.eu.terraform.io`).
pub const TERRAFORM_ISSUER: &str = "https://app.terraform.io";
const MAX_TEXT: usize = 600;

/// What a GitHub Actions workflow runs for: the part of the subject after the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum GitHubEntity {
    Branch(String),
    Tag(String),
    Environment(String),
    PullRequest,
}

/// GitLab's ref types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum GitLabRefType {
    Branch,
    Tag,
}

/// HCP Terraform's run phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum TerraformPhase {
    Plan,
    Apply,
}

/// A template: the admin's words, from which the issuer and subject follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "template", rename_all = "camelCase")]
pub enum Template {
    /// `repo:OWNER/REPO:ref:refs/heads/BRANCH` and the like.
    #[serde(rename_all = "camelCase")]
    GitHubActions {
        repository: String,
        entity: GitHubEntity,
    },
    /// `system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT`, issued by the cluster's OIDC issuer.
    #[serde(rename_all = "camelCase")]
    Kubernetes {
        issuer: String,
        namespace: String,
        service_account: String,
    },
    /// `project_path:GROUP/PROJECT:ref_type:branch:ref:main`; `issuer` empty means GitLab.com.
    #[serde(rename_all = "camelCase")]
    GitLab {
        issuer: String,
        project_path: String,
        ref_type: GitLabRefType,
        git_ref: String,
    },
    /// `organization:ORG:project:PROJECT:workspace:WS:run_phase:plan`; `issuer` empty means HCP
    /// Terraform's.
    #[serde(rename_all = "camelCase")]
    TerraformCloud {
        issuer: String,
        organization: String,
        project: String,
        workspace: String,
        run_phase: TerraformPhase,
    },
    /// Issuer and subject as given.
    #[serde(rename_all = "camelCase")]
    Other { issuer: String, subject: String },
}

impl Template {
    /// The issuer and subject this template stands for, or what is missing.
    pub fn issuer_and_subject(&self) -> Result<(String, String), Vec<String>> {
        let problems = std::cell::RefCell::new(Vec::new());
        let need = |value: &str, what: &str| {
            let v = value.trim();
            if v.is_empty() {
                problems
                    .borrow_mut()
                    .push(format!("{what} is empty: fill it in"));
            } else if v.contains(':') && !what.contains("issuer") {
                problems.borrow_mut().push(format!(
                    "{what} `{v}` holds a colon, which separates the parts of the subject: remove it"
                ));
            }
            v.to_string()
        };
        let built = match self {
            Template::GitHubActions { repository, entity } => {
                let repo = need(repository, "the repository (OWNER/REPO)");
                if !repo.is_empty() && repo.split('/').filter(|p| !p.is_empty()).count() != 2 {
                    problems.borrow_mut().push(format!(
                        "the repository `{repo}` is not OWNER/REPO: write it as GitHub shows it, e.g. contoso/payments-api"
                    ));
                }
                let tail = match entity {
                    GitHubEntity::Branch(b) => format!("ref:refs/heads/{}", need(b, "the branch")),
                    GitHubEntity::Tag(t) => format!("ref:refs/tags/{}", need(t, "the tag")),
                    GitHubEntity::Environment(e) => {
                        format!("environment:{}", need(e, "the environment"))
                    }
                    GitHubEntity::PullRequest => "pull_request".to_string(),
                };
                (GITHUB_ISSUER.to_string(), format!("repo:{repo}:{tail}"))
            }
            Template::Kubernetes {
                issuer,
                namespace,
                service_account,
            } => {
                let issuer = need(issuer, "the cluster's OIDC issuer URL");
                let ns = need(namespace, "the namespace");
                let sa = need(service_account, "the service account");
                (issuer, format!("system:serviceaccount:{ns}:{sa}"))
            }
            Template::GitLab {
                issuer,
                project_path,
                ref_type,
                git_ref,
            } => {
                let issuer = default_issuer(issuer, GITLAB_ISSUER);
                let path = need(project_path, "the project path (GROUP/PROJECT)");
                let kind = match ref_type {
                    GitLabRefType::Branch => "branch",
                    GitLabRefType::Tag => "tag",
                };
                let r = need(git_ref, "the branch or tag");
                (
                    issuer,
                    format!("project_path:{path}:ref_type:{kind}:ref:{r}"),
                )
            }
            Template::TerraformCloud {
                issuer,
                organization,
                project,
                workspace,
                run_phase,
            } => {
                let issuer = default_issuer(issuer, TERRAFORM_ISSUER);
                let org = need(organization, "the organization");
                let project = need(project, "the project");
                let ws = need(workspace, "the workspace");
                let phase = match run_phase {
                    TerraformPhase::Plan => "plan",
                    TerraformPhase::Apply => "apply",
                };
                (
                    issuer,
                    format!(
                        "organization:{org}:project:{project}:workspace:{ws}:run_phase:{phase}"
                    ),
                )
            }
            Template::Other { issuer, subject } => {
                let issuer = need(issuer, "the issuer");
                let subject = subject.trim();
                if subject.is_empty() {
                    problems.borrow_mut().push("the subject is empty: fill it in as the external identity provider writes the token's `sub` claim".into());
                }
                (issuer, subject.to_string())
            }
        };
        let problems = problems.into_inner();
        if problems.is_empty() {
            Ok(built)
        } else {
            Err(problems)
        }
    }
}

fn default_issuer(given: &str, default: &str) -> String {
    match given.trim() {
        "" => default.to_string(),
        g => g.to_string(),
    }
}

/// A federated credential as the admin asks for it, before Entra gives it an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FederatedCredentialDraft {
    pub name: String,
    pub description: Option<String>,
    pub issuer: String,
    pub subject: String,
    pub audiences: Vec<String>,
}

impl FederatedCredentialDraft {
    /// A draft from a template, with the recommended audience.
    pub fn from_template(
        name: &str,
        description: Option<&str>,
        template: &Template,
    ) -> Result<FederatedCredentialDraft, Vec<String>> {
        let (issuer, subject) = template.issuer_and_subject()?;
        Ok(FederatedCredentialDraft {
            name: name.trim().to_string(),
            description: description
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string),
            issuer,
            subject,
            audiences: vec![AUDIENCE.to_string()],
        })
    }

    /// The credential, with `id`.
    pub fn with_id(&self, id: &str) -> FederatedIdentityCredential {
        FederatedIdentityCredential {
            id: id.to_string(),
            name: self.name.clone(),
            issuer: self.issuer.clone(),
            subject: Some(self.subject.clone()),
            audiences: self.audiences.clone(),
            description: self.description.clone(),
        }
    }
}

/// Every rule `draft` breaks as a credential on an object that already holds `existing`; when
/// `replacing` names one of them (an edit), that one is left out of the limits and stays the
/// only one whose name may match. Each entry says how to fix it; none means Entra would accept it.
pub fn problems(
    draft: &FederatedCredentialDraft,
    existing: &[FederatedIdentityCredential],
    replacing: Option<&str>,
) -> Vec<String> {
    let mut out = Vec::new();
    let name = draft.name.as_str();
    let others: Vec<&FederatedIdentityCredential> = existing
        .iter()
        .filter(|f| Some(f.name.as_str()) != replacing)
        .collect();
    let chars = name.chars().count();
    if !(3..=120).contains(&chars) {
        out.push(format!(
            "the name `{name}` has {chars} character{}: use 3 to 120",
            if chars == 1 { "" } else { "s" }
        ));
    }
    if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        out.push(format!(
            "the name `{name}` must start with a letter or digit"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
    {
        out.push(format!(
            "the name `{name}` holds `{c}`: use letters, digits, '-', '_', '.' or '~' only (it becomes part of a URL)"
        ));
    }
    if let Some(old) = replacing {
        if old != name {
            out.push(format!(
                "the name of a federated credential cannot change (`{old}`): remove it and add a new one instead"
            ));
        }
    } else if others.iter().any(|f| f.name.eq_ignore_ascii_case(name)) {
        out.push(format!(
            "the object already has a federated credential named `{name}`: choose another name"
        ));
    }
    if draft
        .description
        .as_deref()
        .is_some_and(|d| d.chars().count() > MAX_TEXT)
    {
        out.push(format!(
            "the description is longer than {MAX_TEXT} characters: shorten it"
        ));
    }
    match url::Url::parse(&draft.issuer) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {}
        Ok(_) | Err(_) => out.push(format!(
            "the issuer `{}` is not an https URL: give the identity provider's issuer exactly as its tokens carry it in `iss`, starting with https://",
            draft.issuer
        )),
    }
    if draft.issuer.chars().count() > MAX_TEXT {
        out.push(format!("the issuer is longer than {MAX_TEXT} characters"));
    }
    if draft.subject.trim().is_empty() {
        out.push("the subject is empty: give the token's `sub` claim".into());
    } else if draft.subject.contains('*') {
        out.push(format!(
            "the subject `{}` holds a wildcard '*', which a federated credential does not match: name one branch, tag, environment or service account",
            draft.subject
        ));
    }
    if draft.subject.chars().count() > MAX_TEXT {
        out.push(format!("the subject is longer than {MAX_TEXT} characters"));
    }
    if draft.audiences != [AUDIENCE] {
        out.push(format!(
            "the audience must be exactly `{AUDIENCE}` (one value), as Entra recommends: the workload asks its identity provider for a token with that audience"
        ));
    }
    if others.len() >= MAX_PER_OBJECT {
        out.push(format!(
            "the object already has {} federated credentials, Entra's limit is {MAX_PER_OBJECT}: remove one that is no longer used first (the detail view shows when each was last used)",
            others.len()
        ));
    }
    if let Some(dup) = others.iter().find(|f| {
        f.issuer.trim_end_matches('/') == draft.issuer.trim_end_matches('/')
            && f.subject.as_deref() == Some(draft.subject.as_str())
    }) {
        out.push(format!(
            "the federated credential `{}` already trusts this issuer and subject: a second one would add nothing, so use or edit that one",
            dup.name
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fic(name: &str, issuer: &str, subject: &str) -> FederatedIdentityCredential {
        FederatedIdentityCredential {
            id: format!("id-{name}"),
            name: name.into(),
            issuer: issuer.into(),
            subject: Some(subject.into()),
            audiences: vec![AUDIENCE.into()],
            description: None,
        }
    }

    fn github(entity: GitHubEntity) -> String {
        Template::GitHubActions {
            repository: "contoso/payments-api".into(),
            entity,
        }
        .issuer_and_subject()
        .unwrap()
        .1
    }

    #[test]
    fn the_templates_write_the_subjects_the_providers_issue() {
        assert_eq!(
            github(GitHubEntity::Branch("main".into())),
            "repo:contoso/payments-api:ref:refs/heads/main"
        );
        assert_eq!(
            github(GitHubEntity::Tag("v1.2".into())),
            "repo:contoso/payments-api:ref:refs/tags/v1.2"
        );
        assert_eq!(
            github(GitHubEntity::Environment("production".into())),
            "repo:contoso/payments-api:environment:production"
        );
        assert_eq!(
            github(GitHubEntity::PullRequest),
            "repo:contoso/payments-api:pull_request"
        );
        let k = Template::Kubernetes {
            issuer: "https://westeurope.oic.prod-aks.azure.com/t/c/".into(),
            namespace: "payments".into(),
            service_account: "api".into(),
        };
        assert_eq!(
            k.issuer_and_subject().unwrap(),
            (
                "https://westeurope.oic.prod-aks.azure.com/t/c/".into(),
                "system:serviceaccount:payments:api".into()
            )
        );
        let g = Template::GitLab {
            issuer: String::new(),
            project_path: "contoso/infra".into(),
            ref_type: GitLabRefType::Branch,
            git_ref: "main".into(),
        };
        assert_eq!(
            g.issuer_and_subject().unwrap(),
            (
                GITLAB_ISSUER.into(),
                "project_path:contoso/infra:ref_type:branch:ref:main".into()
            )
        );
        let t = Template::TerraformCloud {
            issuer: String::new(),
            organization: "contoso".into(),
            project: "core".into(),
            workspace: "prod".into(),
            run_phase: TerraformPhase::Apply,
        };
        assert_eq!(
            t.issuer_and_subject().unwrap().1,
            "organization:contoso:project:core:workspace:prod:run_phase:apply"
        );
    }

    #[test]
    fn a_template_with_missing_or_malformed_words_says_which() {
        let e = Template::GitHubActions {
            repository: "payments-api".into(),
            entity: GitHubEntity::Branch(" ".into()),
        }
        .issuer_and_subject()
        .unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].contains("OWNER/REPO"), "{e:?}");
        assert!(e[1].contains("the branch is empty"), "{e:?}");
        let e = Template::Kubernetes {
            issuer: "https://k".into(),
            namespace: "a:b".into(),
            service_account: "sa".into(),
        }
        .issuer_and_subject()
        .unwrap_err();
        assert!(e[0].contains("colon"), "{e:?}");
    }

    fn draft(name: &str, issuer: &str, subject: &str) -> FederatedCredentialDraft {
        FederatedCredentialDraft {
            name: name.into(),
            description: None,
            issuer: issuer.into(),
            subject: subject.into(),
            audiences: vec![AUDIENCE.into()],
        }
    }

    #[test]
    fn entras_rules_are_checked_each_with_its_fix() {
        let ok = draft("deploy-main", GITHUB_ISSUER, "repo:a/b:ref:refs/heads/main");
        assert!(problems(&ok, &[], None).is_empty());
        let one = |d: &FederatedCredentialDraft, existing: &[FederatedIdentityCredential]| {
            let p = problems(d, existing, None);
            assert_eq!(p.len(), 1, "{p:?}");
            p[0].clone()
        };
        assert!(one(&draft("ab", GITHUB_ISSUER, "s"), &[]).contains("3 to 120"));
        assert!(one(&draft("-ab", GITHUB_ISSUER, "s"), &[]).contains("start with a letter"));
        assert!(one(&draft("a b c", GITHUB_ISSUER, "s"), &[]).contains("holds ` `"));
        assert!(one(&draft("abc", "http://issuer", "s"), &[]).contains("https URL"));
        assert!(one(&draft("abc", GITHUB_ISSUER, "repo:a/b:*"), &[]).contains("wildcard"));
        let mut aud = ok.clone();
        aud.audiences = vec!["api://other".into()];
        assert!(one(&aud, &[]).contains("exactly `api://AzureADTokenExchange`"));
        let taken = [fic("DEPLOY-MAIN", GITHUB_ISSUER, "other")];
        assert!(one(&ok, &taken).contains("already has a federated credential named"));
        let same = [fic("old", &format!("{GITHUB_ISSUER}/"), &ok.subject)];
        assert!(one(&ok, &same).contains("`old` already trusts this issuer and subject"));
        let full: Vec<_> = (0..20)
            .map(|i| fic(&format!("f{i:02}"), GITHUB_ISSUER, &format!("s{i}")))
            .collect();
        assert!(one(&ok, &full).contains("Entra's limit is 20"));
        // An edit of one of twenty is no twenty-first; its own issuer and subject are no
        // duplicate; its name cannot change.
        let mut edit = draft("f00", GITHUB_ISSUER, "s0");
        edit.description = Some("now described".into());
        assert!(problems(&edit, &full, Some("f00")).is_empty());
        edit.name = "f00-renamed".into();
        let p = problems(&edit, &full, Some("f00"));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("cannot change"), "{p:?}");
    }
}
