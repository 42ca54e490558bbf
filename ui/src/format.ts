import type { CredentialView, IdentityKind, IdentityRow, Ownership, SignInRow } from "./ipc/backend";

export const KIND_LABELS: Record<IdentityKind, string> = {
  application: "Application",
  managedIdentitySystem: "Managed identity (system-assigned)",
  managedIdentityUser: "Managed identity (user-assigned)",
  legacy: "Legacy",
  socialIdp: "Social IdP",
  agentIdentity: "Agent identity",
};

export const OWNERSHIP_LABELS: Record<Ownership, string> = {
  ownSingleTenant: "Own (single-tenant)",
  ownMultiTenant: "Own (multitenant)",
  microsoft: "Microsoft first-party",
  external: "Another organisation",
  notApplicable: "Not applicable",
};

export const KIND_KEYS = Object.keys(KIND_LABELS) as IdentityKind[];
export const OWNERSHIP_KEYS = Object.keys(OWNERSHIP_LABELS) as Ownership[];

export function kindLabel(kind: string): string {
  return (KIND_LABELS as Record<string, string>)[kind] ?? kind;
}

const KIND_SHORT_LABELS: Record<IdentityKind, string> = {
  ...KIND_LABELS,
  managedIdentitySystem: "Managed identity (system)",
  managedIdentityUser: "Managed identity (user)",
};

/** The kind in a few words, for grid cells; the full label is in the tooltip. */
export function kindShortLabel(kind: string): string {
  return (KIND_SHORT_LABELS as Record<string, string>)[kind] ?? kind;
}

export function ownershipLabel(ownership: string): string {
  return (OWNERSHIP_LABELS as Record<string, string>)[ownership] ?? ownership;
}

// The webview's own locale. A bare LANG=C session reports "C", which Intl rejects (and which
// would print digits ungrouped): fall back to English grouping rather than fail or show "110000".
function numberFormatFor(language: string | undefined): Intl.NumberFormat {
  try {
    if (language && language !== "C" && language !== "POSIX") return new Intl.NumberFormat(language);
  } catch {
    // Not a BCP 47 tag: use the fallback below.
  }
  return new Intl.NumberFormat("en-US");
}
const numberFormat = numberFormatFor(typeof navigator !== "undefined" ? navigator.language : undefined);

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

export function plural(n: number, singular: string, pluralForm = singular + "s"): string {
  return `${formatNumber(n)} ${n === 1 ? singular : pluralForm}`;
}

export function formatDateTime(s: string | null | undefined, empty = "—"): string {
  if (!s) return empty;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString();
}

/** Date and time to the minute, for dense grids (the full instant goes in a tooltip). */
export function formatDateTimeShort(s: string | null | undefined, empty = "—"): string {
  if (!s) return empty;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function formatDate(s: string | null | undefined, empty = "—"): string {
  if (!s) return empty;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleDateString();
}

export function credentialSummary(row: Pick<IdentityRow, "secretCount" | "certificateCount" | "federatedCount">): string {
  const parts: string[] = [];
  if (row.secretCount > 0) parts.push(plural(row.secretCount, "secret"));
  if (row.certificateCount > 0) parts.push(plural(row.certificateCount, "cert"));
  if (row.federatedCount > 0) parts.push(`${formatNumber(row.federatedCount)} federated`);
  return parts.length > 0 ? parts.join(" · ") : "None";
}

export function credentialTypeLabel(t: string): string {
  return t === "secret" ? "Secret" : t === "certificate" ? "Certificate" : t;
}

export function credentialSourceLabel(s: CredentialView["source"]): string {
  return s === "application" ? "Application" : "Service principal";
}

export function credentialStatusText(c: Pick<CredentialView, "status" | "daysLeft">): string {
  switch (c.status) {
    case "expired":
      return "Expired";
    case "expiringSoon":
      return c.daysLeft === null ? "Expires soon" : c.daysLeft === 1 ? "Expires in 1 day" : `Expires in ${c.daysLeft} days`;
    case "valid":
      return "Valid";
  }
}

export function daysLeftText(daysLeft: number): string {
  if (daysLeft < 0) return `Expired ${plural(-daysLeft, "day")} ago`;
  if (daysLeft === 0) return "Today";
  return plural(daysLeft, "day");
}

export function signInResult(s: Pick<SignInRow, "errorCode">): string {
  return s.errorCode === 0 ? "Success" : `Failure ${s.errorCode}`;
}

export function signInLocation(s: Pick<SignInRow, "city" | "country">): string {
  const parts = [s.city, s.country].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(", ") : "—";
}
