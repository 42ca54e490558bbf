import type { Dataset } from "../ipc/backend";
import { datasetLabel } from "../datasets";

/** A dataset in a table cell: the admin's label, with Graph's name in small monospace under it. */
export function DatasetName({ dataset }: { dataset: Dataset }) {
  const label = datasetLabel(dataset);
  return (
    <span className="dataset-name">
      <span className="dataset-label">{label}</span>
      {<span className="dataset-graph-name mono secondary">{dataset}</span>}
    </span>
  );
}
