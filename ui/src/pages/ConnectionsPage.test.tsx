import { describe, expect, it } from "vitest";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import {
  createMockBackend,
  HOSTILE_NAME,
  makeTenant,
  MOCK_BAD_SECRET_MESSAGE,
  MOCK_NO_SECRET_STORE_DETAIL,
  MOCK_SECRET_KEPT_NOTE,
  MOCK_SYNC_CANCELLED_MESSAGE,
  MOCK_SYNC_TENANT_NAME,
  MOCK_SYNCED_DATASETS,
  type MockBackend,
} from "../testing/mockBackend";
import type { ConnectArgs } from "../ipc/backend";
import { ConnectionsPage, readModeText } from "./ConnectionsPage";

type User = ReturnType<typeof userEvent.setup>;

const FABRIKAM = makeTenant("fabrikam", "Fabrikam", { isDemo: false });
const CLIENT = "11111111-2222-3333-4444-555555555555";

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;
const datasetRows = () => screen.getAllByTestId("conn-dataset");
const row = (dataset: string) => datasetRows().find((r) => r.getAttribute("data-dataset") === dataset)!;

async function openPage(backend: MockBackend, props: { tenantId?: string; isDemo?: boolean } = {}) {
  renderWithBackend(<ConnectionsPage tenantId={props.tenantId ?? "fabrikam"} isDemo={props.isDemo ?? false} />, backend);
  await screen.findByTestId("page-connections");
  await waitFor(() => expect(datasetRows().length).toBeGreaterThan(0));
}

async function fill(user: User, { tenant, secret = "good" }: { tenant?: string; secret?: string } = {}) {
  if (tenant !== undefined) {
    await user.clear(input("conn-tenant"));
    await user.type(input("conn-tenant"), tenant);
  }
  await user.type(input("conn-client"), CLIENT);
  await user.type(input("conn-secret"), secret);
}

describe("readModeText", () => {
  it("says briefly how a dataset was read", () => {
    expect(readModeText("delta")).toBe("Changes only");
    expect(readModeText("window")).toBe("Time window");
    expect(readModeText("full")).toBe("In full");
    expect(readModeText("somethingNew")).toBe("somethingNew");
  });
});

