import { Spinner } from "@fluentui/react-components";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading">
      <Spinner size="medium" label={label} />
    </div>
  );
}
