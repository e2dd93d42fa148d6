// Interleaved rounds: round 1 of every system, then round 2 of every system, and so on, so that a
// machine that drifts (other load, a warming cache) drifts under every system alike. Each system's
// figures are the median over its rounds.
import { hasAnomalies } from './anomalies.mjs';
import { isMissingRoute } from './load.mjs';
import { medianOfRounds } from './stats.mjs';

/**
 * Runs `systems` (`{ name, run(round) }`) for `rounds` rounds, interleaved. A failed round is kept as
 * `{ error }` and the others go on; a system whose route is missing (404) is not tried again.
 * Answers each system's median result (see medianOfRounds) with its raw rounds.
 */
export async function interleave(systems, rounds, log) {
  const results = Object.fromEntries(systems.map((system) => [system.name, []]));
  const unavailable = new Set();
  for (let round = 1; round <= rounds; round += 1) {
    for (const system of systems) {
      if (unavailable.has(system.name)) {
        continue;
      }
      const started = Date.now();
      try {
        const result = await system.run(round);
        results[system.name].push(result);
        log(
          `  round ${round}/${rounds} ${system.name}: ${system.describe?.(result) ?? 'done'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
      } catch (error) {
        const missing = isMissingRoute(error);
        results[system.name].push({
          error: missing ? `unavailable: ${error.message}` : error.message,
          details: error.details,
        });
        log(
          `  round ${round}/${rounds} ${system.name}: ${missing ? 'UNAVAILABLE' : 'FAILED'}: ${error.message.slice(0, 500)}`,
        );
        if (missing) {
          unavailable.add(system.name);
        }
      }
    }
  }
  return Object.fromEntries(
    systems.map((system) => {
      const all = results[system.name];
      const anomalies = all
        .map((result, index) => ({ round: index + 1, ...result.anomalies }))
        .filter((entry) => entry.notSucceeded !== undefined && hasAnomalies(entry));
      return [system.name, { ...medianOfRounds(all), anomalies, rounds: all }];
    }),
  );
}
