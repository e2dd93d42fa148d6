// What must be undone however the run ends (a failed benchmark, Ctrl-C): stacks to stop, databases
// and Redis prefixes to drop. Each benchmark removes its own entries once it has cleaned up itself.
const tasks = new Set();

/** Registers `task`; answers a function that unregisters it. */
export function onCleanup(task) {
  tasks.add(task);
  return () => tasks.delete(task);
}

/** Runs every registered task, newest first, each at most once. */
export async function cleanupAll() {
  for (const task of [...tasks].reverse()) {
    tasks.delete(task);
    await Promise.resolve()
      .then(task)
      .catch((error) => console.error(`cleanup failed: ${error.message}`));
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}
