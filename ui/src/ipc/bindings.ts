// Hand-written stand-in for the tauri-specta generated bindings.
// This file will be overwritten by the generated output: put nothing else here.

/* eslint-disable */

export const commands = {
  async appInfo(): Promise<Result<AppInfo, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE<AppInfo>("app_info") };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async overview(tenantId: string): Promise<Result<Overview, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE<Overview>("overview", { tenantId }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async listIdentities(tenantId: string, query: IdentityQuery): Promise<Result<IdentityPage, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE<IdentityPage>("list_identities", { tenantId, query }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async identityDetail(tenantId: string, id: string): Promise<Result<IdentityDetail, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE<IdentityDetail>("identity_detail", { tenantId, id }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
  async selectTenant(tenantId: string): Promise<Result<TenantSummary, AppError>> {
    try {
      return { status: "ok", data: await TAURI_INVOKE<TenantSummary>("select_tenant", { tenantId }) };
    } catch (e) {
      if (e instanceof Error) throw e;
      else return { status: "error", error: e as any };
    }
  },
};

/** user-defined types **/

export type AppError =
  | { kind: "notFound"; message: string }
  | { kind: "invalidInput"; message: string }
  | { kind: "database"; message: string }
  | { kind: "internal"; message: string };

export type AppInfo = {
  version: string;
  dbPath: string;
  tenants: TenantSummary[];
  activeTenantId: string | null;
};

export type TenantSummary = {
  id: string;
  displayName: string;
  defaultDomain: string | null;
  isDemo: boolean;
  dataAsOf: string | null;
  servicePrincipalCount: number;
};

export type Overview = {
  tenant: TenantSummary;
  asOf: string;
  totalServicePrincipals: number;
  enabledServicePrincipals: number;
  disabledServicePrincipals: number;
  byKind: CountItem[];
  byOwnership: CountItem[];
  credentialsExpiring30d: number;
  credentialsExpired: number;
  expiringSoon: ExpiringCredential[];
  signIns30d: number;
  signInFailures30d: number;
  signInsPerDay: DailySignIns[];
  signInsChartSvg: string;
};

export type CountItem = { key: string; label: string; count: number };
export type DailySignIns = { day: string; success: number; failure: number };
export type ExpiringCredential = {
  servicePrincipalId: string;
  displayName: string;
  credentialType: CredentialType;
  credentialName: string | null;
  endDateTime: string;
  daysLeft: number;
};

export type IdentityKind =
  | "application"
  | "managedIdentitySystem"
  | "managedIdentityUser"
  | "legacy"
  | "socialIdp"
  | "agentIdentity";
export type Ownership = "ownSingleTenant" | "ownMultiTenant" | "microsoft" | "external" | "notApplicable";
export type CredentialType = "secret" | "certificate";

export type IdentityQuery = {
  search: string;
  kind: IdentityKind | null;
  ownership: Ownership | null;
  offset: number;
  limit: number;
};
export type IdentityPage = { total: number; offset: number; rows: IdentityRow[] };
export type IdentityRow = {
  id: string;
  appId: string;
  displayName: string;
  kind: IdentityKind;
  servicePrincipalType: string;
  ownership: Ownership;
  accountEnabled: boolean;
  secretCount: number;
  certificateCount: number;
  federatedCount: number;
  lastSignIn: string | null;
};

export type IdentityDetail = {
  row: IdentityRow;
  appDisplayName: string | null;
  appOwnerOrganizationId: string | null;
  signInAudience: string | null;
  createdDateTime: string | null;
  tags: string[];
  alternativeNames: string[];
  application: { id: string; displayName: string; signInAudience: string | null; createdDateTime: string | null } | null;
  owners: { id: string; displayName: string; type: string }[];
  credentials: CredentialView[];
  federatedCredentials: FederatedCredentialView[];
  appRoleAssignments: { resourceDisplayName: string; permission: string; createdDateTime: string | null; highRisk: boolean }[];
  directoryRoles: { roleName: string; roleTemplateId: string; privileged: boolean; assignmentType: string }[];
  recentSignIns: SignInRow[];
  asOf: string;
};
export type CredentialView = {
  source: "application" | "servicePrincipal";
  credentialType: CredentialType;
  keyId: string;
  displayName: string | null;
  hint: string | null;
  thumbprint: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  status: "expired" | "expiringSoon" | "valid";
  daysLeft: number | null;
};
export type FederatedCredentialView = {
  id: string;
  name: string;
  issuer: string;
  subject: string | null;
  audiences: string[];
  description: string | null;
};
export type SignInRow = {
  id: string;
  createdDateTime: string;
  resourceDisplayName: string | null;
  ipAddress: string | null;
  country: string | null;
  city: string | null;
  errorCode: number;
  failureReason: string | null;
  clientCredentialType: string | null;
  credentialKeyId: string | null;
  conditionalAccessStatus: string | null;
};

/** tauri-specta globals **/

import { invoke as TAURI_INVOKE } from "@tauri-apps/api/core";

export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };
