/**
 * A SensorNode on the in-memory ports with the stand-in pipelines, and a small vocabulary of sensor
 * signals the test switches between (quiet room, glass breaking, grinding, a blow, a stuck sensor, ...).
 * run(ms) advances the manual clock and delivers blocks at the sources' rates, as hardware would.
 * Portable (no Node APIs): the XS session test runs it inside the XS engine.
 */
import type { NodeProvisioning, RoleDetectorDefaults } from '../../firmware/node/config';
import type { NodeRole } from '../../firmware/detect/types';
import type { PipelineSet, SensorNodeOptions } from '../../firmware/node/sensor-node';
import { SensorNode } from '../../firmware/node/sensor-node';
import type { FlexListener } from '../../firmware/node/pipeline';
import type { NodeConfig } from '../../firmware/node/config';
import type { CommandVerifier } from '../../firmware/node/commands';
import { FakeSource, FakeSystem, FakeTransport, ManualClock, MemoryLog, MemoryStorage } from './node-fakes';
import { TEST_DETECTOR_SPECS, createTestPipelines } from './test-pipelines';

export type MicSignal = 'quiet' | 'loud' | 'flat' | 'clip' | 'off';
export type AccelSignal = 'rest' | 'grind' | 'knock' | 'blow' | 'lean' | 'turned' | 'flat' | 'weightless' | 'off';

/** 1 g in counts at ±2 g full scale. */
export const ONE_G_COUNTS = 16384;

export interface RigOptions {
  role?: NodeRole;
  /** Reuse a storage to reboot a node with what it persisted. */
  storage?: MemoryStorage;
  microphone?: boolean;
  accelerometer?: boolean;
  outboxCapacity?: number;
  detectorDefaults?: RoleDetectorDefaults;
  commandVerifier?: CommandVerifier;
  provisioning?: Partial<NodeProvisioning>;
  /** Factory wrapper, e.g. to make it throw. */
  createPipelines?: (config: NodeConfig, onFlex: FlexListener) => PipelineSet;
  seed?: number;
}

export const TEST_PROVISIONING: NodeProvisioning = {
  site: 'louvre',
  node: 'apollo-case-07',
  role: 'display_case',
  location: { building: 'Denon', floor: '1', room: 'Galerie d\'Apollon', element: 'case 7', label: 'Apollo Gallery, case 7 (crown jewels)' },
  mqtt: { username: 'apollo-case-07', password: 's3cret-pass' },
};

export class NodeRig {
  readonly clock = new ManualClock();
  readonly storage: MemoryStorage;
  readonly transport: FakeTransport;
  readonly log = new MemoryLog();
  readonly system = new FakeSystem();
  readonly mic: FakeSource | undefined;
  readonly accel: FakeSource | undefined;
  readonly node: SensorNode;
  micSignal: MicSignal = 'quiet';
  accelSignal: AccelSignal = 'rest';
  pipelineBuilds = 0;
  lastPipelines: PipelineSet = {};
  #seed: number;
  #micNextMs: number;
  #accelNextMs: number;

  constructor(options: RigOptions = {}) {
    this.storage = options.storage ?? new MemoryStorage();
    this.transport = new FakeTransport(this.clock);
    this.#seed = options.seed ?? 12345;
    this.mic = options.microphone === false ? undefined : new FakeSource('microphone', 16000, 1, 256, 1 / 32768);
    this.accel = options.accelerometer === false ? undefined : new FakeSource('accelerometer', 1600, 3, 32, 1 / ONE_G_COUNTS);
    this.#micNextMs = this.mic?.blockMs ?? Infinity;
    this.#accelNextMs = this.accel?.blockMs ?? Infinity;
    const factory = options.createPipelines ?? createTestPipelines;
    let randomState = 0x2545f491;
    const nodeOptions: SensorNodeOptions = {
      provisioning: { ...TEST_PROVISIONING, role: options.role ?? 'display_case', ...(options.provisioning ?? {}) },
      detectorSpecs: TEST_DETECTOR_SPECS,
      createPipelines: (config, onFlex) => {
        const set = factory(config, onFlex);
        this.pipelineBuilds++;
        this.lastPipelines = set;
        return set;
      },
      detectorDefaults: options.detectorDefaults,
      commandVerifier: options.commandVerifier,
      outboxCapacity: options.outboxCapacity,
      random: () => {
        randomState = (Math.imul(randomState, 1664525) + 1013904223) >>> 0;
        return randomState / 4294967296;
      },
    };
    this.node = new SensorNode({
      clock: this.clock, storage: this.storage, transport: this.transport, log: this.log, system: this.system,
      microphone: this.mic, accelerometer: this.accel,
    }, nodeOptions);
  }

