import { useState } from "react";
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Checkbox,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
  Title3,
} from "@fluentui/react-components";
import { Add20Regular } from "@fluentui/react-icons";
import {
  toBackendError,
  type AccessReview,
  type BackendError,
  type Decision,
  type DefaultDecision,
  type Format,
  type NewReview,
  type Recurrence,
  type ReportArgs,
  type ReviewItem,
  type ReviewScope,
} from "../ipc/backend";
import { useBackend } from "../ipc/context";
import { useKeptAsync } from "../useAsync";
import { ErrorBar } from "../components/ErrorBar";
import { Loading } from "../components/Loading";
import { ScrollRegion } from "../components/ScrollRegion";
import { addDays, formatDate, formatDateTime, isoDay, kindLabel, plural } from "../format";
import { ActionDialog } from "./identity/ManageDialogs";
import { ServicePrincipalPicker, type Picked } from "./ca/ServicePrincipalPicker";

const RECURRENCE: Record<Recurrence, string> = {
  once: "Once",
  weekly: "Weekly",
  monthly: "Monthly",
  quarterly: "Quarterly",
  semiAnnually: "Semi-annually",
  annually: "Annually",
};

const IF_NO_RESPONSE: Record<DefaultDecision, string> = {
  noChange: "No change",
  removeAccess: "Remove access",
  approveAccess: "Approve access",
  takeRecommendations: "Take Entra's recommendations",
};

const DECISION: Record<Decision, { label: string; color: "informative" | "success" | "danger" | "warning" }> = {
  notReviewed: { label: "Not reviewed", color: "informative" },
  approve: { label: "Approved", color: "success" },
  deny: { label: "Denied", color: "danger" },
  dontKnow: { label: "Don't know", color: "warning" },
};

/**
 * Access reviews of privileged workload identities: service principals and managed identities holding privileged
 * directory roles or high-risk Graph permissions, each decided with a justification; completing a review can queue
 * the denials' removals for the next push, and its evidence exports in every report format.
 */
export function AccessReviewsPage({
  tenantId,
  dataAsOf,
  onOpenIdentity,
  onOpenChanges,
}: {
  tenantId: string;
  dataAsOf: string | null;
  onOpenIdentity: (id: string) => void;
  onOpenChanges: () => void;
}) {
  const backend = useBackend();
  const reviews = useKeptAsync(() => backend.accessReviews(tenantId), [backend, tenantId]);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const list = reviews.data ?? [];
  const review = list.find((r) => r.id === selected) ?? list[0] ?? null;
  const today = isoDay(dataAsOf ? new Date(dataAsOf) : new Date());

  return (
    <section data-testid="page-accessReviews" className="page page-pad" aria-labelledby="reviews-heading">
      <div className="page-header-text">
        <Title3 as="h2" id="reviews-heading" tabIndex={-1}>
          Access reviews
        </Title3>
        <Caption1 className="secondary">
          Reviews of the service principals and managed identities that hold privileged directory roles (active or
          eligible) or high-risk Microsoft Graph permissions. Reviewers approve or deny each with a reason; completing a
          review can queue the removal of every denial&apos;s access, sent to Entra by the next push. Managed identities
          covered by a completed review count toward Workload ID Premium.
        </Caption1>
      </div>
      <div className="actions">
        <Button appearance="primary" icon={<Add20Regular />} data-testid="review-new" onClick={() => setCreating(true)}>
          New review…
        </Button>
      </div>
      {reviews.error && <ErrorBar error={reviews.error} onRetry={reviews.reload} />}
      {reviews.data === null && !reviews.error && <Loading label="Reading the reviews…" />}
      {reviews.data !== null && <span data-testid="reviews-loaded" hidden />}
      {reviews.data !== null && list.length === 0 && (
        <MessageBar layout="multiline" intent="info" data-testid="review-empty">
          <MessageBarBody>
            <MessageBarTitle>No review yet</MessageBarTitle>
            Start one with New review…: it takes a snapshot of who holds privileged access now.
          </MessageBarBody>
        </MessageBar>
      )}
      {list.length > 1 && (
        <Field label="Review">
          <Select value={review?.id ?? ""} onChange={(_, d) => setSelected(d.value)} data-testid="review-select">
            {list.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.status === "completed" ? "completed" : `due ${formatDate(r.due)}`})
              </option>
            ))}
          </Select>
        </Field>
      )}
      {review && (
        <ReviewDetail
          key={review.id}
          tenantId={tenantId}
          review={review}
          onChanged={reviews.reload}
          onOpenIdentity={onOpenIdentity}
          onOpenChanges={onOpenChanges}
        />
      )}
      {creating && (
        <NewReviewDialog
          tenantId={tenantId}
          defaultDue={addDays(today, 14)}
          onClose={() => setCreating(false)}
          onCreated={(r) => {
            setCreating(false);
            setSelected(r.id);
            reviews.reload();
          }}
        />
      )}
    </section>
  );
}