describe("ConnectionsPage", () => {
  it("is reached from the navigation and leaves the demo tenant's id out of the form", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByTestId("nav-connections"));
    expect(await screen.findByTestId("page-connections")).toBeTruthy();
    expect(screen.getByTestId("nav-connections").getAttribute("aria-current")).toBe("page");
    expect(input("conn-tenant").value).toBe("");
    await waitFor(() => expect(backend.callsOf("connectionStatus")).toEqual([["contoso"]]));
    await waitFor(() => expect(datasetRows().length).toBe(4));
    expect(row("organization").textContent).toContain("Demo data");
  });

  it("lists what the cache holds, with status, source and last read", async () => {
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    expect(datasetRows().map((r) => r.getAttribute("data-dataset"))).toEqual([
      "organization",
      "servicePrincipals",
      "signIns",
      "riskyServicePrincipals",
    ]);
    expect(row("organization").textContent).toContain("Synced");
    expect(row("servicePrincipals").textContent).toContain("Imported");
    expect(row("signIns").textContent).toContain("In progress");
    expect(row("riskyServicePrincipals").textContent).toContain("Not available: Graph answered 403");
    expect(row("riskyServicePrincipals").textContent).toContain("never");
    // Each row names the dataset as the admin knows it, and as Graph does.
    expect(row("servicePrincipals").textContent).toContain("Service principals");
    expect(row("servicePrincipals").textContent).toContain("servicePrincipals");
    expect(row("riskyServicePrincipals").textContent).toContain("Risky service principals");
    expect(screen.getByTestId("page-connections").textContent).toContain("Connect a tenant");
    // A real tenant's id is offered for the sync.
    expect(input("conn-tenant").value).toBe("fabrikam");
  });

  it("keeps Sync now disabled until the tenant, client and secret are all filled", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    expect(input("conn-secret").type).toBe("password");
    expect(button("conn-sync").disabled).toBe(true);
    await user.type(input("conn-client"), CLIENT);
    expect(button("conn-sync").disabled).toBe(true);
    await user.type(input("conn-secret"), "good");
    expect(button("conn-sync").disabled).toBe(false);
    await user.clear(input("conn-tenant"));
    expect(button("conn-sync").disabled).toBe(true);
  });

  it("tests the connection with a good secret and shows the sign-in error with a bad one", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    await fill(user, { secret: "wrong" });
    await user.click(button("conn-test"));
    const error = await screen.findByTestId("error-bar");
    expect(error.textContent).toContain("Sign-in failed");
    expect(error.textContent).toContain("AADSTS7000215");
    expect(error.textContent).toContain(MOCK_BAD_SECRET_MESSAGE);
    expect(screen.queryByTestId("conn-test-ok")).toBeNull();

    await user.clear(input("conn-secret"));
    await user.type(input("conn-secret"), "good");
    await user.click(button("conn-test"));
    expect((await screen.findByTestId("conn-test-ok")).textContent).toBe("Connected to Fabrikam");
    expect(screen.queryByTestId("error-bar")).toBeNull();
    expect(backend.callsOf("testConnection").at(-1)).toEqual([
      { tenantId: "fabrikam", clientId: CLIENT, clientSecret: "good", graphUrl: null, authorityUrl: null } satisfies ConnectArgs,
    ]);
    expect(backend.callsOf("syncTenant")).toEqual([]);
  });

  it("passes the advanced Graph and authority URLs", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    expect(screen.queryByTestId("conn-graph-url")).toBeNull();
    await user.click(within(screen.getByTestId("conn-advanced")).getByRole("button"));
    await user.type(await screen.findByTestId("conn-graph-url"), "http://127.0.0.1:8080");
    await user.type(input("conn-authority-url"), "http://127.0.0.1:8080/auth");
    await fill(user);
    await user.click(button("conn-test"));
    await screen.findByTestId("conn-test-ok");
    expect(backend.callsOf("testConnection")[0]![0]).toMatchObject({
      graphUrl: "http://127.0.0.1:8080",
      authorityUrl: "http://127.0.0.1:8080/auth",
    });
  });

  it("syncs, summarises each dataset, clears the secret and refreshes the table", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);
    expect(backend.callsOf("connectionStatus")).toHaveLength(1);

    await fill(user);
    await user.click(button("conn-sync"));
    const synced = await screen.findByTestId("conn-synced");
    expect(synced.textContent).toContain("Synced Fabrikam");
    const rows = screen.getAllByTestId("conn-synced-dataset");
    expect(rows.map((r) => r.getAttribute("data-dataset"))).toEqual(MOCK_SYNCED_DATASETS.map((d) => d.dataset));
    const sps = rows.find((r) => r.getAttribute("data-dataset") === "servicePrincipals")!;
    const [name, ...cells] = sps.querySelectorAll("td");
    expect(cells.map((c) => c.textContent)).toEqual(["Changes only", "5", "1", "3", "OK"]);
    // The admin's label first, Graph's name under it.
    expect(name!.querySelector(".dataset-label")!.textContent).toBe("Service principals");
    expect(name!.querySelector(".dataset-graph-name")!.textContent).toBe("servicePrincipals");
    const signIns = rows.find((r) => r.getAttribute("data-dataset") === "signIns")!;
    expect(signIns.querySelector("[data-testid='conn-synced-mode']")!.textContent).toBe("Time window");
    expect(signIns.textContent).toContain("Sign-ins (workload identities)");
    const org = rows.find((r) => r.getAttribute("data-dataset") === "organization")!;
    expect(org.querySelector("[data-testid='conn-synced-mode']")!.textContent).toBe("In full");
    expect(synced.textContent).toContain("1 request retried");
    expect(input("conn-secret").value).toBe("");
    // The secret signed in and is kept (the default): the next sync needs none typed.
    await waitFor(() => expect(button("conn-sync").disabled).toBe(false));

    await waitFor(() => expect(backend.callsOf("connectionStatus")).toHaveLength(2));
    await waitFor(() => expect(row("applications")).toBeTruthy());
    expect(row("servicePrincipals").textContent).toContain("Synced");
    expect(row("servicePrincipals").textContent).not.toContain("Imported");
    expect(screen.queryByTestId("conn-progress")).toBeNull();
  });

  it("shows the progress of a running sync and cancels it", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM], sync: { hold: true } });
    await openPage(backend);

    await fill(user);
    await user.click(button("conn-sync"));
    const progress = await screen.findByTestId("conn-progress");
    await waitFor(() => expect(progress.textContent).toContain("Reading servicePrincipals: 250 items"));
    expect(button("conn-sync").disabled).toBe(true);

    await user.click(button("conn-cancel"));
    const cancelled = await screen.findByTestId("conn-cancelled");
    expect(cancelled.textContent).toContain(MOCK_SYNC_CANCELLED_MESSAGE);
    expect(backend.callsOf("cancelSync")).toHaveLength(1);
    expect(screen.queryByTestId("conn-progress")).toBeNull();
    expect(screen.queryByTestId("conn-synced")).toBeNull();
    expect(screen.queryByTestId("error-bar")).toBeNull();
    // The secret stays for another try.
    expect(button("conn-sync").disabled).toBe(false);
  });

  it("shows a sync started before the page opened, and its end refreshes the table", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM], sync: { hold: true } });
    await openPage(backend);
    await fill(user);
    await user.click(button("conn-sync"));
    await screen.findByTestId("conn-progress");
    cleanup();

    // The page opens again while the backend still runs that sync.
    await openPage(backend);
    const progress = await screen.findByTestId("conn-progress");
    await waitFor(() => expect(progress.textContent).toContain("A sync started earlier is still running"));
    const before = backend.callsOf("connectionStatus").length;
    await user.click(button("conn-cancel"));
    await waitFor(() => expect(screen.queryByTestId("conn-progress")).toBeNull());
    await waitFor(() => expect(backend.callsOf("connectionStatus").length).toBeGreaterThan(before));
  });

  it("shows a failed sync in the error bar", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    await fill(user, { secret: "bad" });
    await user.click(button("conn-sync"));
    expect((await screen.findByTestId("error-bar")).textContent).toContain("AADSTS7000215");
    expect(screen.queryByTestId("conn-synced")).toBeNull();
    expect(screen.queryByTestId("conn-cancelled")).toBeNull();
  });

  it("reloads the tenants and selects a tenant new to the cache after its sync", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend();
    renderWithBackend(<App />, backend);
    await user.click(await screen.findByTestId("nav-connections"));
    await screen.findByTestId("page-connections");

    await fill(user, { tenant: "northwind" });
    await user.click(button("conn-sync"));
    await screen.findByTestId("conn-synced");
    await waitFor(() => expect(screen.getByTestId("tenant-name").textContent).toBe(MOCK_SYNC_TENANT_NAME));
    expect(backend.callsOf("selectTenant")).toEqual([["northwind"]]);
    expect(backend.callsOf("appInfo")).toHaveLength(2);
    await waitFor(() => expect(backend.callsOf("connectionStatus").at(-1)).toEqual(["northwind"]));
    expect(screen.getByTestId("conn-synced")).toBeTruthy();
    expect(screen.queryByTestId("demo-badge")).toBeNull();
  });

  it("keeps the secret in the OS keyring on sync, and a second sync with the secret field empty uses it", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    const remember = input("conn-remember");
    expect(remember.checked).toBe(true);
    expect(remember.disabled).toBe(false);
    expect(screen.getByText("Keep the secret in the OS keyring")).toBeTruthy();

    await fill(user);
    expect((await screen.findByTestId("conn-secret-status")).textContent).toBe(
      "No secret is kept in the OS keyring for this app registration.",
    );
    expect(screen.queryByTestId("conn-forget")).toBeNull();
    await user.click(button("conn-sync"));
    expect((await screen.findByTestId("conn-secret-note")).textContent).toBe(MOCK_SECRET_KEPT_NOTE);
    expect(within(screen.getByTestId("conn-synced")).getByTestId("conn-secret-note")).toBeTruthy();
    expect(backend.callsOf("syncTenant")[0]![0]).toMatchObject({ clientSecret: "good", rememberSecret: true });

    // The form now says a secret is kept, and lets the secret field stay empty.
    await waitFor(() =>
      expect(screen.getByTestId("conn-secret-status").textContent).toBe(
        "A secret is kept in the OS keyring for this app registration.",
      ),
    );
    expect(input("conn-secret").value).toBe("");
    expect(input("conn-secret").placeholder).toBe("Kept in the OS keyring — leave empty to use it");
    expect(button("conn-test").disabled).toBe(false);
    expect(button("conn-sync").disabled).toBe(false);

    await user.click(button("conn-test"));
    expect((await screen.findByTestId("conn-test-ok")).textContent).toBe("Connected to Fabrikam");
    expect(backend.callsOf("testConnection")[0]![0]).toMatchObject({ clientSecret: "" });

    await user.click(button("conn-sync"));
    await waitFor(() => expect(backend.callsOf("syncTenant")).toHaveLength(2));
    expect(backend.callsOf("syncTenant")[1]![0]).toMatchObject({ clientSecret: "" });
    expect((await screen.findByTestId("conn-synced")).textContent).toContain("Synced Fabrikam");
    expect(screen.queryByTestId("error-bar")).toBeNull();
    // The kept secret was used, not given again: nothing new was kept.
    expect(screen.queryByTestId("conn-secret-note")).toBeNull();

    // Another app registration has no secret kept: the form asks for one again.
    await user.clear(input("conn-client"));
    await user.type(input("conn-client"), "99999999-2222-3333-4444-555555555555");
    await waitFor(() =>
      expect(screen.getByTestId("conn-secret-status").textContent).toContain("No secret is kept"),
    );
    expect(input("conn-secret").placeholder).toBe("");
    expect(button("conn-sync").disabled).toBe(true);
    expect(button("conn-test").disabled).toBe(true);
  });

  it("syncs without keeping the secret when Keep is unchecked", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    await user.click(input("conn-remember"));
    expect(input("conn-remember").checked).toBe(false);
    await fill(user);
    await waitFor(() => expect(screen.getByTestId("conn-secret-status").textContent).toContain("No secret is kept"));
    const checks = backend.callsOf("secretStatus").length;
    await user.click(button("conn-sync"));
    await screen.findByTestId("conn-synced");
    expect(backend.callsOf("syncTenant")[0]![0]).toMatchObject({ rememberSecret: false });
    expect(screen.queryByTestId("conn-secret-note")).toBeNull();
    // The status is asked again after the sync.
    await waitFor(() => expect(backend.callsOf("secretStatus").length).toBeGreaterThan(checks));
    await waitFor(() =>
      expect(screen.getByTestId("conn-secret-status").textContent).toContain("No secret is kept"),
    );
    expect(input("conn-secret").value).toBe("");
    expect(button("conn-sync").disabled).toBe(true);
  });

  it("forgets the kept secret", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    await fill(user);
    await user.click(button("conn-sync"));
    await screen.findByTestId("conn-synced");
    await user.click(await screen.findByTestId("conn-forget"));

    await waitFor(() => expect(screen.queryByTestId("conn-forget")).toBeNull());
    expect(backend.callsOf("forgetSecret")).toEqual([["fabrikam", CLIENT]]);
    expect(screen.getByTestId("conn-secret-status").textContent).toBe(
      "No secret is kept in the OS keyring for this app registration.",
    );
    expect(input("conn-secret").placeholder).toBe("");
    expect(button("conn-sync").disabled).toBe(true);
    expect(button("conn-test").disabled).toBe(true);
    // The backend no longer has it either: a sync with an empty secret is refused.
    await expect(
      backend.syncTenant({ tenantId: "fabrikam", clientId: CLIENT, clientSecret: "", graphUrl: null, authorityUrl: null }),
    ).rejects.toMatchObject({ kind: "invalidInput" });
  });

  it("on a machine without a secret store, disables Keep with the reason and shows the sync's note", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM], sync: { noSecretStore: true } });
    await openPage(backend);

    await fill(user);
    await waitFor(() => expect(input("conn-remember").disabled).toBe(true));
    expect(screen.getByTestId("conn-remember-hint").textContent).toContain(MOCK_NO_SECRET_STORE_DETAIL);
    expect(screen.queryByTestId("conn-secret-status")).toBeNull();

    const checks = backend.callsOf("secretStatus").length;
    await user.click(button("conn-sync"));
    const note = await screen.findByTestId("conn-secret-note");
    expect(note.textContent).toContain("The secret was not stored: give it again next time");
    expect(within(screen.getByTestId("conn-synced")).getByTestId("conn-secret-note")).toBe(note);
    // Nothing was kept: the next sync needs the secret again.
    await waitFor(() => expect(backend.callsOf("secretStatus").length).toBeGreaterThan(checks));
    expect(input("conn-secret").value).toBe("");
    expect(input("conn-secret").placeholder).toBe("");
    expect(button("conn-sync").disabled).toBe(true);
    expect(screen.queryByTestId("conn-forget")).toBeNull();
  });

  it("shows a hostile tenant name as text", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM], sync: { tenantName: HOSTILE_NAME } });
    await openPage(backend);

    await fill(user, { tenant: "northwind" });
    await user.click(button("conn-test"));
    expect((await screen.findByTestId("conn-test-ok")).textContent).toBe(`Connected to ${HOSTILE_NAME}`);
    await user.click(button("conn-sync"));
    expect((await screen.findByTestId("conn-synced")).textContent).toContain(HOSTILE_NAME);
    expect(document.querySelector("img")).toBeNull();
  });
});
