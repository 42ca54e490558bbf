// The only door between React components and the Rust side.
// Components never import "@tauri-apps/*" or "./bindings" directly: they use `Backend` via `useBackend()`.
import { commands } from "./bindings";
import type {
  AccessReview,
  AdminSignInArgs,
  AdminSignInProgress,
  AppError,
  AppInfo,
  AuditEntry,
  CaOverview,
  CertificateFile,
  Decision,
  ConnectArgs,
  FederatedCredentialForm,
  FederatedCredentialPreview,
  ObjectKind,
  OutboxItem,
  OwnerRelation,
  Properties,
  PushOutcome,
  ConnectionDefaults,
  ConnectionStatus,
  Dashboard,
  ExportResult,
  Format,
  IdentityDetail,
  IdentityPage,
  IdentityQuery,
  ImportProgress,
  ImportResult,
  LicensePlan,
  Licensing,
  NamedLocation,
  NewReview,
  Overview,
  PlanSettings,
  ProgressState,
  RecommendationReport,
  RecommendationSettings,
  ReportArgs,
  ReportInfo,
  ReplayView,
  ReportPreview,
  Result,
  ReviewItem,
  RiskAction,
  RiskReport,
  RiskSettings,
  ScopeFlags,
  ScopeReason,
  SecretStatus,
  SignInFilter,
  SignInRow,
  StatusChange,
  SyncOutcome,
  SyncProgress,
  TenantSummary,
  WhatIf,
  WorkloadPolicy,
} from "./bindings";

export type {
  Access,
  AccessReview,
  Decision,
  DefaultDecision,
  NewReview,
  Recurrence,
  ReviewRecommendation,
  ReviewItem,
  ReviewScope,
  ReviewStatus,
  BlockedIdentity,
  BlockedSignIn,
  CaOverview,
  Check,
  Condition,
  DayBlocks,
  IdentityRef,
  Included,
  LocationRef,
  LocationView,
  Locations,
  NamedLocation,
  OtherPolicy,
  Outcome,
  PolicyState,
  PolicyView,
  Replay,
  ReplayView,
  RiskSource,
  RuledOut,
  UndeterminedGroup,
  Verdict,
  WhatIf,
  WhatIfPolicy,
  WorkloadPolicy,
  AppRoleView,
  OwnerView,
  AdminSignInArgs,
  AdminSignInProgress,
  AppError,
  AppInfo,
  AuditEntry,
  CertificateFile,
  CertificatePreview,
  Change,
  FederatedCredentialForm,
  FederatedCredentialPreview,
  GitHubEntity,
  GitLabRefType,
  NewSecretView,
  ObjectKind,
  OutboxItem,
  OutboxStatus,
  OwnerRelation,
  Properties,
  PushOutcome,
  RemoteVersion,
  Template,
  TerraformPhase,
  ChartTable,
  ConnectArgs,
  ConnectionDefaults,
  ConnectionStatus,
  CountItem,
  CredentialType,
  CredentialView,
  DailySignIns,
  Dashboard,
  DashboardChart,
  Dataset,
  DatasetSource,
  DatasetState,
  DatasetStatus,
  DetectionRow,
  Evidence,
  ExpiringCredential,
  ExportResult,
  FeatureScope,
  FederatedCredentialView,
  Format,
  HistoryRow,
  HorizonCost,
  IdentityDetail,
  IdentityKind,
  IdentityPage,
  IdentityQuery,
  IdentityRow,
  ImpactedResource,
  ImportProgress,
  ImportResult,
  ImportedDataset,
  Kpi,
  KpiUnit,
  LevelCount,
  LicenseBucket,
  LicenseEstimate,
  LicensePlan,
  Licensing,
  Overview,
  Ownership,
  PlanSettings,
  Priority,
  ProgressState,
  ReadMode,
  Recommendation,
  RecommendationReport,
  RecommendationSettings,
  RecommendationSource,
  RecommendationStatus,
  RedirectUriView,
  ReportArgs,
  ReportInfo,
  ReportKind,
  ReportPreview,
  ReviewCandidate,
  RiskAction,
  RiskLevel,
  RiskReport,
  RiskSettings,
  RiskSignal,
  RiskyIdentity,
  Scenario,
  ScenarioBasis,
  ScenarioResult,
  ScopeFlags,
  ScopeReason,
  SecretStatus,
  SignInField,
  SignInFilter,
  SignInRow,
  SignalKind,
  SignalState,
  SkippedFiles,
  StatusChange,
  Subscription,
  SyncOutcome,
  SyncProgress,
  SyncedDataset,
  TenantSummary,
  Tone,
} from "./bindings";

