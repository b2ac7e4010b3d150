/**
 * The self-benchmark as the selfbench build runs it (manifests/selfbench.json, `config.app`):
 * SelfBench stepped on a timer (one second of signal per step, so Wi-Fi and MQTT keep running), the
 * figures traced as they come, and the whole report published as JSON on
 * `vitrine/<site>/<node>/selfbench` (retained, QoS 1) when a broker is configured (docs/protocol.md).
 * The board does not act as a node meanwhile: its will marks the node id offline.
 */
import type { TimerHandle, Transport } from '../ports';
import { useFftFactory } from '../dsp/fft-factory';
import { clientIdFor } from '../node/config';
import type { NodeProvisioning } from '../node/config';
import { PROTOCOL_VERSION, STATUS_OFFLINE, nodeTopics } from '../node/protocol';
import { commonParts } from './boot';
import { nodeIdFromBoard, safeModeTarget } from './boot-plan';
import type { DeviceIo } from './device-ports';
import { MqttTransport } from './mqtt-transport';
import type { FftFigures, HeapFigures, PipelineFigures } from './selfbench';
import { SelfBench } from './selfbench';
import type { InstrumentationIo, InstrumentationName } from './system-info';

/** The JSON published on `selfbench` (docs/schemas/selfbench.schema.json). */
export interface SelfBenchReport {
  v: number;
  site: string;
  node: string;
  fw: string;
  platform: string;
  /** What the pipelines' FFT factory was during the run. */
  fft: 'native' | 'typescript';
  /** How time was measured: the XS timer's millisecond ticks, summed over one-second spans. */
  clock: 'ticks';
  pipelines: PipelineFigures[];
  kernels: FftFigures[];
  heap: { freeBytes: number | null; slotHeapUsedBytes: number | null; chunkHeapUsedBytes: number | null; gcCount: number | null };
  uptimeMs: number;
  ts: number | null;
}

export const SELF_BENCH_TOPIC = 'selfbench';
/** Let Wi-Fi and MQTT settle before the first step, and keep a gap between steps. */
const START_DELAY_MS = 3000;
const STEP_GAP_MS = 20;

/** Reads Instrumentation by name (indices differ per host) into a HeapFigures object, allocating nothing. */
export function heapReader(instrumentation: InstrumentationIo): (into: HeapFigures) => void {
  const index = (name: InstrumentationName): number | undefined => instrumentation.map(name);
  const free = index('System Free Memory');
  const slots = index('XS Slot Heap Used');
  const chunks = index('XS Chunk Heap Used');
  const gc = index('XS Garbage Collection Count');
  const read = (at: number | undefined): number | undefined => (at === undefined ? undefined : instrumentation.get(at));
  return (into) => {
    into.freeBytes = read(free);
    into.slotHeapUsedBytes = read(slots);
    into.chunkHeapUsedBytes = read(chunks);
    into.gcCount = read(gc);
  };
}

export interface SelfBenchSession {
  readonly bench: SelfBench;
  /** The report once every step has run. */
  report(): SelfBenchReport | undefined;
  /** Whether the report reached the broker (PUBACK). */
  published(): boolean;
}

function line(p: PipelineFigures): string {
  const bytes = (value: number | null): string => (value === null ? 'n/a' : `${value} B`);
  return `selfbench ${p.scenario}: ${p.usPerSignalS} µs per s of signal (${p.loadPct} % of a core), ${p.detections} detection(s), ` +
    `built ${bytes(p.buildSlotBytes)} slots + ${bytes(p.buildChunkBytes)} chunks, allocating ${bytes(p.allocatedBytesPerSignalS)}/s`;
}

export function runSelfBenchOnDevice(io: DeviceIo): SelfBenchSession {
  const { parts } = commonParts(io);
  const { clock, log, system } = parts;
  const target = safeModeTarget(io.config, nodeIdFromBoard(io.boardId));
  const topics = nodeTopics(target.site, target.node);
  const broker = target.broker;
  let transport: Transport | undefined;
  let report: SelfBenchReport | undefined;
  let published = false;
  const publish = (): void => {
    if (report === undefined || transport?.isConnected() !== true || published) return;
    transport.publish(`${topics.base}${SELF_BENCH_TOPIC}`, JSON.stringify(report), { qos: 1, retain: true }, (error) => {
      published = error === undefined;
      log.log(published ? 'info' : 'warn', published ? `selfbench: report published on ${topics.base}${SELF_BENCH_TOPIC}`
        : `selfbench: report not delivered (${error?.message ?? ''}); retrying at the next connect`);
    });
  };
  if (broker !== undefined && io.mqtt !== undefined) {
    transport = new MqttTransport({ network: io.mqtt, host: broker.host, port: broker.port, clock, log });
    const { site, node } = target;
    transport.start({
      clientId: clientIdFor({ site, node } as NodeProvisioning),
      keepaliveMs: broker.keepaliveMs,
      will: { topic: topics.status, payload: STATUS_OFFLINE, qos: 1, retain: true },
      username: broker.user,
      password: broker.password,
    }, {
      onConnected: publish,
      onDisconnected: (reason) => log.log('warn', `selfbench: MQTT session down: ${reason}`),
      onMessage: () => {},
    });
  } else {
    log.log('info', 'selfbench: no broker configured (brokerHost): the report goes to the log only');
  }
  if (io.nativeFft !== undefined) useFftFactory(io.nativeFft);
  const bench = new SelfBench({ nowMs: () => clock.uptimeMs(), readHeap: heapReader(io.instrumentation), nativeFft: io.nativeFft });
  log.log('info', `selfbench: ${bench.stepCount} steps; FFT ${io.nativeFft === undefined ? 'TypeScript only' : 'TypeScript and native'}`);
  let timer: TimerHandle | undefined;
  let reported = 0;
  const finish = (): void => {
    if (timer !== undefined) clock.clearTimer(timer);
    timer = undefined;
    const results = bench.results();
    const heap = results.heap;
    report = {
      v: PROTOCOL_VERSION, site: target.site, node: target.node, fw: system.firmwareVersion(), platform: io.platform,
      fft: io.nativeFft === undefined ? 'typescript' : 'native', clock: 'ticks',
      pipelines: results.pipelines, kernels: results.fft,
      heap: { freeBytes: heap.freeBytes ?? null, slotHeapUsedBytes: heap.slotHeapUsedBytes ?? null,
        chunkHeapUsedBytes: heap.chunkHeapUsedBytes ?? null, gcCount: heap.gcCount ?? null },
      uptimeMs: clock.uptimeMs(), ts: clock.epochMs() ?? null,
    };
    for (const k of report.kernels) log.log('info', `selfbench FFT ${k.impl} ${k.size}: ${k.usPerCall} µs per power spectrum`);
    log.log('info', `selfbench JSON ${JSON.stringify(report)}`);
    publish();
  };
  timer = clock.setTimer(() => {
    const more = bench.step();
    const pipelines = bench.results().pipelines;
    for (; reported < pipelines.length; reported++) log.log('info', line(pipelines[reported]));
    if (!more) finish();
  }, START_DELAY_MS, STEP_GAP_MS);
  return { bench, report: () => report, published: () => published };
}
