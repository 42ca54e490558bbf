import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { accessReviewsFixture as fx, createMockBackend } from "../testing/mockBackend";

describe("Access reviews", () => {
  it("creates a review of the privileged identities, records a denial with its reason, and completes it applying the denial", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByTestId("nav-accessReviews"));
    await screen.findByTestId("review-empty");

    await user.click(screen.getByTestId("review-new"));
    const dialog = await screen.findByTestId("review-dialog");
    await waitFor(() =>
      expect(within(dialog).getByTestId("review-scope").textContent).toContain(`Reviews ${fx.candidates.length} identities`),
    );
    expect(within(dialog).getByTestId<HTMLButtonElement>("review-dialog-ok").disabled).toBe(true);
    await user.type(within(dialog).getByTestId("review-name"), fx.new.name);
    await user.type(within(dialog).getByTestId("review-reviewers"), fx.new.reviewers.join(", "));
    expect(within(dialog).getByTestId<HTMLInputElement>("review-due").value).toBe("2025-06-15");
    await user.click(within(dialog).getByTestId("review-dialog-ok"));
    await waitFor(() => expect(screen.queryByTestId("review-dialog")).toBeNull());
    expect(backend.callsOf("createAccessReview")[0]![1]).toEqual(fx.new);

    const detail = await screen.findByTestId("review-detail");
    const items = within(detail).getAllByTestId("review-item");
    expect(items.map((i) => i.getAttribute("data-id"))).toEqual(fx.created.items.map((i) => i.id));
    expect(items[0]!.textContent).toContain(fx.created.items[0]!.reasons[0]!);

    // A decision needs a reason.
    await user.click(within(items[0]!).getByTestId("review-item-decide"));
    const decide = await screen.findByTestId("review-decide-dialog");
    await user.click(within(decide).getByLabelText(/Deny/));
    expect(within(decide).getByTestId<HTMLButtonElement>("review-decide-dialog-ok").disabled).toBe(true);
    await user.type(within(decide).getByTestId("review-justification"), "Nobody could say what it is for");
    await user.click(within(decide).getByTestId("review-decide-dialog-ok"));
    await waitFor(() => expect(screen.queryByTestId("review-decide-dialog")).toBeNull());
    await waitFor(() =>
      expect(within(screen.getAllByTestId("review-item")[0]!).getByTestId("review-item-decision").textContent).toBe("Denied"),
    );

    await user.click(screen.getByTestId("review-complete"));
    const complete = await screen.findByTestId("review-complete-dialog");
    expect(within(complete).getByTestId<HTMLInputElement>("review-apply").checked).toBe(true);
    await user.click(within(complete).getByTestId("review-complete-dialog-ok"));
    await waitFor(() => expect(screen.getByTestId("review-detail").getAttribute("data-status")).toBe("completed"));
    const applied = screen.getAllByTestId("review-item-applied").map((a) => a.textContent);
    expect(applied).toEqual(fx.completed.items.flatMap((i) => i.applied.map((a) => `Queued: ${a}`)));
    expect(screen.queryByTestId("review-item-decide")).toBeNull();
  });
});
