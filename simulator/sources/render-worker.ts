/**
 * The rendering worker: the same SensorSignals as the main thread (same scenario, same generators, so
 * the same counts), rendering the chunks the main thread asks for on the machine's other core and
 * sending them back, so that rendering never holds up a real-time run's clock. Started by
 * OffThreadRenderer through render-worker-boot.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SensorKind } from '../../firmware/ports';
import type { Scenario } from '../scenario/types';
import type { GeneratorRegistry } from './generators';
import { SensorSignal } from './sensor-signal';
import { sensorModelOf } from './sensors';
import type { ChunkReply, ChunkRequest, RegistryModule } from './off-thread';

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs in a worker thread (started by OffThreadRenderer)');
const { scenario, registry: where } = workerData as { scenario: Scenario; registry: RegistryModule };
const registry = (await import(where.url) as Record<string, GeneratorRegistry>)[where.name];
if (registry === undefined) throw new Error(`render worker: ${where.url} exports no ${where.name}`);

const signals = new Map<string, SensorSignal>();
function signalOf(nodeId: string, kind: SensorKind): SensorSignal {
  const key = `${nodeId}/${kind}`;
  let signal = signals.get(key);
  if (signal === undefined) {
    const node = scenario.nodes.find((n) => n.id === nodeId);
    if (node === undefined) throw new Error(`render worker: no node ${nodeId}`);
    signal = new SensorSignal({ scenario, node, model: sensorModelOf(kind), registry });
    signals.set(key, signal);
  }
  return signal;
}

port.on('message', (request: ChunkRequest) => {
  const { counts, renderMs } = signalOf(request.node, request.kind).renderDetached(request.chunk);
  const reply: ChunkReply = { ...request, counts, renderMs };
  port.postMessage(reply, [counts.buffer as ArrayBuffer]);
});
port.postMessage('ready');
