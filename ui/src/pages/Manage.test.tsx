import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import { createMockBackend, manageFixture } from "../testing/mockBackend";

type User = ReturnType<typeof userEvent.setup>;

/** Opens the detail of the identity the manage fixtures change. */
async function openDetail(user: User) {
  await user.click(await screen.findByTestId("nav-identities"));
  await screen.findByTestId("page-identities");
  const row = await waitFor(() => {
    const r = document.querySelector(`[role="row"][data-id="${manageFixture.spId}"]`);
    if (!r) throw new Error("row not drawn yet");
    return r as HTMLElement;
  });
  await user.click(row);
  return screen.findByTestId("identity-detail");
}

describe("Changing an identity", () => {
  it("adds a federated credential from the GitHub template, checked live, and shows it pending", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    const pane = await openDetail(user);
    await user.click(await within(pane).findByTestId("manage-add-fic"));
    const dialog = await screen.findByTestId("fic-dialog");

    // A one-letter name: the rule and its fix show, and nothing can be saved.
    await user.type(within(dialog).getByTestId("fic-name"), "x");
    await user.type(within(dialog).getByTestId("fic-repository"), "contoso/orders");
    await user.type(within(dialog).getByTestId("fic-github-value"), "main");
    await waitFor(() => expect(within(dialog).getByTestId("fic-problems").textContent).toContain("use 3 to 120"));
    expect(within(dialog).getByTestId<HTMLButtonElement>("fic-save").disabled).toBe(true);

    // The preview is Rust's: GitHub's issuer and the subject built from the admin's words.
    await user.clear(within(dialog).getByTestId("fic-name"));
    await user.type(within(dialog).getByTestId("fic-name"), "deploy-main");
    await waitFor(() =>
      expect(within(dialog).getByTestId("fic-preview-subject").textContent).toBe("repo:contoso/orders:ref:refs/heads/main"),
    );
    expect(within(dialog).getByTestId("fic-preview-issuer").textContent).toBe("https://token.actions.githubusercontent.com");
    expect(within(dialog).queryByTestId("fic-problems")).toBeNull();
    await user.click(within(dialog).getByTestId("fic-save"));

    await waitFor(() => expect(screen.queryByTestId("fic-dialog")).toBeNull());
    expect(backend.callsOf("saveFederatedCredential")[0]).toEqual([
      expect.any(String),
      manageFixture.applicationId,
      {
        name: "deploy-main",
        description: null,
        template: { template: "gitHubActions", repository: "contoso/orders", entity: { kind: "branch", value: "main" } },
      },
      false,
    ]);
    // The detail reloads with the change pending.
    const pending = await screen.findByTestId("pending-changes");
    expect(pending.textContent).toContain("add federated credential `deploy-main`");
    const row = (await screen.findAllByTestId("federated-row")).find((r) => r.getAttribute("data-name") === "deploy-main")!;
    expect(within(row).queryByTestId("pending-badge")).not.toBeNull();
  });

  it("adds a secret with the recommended lifetime, its value promised at the push", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    const pane = await openDetail(user);
    await user.click(await within(pane).findByTestId("manage-add-secret"));
    const dialog = await screen.findByTestId("secret-dialog");
    expect(within(dialog).getByTestId<HTMLButtonElement>("secret-dialog-ok").disabled).toBe(true);
    await user.type(within(dialog).getByTestId("secret-name"), "ci");
    expect(dialog.textContent).toContain("shown there once");
    await user.click(within(dialog).getByTestId("secret-dialog-ok"));
    await waitFor(() => expect(screen.queryByTestId("secret-dialog")).toBeNull());
    const [, kind, owner, name, days] = backend.callsOf("addSecret")[0]!;
    expect([kind, owner, name, days]).toEqual(["application", manageFixture.applicationId, "ci", 180]);
  });

  it("lists the queued changes, drops one, and the push shows a new secret once", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    // Two changes made from the detail.
    const pane = await openDetail(user);
    await user.click(await within(pane).findByTestId("manage-enable"));
    await user.click(await screen.findByTestId("enable-dialog-ok"));
    await waitFor(() => expect(backend.outbox()).toHaveLength(1));
    await user.click(await within(await screen.findByTestId("identity-detail")).findByTestId("manage-add-secret"));
    await user.type(await screen.findByTestId("secret-name"), "ci");
    await user.click(screen.getByTestId("secret-dialog-ok"));
    await waitFor(() => expect(backend.outbox()).toHaveLength(2));

    await user.click(screen.getByTestId("nav-changes"));
    const rows = await screen.findAllByTestId("change-row");
    expect(rows.map((r) => within(r).getByTestId("change-status").textContent)).toEqual(["Pending", "Pending"]);
    expect(screen.getByTestId("changes-waiting").textContent).toBe("2 changes not yet in Entra.");
    expect(rows[0]!.textContent).toContain("disable the service principal");
    await user.click(within(rows[0]!).getByTestId("change-drop"));
    await waitFor(() => expect(screen.getAllByTestId("change-row")).toHaveLength(1));
    expect(backend.outbox().map((i) => i.action)).toEqual(["addSecret"]);

    // The push, from Connections: the secret's value shows once.
    await user.click(screen.getByTestId("changes-push"));
    await screen.findByTestId("page-connections");
    await user.type(screen.getByTestId("conn-tenant"), "11111111-1111-4111-8111-111111111111");
    await user.type(screen.getByTestId("conn-client"), "22222222-2222-4222-8222-222222222222");
    await user.type(screen.getByTestId("conn-secret"), "a-secret");
    await user.click(screen.getByTestId("conn-push"));
    const dialog = await screen.findByTestId("new-secret-dialog");
    expect(within(dialog).getByTestId<HTMLInputElement>("new-secret-value").value).toBe(
      manageFixture.push.newSecrets[0]!.secretText,
    );
    expect((await screen.findByTestId("conn-pushed")).textContent).toContain("1 change pushed to Entra");
    await user.click(within(dialog).getByTestId("new-secret-done"));
    await waitFor(() => expect(screen.queryByTestId("new-secret-dialog")).toBeNull());
    expect(document.body.textContent).not.toContain(manageFixture.push.newSecrets[0]!.secretText);
    // The Changes page shows it in Entra now.
    await user.click(screen.getByTestId("nav-changes"));
    const after = await screen.findAllByTestId("change-row");
    expect(within(after[0]!).getByTestId("change-status").textContent).toBe("In Entra");
  });

  it("registers a new app and opens its detail", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByTestId("nav-identities"));
    await user.click(await screen.findByTestId("new-app"));
    const dialog = await screen.findByTestId("new-app-dialog");
    await user.type(within(dialog).getByTestId("new-app-name"), "payments-deployer");
    await user.click(within(dialog).getByTestId("new-app-dialog-ok"));
    await waitFor(() => expect(screen.queryByTestId("new-app-dialog")).toBeNull());
    expect(backend.callsOf("createApplication")[0]!.slice(1)).toEqual(["payments-deployer", "AzureADMyOrg", null]);
    const created = manageFixture.queued.created.change;
    if (created.action !== "createApplication") throw new Error("fixture");
    await waitFor(() => expect(backend.callsOf("identityDetail").some((c) => c[1] === created.application.servicePrincipalId)).toBe(true));
    // The list searches for the new registration.
    const search = screen.getByTestId("identity-search");
    const input = (search.tagName === "INPUT" ? search : search.querySelector("input")) as HTMLInputElement;
    expect(input.value).toBe("payments-deployer");
  });
});
