/**
 * One simulated node in the simulator process: the firmware's SensorNode with the simulator's ports —
 * its own view of the shared virtual clock, file storage in the run directory (the outbox survives a
 * power loss), an MQTT.js transport through its own link proxy (so its network can fail alone), the
 * scenario's sensor sources, a log, and a SystemInfo whose restart() boots the node again.
 *
 * Faults: powerLoss() is a node that vanishes (no DISCONNECT, no FIN: the broker learns of it through
 * the keepalive and publishes the will), then boots again from what its storage kept; reboot() is a
 * clean restart; networkDrop() makes its link silent for a while.
 */
import { randomInt } from 'node:crypto';
import type { Log, LogLevel, SensorKind, SystemInfo } from '../../firmware/ports';
import type { NodeProvisioning } from '../../firmware/node/config';
import { BOOT_KEY, SensorNode } from '../../firmware/node/sensor-node';
import type { VirtualClock, VirtualNodeClock } from '../clock/virtual-clock';
import type { ScenarioNode, Site } from '../scenario/types';
import { roomAt } from '../scenario/plan';
import { FileStorage } from '../storage/file-storage';
import type { BackoffOptions } from '../transport/backoff';
import { startLinkProxy } from '../transport/link-proxy';
import type { LinkProxy } from '../transport/link-proxy';
import { MqttTransport } from '../transport/mqtt-transport';
import { upAxisOf } from '../sources/mounting';
import { ScenarioSource } from '../sources/scenario-source';
import type { SensorFaultWindow } from '../sources/scenario-source';
import type { SensorSignal } from '../sources/sensor-signal';
import { derivedRng } from '../sources/seed';
import type { Firmware } from './firmware';
import { TransportProbe } from './transport-probe';
import type { TransportProbeHooks } from './transport-probe';

export type NodeLogSink = (nodeId: string, level: LogLevel, message: string) => void;

export interface NodeHostOptions {
  site: Site;
  node: ScenarioNode;
  seed: number;
  clock: VirtualClock;
  /** Where the broker listens: mqtt://host:port or ws://host:port/path (the link proxy carries no TLS). */
  brokerUrl: string;
  /** Run directory: one storage file per node. */
  directory: string;
  signals: Readonly<Record<SensorKind, SensorSignal>>;
  sensorFaults?: Readonly<Partial<Record<SensorKind, readonly SensorFaultWindow[]>>>;
  firmware: Firmware;
  log: NodeLogSink;
  /** How long a restart (cmd/reboot or the reboot fault) keeps the node down, ms; default 1000. */
  restartMs?: number;
  backoff?: Partial<BackoffOptions>;
  probe?: TransportProbeHooks;
}

/** One boot of the node: everything that dies with its power. */
interface Boot {
  /** The node's boot counter (persisted in its storage), as its alerts carry it. */
  counter: number;
  atMs: number;
  clock: VirtualNodeClock;
  transport: TransportProbe;
  node: SensorNode;
}

export function provisioningOf(site: Site, node: ScenarioNode): NodeProvisioning {
  return {
    site: site.id,
    node: node.id,
    role: node.role,
    location: { ...node.location },
    zone: node.zone,
    mounting: { surface: node.mounting.surface, upAxis: upAxisOf(node.mounting.orientation) },
  };
}

export class NodeHost {
  readonly id: string;
  readonly scenarioNode: ScenarioNode;
  readonly #o: NodeHostOptions;
  readonly #restartMs: number;
  #proxy: LinkProxy | undefined;
  #boot: Boot | undefined;
  #bootTimer: { timerId: number } | undefined;
  #dropTimer: { timerId: number } | undefined;
  #bootCount = 0;
  /** Scenario time of every boot, by the node's boot counter. */
  readonly #bootTimes = new Map<number, number>();
  #offSinceMs: number | undefined;
  #closed = false;
  /** The runner holds the link (holdLink) apart from any network_drop fault. */
  #held = false;

