import { describe, expect, it } from "vitest";
import { DATASET_LABELS, datasetLabel } from "./datasets";

describe("datasetLabel", () => {
  it("names every dataset a sync reads as the admin knows it", () => {
    const synced = [
      "organization",
      "applications",
      "servicePrincipals",
      "signIns",
      "servicePrincipalSignInActivities",
      "appCredentialSignInActivities",
      "subscribedSkus",
      "namedLocations",
      "riskyServicePrincipals",
      "servicePrincipalRiskDetections",
      "directoryRecommendations",
    ];
    for (const d of synced) expect(DATASET_LABELS[d], d).toBeTruthy();
    expect(datasetLabel("applications")).toBe("App registrations");
    expect(datasetLabel("subscribedSkus")).toBe("Licenses (subscribed SKUs)");
  });

  it("keeps a name it does not know as Graph spells it", () => {
    expect(datasetLabel("somethingNew")).toBe("somethingNew");
    expect(datasetLabel("toString")).toBe("toString");
  });
});
