import { describe, expect, it } from "vitest";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { renderWithBackend } from "../testing/render";
import {
  connectionsFixture,
  createMockBackend,
  DEMO_TENANT,
  HOSTILE_NAME,
  makeTenant,
  MOCK_ADMIN_SIGNED_IN_NOTE,
  MOCK_BAD_SECRET_MESSAGE,
  MOCK_CERTIFICATE_PATH,
  MOCK_DEVICE_CODE,
  MOCK_DEVICE_LOGIN_URL,
  MOCK_NO_ADMIN_MESSAGE,
  MOCK_NO_SECRET_STORE_DETAIL,
  MOCK_SECRET_KEPT_NOTE,
  MOCK_SYNC_CANCELLED_MESSAGE,
  MOCK_SYNC_TENANT_NAME,
  MOCK_SYNCED_DATASETS,
  mockBadCertificateMessage,
  type MockBackend,
} from "../testing/mockBackend";
import { BackendError, type AdminSignInArgs, type ConnectArgs } from "../ipc/backend";
import { ConnectionsPage, readModeText, syncProgressText } from "./ConnectionsPage";

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

/** Opens the certificate dialog and waits for its answer. */
async function chooseCertificate(user: User, backend: MockBackend) {
  const before = backend.callsOf("chooseCertificatePath").length;
  await user.click(button("conn-certificate-choose"));
  await waitFor(() => expect(backend.callsOf("chooseCertificatePath")).toHaveLength(before + 1));
  await waitFor(() => expect(button("conn-certificate-choose").disabled).toBe(false));
}

/** Picks a sign-in method by its radio's label. */
async function chooseMethod(user: User, label: "Client secret" | "Certificate" | "Admin sign-in") {
  await user.click(within(screen.getByTestId("conn-method")).getByRole("radio", { name: label }));
}