  /** Starts the node and (unless told otherwise) brings the MQTT session up. */
  start(connect = true): this {
    this.node.start();
    if (connect) this.transport.connect();
    return this;
  }

  /** Advances time by `ms`, delivering every block that completes meanwhile. */
  run(ms: number): void {
    const endMs = this.clock.uptimeMs() + ms;
    for (;;) {
      const nextMs = Math.min(this.#micNextMs, this.#accelNextMs);
      if (nextMs > endMs) break;
      this.clock.advance(nextMs - this.clock.uptimeMs());
      if (nextMs === this.#micNextMs && this.mic !== undefined) {
        if (this.micSignal !== 'off') {
          this.#fillMic(this.mic);
          this.mic.emit(nextMs - this.mic.blockMs);
        }
        this.#micNextMs += this.mic.blockMs;
      }
      if (nextMs === this.#accelNextMs && this.accel !== undefined) {
        if (this.accelSignal !== 'off') {
          this.#fillAccel(this.accel);
          this.accel.emit(nextMs - this.accel.blockMs);
        }
        this.#accelNextMs += this.accel.blockMs;
        // A knock or a blow lasts one block.
        if (this.accelSignal === 'knock' || this.accelSignal === 'blow') this.accelSignal = 'rest';
      }
    }
    this.clock.advance(endMs - this.clock.uptimeMs());
  }

  /** Parsed JSON payloads published on the node's topic `suffix` (e.g. 'alert', 'cmd/result'). */
  json<T = Record<string, unknown>>(suffix: string): T[] {
    return this.transport.on(`${this.node.topics.base}${suffix}`).map((p) => JSON.parse(p.payload) as T);
  }

  /** Sends a command as the broker would deliver it. */
  command(name: string, body: unknown): void {
    this.transport.deliver(`${this.node.topics.cmdPrefix}${name}`, typeof body === 'string' ? body : JSON.stringify(body));
  }

  #noise(amplitude: number): number {
    this.#seed = (Math.imul(this.#seed, 1664525) + 1013904223) >>> 0;
    return ((this.#seed >>> 8) % (2 * amplitude + 1)) - amplitude;
  }

  #fillMic(source: FakeSource): void {
    const samples = source.block.samples;
    const n = source.block.frames;
    for (let i = 0; i < n; i++) {
      switch (this.micSignal) {
        case 'quiet': samples[i] = this.#noise(40); break;
        case 'loud': samples[i] = this.#noise(16000); break;
        case 'flat': samples[i] = 3; break;
        case 'clip': samples[i] = (i & 1) === 0 ? 32767 : -32768; break;
        default: samples[i] = 0;
      }
    }
  }

  #fillAccel(source: FakeSource): void {
    const samples = source.block.samples;
    const frames = source.block.frames;
    const signal = this.accelSignal;
    for (let f = 0; f < frames; f++) {
      let x = this.#noise(20);
      let y = this.#noise(20);
      let z = ONE_G_COUNTS + this.#noise(20);
      switch (signal) {
        case 'grind': x = this.#noise(8000); break;
        case 'knock': if (f === 3) x = 12000; break;
        case 'blow': if (f === 3) x = 25000; break;
        case 'lean': y += 900; break; // about 3°
        case 'turned': y = ONE_G_COUNTS + this.#noise(20); z = this.#noise(20); break; // 90°
        case 'flat': x = 10; y = 10; z = ONE_G_COUNTS; break;
        case 'weightless': z = this.#noise(20); break;
        default: break;
      }
      samples[f * 3] = x;
      samples[f * 3 + 1] = y;
      samples[f * 3 + 2] = z;
    }
  }
}
