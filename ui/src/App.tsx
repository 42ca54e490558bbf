import { useCallback, useEffect, useRef, useState } from "react";
import {
  Badge,
  Button,
  Caption1,
  Dropdown,
  MessageBar,
  MessageBarBody,
  Option,
  Text,
  useRestoreFocusTarget,
} from "@fluentui/react-components";
import {
  ArrowImport20Regular,
  ArrowUpload20Regular,
  Board20Regular,
  DocumentData20Regular,
  Lightbulb20Regular,
  PeopleList20Regular,
  PlugConnected20Regular,
  Receipt20Regular,
  ShieldError20Regular,
  ShieldLock20Regular,
  PeopleAudience20Regular,
} from "@fluentui/react-icons";
import type { AppInfo, BackendError, ImportResult, SyncOutcome, TenantSummary } from "./ipc/backend";
import { toBackendError } from "./ipc/backend";
import { useBackend } from "./ipc/context";
import { useKeptAsync } from "./useAsync";
import { ErrorBar } from "./components/ErrorBar";
import { Loading } from "./components/Loading";
import { ImportDialog } from "./components/ImportDialog";
import { OverviewPage } from "./pages/OverviewPage";
import { IdentitiesPage } from "./pages/IdentitiesPage";
import { RecommendationsPage } from "./pages/RecommendationsPage";
import { LicensingPage } from "./pages/LicensingPage";
import { RiskPage } from "./pages/RiskPage";
import { ReportsPage } from "./pages/ReportsPage";
import { ConnectionsPage } from "./pages/ConnectionsPage";
import { AccessReviewsPage } from "./pages/AccessReviewsPage";
import { ChangesPage } from "./pages/ChangesPage";
import { ConditionalAccessPage } from "./pages/ConditionalAccessPage";
import { formatDateTime } from "./format";
import { useFocusBackAfterClose } from "./focus";

export type Route =
  | { page: "overview" }
  | { page: "identities"; detailId: string | null }
  | { page: "recommendations" }
  | { page: "risk" }
  | { page: "conditionalAccess" }
  | { page: "accessReviews" }
  | { page: "licensing" }
  | { page: "reports" }
  | { page: "changes" }
  | { page: "connections" };

export function App() {
  const backend = useBackend();
  // Kept while it reloads (after an import), so the shell and its open dialog stay on screen.
  const info = useKeptAsync(() => backend.appInfo(), [backend]);

  if (info.data === null) {
    if (info.error)
      return (
        <div className="page-pad">
          <ErrorBar error={info.error} onRetry={info.reload} />
        </div>
      );
    return <Loading label="Starting Steward…" />;
  }
  return <Shell info={info.data} infoError={info.error} reloadInfo={info.reload} />;
}

/** Each page's name, as its heading and the document title give it. */
export const PAGE_TITLES: Record<Route["page"], string> = {
  overview: "Overview",
  identities: "Identities",
  recommendations: "Recommendations",
  risk: "Risk",
  conditionalAccess: "Conditional access",
  accessReviews: "Access reviews",
  licensing: "Licensing",
  reports: "Reports",
  changes: "Changes",
  connections: "Connections",
};

/**
 * Steward and the tenant shown, as the end of every document title. The window's own title follows the document
 * title (`instance::open_main` in src-tauri), so the taskbar names the page and the tenant.
 */
export function windowTitle(tenant: Pick<TenantSummary, "displayName" | "isDemo"> | null): string {
  if (!tenant) return "Steward";
  return tenant.isDemo ? `Steward — ${tenant.displayName} (demo tenant)` : `Steward — ${tenant.displayName}`;
}

/** What the document title says on `page`: the page first, as screen readers announce a changed title. */
export function documentTitle(page: Route["page"], tenant: Pick<TenantSummary, "displayName" | "isDemo"> | null): string {
  return `${PAGE_TITLES[page]} — ${windowTitle(tenant)}`;
}

