//! `import` of the folders other tools write, as they write them (the README of each fixture under
//! `tests/fixtures/zta` and `tests/fixtures/entraexporter` says which code each shape follows): every row counted in a real cache file, the files left
//! unread listed with their reasons, and mixed tenants refused with nothing written.

use std::path::{Path, PathBuf};

#[path = "support.rs"]
mod support;
use steward_core::dataset::Dataset;
use steward_core::store::{self, tenants};
use steward_graph::{import, Error, ImportOptions};
use support::{count, items, kinds, now, public_samples};

const ZTA_TENANT: &str = "7d3e2b1a-5c4f-4e6a-9b8d-1f2e3d4c5b6a";
const EE_TENANT: &str = "3c9e1f20-8a7b-4c6d-9e0f-1a2b3c4d5e6f";

fn entra_exporter() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/entraexporter/ee-export")
}

fn zta() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/zta/zt-export")
}

/// Copies a folder tree (the fixture, to change a file of it).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn a_zero_trust_assessment_folder_imports_as_it_is_with_its_inline_relations() {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let s = import(&conn, &[zta()], &ImportOptions::default(), now()).unwrap();

    // The tenant is ztConfig.json's `TenantID`; the pages read are the five of the datasets.
    assert_eq!(s.tenant_id, ZTA_TENANT);
    assert_eq!(s.files, 5);
    assert_eq!(items(&s, Dataset::Applications), 3);
    assert_eq!(
        items(&s, Dataset::ServicePrincipals),
        5,
        "two pages, model row left out"
    );
    assert_eq!(
        kinds(&conn),
        "application 4, managedIdentitySystem 1",
        "three of the tenant's own, Microsoft Graph, and a system-assigned managed identity"
    );
    assert_eq!(items(&s, Dataset::AppRoleAssignments), 3);
    assert_eq!(
        items(&s, Dataset::OAuth2PermissionGrants),
        3,
        "null, one object, an array of two"
    );
    assert_eq!(items(&s, Dataset::Owners), 6);
    assert_eq!(items(&s, Dataset::ServicePrincipalSignInActivities), 1);
    assert_eq!(items(&s, Dataset::RoleAssignments), 2);

    // Everything else is listed, by folder, with why.
    let mut skipped: Vec<(String, u64, String)> = s
        .skipped
        .iter()
        .map(|k| {
            let folder = k.folder.file_name().unwrap().to_string_lossy().into_owned();
            (folder, k.files, k.reason.clone())
        })
        .collect();
    skipped.sort();
    let folders: Vec<(&str, u64)> = skipped.iter().map(|(f, n, _)| (f.as_str(), *n)).collect();
    assert_eq!(
        folders,
        [
            ("Device", 1),
            ("RoleAssignment", 1),
            ("RoleDefinition", 1),
            ("ServicePrincipal", 1),
            ("SignIn", 1),
            ("User", 2),
            ("db", 1),
        ]
    );
    let reason = |folder: &str| {
        skipped
            .iter()
            .find(|(f, _, _)| f == folder)
            .map(|(_, _, r)| r.as_str())
            .unwrap()
    };
    assert!(reason("SignIn").contains("user sign-ins"));
    assert!(reason("User").contains("not workload identities"));
    assert!(reason("RoleDefinition").contains("role definitions"));
    assert!(reason("ServicePrincipal").contains("model row"));
    assert!(reason("db").contains("not JSON"));

    // In the cache: owners per object, with `null` as none and an absent key as unknown.
    let owners = |object: &str| {
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM owners WHERE object_id = '{object}' AND relation = 'owner'"
            ),
        )
    };
    assert_eq!(owners("a1000000-0000-4000-8000-000000000001"), 1);
    assert_eq!(owners("a1000000-0000-4000-8000-000000000002"), 0);
    assert_eq!(owners("a1000000-0000-4000-8000-000000000003"), 2);
    assert_eq!(owners("51000000-0000-4000-8000-000000000001"), 1);
    assert_eq!(owners("51000000-0000-4000-8000-000000000003"), 2);
    assert_eq!(count(&conn, "SELECT count(*) FROM owners"), 6);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM service_principals WHERE id IS NULL OR display_name IS NULL"
        ),
        0
    );

    // The service principal holding Application.ReadWrite.All is seen holding it, on the
    // resource named from its service principal, and its directory role by template id.
    let (key, _) = tenants::resolve_tenant(&conn, Some(ZTA_TENANT)).unwrap();
    let detail = steward_core::identities::identity_detail(
        &conn,
        key,
        ZTA_TENANT,
        "51000000-0000-4000-8000-000000000001",
        now(),
    )
    .unwrap();
    let risky: Vec<_> = detail
        .app_role_assignments
        .iter()
        .filter(|a| a.high_risk)
        .map(|a| (a.resource_display_name.as_str(), a.permission.as_str()))
        .collect();
    assert_eq!(risky, [("Microsoft Graph", "Application.ReadWrite.All")]);
    let legacy = steward_core::identities::identity_detail(
        &conn,
        key,
        ZTA_TENANT,
        "51000000-0000-4000-8000-000000000003",
        now(),
    )
    .unwrap();
    assert_eq!(
        legacy
            .directory_roles
            .iter()
            .map(|r| r.role_template_id.as_str())
            .collect::<Vec<_>>(),
        ["9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"]
    );
    assert_eq!(legacy.delegated_grants.len(), 2);
    // The identity's owners are its service principal's and its application's, each once: the
    // team owns both, a group owns the service principal, another app owns the application.
    let mut names: Vec<_> = legacy
        .owners
        .iter()
        .map(|o| o.display_name.as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["Ops Team", "Platform Admins", "reporting-api"]);

    // Imported again: the same rows, nothing doubled.
    import(&conn, &[zta()], &ImportOptions::default(), now()).unwrap();
    assert_eq!(count(&conn, "SELECT count(*) FROM owners"), 6);
    assert_eq!(count(&conn, "SELECT count(*) FROM app_role_assignments"), 3);
}

