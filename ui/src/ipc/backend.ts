// The only door between React components and the Rust side.
// Components never import "@tauri-apps/*" or "./bindings" directly: they use `Backend` via `useBackend()`.
import { commands } from "./bindings";
import type {
  AppError,
  AppInfo,
  IdentityDetail,
  IdentityPage,
  IdentityQuery,
  Overview,
  Result,
  TenantSummary,
} from "./bindings";

export type {
  AppError,
  AppInfo,
  CountItem,
  CredentialType,
  CredentialView,
  DailySignIns,
  ExpiringCredential,
  FederatedCredentialView,
  IdentityDetail,
  IdentityKind,
  IdentityPage,
  IdentityQuery,
  IdentityRow,
  Overview,
  Ownership,
  SignInRow,
  TenantSummary,
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

export const tauriBackend: Backend = {
  appInfo: () => unwrap(() => commands.appInfo()),
  overview: (tenantId) => unwrap(() => commands.overview(tenantId)),
  listIdentities: (tenantId, query) => unwrap(() => commands.listIdentities(tenantId, query)),
  identityDetail: (tenantId, id) => unwrap(() => commands.identityDetail(tenantId, id)),
  selectTenant: (tenantId) => unwrap(() => commands.selectTenant(tenantId)),
};