function pickInitialTenant(info: AppInfo): TenantSummary | null {
  return info.tenants.find((t) => t.id === info.activeTenantId) ?? info.tenants[0] ?? null;
}

function Shell({
  info,
  infoError,
  reloadInfo,
}: {
  info: AppInfo;
  /** Why the latest reload of the tenant list failed; the list on screen is the one before it. */
  infoError: BackendError | null;
  reloadInfo: () => void;
}) {
  const backend = useBackend();
  const [tenant, setTenant] = useState<TenantSummary | null>(() => pickInitialTenant(info));
  const [route, setRoute] = useState<Route>({ page: "overview" });
  const [switchError, setSwitchError] = useState<string | null>(null);
  const [switching, setSwitching] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  // Bumped by an import into the tenant on screen, so its page reloads with the imported data.
  const [dataVersion, setDataVersion] = useState(0);

  // New app info (after an import or a sync) picks the tenant again, during render rather than in
  // an effect, so the page never draws the old tenant with the new info.
  const [infoShown, setInfoShown] = useState(info);
  if (info !== infoShown) {
    setInfoShown(info);
    setTenant(pickInitialTenant(info));
  }

  const switchTenant = useCallback(
    async (tenantId: string) => {
      if (tenantId === tenant?.id) return;
      setSwitching(true);
      setSwitchError(null);
      try {
        const selected = await backend.selectTenant(tenantId);
        setTenant(selected);
        setRoute((r) => (r.page === "identities" ? { page: "identities", detailId: null } : r));
      } catch (e) {
        setSwitchError(toBackendError(e).message);
      } finally {
        setSwitching(false);
      }
    },
    [backend, tenant?.id],
  );

  const openIdentity = useCallback((id: string) => setRoute({ page: "identities", detailId: id }), []);

  // After an import: select the imported tenant (it becomes the backend's active one), then reload the
  // tenant list, which shows the active tenant with its new data.
  const onImported = useCallback(
    async (result: ImportResult) => {
      // A new tenant remounts the pages anyway; the same one reloads them.
      if (result.tenantId === tenant?.id) setDataVersion((v) => v + 1);
      else await switchTenant(result.tenantId);
      reloadInfo();
    },
    [switchTenant, reloadInfo, tenant?.id],
  );
  // After an import that stopped: a streamed archive may have kept sign-ins (of a tenant new to the list, too).
  const onImportStopped = useCallback(() => {
    setDataVersion((v) => v + 1);
    reloadInfo();
  }, [reloadInfo]);
  // After a sync: a tenant new to the cache is selected, as after an import; the tenant list reloads either way
  // (new name, new data-as-of). The Connections page is not remounted, so its summary of the sync stays.
  const onSynced = useCallback(
    async (outcome: SyncOutcome) => {
      const known = info.tenants.some((t) => t.id === outcome.tenantId);
      if (!known) await switchTenant(outcome.tenantId);
      else if (outcome.tenantId === tenant?.id) setDataVersion((v) => v + 1);
      reloadInfo();
    },
    [info.tenants, switchTenant, reloadInfo, tenant?.id],
  );
  const pageKey = `${tenant?.id ?? ""}#${dataVersion}`;
  // The Import button is where focus returns when the dialog closes: it is opened without a DialogTrigger, so
  // Fluent's restorer is told which element opened it (for the keyboard), and the dialog is too (for the mouse).
  const restoreFocusTarget = useRestoreFocusTarget();
  const importButton = useRef<HTMLButtonElement>(null);
  const importMotion = useFocusBackAfterClose(importButton);

  useEffect(() => {
    document.title = documentTitle(route.page, tenant);
  }, [route.page, tenant]);

  // After a page change, focus moves to the new page's heading (every page's h2 has tabIndex -1 and the id
  // `<page>-heading`), so keyboard and screen-reader users start at the top of the page they chose instead of
  // staying in the navigation. The first page keeps the focus where the window put it.
  const pageShown = useRef(route.page);
  useEffect(() => {
    if (pageShown.current === route.page) return;
    pageShown.current = route.page;
    document.getElementById(`${route.page}-heading`)?.focus();
  }, [route.page]);

  return (
    <div className="app">
      <header className="app-header">
        <Text as="h1" weight="semibold" size={500} className="app-title">
          Steward
        </Text>
        {tenant && (
          <div className="app-tenant">
            <Text weight="semibold" data-testid="tenant-name">
              {tenant.displayName}
            </Text>
            {tenant.isDemo && (
              <Badge appearance="filled" color="warning" data-testid="demo-badge">
                Demo tenant
              </Badge>
            )}
            {tenant.dataAsOf && <Caption1 className="app-asof">Data as of {formatDateTime(tenant.dataAsOf)}</Caption1>}
          </div>
        )}
        <div className="app-header-spacer" />
        {info.tenants.length > 1 && (
          <Dropdown
            data-testid="tenant-switcher"
            aria-label="Switch tenant"
            className="tenant-switcher"
            disabled={switching}
            value={tenant?.displayName ?? ""}
            selectedOptions={tenant ? [tenant.id] : []}
            onOptionSelect={(_, d) => {
              if (d.optionValue) void switchTenant(d.optionValue);
            }}
          >
            {info.tenants.map((t) => (
              <Option key={t.id} value={t.id} text={t.displayName}>
                {t.displayName}
              </Option>
            ))}
          </Dropdown>
        )}
      </header>
      <div className="app-body">
        <nav className="app-nav" aria-label="Main">
          <Button
            data-testid="nav-overview"
            appearance={route.page === "overview" ? "secondary" : "subtle"}
            aria-current={route.page === "overview" ? "page" : undefined}
            icon={<Board20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "overview" })}
          >
            Overview
          </Button>
          <Button
            data-testid="nav-identities"
            appearance={route.page === "identities" ? "secondary" : "subtle"}
            aria-current={route.page === "identities" ? "page" : undefined}
            icon={<PeopleList20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "identities", detailId: null })}
          >
            Identities
          </Button>
          <Button
            data-testid="nav-recommendations"
            appearance={route.page === "recommendations" ? "secondary" : "subtle"}
            aria-current={route.page === "recommendations" ? "page" : undefined}
            icon={<Lightbulb20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "recommendations" })}
          >
            Recommendations
          </Button>
          <Button
            data-testid="nav-risk"
            appearance={route.page === "risk" ? "secondary" : "subtle"}
            aria-current={route.page === "risk" ? "page" : undefined}
            icon={<ShieldError20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "risk" })}
          >
            Risk
          </Button>
          <Button
            data-testid="nav-conditionalAccess"
            appearance={route.page === "conditionalAccess" ? "secondary" : "subtle"}
            aria-current={route.page === "conditionalAccess" ? "page" : undefined}
            icon={<ShieldLock20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "conditionalAccess" })}
          >
            Conditional access
          </Button>
          <Button
            data-testid="nav-accessReviews"
            appearance={route.page === "accessReviews" ? "secondary" : "subtle"}
            aria-current={route.page === "accessReviews" ? "page" : undefined}
            icon={<PeopleAudience20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "accessReviews" })}
          >
            Access reviews
          </Button>
          <Button
            data-testid="nav-licensing"
            appearance={route.page === "licensing" ? "secondary" : "subtle"}
            aria-current={route.page === "licensing" ? "page" : undefined}
            icon={<Receipt20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "licensing" })}
          >
            Licensing
          </Button>
          <Button
            data-testid="nav-reports"
            appearance={route.page === "reports" ? "secondary" : "subtle"}
            aria-current={route.page === "reports" ? "page" : undefined}
            icon={<DocumentData20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "reports" })}
          >
            Reports
          </Button>
          <Button
            data-testid="nav-changes"
            appearance={route.page === "changes" ? "secondary" : "subtle"}
            aria-current={route.page === "changes" ? "page" : undefined}
            icon={<ArrowUpload20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "changes" })}
          >
            Changes
          </Button>
          <Button
            data-testid="nav-connections"
            appearance={route.page === "connections" ? "secondary" : "subtle"}
            aria-current={route.page === "connections" ? "page" : undefined}
            icon={<PlugConnected20Regular />}
            className="nav-item"
            onClick={() => setRoute({ page: "connections" })}
          >
            Connections
          </Button>
          <Button
            data-testid="nav-import"
            appearance="subtle"
            icon={<ArrowImport20Regular />}
            className="nav-item"
            aria-haspopup="dialog"
            {...restoreFocusTarget}
            ref={importButton}
            onClick={() => setImportOpen(true)}
          >
            Import…
          </Button>
          <div className="app-nav-spacer" />
          <Caption1 className="app-version">v{info.version}</Caption1>
        </nav>
        <main className="app-main">
          {infoError && (
            <div className="page-pad">
              <ErrorBar error={infoError} onRetry={reloadInfo} />
            </div>
          )}
          {switchError && (
            <MessageBar intent="error">
              <MessageBarBody>{switchError}</MessageBarBody>
            </MessageBar>
          )}
          {route.page === "connections" ? (
            // Reachable without a tenant too: a sync is one way to get the first one.
            <ConnectionsPage tenantId={tenant?.id ?? null} isDemo={tenant?.isDemo ?? false} onSynced={onSynced} />
          ) : !tenant ? (
            <div className="page-pad">
              <MessageBar intent="warning" data-testid="no-tenants">
                <MessageBarBody>
                  No tenant data found in {info.dbPath}. Sync a tenant from Microsoft Graph under Connections or
                  import Graph JSON exports with Import… on the left, or load the demo tenant and restart Steward.
                </MessageBarBody>
              </MessageBar>
            </div>
          ) : route.page === "overview" ? (
            <OverviewPage key={pageKey} tenantId={tenant.id} onOpenIdentity={openIdentity} />
          ) : route.page === "recommendations" ? (
            <RecommendationsPage key={pageKey} tenantId={tenant.id} onOpenIdentity={openIdentity} />
          ) : route.page === "risk" ? (
            <RiskPage key={pageKey} tenantId={tenant.id} onOpenIdentity={openIdentity} />
          ) : route.page === "conditionalAccess" ? (
            <ConditionalAccessPage
              key={pageKey}
              tenantId={tenant.id}
              dataAsOf={tenant.dataAsOf}
              onOpenIdentity={openIdentity}
              onOpenChanges={() => setRoute({ page: "changes" })}
            />
          ) : route.page === "accessReviews" ? (
            <AccessReviewsPage
              key={pageKey}
              tenantId={tenant.id}
              dataAsOf={tenant.dataAsOf}
              onOpenIdentity={openIdentity}
              onOpenChanges={() => setRoute({ page: "changes" })}
            />
          ) : route.page === "licensing" ? (
            <LicensingPage
              key={pageKey}
              tenantId={tenant.id}
              onOpenIdentity={openIdentity}
              onOpenReviews={() => setRoute({ page: "accessReviews" })}
            />
          ) : route.page === "reports" ? (
            <ReportsPage key={pageKey} tenantId={tenant.id} tenants={info.tenants} />
          ) : route.page === "changes" ? (
            <ChangesPage key={pageKey} tenantId={tenant.id} onPush={() => setRoute({ page: "connections" })} />
          ) : (
            <IdentitiesPage
              key={pageKey}
              tenantId={tenant.id}
              detailId={route.detailId}
              onOpenDetail={(id) => setRoute({ page: "identities", detailId: id })}
            />
          )}
        </main>
      </div>
      <ImportDialog
        open={importOpen}
        onClose={() => setImportOpen(false)}
        onImported={onImported}
        onStopped={onImportStopped}
        surfaceMotion={importMotion}
      />
    </div>
  );
}