describe("readModeText", () => {
  it("says briefly how a dataset was read", () => {
    expect(readModeText("delta")).toBe("Changes only");
    expect(readModeText("window")).toBe("Time window");
    expect(readModeText("full")).toBe("In full");
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
    await waitFor(() => expect(backend.callsOf("connectionStatus")).toEqual([[DEMO_TENANT.id]]));
    // What the demo tenant's cache holds, as the backend lists it.
    const demo = connectionsFixture.demo.datasets;
    await waitFor(() => expect(datasetRows().map((r) => r.getAttribute("data-dataset"))).toEqual(demo.map((d) => d.dataset)));
    expect(datasetRows().every((r) => r.textContent!.includes("Demo data"))).toBe(true);
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
      {
        tenantId: "fabrikam",
        clientId: CLIENT,
        clientSecret: "good",
        graphUrl: null,
        authorityUrl: null,
        trustedAuthorityHost: null,
      } satisfies ConnectArgs,
    ]);
    expect(backend.callsOf("syncTenant")).toEqual([]);
  });

  it("passes the advanced Graph and authority URLs", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    expect(screen.queryByTestId("conn-graph-url")).toBeNull();
    await user.click(within(screen.getByTestId("conn-advanced")).getByRole("button"));
    // The fields offer the global cloud's addresses, as the backend defines them.
    const graphField = (await screen.findByTestId("conn-graph-url")) as HTMLInputElement;
    expect(graphField.placeholder).toBe("https://graph.microsoft.com");
    expect((screen.getByTestId("conn-authority-url") as HTMLInputElement).placeholder).toBe(
      "https://login.microsoftonline.com",
    );
    await user.type(graphField, "http://127.0.0.1:8080");
    await user.type(input("conn-authority-url"), "http://127.0.0.1:8080/auth");
    await fill(user);
    await user.click(button("conn-test"));
    await screen.findByTestId("conn-test-ok");
    expect(backend.callsOf("testConnection")[0]![0]).toMatchObject({
      graphUrl: "http://127.0.0.1:8080",
      authorityUrl: "http://127.0.0.1:8080/auth",
    });
  });

  it("asks the admin to name a sign-in host that is not a Microsoft cloud's before anything is sent there", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);
    await user.click(within(screen.getByTestId("conn-advanced")).getByRole("button"));
    await fill(user);
    // A Microsoft cloud and the simulator's loopback http need no confirmation.
    await user.type(await screen.findByTestId("conn-authority-url"), "https://login.microsoftonline.us");
    expect(screen.queryByTestId("conn-authority-unknown")).toBeNull();
    await user.clear(input("conn-authority-url"));
    await user.type(input("conn-authority-url"), "https://STS.contoso.example:8443/");
    const warning = await screen.findByTestId("conn-authority-unknown");
    expect(warning.textContent).toContain("sts.contoso.example:8443 is not the sign-in address of a Microsoft cloud");
    expect(button("conn-test").disabled).toBe(true);
    expect(button("conn-sync").disabled).toBe(true);
    await user.click(within(warning).getByRole("checkbox"));
    await waitFor(() => expect(button("conn-test").disabled).toBe(false));
    await user.click(button("conn-test"));
    await screen.findByTestId("conn-test-ok");
    expect(backend.callsOf("testConnection").at(-1)![0]).toMatchObject({
      authorityUrl: "https://STS.contoso.example:8443/",
      trustedAuthorityHost: "sts.contoso.example:8443",
    });
    // Another host: the confirmation was for the old one.
    await user.clear(input("conn-authority-url"));
    await user.type(input("conn-authority-url"), "https://sts.fabrikam.example");
    expect(button("conn-test").disabled).toBe(true);
    expect((within(await screen.findByTestId("conn-authority-unknown")).getByRole("checkbox") as HTMLInputElement).checked).toBe(
      false,
    );
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
    await waitFor(() =>
      expect(progress.textContent).toContain(
        "Reading servicePrincipals: 250 of 1,000 items · 125/s · a few seconds left",
      ),
    );
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

  it("looks up redirect domains only when asked, and says what the lookups found", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    expect(input("conn-resolve-domains").checked).toBe(false);
    await fill(user);
    await user.click(button("conn-sync"));
    await screen.findByTestId("conn-synced");
    expect(backend.callsOf("syncTenant")[0]![0]).toMatchObject({ resolveRedirectDomains: false });
    expect(screen.queryByTestId("conn-redirect-domains")).toBeNull();

    await fill(user);
    await user.click(input("conn-resolve-domains"));
    await user.click(button("conn-sync"));
    await waitFor(() => expect(backend.callsOf("syncTenant")).toHaveLength(2));
    expect(backend.callsOf("syncTenant")[1]![0]).toMatchObject({ resolveRedirectDomains: true });
    expect((await screen.findByTestId("conn-redirect-domains")).textContent).toContain(
      "1 no longer resolve",
    );
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
    expect(backend.callsOf("forgetSecret")).toEqual([["fabrikam", CLIENT, null]]);
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

  it("offers the sign-in methods, the client secret first", async () => {
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    const radios = within(screen.getByTestId("conn-method")).getAllByRole("radio") as HTMLInputElement[];
    expect(radios.map((r) => r.value)).toEqual(["secret", "certificate", "admin"]);
    expect(radios.map((r) => r.checked)).toEqual([true, false, false]);
    expect(screen.getByTestId("conn-secret")).toBeTruthy();
    expect(screen.queryByTestId("conn-certificate")).toBeNull();
    expect(screen.queryByTestId("conn-admin-browser")).toBeNull();
  });

  it("signs in with a certificate chosen in the dialog: sends its path and no secret, names a file that is not PEM, and keeps it on a cancel", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({
      tenants: [FABRIKAM],
      sync: { certificates: ["/home/admin/steward.crt", "/home/admin/steward.pem", null] },
    });
    await openPage(backend);

    // A secret typed before switching is not sent with the certificate.
    await fill(user);
    await chooseMethod(user, "Certificate");
    expect(screen.queryByTestId("conn-secret")).toBeNull();
    expect(screen.queryByTestId("conn-remember")).toBeNull();
    expect(screen.getByTestId("page-connections").textContent).toContain(
      "A PEM file holding the certificate uploaded to the app registration and its private key",
    );
    expect(input("conn-certificate").value).toBe("");
    expect(input("conn-certificate").placeholder).toBe("No file chosen");
    expect(button("conn-sync").disabled).toBe(true);
    expect(button("conn-test").disabled).toBe(true);

    await chooseCertificate(user, backend);
    expect(input("conn-certificate").value).toBe("/home/admin/steward.crt");
    expect(button("conn-test").disabled).toBe(false);
    await user.click(button("conn-test"));
    const error = await screen.findByTestId("error-bar");
    expect(error.textContent).toContain(mockBadCertificateMessage("/home/admin/steward.crt"));
    expect(screen.queryByTestId("conn-test-ok")).toBeNull();

    // Another choice replaces the first.
    await chooseCertificate(user, backend);
    expect(input("conn-certificate").value).toBe("/home/admin/steward.pem");
    await user.click(button("conn-test"));
    expect((await screen.findByTestId("conn-test-ok")).textContent).toBe("Connected to Fabrikam");
    const expected: ConnectArgs = {
      tenantId: "fabrikam",
      clientId: CLIENT,
      clientSecret: "",
      certificatePath: "/home/admin/steward.pem",
      graphUrl: null,
      authorityUrl: null,
      trustedAuthorityHost: null,
    };
    expect(backend.callsOf("testConnection").at(-1)).toEqual([expected]);

    await user.click(button("conn-sync"));
    expect((await screen.findByTestId("conn-synced")).textContent).toContain("Synced Fabrikam");
    // A sync also says whether to look up redirect domains (off unless ticked).
    expect(backend.callsOf("syncTenant")).toEqual([[{ ...expected, resolveRedirectDomains: false }]]);
    // Nothing was given to keep: no note, and no secret is kept.
    expect(screen.queryByTestId("conn-secret-note")).toBeNull();
    expect((await backend.secretStatus("fabrikam", CLIENT, null)).kept).toBe(false);
    // The path stays for the next sync.
    expect(input("conn-certificate").value).toBe("/home/admin/steward.pem");
    await waitFor(() => expect(button("conn-sync").disabled).toBe(false));

    // A cancelled dialog keeps the certificate chosen before.
    await chooseCertificate(user, backend);
    expect(backend.callsOf("chooseCertificatePath")).toEqual([[], [], []]);
    expect(input("conn-certificate").value).toBe("/home/admin/steward.pem");
    expect(button("conn-sync").disabled).toBe(false);
    expect(screen.queryByTestId("error-bar")).toBeNull();
  });

  it("has no field to type a certificate path in", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);
    await user.type(input("conn-client"), CLIENT);
    await chooseMethod(user, "Certificate");

    const field = input("conn-certificate");
    expect(field.readOnly).toBe(true);
    await user.type(field, "/etc/ssl/private/typed.pem");
    await user.paste("/etc/ssl/private/pasted.pem");
    expect(field.value).toBe("");
    expect(button("conn-test").disabled).toBe(true);

    await chooseCertificate(user, backend);
    expect(field.value).toBe(MOCK_CERTIFICATE_PATH);
    // Nor can a chosen path be edited.
    await expect(user.clear(field)).rejects.toThrow(/only supported on editable elements/);
    await user.type(field, "{Backspace}x");
    expect(field.value).toBe(MOCK_CERTIFICATE_PATH);
  });

  it("shows a failed certificate dialog's error, and disables the choice while a sync runs", async () => {
    const user = userEvent.setup();
    const failing = createMockBackend({
      tenants: [FABRIKAM],
      fail: { chooseCertificatePath: new BackendError("internal", "the file dialog failed (no display); try again") },
    });
    await openPage(failing);
    await user.type(input("conn-client"), CLIENT);
    await chooseMethod(user, "Certificate");
    await chooseCertificate(user, failing);
    const error = await screen.findByTestId("error-bar");
    expect(error.textContent).toContain("Something went wrong");
    expect(error.textContent).toContain("the file dialog failed (no display); try again");
    expect(input("conn-certificate").value).toBe("");
    expect(button("conn-test").disabled).toBe(true);
    cleanup();

    const backend = createMockBackend({ tenants: [FABRIKAM], sync: { hold: true } });
    await openPage(backend);
    await user.type(input("conn-client"), CLIENT);
    await chooseMethod(user, "Certificate");
    await chooseCertificate(user, backend);
    expect(screen.queryByTestId("error-bar")).toBeNull();
    await user.click(button("conn-sync"));
    await screen.findByTestId("conn-progress");
    expect(button("conn-certificate-choose").disabled).toBe(true);
    await user.click(button("conn-cancel"));
    await screen.findByTestId("conn-cancelled");
    expect(button("conn-certificate-choose").disabled).toBe(false);
    expect(input("conn-certificate").value).toBe(MOCK_CERTIFICATE_PATH);
  });

  it("signs an admin in with a device code, shows the code while it waits, then syncs as that admin", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM], sync: { holdAdminSignIn: true } });
    await openPage(backend);

    await chooseMethod(user, "Admin sign-in");
    expect(screen.getByTestId("conn-admin-hint").textContent).toContain("public client app registration");
    expect(screen.getByTestId("conn-admin-hint").textContent).toContain("delegated Microsoft Graph permissions");
    expect(screen.queryByTestId("conn-secret")).toBeNull();
    expect(screen.queryByTestId("conn-remember")).toBeNull();
    // No client id yet: nothing to sign in to.
    expect(button("conn-admin-device").disabled).toBe(true);
    await user.type(input("conn-client"), CLIENT);
    expect(button("conn-admin-device").disabled).toBe(false);

    await user.click(button("conn-admin-device"));
    const progress = await screen.findByTestId("conn-admin-progress");
    await waitFor(() => expect(screen.getByTestId("conn-admin-code").textContent).toBe(MOCK_DEVICE_CODE));
    expect(progress.textContent).toContain(`Open ${MOCK_DEVICE_LOGIN_URL} on any device and enter the code`);
    expect(backend.callsOf("signInAdmin")).toEqual([
      [
        {
          tenantId: "fabrikam",
          clientId: CLIENT,
          deviceCode: true,
          graphUrl: null,
          authorityUrl: null,
          trustedAuthorityHost: null,
        } satisfies AdminSignInArgs,
      ],
    ]);
    // While it waits, nothing else starts and the form holds still.
    expect(button("conn-admin-device").disabled).toBe(true);
    expect(button("conn-admin-browser").disabled).toBe(true);
    expect(button("conn-sync").disabled).toBe(true);
    expect(button("conn-test").disabled).toBe(true);
    expect(input("conn-client").disabled).toBe(true);
    expect(screen.queryByTestId("conn-admin-note")).toBeNull();

    await user.click(button("conn-admin-copy"));
    expect(await navigator.clipboard.readText()).toBe(MOCK_DEVICE_CODE);
    expect(button("conn-admin-copy").textContent).toContain("Copied");

    const checks = backend.callsOf("secretStatus").length;
    expect(backend.finishAdminSignIn()).toBe(true);
    expect((await screen.findByTestId("conn-admin-note")).textContent).toBe(MOCK_ADMIN_SIGNED_IN_NOTE);
    expect(screen.queryByTestId("conn-admin-progress")).toBeNull();
    expect(backend.callsOf("secretStatus").length).toBeGreaterThan(checks);
    expect((await screen.findByTestId("conn-admin-status")).textContent).toContain("An admin is signed in");
    expect(button("conn-sync").disabled).toBe(false);

    await user.click(button("conn-test"));
    expect((await screen.findByTestId("conn-test-ok")).textContent).toBe("Connected to Fabrikam");
    await user.click(button("conn-sync"));
    expect((await screen.findByTestId("conn-synced")).textContent).toContain("Synced Fabrikam");
    const delegated: ConnectArgs = {
      tenantId: "fabrikam",
      clientId: CLIENT,
      clientSecret: "",
      delegated: true,
      graphUrl: null,
      authorityUrl: null,
      trustedAuthorityHost: null,
    };
    expect(backend.callsOf("testConnection")).toEqual([[delegated]]);
    expect(backend.callsOf("syncTenant")).toEqual([[{ ...delegated, resolveRedirectDomains: false }]]);
    expect(screen.queryByTestId("error-bar")).toBeNull();
  });

  it("keeps the admin method's Sync disabled until an admin is signed in, and shows a failed sign-in", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM], sync: { holdAdminSignIn: true } });
    await openPage(backend);

    // A kept client secret does not stand in for an admin sign-in.
    await fill(user);
    await user.click(button("conn-sync"));
    await screen.findByTestId("conn-synced");
    await waitFor(() => expect(screen.getByTestId("conn-secret-status").textContent).toContain("A secret is kept"));
    expect(button("conn-sync").disabled).toBe(false);

    await chooseMethod(user, "Admin sign-in");
    expect(button("conn-sync").disabled).toBe(true);
    expect(button("conn-test").disabled).toBe(true);
    expect(screen.queryByTestId("conn-admin-status")).toBeNull();
    // The backend would refuse it too.
    await expect(
      backend.syncTenant({ tenantId: "fabrikam", clientId: CLIENT, clientSecret: "", delegated: true, graphUrl: null, authorityUrl: null }),
    ).rejects.toMatchObject({ kind: "invalidInput", message: MOCK_NO_ADMIN_MESSAGE });

    // A sign-in in the browser that fails leaves Sync disabled.
    await user.click(button("conn-admin-browser"));
    await waitFor(() =>
      expect(screen.getByTestId("conn-admin-progress").textContent).toContain(
        "Your browser opened Entra's sign-in page. If it did not, open: https://login.microsoftonline.com/fabrikam/",
      ),
    );
    expect(screen.queryByTestId("conn-admin-code")).toBeNull();
    expect(backend.callsOf("signInAdmin").at(-1)![0]).toMatchObject({ deviceCode: false });
    backend.finishAdminSignIn(new BackendError("invalidInput", "AADSTS50126: Error validating credentials"));
    const error = await screen.findByTestId("error-bar");
    expect(error.textContent).toContain("Admin sign-in failed");
    expect(error.textContent).toContain("AADSTS50126");
    expect(screen.queryByTestId("conn-admin-progress")).toBeNull();
    expect(screen.queryByTestId("conn-admin-note")).toBeNull();
    expect(button("conn-sync").disabled).toBe(true);

    // Signed in: Sync is enabled, for this app registration only.
    await user.click(button("conn-admin-browser"));
    await screen.findByTestId("conn-admin-progress");
    backend.finishAdminSignIn();
    await screen.findByTestId("conn-admin-status");
    expect(screen.queryByTestId("error-bar")).toBeNull();
    expect(button("conn-sync").disabled).toBe(false);
    await user.clear(input("conn-client"));
    await user.type(input("conn-client"), "99999999-2222-3333-4444-555555555555");
    await waitFor(() => expect(screen.queryByTestId("conn-admin-status")).toBeNull());
    expect(screen.queryByTestId("conn-admin-note")).toBeNull();
    expect(button("conn-sync").disabled).toBe(true);
  });

  it("signs the admin out: the sign-in is forgotten and Sync is disabled again", async () => {
    const user = userEvent.setup();
    const backend = createMockBackend({ tenants: [FABRIKAM] });
    await openPage(backend);

    await chooseMethod(user, "Admin sign-in");
    await user.type(input("conn-client"), CLIENT);
    await user.click(button("conn-admin-browser"));
    await screen.findByTestId("conn-admin-note");
    await screen.findByTestId("conn-admin-status");
    expect(button("conn-sync").disabled).toBe(false);

    await user.click(button("conn-admin-sign-out"));
    await waitFor(() => expect(screen.queryByTestId("conn-admin-status")).toBeNull());
    expect(backend.callsOf("forgetSecret")).toEqual([["fabrikam", CLIENT, null]]);
    expect(screen.queryByTestId("conn-admin-note")).toBeNull();
    expect(button("conn-sync").disabled).toBe(true);
    expect((await backend.secretStatus("fabrikam", CLIENT, null)).adminSignedIn).toBe(false);
  });
});

describe("syncProgressText", () => {
  it("says the rate and the time left when they are known", () => {
    expect(
      syncProgressText({
        dataset: "signIns",
        items: 12_000,
        total: null,
        perSec: 4_000.4,
        etaSeconds: 200,
        etaText: "about 3 min left",
      }),
    ).toBe("Reading signIns: 12,000 items · 4,000/s · about 3 min left");
    expect(
      syncProgressText({ dataset: "applications", items: 0, total: null, perSec: 0, etaSeconds: null, etaText: null }),
    ).toBe("Reading applications: 0 items");
  });
});