export type BackendErrorKind = AppError["kind"];

export class BackendError extends Error {
  readonly kind: BackendErrorKind;
  constructor(kind: BackendErrorKind, message: string) {
    super(message);
    this.name = "BackendError";
    this.kind = kind;
  }
}

export interface Backend {
  appInfo(): Promise<AppInfo>;
  overview(tenantId: string): Promise<Overview>;
  listIdentities(tenantId: string, query: IdentityQuery): Promise<IdentityPage>;
  identityDetail(tenantId: string, id: string): Promise<IdentityDetail>;
  selectTenant(tenantId: string): Promise<TenantSummary>;
  /** The recommendations; `settings` `null` means the backend's default thresholds, which the report names. */
  recommendations(tenantId: string, settings: RecommendationSettings | null): Promise<RecommendationReport>;
  setRecommendationStatus(
    tenantId: string,
    recommendationType: string,
    change: StatusChange,
    settings: RecommendationSettings,
  ): Promise<null>;
  licensing(tenantId: string): Promise<Licensing>;
  /** Recomputes the plan for `settings`; saves them too when `save` is set. */
  licensePlan(tenantId: string, settings: PlanSettings, save: boolean): Promise<LicensePlan>;
  licenseScope(tenantId: string, id: string): Promise<ScopeFlags>;
  setLicenseScope(tenantId: string, id: string, reason: ScopeReason, included: boolean): Promise<ScopeFlags>;
  /** The Overview dashboard over the `days` ending now (7, 30, 60 or 90 in the UI). */
  /** The Overview's dashboard; `dark` draws its charts for the dark theme (light when absent). */
  dashboard(tenantId: string, days: number, dark?: boolean): Promise<Dashboard>;
  /** The risk report; `settings` `null` means the backend's defaults, which the report names. */
  riskReport(tenantId: string, settings: RiskSettings | null): Promise<RiskReport>;
  /** Records the admin's risk decision on identities (pushed to Entra on the next sync when it has a Graph action). */
  riskAction(tenantId: string, spIds: string[], action: RiskAction): Promise<null>;
  /** The sign-ins behind a risk signal, oldest first (at most 200). */
  riskSignalSignIns(tenantId: string, filter: SignInFilter): Promise<SignInRow[]>;
  /** The reports on offer, with the formats each can be saved in. */
  reportCatalog(): Promise<ReportInfo[]>;
  /** A report as a self-contained HTML document (no script), for the sandboxed preview frame. */
  reportPreview(args: ReportArgs): Promise<ReportPreview>;
  /** Opens the native save dialog; `null` when the user cancels it. An export writes only a path this dialog returned. */
  chooseReportPath(args: ReportArgs, format: Format): Promise<string | null>;
  /** Writes the report to `path`; fails with kind `cancelled` when `cancelExport` stopped it. */
  exportReport(args: ReportArgs, format: Format, path: string, csvBom: boolean): Promise<ExportResult>;
  /** Where the running export stands; `null` when none runs. */
  exportProgress(): Promise<ProgressState | null>;
  /** Asks the running export to stop; it removes its partial file. */
  cancelExport(): Promise<void>;
  /**
   * Opens the native dialog for Graph JSON files (or one folder when `folder`); `null` when the user cancels it.
   * An import reads only paths this dialog returned.
   */
  chooseImportPaths(folder: boolean): Promise<string[] | null>;
  /**
   * Imports the Graph JSON files (and folders) under `paths` into the cache, all or nothing: on a bad file it
   * fails (kind `invalidInput` or `io`) naming the file and writes nothing. The tenant comes from an
   * organization response among the files, or from `tenant` when none is.
   */
  importGraphFiles(paths: string[], tenant: string | null): Promise<ImportResult>;
  /** The streamed sign-in archives' progress while an import runs; `null` otherwise. */
  importProgress(): Promise<ImportProgress | null>;
  /** Stops the running import between two chunks of sign-ins: it fails with kind `cancelled`. */
  cancelImport(): Promise<void>;
  /** What the cache holds for a tenant, dataset by dataset, and any sync round still open. */
  connectionStatus(tenantId: string): Promise<ConnectionStatus>;
  /**
   * Opens the native dialog for the certificate file (PEM, with its private key); `null` when the user cancels it.
   * A test or sync reads only a certificate path this dialog returned.
   */
  chooseCertificatePath(): Promise<string | null>;
  /** Signs in and reads the organization; returns the tenant's display name. The secret is used for this call only. */
  testConnection(args: ConnectArgs): Promise<string>;
  /**
   * Syncs a tenant from Microsoft Graph. Fails with kind `invalidInput` on a bad sign-in (the message carries the
   * AADSTS reason), `io` when Graph does not answer, `cancelled` when `cancelSync` stopped it (pages read are kept).
   */
  syncTenant(args: ConnectArgs): Promise<SyncOutcome>;
  /** Where the running sync stands; `null` when none runs. */
  syncProgress(): Promise<SyncProgress | null>;
  /** Asks the running sync to stop after the page in hand; the next sync resumes from there. */
  cancelSync(): Promise<void>;
  /**
   * Whether a client secret is kept (in the OS keyring) for this tenant and client id, and whether this machine
   * can keep one at all. A sync or test with an empty secret uses the kept one.
   */
  secretStatus(tenantId: string, clientId: string, authorityUrl: string | null): Promise<SecretStatus>;
  /** The Connections form's defaults: Graph's and Entra's addresses, and where secrets are kept. */
  connectionDefaults(): Promise<ConnectionDefaults>;
  /**
   * Removes the secret and the admin sign-in kept for this tenant and client id; whether there was one. Fails with
   * kind `io` when the store refuses.
   */
  forgetSecret(tenantId: string, clientId: string, authorityUrl: string | null): Promise<boolean>;
  /**
   * Signs an admin in (delegated) for a public client app registration: opens the system browser at Entra's sign-in
   * page, or (`deviceCode`) waits for the admin to enter a code on another device; resolves once signed in (up to
   * five minutes) with a note on where the sign-in is kept. A sync or test with `delegated` then uses it.
   */
  signInAdmin(args: AdminSignInArgs): Promise<string>;
  /** The admin sign-in `signInAdmin` waits for: the page to open and the device code; `null` when none waits. */
  adminSignInProgress(): Promise<AdminSignInProgress | null>;
  /** The changes made in Steward for a tenant, oldest first, and where each stands. */
  outboxItems(tenantId: string): Promise<OutboxItem[]>;
  /** Steward's audit trail for a tenant, oldest first: who did what, when, with what result. */
  auditTrail(tenantId: string): Promise<AuditEntry[]>;
  /** Sends a failed change, or one in conflict (made over Entra's version), to the next push again. */
  retryChange(tenantId: string, id: number): Promise<OutboxItem>;
  /** Drops a change Graph does not have; the cache stops showing it. */
  dropChange(tenantId: string, id: number): Promise<OutboxItem>;
  /** The issuer and subject a federated credential form builds, and every rule it breaks (none: it can be saved). */
  previewFederatedCredential(
    tenantId: string,
    applicationId: string,
    form: FederatedCredentialForm,
    replacing: string | null,
  ): Promise<FederatedCredentialPreview>;
  /** Queues a new federated credential (or, with `update`, new settings for the one of the form's name). */
  saveFederatedCredential(
    tenantId: string,
    applicationId: string,
    form: FederatedCredentialForm,
    update: boolean,
  ): Promise<OutboxItem>;
  removeFederatedCredential(tenantId: string, applicationId: string, name: string): Promise<OutboxItem>;
  /** Queues a new app registration with its service principal (local ids until the push). */
  createApplication(tenantId: string, displayName: string, signInAudience: string, notes: string | null): Promise<OutboxItem>;
  updateProperties(tenantId: string, kind: ObjectKind, id: string, properties: Properties): Promise<OutboxItem>;
  setEnabled(tenantId: string, id: string, enabled: boolean): Promise<OutboxItem>;
  deleteObject(tenantId: string, kind: ObjectKind, id: string): Promise<OutboxItem>;
  restoreObject(tenantId: string, kind: ObjectKind, id: string): Promise<OutboxItem>;
  /** Queues a client secret; the push that makes it shows its value, once. */
  addSecret(tenantId: string, kind: ObjectKind, ownerId: string, name: string, days: number): Promise<OutboxItem>;
  /** Opens the native dialog for a certificate's public part and reads it; `null` when the user cancels. */
  choosePublicCertificate(): Promise<CertificateFile | null>;
  addCertificate(tenantId: string, kind: ObjectKind, ownerId: string, path: string): Promise<OutboxItem>;
  removeCredential(tenantId: string, kind: ObjectKind, ownerId: string, keyId: string): Promise<OutboxItem>;
  /** Adds an owner of an application or service principal, or (`sponsor`) a sponsor of an agent identity. */
  addOwner(tenantId: string, kind: ObjectKind, objectId: string, principalId: string, relation: OwnerRelation): Promise<OutboxItem>;
  removeOwner(tenantId: string, kind: ObjectKind, objectId: string, principalId: string, relation: OwnerRelation): Promise<OutboxItem>;
  /** Takes an application permission (app role assignment) away from a service principal. */
  removePermission(tenantId: string, servicePrincipalId: string, assignmentId: string): Promise<OutboxItem>;
  /** Sends the outbox to Graph, signed in as the Connections form says. New secrets' values come back once. */
  pushChanges(args: ConnectArgs): Promise<PushOutcome>;
  /** The tenant's conditional access policies (for workload identities, then the others) and named locations. */
  caOverview(tenantId: string): Promise<CaOverview>;
  /** Which policies would apply to `sp` (object id or appId) asking for a token from `ip`, and why; `risk` null: Identity Protection's current level. */
  caWhatIf(tenantId: string, sp: string, ip: string, risk: string | null): Promise<WhatIf>;
  /** The cached sign-ins of `from`..`to` (dates, whole UTC days) run through `policy`, whatever its state, with a chart. */
  caReplay(tenantId: string, policy: WorkloadPolicy, from: string, to: string, dark: boolean): Promise<ReplayView>;
  /** Everything that stops a policy draft from being saved, each with its fix; empty: it can be. */
  caPolicyProblems(tenantId: string, draft: WorkloadPolicy): Promise<string[]>;
  /** Queues a new policy (`draft.id` null) or an edit of a cached one. */
  caSavePolicy(tenantId: string, draft: WorkloadPolicy): Promise<OutboxItem>;
  caDeletePolicy(tenantId: string, id: string): Promise<OutboxItem>;
  /** Everything that stops a named IP location from being saved; empty: it can be. */
  caLocationProblems(tenantId: string, location: NamedLocation): Promise<string[]>;
  /** Queues a new named IP location (empty id) or an edit of a cached one. */
  caSaveLocation(tenantId: string, location: NamedLocation): Promise<OutboxItem>;
  caDeleteLocation(tenantId: string, id: string): Promise<OutboxItem>;
  /** The identities a review of privileged access would cover now. */
  reviewCandidates(tenantId: string): Promise<ReviewItem[]>;
  /** The tenant's access reviews, newest first. */
  accessReviews(tenantId: string): Promise<AccessReview[]>;
  createAccessReview(tenantId: string, review: NewReview): Promise<AccessReview>;
  /** Records a decision with its justification on one identity of a review. */
  decideAccessReview(
    tenantId: string,
    reviewId: string,
    identity: string,
    decision: Decision,
    justification: string,
  ): Promise<AccessReview>;
  /** Completes a review; with `apply`, the denials' roles and permissions are queued for removal. */
  completeAccessReview(tenantId: string, reviewId: string, apply: boolean): Promise<AccessReview>;
}

