import { describe, expect, it } from "vitest";
import { DATASET_LABELS, datasetLabel } from "./datasets";

describe("datasetLabel", () => {
  it("names every dataset as the admin knows it, each with a label of its own", () => {
    const labels = Object.values(DATASET_LABELS);
    for (const l of labels) expect(l.trim()).not.toBe("");
    expect(new Set(labels).size, "no two datasets share a label").toBe(labels.length);
    expect(datasetLabel("applications")).toBe("App registrations");
    expect(datasetLabel("subscribedSkus")).toBe("Licenses (subscribed SKUs)");
    expect(datasetLabel("roleEligibilityScheduleInstances")).toBe("Eligible directory roles (PIM)");
  });
});
