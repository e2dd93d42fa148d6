import { type EdgeLabel, Graph, type GraphLabel, layout, type NodeLabel } from '@dagrejs/dagre';
import type { Workflow, WorkflowJob } from '@meridian/client/browser';
import { useMemo } from 'preact/hooks';

const NODE_WIDTH = 180;
const NODE_HEIGHT = 56;

interface Placed {
  nodes: { job: WorkflowJob; x: number; y: number }[];
  edges: { from: string; to: string; onFailure: string; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

/** Lays the DAG out left to right with dagre (layered, few crossings); diamonds are fine. */
function place(workflow: Workflow): Placed {
  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>();
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 56, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const job of workflow.jobs) {
    graph.setNode(job.key, { width: NODE_WIDTH, height: NODE_HEIGHT });
  }
  for (const edge of workflow.edges) {
    graph.setEdge(edge.from, edge.to);
  }
  layout(graph);
  const byKey = new Map(workflow.jobs.map((job) => [job.key, job]));
  return {
    nodes: graph.nodes().map((key) => {
      const node = graph.node(key);
      return { job: byKey.get(key) as WorkflowJob, x: node.x ?? 0, y: node.y ?? 0 };
    }),
    edges: workflow.edges.map((edge) => ({
      ...edge,
      points: graph.edge(edge.from, edge.to)?.points ?? [],
    })),
    width: graph.graph().width ?? 0,
    height: graph.graph().height ?? 0,
  };
}

interface WorkflowGraphProps {
  workflow: Workflow;
  selected: string | null;
  onSelect: (key: string) => void;
}

/**
 * The workflow drawn as its graph: one box per job, coloured and labelled by its latest execution's
 * status, one arrow per dependency (dashed when a failure lets the dependent run anyway). Each box
 * is a button: Tab reaches it, Enter or Space selects it.
 */
export function WorkflowGraph({ workflow, selected, onSelect }: WorkflowGraphProps) {
  const placed = useMemo(() => place(workflow), [workflow]);
  return (
    <div class="graph-frame">
      <svg
        class="workflow-graph"
        width={placed.width}
        height={placed.height}
        viewBox={`0 0 ${placed.width} ${placed.height}`}
        role="group"
        aria-label={`Graph of workflow ${workflow.name}`}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
          </marker>
        </defs>
        {placed.edges.map((edge) => (
          <path
            key={`${edge.from}->${edge.to}`}
            class={`edge on-failure-${edge.onFailure}`}
            d={edge.points.map((point, index) => `${index === 0 ? 'M' : 'L'} ${point.x} ${point.y}`).join(' ')}
            marker-end="url(#arrow)"
          >
            <title>
              {edge.to} runs after {edge.from} (on failure: {edge.onFailure})
            </title>
          </path>
        ))}
        {placed.nodes.map(({ job, x, y }) => (
          <g
            key={job.key}
            class={`node status-${job.status.toLowerCase()}${selected === job.key ? ' selected' : ''}`}
            transform={`translate(${x - NODE_WIDTH / 2} ${y - NODE_HEIGHT / 2})`}
            role="button"
            // Lower case: on an SVG element the attribute is taken as written, and only `tabindex` counts.
            tabindex={0}
            aria-pressed={selected === job.key}
            aria-label={`${job.key}: ${job.status}`}
            data-key={job.key}
            data-status={job.status}
            onClick={() => onSelect(job.key)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                onSelect(job.key);
              }
            }}
          >
            <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx="6" />
            <text x="10" y="22" class="node-key">
              {truncate(job.key, 20)}
            </text>
            <text x="10" y="42" class="node-status">
              {job.status}
              {job.attempt > 1 ? ` · attempt ${job.attempt}` : ''}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