#[test]
fn a_run_that_mixes_tenants_is_refused_naming_both_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let folder = dir.path().join("zt-export");
    copy_tree(&zta(), &folder);
    let other = "0c0c0c0c-1111-4222-8333-444444444444";
    std::fs::write(
        folder.join("organization.json"),
        format!(
            r#"{{"value":[{{"id":"{other}","displayName":"Elsewhere","verifiedDomains":[]}}]}}"#
        ),
    )
    .unwrap();
    let err = import(&conn, &[folder], &ImportOptions::default(), now()).unwrap_err();
    assert!(matches!(err, Error::TenantMismatch { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains(other) && text.contains(ZTA_TENANT), "{text}");
    assert_eq!(count(&conn, "SELECT count(*) FROM tenants"), 0);

    // `--tenant` that disagrees with ztConfig.json is refused the same way.
    let err = import(
        &conn,
        &[zta()],
        &ImportOptions {
            tenant: Some(other.into()),
            ..Default::default()
        },
        now(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::TenantMismatch { .. }), "{err}");
    assert_eq!(count(&conn, "SELECT count(*) FROM service_principals"), 0);
}

#[test]
fn zero_trust_assessment_s_own_model_files_import_as_skipped_not_as_errors() {
    // The verbatim model files of ZTA 2.6.0 (../shared/public-samples), in the folders ZTA puts
    // them in, beside one real page so the run has a tenant and something to write.
    let samples = public_samples().join("microsoft-zerotrustassessment-export-model");
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("zt-export");
    for e in std::fs::read_dir(&samples).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(entity) = name.strip_suffix("-model.json") {
            std::fs::create_dir_all(export.join(entity)).unwrap();
            std::fs::copy(e.path(), export.join(entity).join(&name)).unwrap();
        }
    }
    std::fs::create_dir_all(export.join("ServicePrincipal")).unwrap();
    std::fs::copy(
        zta().join("ServicePrincipal/ServicePrincipal-0.json"),
        export.join("ServicePrincipal/ServicePrincipal-0.json"),
    )
    .unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let s = import(
        &conn,
        &[export],
        &ImportOptions {
            tenant: Some(ZTA_TENANT.into()),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    assert_eq!(items(&s, Dataset::ServicePrincipals), 2);
    let models = s
        .skipped
        .iter()
        .filter(|k| k.reason.contains("model row"))
        .count();
    assert!(models >= 4, "each model file is skipped: {:?}", s.skipped);
}

#[test]
fn an_entra_exporter_backup_imports_with_parents_from_its_folders_and_nothing_counted_twice() {
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let s = import(&conn, &[entra_exporter()], &ImportOptions::default(), now()).unwrap();

    // The tenant from Organization/Organization.json, written by Windows PowerShell 5.1 (UTF-16).
    assert_eq!(s.tenant_id, EE_TENANT);
    assert_eq!(s.tenant_name, "Northwind Traders");
    assert_eq!(s.files, 16);
    assert_eq!(items(&s, Dataset::ServicePrincipals), 3);
    assert_eq!(
        kinds(&conn),
        "application 2, managedIdentityUser 1",
        "an owner stub is never taken for a service principal"
    );
    assert_eq!(items(&s, Dataset::Applications), 1);
    assert_eq!(items(&s, Dataset::Owners), 2);
    assert_eq!(
        items(&s, Dataset::AppRoleAssignments),
        1,
        "the same assignment from both sides"
    );
    assert_eq!(items(&s, Dataset::OAuth2PermissionGrants), 1);
    assert_eq!(
        items(&s, Dataset::RoleAssignments),
        2,
        "the unified assignment, and the user's membership from DirectoryRoles; the service principal's membership is the same assignment"
    );
    assert_eq!(items(&s, Dataset::ConditionalAccessPolicies), 1);
    assert_eq!(items(&s, Dataset::NamedLocations), 1);

    let mut skipped: Vec<(String, u64)> = s
        .skipped
        .iter()
        .map(|k| (k.folder.display().to_string(), k.files))
        .collect();
    skipped.sort();
    assert_eq!(
        skipped,
        [
            ("ee-export/Applications/ea000000-0000-4000-8000-000000000001/ExtensionProperties/x1".to_string(), 1),
            ("ee-export/Domains/northwind.example".to_string(), 1),
            ("ee-export/Identity/Conditional/AuthenticationContexts/c1".to_string(), 1),
            ("ee-export/Policies/AuthenticationMethodsPolicy/AuthenticationMethodConfigurations".to_string(), 1),
            ("ee-export/Policies/AuthorizationPolicy".to_string(), 1),
            ("ee-export/RoleManagement/Directory/RoleDefinitions/9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3".to_string(), 1),
            ("ee-export/ServicePrincipals/e1000000-0000-4000-8000-000000000002/TokenLifetimePolicies/tlp1".to_string(), 1),
            ("ee-export/Users/ef000000-0000-4000-8000-000000000001".to_string(), 1),
        ]
    );

    // Owners belong to the object whose folder holds them; the stub is never an object itself.
    let owner_of = |object: &str| {
        count(
            &conn,
            &format!("SELECT count(*) FROM owners WHERE object_id = '{object}' AND owner_id = 'ef000000-0000-4000-8000-000000000001'"),
        )
    };
    assert_eq!(owner_of("e1000000-0000-4000-8000-000000000001"), 1);
    assert_eq!(owner_of("ea000000-0000-4000-8000-000000000001"), 1);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM service_principals WHERE id = 'ef000000-0000-4000-8000-000000000001'"),
        0
    );
    // The membership is by template id, not the role object's id.
    assert_eq!(
        count(&conn, "SELECT count(*) FROM directory_role_assignments WHERE role_definition_id = '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3'"),
        2
    );
    // The managed identity's `\/Date(ms)\/` creation time (Windows PowerShell 5.1) is read.
    let (key, _) = tenants::resolve_tenant(&conn, Some(EE_TENANT)).unwrap();
    let mi = steward_core::identities::identity_detail(
        &conn,
        key,
        EE_TENANT,
        "e1000000-0000-4000-8000-000000000002",
        now(),
    )
    .unwrap();
    assert_eq!(
        mi.created_date_time.as_deref().map(|t| &t[..10]),
        Some("2025-01-01")
    );
    assert_eq!(mi.delegated_grants[0].scopes, ["User.Read.All"]);

    // Again: nothing doubles.
    import(&conn, &[entra_exporter()], &ImportOptions::default(), now()).unwrap();
    assert_eq!(count(&conn, "SELECT count(*) FROM owners"), 2);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM directory_role_assignments"),
        2
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM app_role_assignments"), 1);
}

#[test]
fn a_role_member_without_its_role_file_stops_the_import_naming_what_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("ee-export");
    copy_tree(&entra_exporter(), &export);
    let role = export.join("DirectoryRoles/ed000000-0000-4000-8000-000000000001");
    std::fs::remove_file(role.join("ed000000-0000-4000-8000-000000000001.json")).unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();
    let err = import(&conn, &[export], &ImportOptions::default(), now()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("Members") && text.contains("import the DirectoryRoles folder whole"),
        "{text}"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM tenants"), 0);
}
