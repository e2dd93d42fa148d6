// The benchmarks by id, each loaded only when asked for (report.mjs sets the configuration first).
export const BENCHMARKS = {
  b1: async () => (await import('../b1-throughput.mjs')).b1,
  b2: async () => (await import('../b2-peers.mjs')).b2,
  b3: async () => (await import('../b3-latency.mjs')).b3,
  b4: async () => (await import('../b4-timing.mjs')).b4,
  b5: async () => (await import('../b5-growth.mjs')).b5,
  b6: async () => (await import('../b6-workflows.mjs')).b6,
};
