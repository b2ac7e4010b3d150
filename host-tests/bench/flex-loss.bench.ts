/**
 * `npm run --silent bench:flex-loss -- [--json]`: glass breaks on a window (on its glass: the pane's flex
 * required) at set delays after its accelerometer died (reads zeros, repeats one reading, or delivers
 * nothing), played on the real firmware and the embedded aedes broker in virtual time. Prints, per way of
 * dying and delay, how many breaks reached the subscriber and when, from the break's onset; with --json the
 * last line is the same as JSON.
 *
 * The health check raises the accelerometer's fault 2–4 s after it dies. A break before that waits for a flex
 * that cannot come; since the node judges those candidates again when the fault is raised, they arrive then.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedBroker } from '../../simulator/broker/embedded';
import { RunSession } from '../../simulator/run/session';
import { SIGNAL_LIBRARY, SIMULATOR_FIRMWARE } from '../../simulator/run/stack';
import { parseScenario } from '../../simulator/scenario/validate';

/** Seconds from the accelerometer's death to the break; negative: the break comes first (the flex is seen). */
const DELAYS_S = [-1, 0.2, 0.5, 0.9, 1.3, 1.7, 2.1, 2.5, 2.9, 3.3, 3.7, 5];
const LEVELS_DB = [15, 30];
const SEEDS = [1, 2];
const DEATHS = ['sensor_flat', 'sensor_stuck', 'sensor_missing'] as const;
type Death = (typeof DEATHS)[number];
const DEAD_AT_S = 4;
const AFTER_S = 7;

interface Trial {
  death: Death;
  delayS: number;
  levelDb: number;
  seed: number;
  /** Break onset to the glass_break alert at the subscriber, ms; null: none came. */
  arrivedAfterMs: number | null;
  /** The sensor_fault alert's arrival after the break's onset, ms (negative: before it). */
  faultAfterMs: number | null;
}

function scenario(death: Death, delayS: number, levelDb: number, seed: number) {
  const breakAtS = DEAD_AT_S + delayS;
  return parseScenario({
    format: 'vitrine-scenario/1', name: `break ${delayS} s after the accelerometer died`, seed, durationS: Math.max(breakAtS, DEAD_AT_S) + AFTER_S,
    site: { id: 'lab', name: 'Lab', plan: { rooms: [{ id: 'hall', name: 'Bench hall', floor: '0', rect: { x: 0, y: 0, widthM: 8, heightM: 2 } }] } },
    nodes: [{
      id: 'window', role: 'window', position: { x: 4, y: 1 }, mounting: { surface: 'glass', orientation: 'vertical' },
      location: { building: 'Lab', floor: '0', room: 'Bench hall', element: 'window pane', label: 'window' },
    }],
    timeline: [{ at: breakAtS, what: 'glass_break', where: { node: 'window' }, params: { levelDb } }],
    faults: [{ at: DEAD_AT_S, kind: death, node: 'window', sensor: 'accelerometer' }],
  }, 'flex-loss bench');
}

async function trial(death: Death, delayS: number, levelDb: number, seed: number): Promise<Trial> {
  const directory = mkdtempSync(path.join(tmpdir(), 'vitrine-flex-loss-'));
  const broker = await startEmbeddedBroker();
  try {
    const session = await RunSession.open({
      scenario: scenario(death, delayS, levelDb, seed), broker, clock: 'virtual', firmware: SIMULATOR_FIRMWARE, registry: SIGNAL_LIBRARY, directory, quiet: true,
    });
    try {
      await session.run();
      const card = session.score();
      const breakMs = (DEAD_AT_S + delayS) * 1000;
      const found = (type: string): number | null => {
        const m = card.matched.find((x) => x.expectation.type === type);
        return m === undefined ? null : Math.round(m.arrival.arrivedMs - breakMs);
      };
      return { death, delayS, levelDb, seed, arrivedAfterMs: found('glass_break'), faultAfterMs: found('sensor_fault') };
    } finally {
      await session.close();
    }
  } finally {
    await broker.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
  const trials: Trial[] = [];
  for (const death of DEATHS) {
    for (const delayS of DELAYS_S) {
      const row: Trial[] = [];
      for (const levelDb of LEVELS_DB) for (const seed of SEEDS) row.push(await trial(death, delayS, levelDb, seed));
      trials.push(...row);
      const arrived = row.filter((t) => t.arrivedAfterMs !== null).map((t) => t.arrivedAfterMs as number);
      process.stdout.write(`${death}: break ${String(delayS).padStart(4)} s after: ${arrived.length}/${row.length} delivered`
        + (arrived.length > 0 ? `, ${Math.min(...arrived)}–${Math.max(...arrived)} ms after its onset` : '')
        + `; fault alert at ${row.map((t) => t.faultAfterMs ?? '–').join(', ')} ms\n`);
    }
  }
  const delivered = trials.filter((t) => t.arrivedAfterMs !== null).length;
  process.stdout.write(`delivered ${delivered}/${trials.length}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify({ delivered, trials: trials.length, rows: trials })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:flex-loss: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
