// Readers of /proc for the processes a benchmark runs: CPU time (utime + stime) and peak resident
// memory (VmHWM). Linux only; on anything else they answer NaN rather than fail the run.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat's times; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) `pid` has used so far, NaN if it cannot be read. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** A field of /proc/<pid>/status in MiB (`VmHWM` peak resident, `VmRSS` current), NaN if unknown. */
export function statusMiB(pid, field) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Peak resident memory of `pid` in MiB. */
export function peakRssMiB(pid) {
  return statusMiB(pid, 'VmHWM');
}

/**
 * CPU meter over named processes: `start()` reads each one's CPU seconds, `stop()` answers the
 * seconds each used since.
 */
export function cpuMeter(pids) {
  let before = {};
  return {
    start() {
      before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
    },
    stop() {
      return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid) - before[name]]));
    },
  };
}

export function machineInfo() {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model ?? 'unknown' };
}

/**
 * CPU meter over the Postgres backends serving database `name` (this machine's Postgres only):
 * backends that connect during the measurement count from zero; ones that disconnect before its end
 * are missed. `client` is any connection to the same Postgres (it is itself excluded).
 */
export function postgresMeter(client, name) {
  let before = new Map();
  const backends = async () => {
    const { rows } = await client.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [name],
    );
    return rows.map((row) => row.pid);
  };
  return {
    async start() {
      before = new Map((await backends()).map((pid) => [pid, cpuSeconds(pid)]));
    },
    async stop() {
      let total = 0;
      for (const pid of await backends()) {
        const now = cpuSeconds(pid);
        if (Number.isFinite(now)) {
          total += now - (before.get(pid) ?? 0);
        }
      }
      return total;
    },
  };
}
