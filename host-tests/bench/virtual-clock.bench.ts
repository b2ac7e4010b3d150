/**
 * `npm run bench:clock [-- NODES]`: what the VirtualClock itself costs. Each simulated node has the
 * timers a node has (a microphone block every 16 ms, an accelerometer block every 20 ms, a heartbeat
 * every 10 s, and a watchdog cleared and re-armed on every microphone block); the callbacks do no
 * work, so the figure is the clock's overhead alone. Prints one JSON line.
 */
import { VirtualClock } from '../../simulator/clock/virtual-clock';
import type { TimerHandle } from '../../firmware/ports';

const nodes = Number(process.argv[2] ?? 5);
const virtualS = 3600;
const clock = new VirtualClock();
let fired = 0;
for (let n = 0; n < nodes; n++) {
  const node = clock.bootNode();
  let watchdog: TimerHandle = node.setTimer(() => undefined, 5000);
  node.setTimer(() => {
    fired++;
    node.clearTimer(watchdog);
    watchdog = node.setTimer(() => undefined, 5000);
  }, n, 16);
  node.setTimer(() => fired++, n, 20);
  node.setTimer(() => fired++, 10_000, 10_000);
}
const start = performance.now();
clock.advanceTo(virtualS * 1000);
const wallMs = performance.now() - start;
process.stdout.write(`${JSON.stringify({
  bench: 'virtual-clock',
  node: process.version,
  nodes,
  virtualS,
  timersFired: fired,
  wallMs: Math.round(wallMs),
  timersPerWallS: Math.round(fired / (wallMs / 1000)),
  virtualSecondsPerWallSecond: Math.round(virtualS / (wallMs / 1000)),
})}\n`);
