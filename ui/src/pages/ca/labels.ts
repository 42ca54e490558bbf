// The Conditional access page's words for the backend's enums, in one place.
import type { Condition, Outcome, PolicyState, Verdict } from "../../ipc/backend";

export const STATE_LABEL: Record<PolicyState, string> = {
  enabled: "On",
  disabled: "Off",
  reportOnly: "Report-only",
};

export const STATE_COLOR: Record<PolicyState, "success" | "informative" | "warning"> = {
  enabled: "success",
  disabled: "informative",
  reportOnly: "warning",
};

export const CONDITION_LABEL: Record<Condition, string> = {
  state: "State",
  assignment: "Included identities",
  exclusion: "Excluded identities",
  eligibility: "Identity kind",
  filter: "Attribute filter",
  location: "Location",
  risk: "Service principal risk",
};

export const OUTCOME_LABEL: Record<Outcome, string> = {
  applies: "Applies",
  doesNotApply: "Does not apply",
  undetermined: "Cannot be decided",
};

export const OUTCOME_COLOR: Record<Outcome, "danger" | "informative" | "warning"> = {
  applies: "danger",
  doesNotApply: "informative",
  undetermined: "warning",
};

export const VERDICT_LABEL: Record<Verdict, string> = {
  met: "Met",
  notMet: "Not met",
  undetermined: "Unknown",
};

/** Entra's risk levels a policy may name, highest first. */
export const RISK_LEVELS = ["high", "medium", "low"] as const;

/** A location id as a policy names it, in words: the sentinels, or the named location's name. */
export function locationName(id: string, names: Map<string, string>): string {
  if (id === "All") return "Any location";
  if (id === "AllTrusted") return "All trusted locations";
  return names.get(id.toLowerCase()) ?? id;
}

/** The state label of a policy whose state Graph may name in words Steward does not know. */
export function stateLabel(state: PolicyState): string {
  return STATE_LABEL[state];
}
