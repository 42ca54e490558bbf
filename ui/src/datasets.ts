/**
 * What the admin calls each dataset the app reads from Microsoft Graph, by its Graph name (the name
 * the backend records in the cache). Pages show the label first and the Graph name beside it.
 */
export const DATASET_LABELS: Readonly<Record<string, string>> = {
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
};

/** A dataset's label for the admin; a name the app does not know stays as Graph spells it. */
export function datasetLabel(dataset: string): string {
  return (Object.hasOwn(DATASET_LABELS, dataset) && DATASET_LABELS[dataset]) || dataset;
}
