/**
 * A SensorNode running in real time on a real broker, for the console's tests: RealClock, the MQTT.js
 * transport, in-memory storage, the stand-in pipelines, and sources that deliver blocks on the clock
 * (microphone 256 frames at 16 kHz, accelerometer 32 frames × 3 at 1600 Hz) filled from a signal the
 * test switches: a quiet room, a noisy one, a glass-break burst, a grinder, a blow, a lean.
 */
import type { NodeRole } from '../../firmware/detect/types';
import type { Log, SampleBlock, SensorKind, SensorSource, SensorSourceEvents, SystemInfo, TimerHandle } from '../../firmware/ports';
import type { NodeLocation } from '../../simulator/scenario/types';
import type { DetectorSpecRegistry } from '../../firmware/node/config';
import { SensorNode } from '../../firmware/node/sensor-node';
import type { SensorNodeOptions } from '../../firmware/node/sensor-node';
import { RealClock } from '../../simulator/clock/real-clock';
import { MemoryStorage } from '../../simulator/storage/memory-storage';
import { MqttTransport } from '../../simulator/transport/mqtt-transport';
import { Rng } from '../../simulator/signals/rng';
import type { LinkProxy } from '../../simulator/transport/link-proxy';
import { TEST_DETECTOR_SPECS, createTestPipelines } from './test-pipelines';
import { ONE_G_COUNTS } from './node-rig';

/** quiet: ±40 counts; noisy: block RMS ≈ 5800 counts (below the stand-in's 8000); burst: RMS ≈ 11500 (a glass break, also above a calibrated threshold). */
export type LiveMic = 'quiet' | 'noisy' | 'burst';
/** grind: x RMS ≈ 4600 counts; blow: one 25000-count spike; lean: y offset of 900 counts (about 3°). */
export type LiveAccel = 'rest' | 'grind' | 'blow' | 'lean';

class TimedSource implements SensorSource {
  readonly kind: SensorKind;
  readonly rateHz: number;
  readonly channels: number;
  readonly #clock: RealClock;
  readonly #block: SampleBlock;
  readonly #fill: (block: SampleBlock) => void;
  #timer: TimerHandle | undefined;

  constructor(clock: RealClock, kind: SensorKind, rateHz: number, channels: number, frames: number, unitsPerCount: number, fill: (block: SampleBlock) => void) {
    this.kind = kind;
    this.rateHz = rateHz;
    this.channels = channels;
    this.#clock = clock;
    this.#fill = fill;
    this.#block = { t0Ms: 0, rateHz, channels, frames, samples: new Int16Array(frames * channels), unitsPerCount, sequence: 0 };
  }

  start(events: SensorSourceEvents): void {
    const blockMs = (this.#block.frames * 1000) / this.rateHz;
    let sequence = 0;
    this.#timer = this.#clock.setTimer(() => {
      // Stamped from the clock: Node timers run late, and detections must not look older than they are.
      this.#block.t0Ms = this.#clock.uptimeMs() - blockMs;
      this.#block.sequence = sequence++;
      this.#fill(this.#block);
      events.onBlock(this.#block);
    }, blockMs, blockMs);
  }

  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }
}

export interface LiveNodeOptions {
  /** The broker, or a link proxy in front of it (startLinkProxy) for a silent power loss. */
  brokerUrl: string;
  link?: LinkProxy;
  site: string;
  node: string;
  role: NodeRole;
  location: NodeLocation;
  seed?: number;
  /** The firmware's detectors: the stand-ins by default. */
  detectorSpecs?: DetectorSpecRegistry;
  createPipelines?: SensorNodeOptions['createPipelines'];
}

export class LiveNode {
  readonly id: string;
  readonly clock = new RealClock();
  readonly storage = new MemoryStorage();
  readonly transport: MqttTransport;
  readonly node: SensorNode;
  readonly logLines: string[] = [];
  mic: LiveMic = 'quiet';
  accel: LiveAccel = 'rest';
  readonly #rng: Rng;
  readonly #link: LinkProxy | undefined;

  constructor(options: LiveNodeOptions) {
    this.id = options.node;
    this.#link = options.link;
    this.#rng = new Rng(options.seed ?? 1);
    const log: Log = { log: (level, message) => this.logLines.push(`${level}: ${message}`) };
    const system: SystemInfo = { freeHeapBytes: () => undefined, firmwareVersion: () => '0.1.0-console-test', restart: () => undefined };
    this.transport = new MqttTransport({ url: options.brokerUrl, random: () => this.#rng.next(), log });
    const microphone = new TimedSource(this.clock, 'microphone', 16000, 1, 256, 1 / 32768, (b) => this.#fillMic(b));
    const accelerometer = new TimedSource(this.clock, 'accelerometer', 1600, 3, 32, 1 / ONE_G_COUNTS, (b) => this.#fillAccel(b));
    this.node = new SensorNode({ clock: this.clock, storage: this.storage, transport: this.transport, log, system, microphone, accelerometer }, {
      provisioning: { site: options.site, node: options.node, role: options.role, location: options.location },
      detectorSpecs: options.detectorSpecs ?? TEST_DETECTOR_SPECS,
      createPipelines: options.createPipelines ?? createTestPipelines,
      random: () => this.#rng.next(),
    });
  }

  start(): this {
    this.node.start();
    return this;
  }

  /**
   * Power loss: every timer of the node stops and it says nothing more. Through a link proxy the link goes
   * silent, as a powerless node's does: the broker notices only when the keepalive runs out (1.5 × 5 s).
   * Without one the socket closes at once and the broker publishes the will straight away.
   */
  powerLoss(): void {
    this.#link?.drop();
    this.transport.stop(false);
    this.clock.powerOff();
  }

  /** Graceful stop (publishes offline itself). */
  stop(): void {
    if (this.clock.poweredOn) this.node.stop();
    this.clock.powerOff();
  }

  #noise(amplitude: number): number {
    return Math.round((this.#rng.next() * 2 - 1) * amplitude);
  }

  #fillMic(block: SampleBlock): void {
    const amplitude = this.mic === 'burst' ? 20000 : this.mic === 'noisy' ? 10000 : 40;
    for (let i = 0; i < block.frames; i++) block.samples[i] = this.#noise(amplitude);
    if (this.mic === 'burst') this.mic = 'quiet'; // one 16 ms block
  }

  #fillAccel(block: SampleBlock): void {
    const s = block.samples;
    for (let f = 0; f < block.frames; f++) {
      s[f * 3] = this.accel === 'grind' ? this.#noise(8000) : this.#noise(20);
      s[f * 3 + 1] = this.#noise(20) + (this.accel === 'lean' ? 900 : 0);
      s[f * 3 + 2] = ONE_G_COUNTS + this.#noise(20);
    }
    if (this.accel === 'blow') {
      s[9] = 25000;
      this.accel = 'rest';
    }
  }
}