  constructor(options: NodeHostOptions) {
    this.#o = options;
    this.id = options.node.id;
    this.scenarioNode = options.node;
    this.#restartMs = options.restartMs ?? 1000;
    const url = new URL(options.brokerUrl);
    if (url.protocol !== 'mqtt:' && url.protocol !== 'ws:') {
      throw new Error(`node ${this.id}: the simulator's link proxy carries plain TCP only; use an mqtt:// or ws:// broker URL, not ${url.protocol}//`);
    }
  }

  /** Opens the node's link (a TCP proxy to the broker). */
  async open(): Promise<void> {
    const url = new URL(this.#o.brokerUrl);
    const port = url.port === '' ? (url.protocol === 'ws:' ? 80 : 1883) : Number(url.port);
    this.#proxy = await startLinkProxy({ target: { host: url.hostname, port } });
  }

  get signals(): Readonly<Record<SensorKind, SensorSignal>> {
    return this.#o.signals;
  }

  get powered(): boolean {
    return this.#boot !== undefined;
  }

  get linkDropped(): boolean {
    return (this.#proxy?.dropped ?? false) && !this.#held;
  }

  /** Holds the link silent (connection attempts wait) until releaseLink(): not a fault, a gate the runner uses. */
  holdLink(): void {
    if (this.#proxy === undefined || this.#proxy.dropped) return;
    this.#held = true;
    this.#proxy.drop();
  }

  releaseLink(): void {
    if (!this.#held) return;
    this.#held = false;
    if (this.#dropTimer === undefined) this.#proxy?.restore();
  }

  /** Scenario time since which the node has been off (power loss or restart), or undefined while it runs. */
  get offSinceMs(): number | undefined {
    return this.#offSinceMs;
  }

  get connected(): boolean {
    return this.#boot?.transport.isConnected() ?? false;
  }

  get inFlight(): number {
    return this.#boot?.transport.inFlight ?? 0;
  }

  /** Scenario time (ms) at which the boot with this counter started, to date its uptimes. */
  bootAtMs(counter: number): number | undefined {
    return this.#bootTimes.get(counter);
  }

  get sensorNode(): SensorNode | undefined {
    return this.#boot?.node;
  }

  boot(): void {
    if (this.#closed) return;
    if (this.#boot !== undefined) throw new Error(`node ${this.id}: already running`);
    const proxy = this.#proxy;
    if (proxy === undefined) throw new Error(`node ${this.id}: open() first`);
    const o = this.#o;
    this.#bootTimer = undefined;
    this.#offSinceMs = undefined;
    this.#bootCount++;
    const atMs = o.clock.nowMs();
    const clock = o.clock.bootNode({ syncAfterMs: 0 });
    const log: Log = { log: (level, message) => o.log(this.id, level, message) };
    const storage = new FileStorage({ directory: o.directory, nodeId: this.id });
    const jitter = derivedRng(o.seed, this.id, 'backoff', this.#bootCount);
    const proxyUrl = new URL(o.brokerUrl);
    proxyUrl.hostname = '127.0.0.1';
    proxyUrl.port = String(proxy.port);
    const mqtt = new MqttTransport({ url: proxyUrl.toString().replace(/\/$/, ''), backoff: o.backoff, random: () => jitter.next(), log });
    const transport = new TransportProbe(mqtt, o.probe);
    const system: SystemInfo = {
      freeHeapBytes: () => undefined,
      firmwareVersion: () => o.firmware.version,
      restart: (reason) => this.#restarted(reason),
    };
    const faults = o.sensorFaults ?? {};
    const source = (kind: SensorKind): ScenarioSource =>
      new ScenarioSource({ signal: o.signals[kind], clock, bootAtMs: atMs, faults: faults[kind] });
    // The incarnation is drawn once per installation (a storage directory here), at random as a device's
    // hardware generator would: from the scenario's seed, every fresh --run-dir gave the same ids again.
    const identity = { next: (): number => randomInt(0, 0x1_0000_0000) / 0x1_0000_0000 };
    const node = new SensorNode({
      clock, storage, transport, log, system,
      microphone: source('microphone'),
      accelerometer: source('accelerometer'),
    }, {
      provisioning: provisioningOf(o.site, o.node),
      detectorSpecs: o.firmware.detectorSpecs,
      detectorDefaults: o.firmware.detectorDefaults,
      createPipelines: (config, onFlex) => o.firmware.createPipelines(config, onFlex),
      random: () => identity.next(),
    });
    node.start();
    const counter = Number(storage.read(BOOT_KEY) ?? this.#bootCount);
    this.#bootTimes.set(counter, atMs);
    this.#boot = { counter, atMs, clock, transport, node };
    o.log(this.id, 'info', `booted (boot ${counter}) at ${(atMs / 1000).toFixed(3)} s in ${roomAt(o.site, o.node.position)?.name ?? 'no room'}`);
  }

  /** Power loss: the node vanishes; it boots again after `offMs` (null: stays off). */
  powerLoss(offMs: number | null): void {
    const boot = this.#boot;
    if (boot === undefined) {
      this.#o.log(this.id, 'warn', 'power loss: the node is already off');
      return;
    }
    this.#o.log(this.id, 'warn', `power lost${offMs === null ? ' for good' : ` for ${offMs / 1000} s`}`);
    this.#proxy?.vanish();
    this.#off(boot);
    boot.transport.stop(false);
    if (offMs !== null) this.#scheduleBoot(offMs);
  }

  /** A clean restart: the node stops (offline, DISCONNECT) and boots again after the restart time. */
  reboot(): void {
    const boot = this.#boot;
    if (boot === undefined) {
      this.#o.log(this.id, 'warn', 'reboot: the node is off');
      return;
    }
    boot.node.stop();
    this.#off(boot);
    this.#scheduleBoot(this.#restartMs);
  }

  /** The link goes silent for `durationMs`, then delivers what it held. */
  networkDrop(durationMs: number): void {
    const proxy = this.#proxy;
    if (proxy === undefined) return;
    this.#o.log(this.id, 'warn', `network drop for ${durationMs / 1000} s`);
    this.#held = false;
    proxy.drop();
    if (this.#dropTimer !== undefined) this.#o.clock.clearTimer(this.#dropTimer);
    this.#dropTimer = this.#o.clock.setTimer(() => {
      this.#dropTimer = undefined;
      this.#o.log(this.id, 'info', 'network back');
      if (!this.#held) proxy.restore();
    }, durationMs);
  }

  /** Ends the run: a graceful stop if `graceful`, else the node just goes (as a killed simulator would). */
  async close(graceful: boolean): Promise<void> {
    this.#closed = true;
    if (this.#bootTimer !== undefined) this.#o.clock.clearTimer(this.#bootTimer);
    if (this.#dropTimer !== undefined) this.#o.clock.clearTimer(this.#dropTimer);
    this.#proxy?.restore();
    const boot = this.#boot;
    if (boot !== undefined) {
      if (graceful) boot.node.stop();
      else boot.transport.stop(false);
      this.#off(boot);
    }
    await this.#proxy?.close();
    this.#proxy = undefined;
  }

  /** SystemInfo.restart: the node has stopped itself (cmd/reboot); boot it again. */
  #restarted(reason: string): void {
    const boot = this.#boot;
    if (boot === undefined) return;
    this.#o.log(this.id, 'info', `restart requested: ${reason}`);
    this.#off(boot);
    this.#scheduleBoot(this.#restartMs);
  }

  #off(boot: Boot): void {
    boot.clock.powerOff();
    this.#boot = undefined;
    this.#offSinceMs = this.#o.clock.nowMs();
  }

  #scheduleBoot(afterMs: number): void {
    if (this.#bootTimer !== undefined) this.#o.clock.clearTimer(this.#bootTimer);
    this.#bootTimer = this.#o.clock.setTimer(() => this.boot(), afterMs);
  }
}