function isAppError(e: unknown): e is AppError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { kind?: unknown }).kind === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

/** Converts anything thrown or returned as an error into a BackendError. */
export function toBackendError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (isAppError(e)) return new BackendError(e.kind, e.message);
  if (e instanceof Error) return new BackendError("internal", e.message);
  if (typeof e === "string") return new BackendError("internal", e);
  return new BackendError("internal", "Unexpected error from the Steward backend. Restart the app and try again.");
}

async function unwrap<T>(call: () => Promise<Result<T, AppError>>): Promise<T> {
  let result: Result<T, AppError>;
  try {
    result = await call();
  } catch (e) {
    throw toBackendError(e);
  }
  if (result.status === "ok") return result.data;
  throw toBackendError(result.error);
}

/** For commands that cannot fail on the Rust side (no `Result`): only the IPC itself can throw. */
async function plain<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toBackendError(e);
  }
}

export const tauriBackend: Backend = {
  appInfo: () => unwrap(() => commands.appInfo()),
  overview: (tenantId) => unwrap(() => commands.overview(tenantId)),
  listIdentities: (tenantId, query) => unwrap(() => commands.listIdentities(tenantId, query)),
  identityDetail: (tenantId, id) => unwrap(() => commands.identityDetail(tenantId, id)),
  selectTenant: (tenantId) => unwrap(() => commands.selectTenant(tenantId)),
  recommendations: (tenantId, settings) => unwrap(() => commands.recommendations(tenantId, settings)),
  setRecommendationStatus: (tenantId, recommendationType, change, settings) =>
    unwrap(() => commands.setRecommendationStatus(tenantId, recommendationType, change, settings)),
  licensing: (tenantId) => unwrap(() => commands.licensing(tenantId)),
  licensePlan: (tenantId, settings, save) => unwrap(() => commands.licensePlan(tenantId, settings, save)),
  licenseScope: (tenantId, id) => unwrap(() => commands.licenseScope(tenantId, id)),
  setLicenseScope: (tenantId, id, reason, included) =>
    unwrap(() => commands.setLicenseScope(tenantId, id, reason, included)),
  dashboard: (tenantId, days, dark) => unwrap(() => commands.dashboard(tenantId, days, dark ?? false)),
  riskReport: (tenantId, settings) => unwrap(() => commands.riskReport(tenantId, settings)),
  riskAction: (tenantId, spIds, action) => unwrap(() => commands.riskAction(tenantId, spIds, action)),
  riskSignalSignIns: (tenantId, filter) => unwrap(() => commands.riskSignalSignIns(tenantId, filter)),
  reportCatalog: () => plain(() => commands.reportCatalog()),
  reportPreview: (args) => unwrap(() => commands.reportPreview(args)),
  chooseReportPath: (args, format) => unwrap(() => commands.chooseReportPath(args, format)),
  exportReport: (args, format, path, csvBom) => unwrap(() => commands.exportReport(args, format, path, csvBom)),
  exportProgress: () => plain(() => commands.exportProgress()),
  cancelExport: () => plain(() => commands.cancelExport()),
  chooseImportPaths: (folder) => unwrap(() => commands.chooseImportPaths(folder)),
  importGraphFiles: (paths, tenant) => unwrap(() => commands.importGraphFiles(paths, tenant)),
  importProgress: () => plain(() => commands.importProgress()),
  cancelImport: () => plain(() => commands.cancelImport()),
  connectionStatus: (tenantId) => unwrap(() => commands.connectionStatus(tenantId)),
  chooseCertificatePath: () => unwrap(() => commands.chooseCertificatePath()),
  testConnection: (args) => unwrap(() => commands.testConnection(args)),
  syncTenant: (args) => unwrap(() => commands.syncTenant(args)),
  syncProgress: () => plain(() => commands.syncProgress()),
  cancelSync: () => plain(() => commands.cancelSync()),
  secretStatus: (tenantId, clientId, authorityUrl) =>
    unwrap(() => commands.secretStatus(tenantId, clientId, authorityUrl)),
  connectionDefaults: () => plain(() => commands.connectionDefaults()),
  forgetSecret: (tenantId, clientId, authorityUrl) =>
    unwrap(() => commands.forgetSecret(tenantId, clientId, authorityUrl)),
  signInAdmin: (args) => unwrap(() => commands.signInAdmin(args)),
  adminSignInProgress: () => plain(() => commands.adminSignInProgress()),
  outboxItems: (tenantId) => unwrap(() => commands.outboxItems(tenantId)),
  auditTrail: (tenantId) => unwrap(() => commands.auditTrail(tenantId)),
  retryChange: (tenantId, id) => unwrap(() => commands.retryChange(tenantId, id)),
  dropChange: (tenantId, id) => unwrap(() => commands.dropChange(tenantId, id)),
  previewFederatedCredential: (tenantId, applicationId, form, replacing) =>
    unwrap(() => commands.previewFederatedCredential(tenantId, applicationId, form, replacing)),
  saveFederatedCredential: (tenantId, applicationId, form, update) =>
    unwrap(() => commands.saveFederatedCredential(tenantId, applicationId, form, update)),
  removeFederatedCredential: (tenantId, applicationId, name) =>
    unwrap(() => commands.removeFederatedCredential(tenantId, applicationId, name)),
  createApplication: (tenantId, displayName, signInAudience, notes) =>
    unwrap(() => commands.createApplication(tenantId, displayName, signInAudience, notes)),
  updateProperties: (tenantId, kind, id, properties) =>
    unwrap(() => commands.updateProperties(tenantId, kind, id, properties)),
  setEnabled: (tenantId, id, enabled) => unwrap(() => commands.setEnabled(tenantId, id, enabled)),
  deleteObject: (tenantId, kind, id) => unwrap(() => commands.deleteObject(tenantId, kind, id)),
  restoreObject: (tenantId, kind, id) => unwrap(() => commands.restoreObject(tenantId, kind, id)),
  addSecret: (tenantId, kind, ownerId, name, days) => unwrap(() => commands.addSecret(tenantId, kind, ownerId, name, days)),
  choosePublicCertificate: () => unwrap(() => commands.choosePublicCertificate()),
  addCertificate: (tenantId, kind, ownerId, path) => unwrap(() => commands.addCertificate(tenantId, kind, ownerId, path)),
  removeCredential: (tenantId, kind, ownerId, keyId) =>
    unwrap(() => commands.removeCredential(tenantId, kind, ownerId, keyId)),
  addOwner: (tenantId, kind, objectId, principalId, relation) =>
    unwrap(() => commands.addOwner(tenantId, kind, objectId, principalId, relation)),
  removeOwner: (tenantId, kind, objectId, principalId, relation) =>
    unwrap(() => commands.removeOwner(tenantId, kind, objectId, principalId, relation)),
  removePermission: (tenantId, servicePrincipalId, assignmentId) =>
    unwrap(() => commands.removePermission(tenantId, servicePrincipalId, assignmentId)),
  pushChanges: (args) => unwrap(() => commands.pushChanges(args)),
  caOverview: (tenantId) => unwrap(() => commands.caOverview(tenantId)),
  caWhatIf: (tenantId, sp, ip, risk) => unwrap(() => commands.caWhatIf(tenantId, sp, ip, risk)),
  caReplay: (tenantId, policy, from, to, dark) => unwrap(() => commands.caReplay(tenantId, policy, from, to, dark)),
  caPolicyProblems: (tenantId, draft) => unwrap(() => commands.caPolicyProblems(tenantId, draft)),
  caSavePolicy: (tenantId, draft) => unwrap(() => commands.caSavePolicy(tenantId, draft)),
  caDeletePolicy: (tenantId, id) => unwrap(() => commands.caDeletePolicy(tenantId, id)),
  caLocationProblems: (tenantId, location) => unwrap(() => commands.caLocationProblems(tenantId, location)),
  caSaveLocation: (tenantId, location) => unwrap(() => commands.caSaveLocation(tenantId, location)),
  caDeleteLocation: (tenantId, id) => unwrap(() => commands.caDeleteLocation(tenantId, id)),
  reviewCandidates: (tenantId) => unwrap(() => commands.reviewCandidates(tenantId)),
  accessReviews: (tenantId) => unwrap(() => commands.accessReviews(tenantId)),
  createAccessReview: (tenantId, review) => unwrap(() => commands.createAccessReview(tenantId, review)),
  decideAccessReview: (tenantId, reviewId, identity, decision, justification) =>
    unwrap(() => commands.decideAccessReview(tenantId, reviewId, identity, decision, justification)),
  completeAccessReview: (tenantId, reviewId, apply) => unwrap(() => commands.completeAccessReview(tenantId, reviewId, apply)),
};
