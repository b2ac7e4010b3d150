// `npm run check-scenario -- FILE|NAME…`: validates scenario files and prints a one-line summary of each,
// or every problem with its JSON path. Exits 1 if any file is invalid.
import { EVENT_SPECS } from '../scenario/catalogue';
import { loadScenarioFile } from '../scenario/load';

const names = process.argv.slice(2);
if (names.length === 0) {
  process.stderr.write('usage: npm run check-scenario -- <file.json | shipped name> …\n');
  process.exit(2);
}
let failed = false;
for (const name of names) {
  try {
    const s = loadScenarioFile(name);
    const threats = s.timeline.filter((e) => EVENT_SPECS[e.what].threat !== null).length;
    process.stdout.write(`ok ${name}: "${s.name}", ${s.durationS} s, ${s.nodes.length} nodes, ${s.timeline.length} events (${threats} threats), ${s.faults.length} faults\n`);
  } catch (error) {
    failed = true;
    process.stderr.write(`${(error as Error).message}\n`);
  }
}
process.exit(failed ? 1 : 0);
