// The child side of child.mjs: node child-entry.mjs <module> <function> <json arguments>. Prints the
// result on one line, with the process's CPU seconds and peak RSS added as `process`.
import { cpuSeconds, peakRssMiB } from './proc.mjs';

const [module, fn, args] = process.argv.slice(2);
const MARKER = '@@bench-result ';
try {
  const imported = await import(new URL(module, import.meta.url).href);
  const result = await imported[fn](JSON.parse(args));
  const proc = { cpuSeconds: cpuSeconds(process.pid), peakRssMiB: peakRssMiB(process.pid) };
  process.stdout.write(`${MARKER}${JSON.stringify({ result: { ...result, process: proc } })}\n`);
  process.exit(0);
} catch (error) {
  process.stdout.write(`${MARKER}${JSON.stringify({ error: error?.stack ?? String(error) })}\n`);
  process.exit(1);
}
