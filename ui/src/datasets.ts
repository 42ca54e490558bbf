import type { Dataset } from "./ipc/backend";

/**
 * What the admin calls each dataset the app reads from Microsoft Graph. The keys are the backend's
 * `Dataset` (Graph's collection name, as the cache records it): a dataset added in Rust does not
 * compile here until it has a label. Pages show the label first and the Graph name beside it.
 */
export const DATASET_LABELS: Readonly<Record<Dataset, string>> = {
  organization: "Organization",
  applications: "App registrations",
  servicePrincipals: "Service principals",
  federatedIdentityCredentials: "Federated credentials",
  appRoleAssignments: "App role assignments",
  owners: "Owners",
  sponsors: "Agent identity sponsors",
  signIns: "Sign-ins (workload identities)",
  servicePrincipalSignInActivities: "Service principal activity report",
  appCredentialSignInActivities: "Credential activity report",
  subscribedSkus: "Licenses (subscribed SKUs)",
  namedLocations: "Named locations",
  riskyServicePrincipals: "Risky service principals",
  servicePrincipalRiskDetections: "Risk detections",
  directoryRecommendations: "Directory recommendations",
  roleAssignments: "Directory role assignments",
  roleEligibilityScheduleInstances: "Eligible directory roles (PIM)",
  deletedApplications: "Deleted app registrations",
  deletedServicePrincipals: "Deleted service principals",
  oauth2PermissionGrants: "Delegated permission grants",
  conditionalAccessPolicies: "Conditional access policies",
  directoryAudits: "App management audit log",
  authorizationPolicy: "Authorization policy (user consent)",
  adminConsentRequestPolicy: "Admin consent workflow",
  defaultAppManagementPolicy: "Default app management policy",
  appManagementPolicies: "Custom app management policies",
  appConsentRequests: "Admin consent requests",
};

/** A dataset's label for the admin. */
export function datasetLabel(dataset: Dataset): string {
  return DATASET_LABELS[dataset];
}