function NewReviewDialog({
  tenantId,
  defaultDue,
  onClose,
  onCreated,
}: {
  tenantId: string;
  defaultDue: string;
  onClose: () => void;
  onCreated: (r: AccessReview) => void;
}) {
  const backend = useBackend();
  const candidates = useKeptAsync(() => backend.reviewCandidates(tenantId), [backend, tenantId]);
  const [name, setName] = useState("");
  const [reviewers, setReviewers] = useState("");
  const [due, setDue] = useState(defaultDue);
  const [recurrence, setRecurrence] = useState<Recurrence>("once");
  const [ifNoResponse, setIfNoResponse] = useState<DefaultDecision>("noChange");
  const [scope, setScope] = useState<ReviewScope>("privileged");
  const [chosen, setChosen] = useState<Picked[]>([]);
  const review: NewReview = {
    name: name.trim(),
    scope,
    ids: scope === "selected" ? chosen.map((p) => p.id) : [],
    reviewers: reviewers
      .split(/[,;\n]/)
      .map((r) => r.trim())
      .filter((r) => r !== ""),
    due: `${due}T23:59:59.999Z`,
    recurrence,
    defaultDecision: ifNoResponse,
  };
  return (
    <ActionDialog<AccessReview>
      open
      title="New access review"
      testId="review-dialog"
      action="Create review"
      disabled={
        review.name === "" || review.reviewers.length === 0 || due === "" || (scope === "selected" && chosen.length === 0)
      }
      onClose={onClose}
      onDone={onCreated}
      run={() => backend.createAccessReview(tenantId, review)}
    >
      <Field label="Name" required>
        <Input value={name} onChange={(_, d) => setName(d.value)} data-testid="review-name" />
      </Field>
      <RadioGroup value={scope} onChange={(_, d) => setScope(d.value as ReviewScope)} aria-label="Who the review covers">
        <Radio value="privileged" label="Every identity with privileged access" />
        <Radio value="selected" label="Identities I choose" />
      </RadioGroup>
      {scope === "privileged" ? (
        <Body1 data-testid="review-scope">
          {candidates.data === null
            ? "Counting who holds privileged access…"
            : `Reviews ${plural(candidates.data.length, "identity", "identities")} that hold privileged roles or high-risk permissions now.`}
        </Body1>
      ) : (
        <ServicePrincipalPicker tenantId={tenantId} label="Identities" testId="review-ids" picked={chosen} onChange={setChosen} />
      )}
      <Field label="Reviewers" required hint="Names, separated by commas: Entra reviews service principals by selected users only.">
        <Input value={reviewers} onChange={(_, d) => setReviewers(d.value)} data-testid="review-reviewers" />
      </Field>
      <Field label="Due (UTC, end of day)">
        <Input type="date" value={due} onChange={(_, d) => setDue(d.value)} data-testid="review-due" />
      </Field>
      <Field label="Recurrence">
        <Select value={recurrence} onChange={(_, d) => setRecurrence(d.value as Recurrence)} data-testid="review-recurrence">
          {(Object.keys(RECURRENCE) as Recurrence[]).map((r) => (
            <option key={r} value={r}>
              {RECURRENCE[r]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="If nobody decides">
        <Select
          value={ifNoResponse}
          onChange={(_, d) => setIfNoResponse(d.value as DefaultDecision)}
          data-testid="review-if-no-response"
        >
          {(Object.keys(IF_NO_RESPONSE) as DefaultDecision[]).map((d) => (
            <option key={d} value={d}>
              {IF_NO_RESPONSE[d]}
            </option>
          ))}
        </Select>
      </Field>
      {candidates.error && <ErrorBar error={candidates.error} />}
    </ActionDialog>
  );
}

function ReviewDetail({
  tenantId,
  review,
  onChanged,
  onOpenIdentity,
  onOpenChanges,
}: {
  tenantId: string;
  review: AccessReview;
  onChanged: () => void;
  onOpenIdentity: (id: string) => void;
  onOpenChanges: () => void;
}) {
  const backend = useBackend();
  const [deciding, setDeciding] = useState<ReviewItem | null>(null);
  const [completing, setCompleting] = useState(false);
  const [apply, setApply] = useState(true);
  const done = review.status === "completed";
  const decided = review.items.filter((i) => i.decision !== "notReviewed").length;
  const queued = review.items.reduce((n, i) => n + i.applied.length, 0);
  return (
    <Card data-testid="review-detail" data-status={review.status}>
      <CardHeader
        header={
          <Text weight="semibold" className="break">
            {review.name}
          </Text>
        }
        description={
          <Caption1 className="secondary">
            {done ? `Completed ${formatDateTime(review.completed)} by ${review.completedBy ?? "?"}` : `Due ${formatDate(review.due)}`}{" "}
            · reviewers {review.reviewers.join(", ")} · {RECURRENCE[review.recurrence].toLowerCase()} · if nobody decides:{" "}
            {IF_NO_RESPONSE[review.defaultDecision].toLowerCase()}
          </Caption1>
        }
      />
      <Body1 data-testid="review-progress">
        {decided} of {plural(review.items.length, "identity", "identities")} decided.
        {done && review.applied && queued > 0 && (
          <>
            {" "}
            {plural(queued, "removal")} queued:{" "}
            <Link as="button" onClick={onOpenChanges}>
              push them from Changes
            </Link>
            .
          </>
        )}
      </Body1>
      <ScrollRegion label="Identities under review">
        <Table size="small" className="wide-table" aria-label="Identities under review" data-testid="review-items">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Identity</TableHeaderCell>
              <TableHeaderCell>Privileged access</TableHeaderCell>
              <TableHeaderCell style={{ width: 150 }}>Last used</TableHeaderCell>
              <TableHeaderCell>Recommended</TableHeaderCell>
              <TableHeaderCell>Decision</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {review.items.map((i) => (
              <TableRow key={i.id} data-testid="review-item" data-id={i.id} data-decision={i.decision}>
                <TableCell className="top">
                  <Link as="button" className="break" onClick={() => onOpenIdentity(i.id)}>
                    {i.displayName}
                  </Link>
                  <Caption1 className="secondary block">{kindLabel(i.kind)}</Caption1>
                </TableCell>
                <TableCell className="top">
                  <ul className="plain-list">
                    {i.reasons.map((r) => (
                      <li key={r}>
                        <Caption1 className="break">{r}</Caption1>
                      </li>
                    ))}
                  </ul>
                </TableCell>
                <TableCell className="top">
                  <Caption1 className="block">Sign-in: {formatDate(i.lastSignIn)}</Caption1>
                  <Caption1 className="block secondary">Credential: {formatDate(i.lastCredentialUse)}</Caption1>
                </TableCell>
                <TableCell className="top">
                  <Badge appearance="outline" color={i.recommendation === "approve" ? "success" : i.recommendation === "deny" ? "danger" : "informative"}>
                    {i.recommendation === "noInfoAvailable" ? "No information" : i.recommendation === "approve" ? "Approve" : "Deny"}
                  </Badge>
                  <Caption1 className="secondary block">{i.recommendationReason}</Caption1>
                </TableCell>
                <TableCell className="top">
                  <Badge appearance="filled" color={DECISION[i.decision].color} data-testid="review-item-decision">
                    {DECISION[i.decision].label}
                  </Badge>
                  {i.justification && (
                    <Caption1 className="block break">
                      “{i.justification}” — {i.decidedBy}
                    </Caption1>
                  )}
                  {i.applied.map((a) => (
                    <Caption1 key={a} className="secondary block break" data-testid="review-item-applied">
                      Queued: {a}
                    </Caption1>
                  ))}
                  {!done && (
                    <Button size="small" data-testid="review-item-decide" onClick={() => setDeciding(i)}>
                      Decide…
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </ScrollRegion>
      <div className="actions">
        {!done && (
          <Button appearance="primary" data-testid="review-complete" onClick={() => setCompleting(true)}>
            Complete review…
          </Button>
        )}
        <ExportEvidence tenantId={tenantId} reviewId={review.id} />
      </div>
      {deciding && (
        <DecideDialog
          tenantId={tenantId}
          reviewId={review.id}
          item={deciding}
          onClose={() => setDeciding(null)}
          onDone={() => {
            setDeciding(null);
            onChanged();
          }}
        />
      )}
      <ActionDialog<AccessReview>
        open={completing}
        title={`Complete ${review.name}?`}
        testId="review-complete-dialog"
        action="Complete"
        onClose={() => setCompleting(false)}
        onDone={() => {
          setCompleting(false);
          onChanged();
        }}
        run={() => backend.completeAccessReview(tenantId, review.id, apply)}
      >
        <Body1>
          {review.items.length - decided > 0
            ? `${plural(review.items.length - decided, "identity", "identities")} not decided: ${IF_NO_RESPONSE[review.defaultDecision].toLowerCase()}, as the review says.`
            : "Every identity is decided."}{" "}
          Decisions are final once the review is complete.
        </Body1>
        <Checkbox
          label="Apply the denials: queue the removal of each denied identity's privileged roles and permissions"
          checked={apply}
          onChange={(_, d) => setApply(!!d.checked)}
          data-testid="review-apply"
        />
      </ActionDialog>
    </Card>
  );
}

function DecideDialog({
  tenantId,
  reviewId,
  item,
  onClose,
  onDone,
}: {
  tenantId: string;
  reviewId: string;
  item: ReviewItem;
  onClose: () => void;
  onDone: () => void;
}) {
  const backend = useBackend();
  const [decision, setDecision] = useState<Decision>(item.decision === "notReviewed" ? "approve" : item.decision);
  const [justification, setJustification] = useState(item.justification ?? "");
  return (
    <ActionDialog<AccessReview>
      open
      title={`Decide on ${item.displayName}`}
      testId="review-decide-dialog"
      action="Save decision"
      disabled={justification.trim() === ""}
      onClose={onClose}
      onDone={onDone}
      run={() => backend.decideAccessReview(tenantId, reviewId, item.id, decision, justification.trim())}
    >
      <Caption1 className="secondary">
        Recommended: {item.recommendation === "noInfoAvailable" ? "no information" : item.recommendation}. {item.recommendationReason}.
      </Caption1>
      <RadioGroup value={decision} onChange={(_, d) => setDecision(d.value as Decision)} data-testid="review-decision">
        <Radio value="approve" label="Approve: keep its access" />
        <Radio value="deny" label="Deny: remove its privileged access" />
        <Radio value="dontKnow" label="Don't know" />
      </RadioGroup>
      <Field label="Justification" required hint="The review's evidence keeps it.">
        <Textarea value={justification} onChange={(_, d) => setJustification(d.value)} data-testid="review-justification" />
      </Field>
    </ActionDialog>
  );
}

/** Saves the review's evidence (the access-review report) in a chosen format through the native save dialog. */
function ExportEvidence({ tenantId, reviewId }: { tenantId: string; reviewId: string }) {
  const backend = useBackend();
  const [format, setFormat] = useState<Format>("html");
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const go = async () => {
    const args: ReportArgs = { tenantId, kind: "access-review", asOf: null, days: null, sp: null, review: reviewId };
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const path = await backend.chooseReportPath(args, format);
      if (path) {
        const result = await backend.exportReport(args, format, path, false);
        setSaved(result.path);
      }
    } catch (e) {
      setError(toBackendError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Select
        value={format}
        onChange={(_, d) => setFormat(d.value as Format)}
        aria-label="Evidence format"
        data-testid="review-export-format"
      >
        {(["html", "pdf", "xlsx", "csv", "json"] as Format[]).map((f) => (
          <option key={f} value={f}>
            {f.toUpperCase()}
          </option>
        ))}
      </Select>
      <Button disabled={busy} data-testid="review-export" onClick={() => void go()}>
        {busy ? "Saving…" : "Export evidence…"}
      </Button>
      {saved && (
        <Caption1 data-testid="review-exported" className="break">
          Saved {saved}
        </Caption1>
      )}
      {error && <ErrorBar error={error} />}
    </>
  );
}
