import type {
  CredentialView,
  IdentityKind,
  IdentityRow,
  Kpi,
  Ownership,
  Priority,
  Recommendation,
  RecommendationSource,
  RiskAction,
  RiskLevel,
  ScenarioBasis,
  SignalKind,
  SignalState,
  SignInRow,
} from "./ipc/backend";

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
function numberFormatFor(language: string | undefined, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  try {
    if (language && language !== "C" && language !== "POSIX") return new Intl.NumberFormat(language, options);
  } catch {
    // Not a BCP 47 tag: use the fallback below.
  }
  return new Intl.NumberFormat("en-US", options);
}
const webviewLanguage = typeof navigator !== "undefined" ? navigator.language : undefined;
const numberFormat = numberFormatFor(webviewLanguage);
const decimal2Format = numberFormatFor(webviewLanguage, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const decimal1Format = numberFormatFor(webviewLanguage, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

/** A number with exactly two decimals, grouped for the locale ("1,234.50"). */
export function formatDecimal2(n: number): string {
  return decimal2Format.format(n);
}

/** A percentage with one decimal ("12.5%"). */
export function formatPercent1(n: number): string {
  return `${decimal1Format.format(n)}%`;
}

/** A KPI's value as its unit reads: a grouped count, US dollars a month, or a percentage. */
export function formatKpiValue(kpi: Pick<Kpi, "value" | "unit">): string {
  switch (kpi.unit) {
    case "count":
      return formatNumber(Math.round(kpi.value));
    case "usdPerMonth":
      return `$${formatDecimal2(kpi.value)} / month`;
    case "percent":
      return formatPercent1(kpi.value);
  }
}

/**
 * An amount with two decimals and the planner's currency label, which is free text (no
 * conversion, not necessarily an ISO code): so not Intl's currency style.
 */
export function formatMoney(amount: number, currency: string): string {
  const label = currency.trim();
  return label ? `${formatDecimal2(amount)} ${label}` : formatDecimal2(amount);
}

/** A file size as Windows Explorer shows it: bytes below 1 KB, then 1024-based with one decimal ("47.1 KB"). */
export function formatBytes(n: number): string {
  if (n < 1024) return plural(n, "byte");
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${decimal1Format.format(v)} ${units[i]}`;
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

/**
 * A day. Date-only inputs reach the backend as UTC midnight (postponements, trial ends): those
 * are shown as that calendar day in every time zone, other instants in local time.
 */
export function formatDay(s: string | null | undefined, empty = "—"): string {
  if (!s) return empty;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  const utcMidnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0;
  return utcMidnight ? d.toLocaleDateString(undefined, { timeZone: "UTC" }) : d.toLocaleDateString();
}

/** `YYYY-MM-DD` of an instant, in UTC (the form date inputs and the backend use). */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` `days` after the UTC day of `from`. */
export function addDays(from: string | Date, days: number): string {
  const d = typeof from === "string" ? new Date(from) : new Date(from.getTime());
  const base = Number.isNaN(d.getTime()) ? new Date() : d;
  return isoDay(new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate() + days)));
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

// Recommendations

export const PRIORITY_ORDER: Record<Priority, number> = { high: 0, medium: 1, low: 2 };

export const PRIORITY_LABELS: Record<Priority, string> = { high: "High", medium: "Medium", low: "Low" };

export function sourceLabel(source: RecommendationSource): string {
  switch (source) {
    case "entraRule":
      return "Entra recommendation";
    case "entraSynced":
      return "Entra (synced)";
    case "steward":
      return "Steward check";
  }
}

export function recommendationStatusText(r: Pick<Recommendation, "status" | "postponeUntil">): string {
  switch (r.status) {
    case "active":
      return "Active";
    case "dismissed":
      return "Dismissed";
    case "postponed":
      return r.postponeUntil ? `Postponed until ${formatDay(r.postponeUntil)}` : "Postponed";
    case "completed":
      return "Completed";
  }
}

export function resourceTypeLabel(t: string): string {
  switch (t) {
    case "application":
      return "Application";
    case "servicePrincipal":
      return "Service principal";
    case "policy":
      return "Tenant policy";
    case "consentRequest":
      return "Consent request";
    default:
      return t;
  }
}

/** Only links into the Entra admin center become links; anything else a tenant string holds is text. */
export const ENTRA_PORTAL_PREFIX = "https://entra.microsoft.com/";

export function isEntraPortalUrl(url: string | null | undefined): url is string {
  return typeof url === "string" && url.startsWith(ENTRA_PORTAL_PREFIX);
}

// Licensing

export const BASIS_LABELS: Record<ScenarioBasis, string> = {
  fullCoverage: "Full coverage",
  withoutUnused: "Without unused identities",
  featureScoped: "Feature-scoped",
};

export const BASIS_KEYS = Object.keys(BASIS_LABELS) as ScenarioBasis[];

// Risk

export const RISK_LEVELS: RiskLevel[] = ["high", "medium", "low"];

export const RISK_LEVEL_LABELS: Record<RiskLevel, string> = { high: "High", medium: "Medium", low: "Low" };

/** Graph's camelCase values ("adminDismissedAllRiskForServicePrincipal") as words. */
export function humanize(value: string | null | undefined, empty = "—"): string {
  if (!value) return empty;
  const words = value
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Identity Protection's riskLevel (`high`, `medium`, `low`, `none`, `hidden`). */
export function riskLevelLabel(level: string): string {
  return (RISK_LEVEL_LABELS as Record<string, string>)[level] ?? humanize(level);
}

const RISK_STATE_LABELS: Record<string, string> = {
  atRisk: "At risk",
  confirmedCompromised: "Confirmed compromised",
  dismissed: "Dismissed",
  remediated: "Remediated",
  confirmedSafe: "Confirmed safe",
  none: "None",
};

/** Identity Protection's riskState. */
export function riskStateLabel(state: string): string {
  return RISK_STATE_LABELS[state] ?? humanize(state);
}

export const SIGNAL_STATE_LABELS: Record<SignalState, string> = {
  active: "Active",
  dismissed: "Dismissed",
  confirmedCompromised: "Confirmed compromised",
  remediated: "Remediated",
};

export const RISK_ACTION_LABELS: Record<RiskAction, string> = {
  confirmCompromised: "Confirm compromised",
  dismiss: "Dismiss",
  remediated: "Mark remediated",
};

export const SIGNAL_KIND_LABELS: Record<SignalKind, string> = {
  newCountry: "New country",
  newIpRange: "New IP range",
  newResource: "New resource",
  newCredentialType: "New credential type",
  newKeyId: "New key ID",
  invalidCredentialBurst: "Invalid-credential burst",
  outsideNamedLocations: "Outside named locations",
};

export function signalKindLabel(kind: string): string {
  return (SIGNAL_KIND_LABELS as Record<string, string>)[kind] ?? humanize(kind);
}

/** A time left, roughly, as people say it: "about 40 s", "about 3 min", "about 2 h 5 min". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `about ${h} h` : `about ${h} h ${m} min`;
}
