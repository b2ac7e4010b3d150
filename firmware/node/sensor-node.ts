/**
 * The node: wires the sources to the pipelines, detections to the alert manager, alerts to the outbox,
 * and keeps the MQTT session's duties (birth, will, heartbeat, retained state, config and discovery,
 * commands). Hosts (the device's main.ts, the simulator) construct it with their ports and a pipeline
 * factory and call start(); nothing here knows which host it runs on.
 */
import type {
  Clock, Log, SampleBlock, SensorSource, SensorSourceEvents, SensorSourceFault, Storage, SystemInfo, TimerHandle, Transport,
} from '../ports';
import type { Detection } from '../detect/types';
import type { FlexListener, Pipeline, PipelineKind, PipelineSnapshot } from './pipeline';
import type { ConfigContext, DetectorSpecRegistry, JsonObject, NodeConfig, NodeProvisioning, RoleDetectorDefaults } from './config';
import {
  ROLE_DETECTORS_ENABLED, applyConfigChange, checkConfigContext, checkProvisioning, clientIdFor, defaultConfig, effectiveConfig, glassFlexDecides,
} from './config';
import type { AlertType, CommandResultMessage, HeartbeatMessage, NodeTopics } from './protocol';
import {
  ALERT_TYPES, COMMAND_NAMES, HA_STATUS_TOPIC, PROTOCOL_VERSION, STATE_OFF, STATE_ON, STATUS_OFFLINE, STATUS_ONLINE, nodeTopics,
} from './protocol';
import { AlertManager, SEQ_KEY } from './alert-manager';
import type { OutboxMessage } from './outbox';
import { Outbox, latestStoredBoot } from './outbox';
import { OrientationWatch, SensorHealth, absentSensorReport } from './health';
import { TelemetryStream } from './telemetry';
import type { Command, CommandVerifier } from './commands';
import { ACCEPT_ALL_UNSIGNED, isCommandName, parseCommand, parseCommandPayload, requestId } from './commands';
import { discoveryMessages } from './ha-discovery';
import { readChunked, writeChunked } from './stored-text';

export interface NodePorts {
  clock: Clock;
  storage: Storage;
  transport: Transport;
  log: Log;
  system: SystemInfo;
  microphone?: SensorSource;
  accelerometer?: SensorSource;
}

export interface PipelineSet {
  acoustic?: Pipeline;
  vibration?: Pipeline;
  tilt?: Pipeline;
}

export interface SensorNodeOptions {
  /** The installer's settings: site, node id, role, location, optional zone, mounting and MQTT credentials. */
  provisioning: NodeProvisioning;
  /** Every detector's option specs, for validating detector options in configurations. */
  detectorSpecs: DetectorSpecRegistry;
  /** Builds the pipelines for a configuration; called at start and again whenever the configuration changes. */
  createPipelines(config: NodeConfig, onFlex: FlexListener): PipelineSet;
  /** Per-role detector defaults (which run, thresholds); ROLE_DETECTORS_ENABLED when not given. */
  detectorDefaults?: RoleDetectorDefaults;
  /** Verifies commands before they run. Defaults to ACCEPT_ALL_UNSIGNED, an insecure placeholder. */
  commandVerifier?: CommandVerifier;
  /** Messages the outbox holds (each takes one storage key of up to ~2 KB); default 16. */
  outboxCapacity?: number;
  /** Random numbers in [0, 1) for the installation's incarnation id; Math.random when not given. */
  random?: () => number;
}

/** Storage keys the node itself uses (the outbox uses ob*, the configuration cfg#, cfg0, cfg1, ...). */
export const BOOT_KEY = 'boot';
export const INCARNATION_KEY = 'inc';
/** Sensor faults raised and not yet cleared, `<microphone mask>,<accelerometer mask>`: a reboot must not orphan one. */
export const SENSOR_FAULTS_KEY = 'sfm';
export const CONFIG_PREFIX = 'cfg';
/** Health is evaluated, state flags released and walk-test ended on this period. */
export const TICK_MS = 1000;
const REBOOT_GRACE_MS = 3000;
/** Said in the fault alert where the accelerometer's flex decided glass break: the operator loses dual technology. */
const FLEX_LOST_CONSEQUENCE = 'glass break judged by its sound alone until the accelerometer is back (no pane flex)';

interface Running {
  config: NodeConfig;
  overrides: JsonObject;
  pipelines: PipelineSet;
  alerts: AlertManager;
  outbox: Outbox;
  telemetry: TelemetryStream;
  micHealth: SensorHealth | undefined;
  accelHealth: SensorHealth | undefined;
  orientation: OrientationWatch;
  tickTimer: TimerHandle;
  heartbeatTimer: TimerHandle;
  boot: number;
  heartbeatSeq: number;
  connects: number;
  disconnects: number;
  lastDisconnect: string;
  resultSeq: number;
  /** Set by cmd/reboot: restart once this answer is delivered. */
  reboot: { resultId: string; reason: string } | undefined;
  /** Blocks a pipeline threw on, this boot. */
  pipelineFailures: number;
}

interface LoadedConfig {
  config: NodeConfig;
  overrides: JsonObject;
  /** Why the stored configuration could not be used (raised as a node_fault). */
  problem: string | undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SensorNode {
  readonly #ports: NodePorts;
  readonly #options: SensorNodeOptions;
  readonly #context: ConfigContext;
  readonly #topics: NodeTopics;
  readonly #verifier: CommandVerifier;
  readonly #defaults: NodeConfig;
  #run: Running | undefined;
  // Handlers made once, so that delivering a block allocates nothing.
  readonly #onFlex: FlexListener = (atMs, peakG) => this.#flex(atMs, peakG);
  readonly #micEvents: SensorSourceEvents = {
    onBlock: (block) => this.#onMicBlock(block),
    onFault: (fault) => this.#onSourceFault('microphone', fault),
  };
  readonly #accelEvents: SensorSourceEvents = {
    onBlock: (block) => this.#onAccelBlock(block),
    onFault: (fault) => this.#onSourceFault('accelerometer', fault),
  };

  constructor(ports: NodePorts, options: SensorNodeOptions) {
    const problems = checkProvisioning(options.provisioning);
    if (problems.length > 0) throw new Error(`SensorNode: invalid provisioning: ${problems.join('; ')}`);
    this.#context = {
      provisioning: options.provisioning,
      specs: options.detectorSpecs,
      detectorDefaults: options.detectorDefaults ?? ROLE_DETECTORS_ENABLED,
    };
    const contextProblems = checkConfigContext(this.#context);
    if (contextProblems.length > 0) throw new Error(`SensorNode: invalid detector specs or defaults: ${contextProblems.join('; ')}`);
    if (ports.microphone !== undefined && ports.microphone.kind !== 'microphone') throw new Error('SensorNode: ports.microphone is not a microphone source');
    if (ports.accelerometer !== undefined && ports.accelerometer.kind !== 'accelerometer') throw new Error('SensorNode: ports.accelerometer is not an accelerometer source');
    this.#ports = ports;
    this.#options = options;
    this.#topics = nodeTopics(options.provisioning.site, options.provisioning.node);
    this.#verifier = options.commandVerifier ?? ACCEPT_ALL_UNSIGNED;
    this.#defaults = defaultConfig(this.#context);
  }

  /** The configuration in force (the defaults before start). */
  get config(): NodeConfig {
    return this.#run?.config ?? this.#defaults;
  }

  get topics(): NodeTopics {
    return this.#topics;
  }

  get running(): boolean {
    return this.#run !== undefined;
  }

  /** Loads the persisted configuration and outbox, starts the sources, timers and the MQTT session. */
  start(): void {
    if (this.#run !== undefined) throw new Error('SensorNode: already started');
    const { clock, storage, log, transport, system } = this.#ports;
    const storageProblems: string[] = [];
    const boot = this.#countBoot(storageProblems);
    const incarnation = this.#incarnation(storageProblems);
    let loaded = this.#loadConfig();
    let pipelines: PipelineSet;
    try {
      pipelines = this.#buildPipelines(loaded.config);
    } catch (error) {
      if (loaded.config === this.#defaults) {
        throw new Error(`SensorNode: createPipelines failed on the default configuration: ${errorText(error)}`, { cause: error });
      }
      loaded = this.#configFallback(`the pipelines refused the stored configuration (${errorText(error)})`);
      pipelines = this.#buildPipelines(loaded.config);
    }
    const { config, overrides, problem } = loaded;
    const alerts = new AlertManager({
      clock, storage, log, topics: this.#topics,
      identity: { site: config.site, node: config.node, incarnation, boot },
      emit: (message) => this.#enqueue(message),
      onState: (type, on) => this.#publishState(type, on),
    });
    alerts.configure(config);
    const outbox = new Outbox({
      storage, transport, clock, log,
      capacity: this.#options.outboxCapacity ?? 16,
      overflowAlert: (summary, reuse) => alerts.overflowAlert(summary, reuse),
      onDelivered: (message) => this.#delivered(message),
    });
    const telemetry = new TelemetryStream({
      clock, site: config.site, node: config.node,
      snapshots: () => this.#snapshots(),
      mayPublish: () => transport.isConnected() && !outbox.busy,
      publish: (payload) => {
        outbox.add({ cls: 'telemetry', id: 'telemetry', topic: this.#topics.telemetry, payload, qos: 0, retain: false });
      },
    });
    const now = clock.uptimeMs();
    const run: Running = {
      config, overrides, pipelines, alerts, outbox, telemetry,
      micHealth: this.#ports.microphone !== undefined ? new SensorHealth('microphone', config.health, now) : undefined,
      accelHealth: this.#ports.accelerometer !== undefined ? new SensorHealth('accelerometer', config.health, now) : undefined,
      orientation: new OrientationWatch(config.health),
      tickTimer: clock.setTimer(() => this.#tick(), TICK_MS, TICK_MS),
      heartbeatTimer: clock.setTimer(() => this.#heartbeat(), config.health.heartbeatMs, config.health.heartbeatMs),
      boot, heartbeatSeq: 0, connects: 0, disconnects: 0, lastDisconnect: '', resultSeq: 0,
      reboot: undefined, pipelineFailures: 0,
    };
    this.#run = run;
    this.#resumeSensorFaults(run, now);
    this.#applyFlexAvailability(run);
    outbox.load();
    alerts.continueAfter(outbox.highestAlertSeq(`${config.node}-${incarnation}-`));
    if (problem !== undefined) alerts.nodeFault(['config_invalid'], problem, 'warning', {});
    if (storageProblems.length > 0) alerts.nodeFault(['storage_corrupt'], storageProblems.join('; '), 'warning', {});
    log.log('info', `node ${config.site}/${config.node} (${config.role}) boot ${boot}, firmware ${system.firmwareVersion()}`);
    this.#ports.microphone?.start(this.#micEvents);
    this.#ports.accelerometer?.start(this.#accelEvents);
    const mqtt = this.#options.provisioning.mqtt;
    transport.start({
      clientId: clientIdFor(this.#options.provisioning),
      keepaliveMs: config.health.keepaliveS * 1000,
      will: { topic: this.#topics.status, payload: STATUS_OFFLINE, qos: 1, retain: true },
      username: mqtt?.username,
      password: mqtt?.password,
    }, {
      onConnected: () => this.#connected(),
      onDisconnected: (reason) => this.#disconnected(reason),
      onMessage: (topic, payload) => this.#message(topic, payload),
    });
  }

  /** Graceful stop: held alerts go to the outbox, `offline` is published, the session ends, sources and timers stop. */
  stop(): void {
    const run = this.#run;
    if (run === undefined) return;
    const { clock, transport } = this.#ports;
    clock.clearTimer(run.tickTimer);
    clock.clearTimer(run.heartbeatTimer);
    run.telemetry.stop();
    run.alerts.stop();
    this.#ports.microphone?.stop();
    this.#ports.accelerometer?.stop();
    run.outbox.stop();
    this.#publish(this.#topics.status, STATUS_OFFLINE, 1, true);
    transport.stop(true);
    this.#run = undefined;
  }

  // ---- start-up ----

  #countBoot(problems: string[]): number {
    const text = this.#ports.storage.read(BOOT_KEY);
    let previous = text === undefined ? 0 : /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isNaN(previous)) {
      // Receivers date alerts per boot: count on from the latest boot an alert still in the outbox names.
      previous = latestStoredBoot(this.#ports.storage);
      problems.push(`boot counter ${JSON.stringify((text ?? '').slice(0, 20))} unreadable: boots are counted again from ${previous + 1}`);
    }
    const boot = previous + 1;
    this.#tryWrite(BOOT_KEY, String(boot));
    return boot;
  }

  /**
   * The installation's incarnation, drawn again whenever the alert counter cannot be trusted (missing or
   * unreadable), so that `<node>-<incarnation>-<seq>` never names two alerts.
   */
  #incarnation(problems: string[]): string {
    const { storage } = this.#ports;
    const stored = storage.read(INCARNATION_KEY);
    const seqText = storage.read(SEQ_KEY);
    const seqReadable = seqText !== undefined && /^\d+$/.test(seqText);
    if (stored !== undefined && /^[0-9a-f]{8}$/.test(stored) && seqReadable) return stored;
    if (seqText !== undefined && !seqReadable) problems.push(`alert counter ${JSON.stringify(seqText.slice(0, 20))} unreadable: alert ids continue under a new incarnation`);
    const random = this.#options.random ?? Math.random;
    let text = '';
    for (let i = 0; i < 8; i++) text += Math.floor(random() * 16).toString(16);
    if (text === stored) text = `${text.slice(0, 7)}${((parseInt(text[7] as string, 16) + 1) % 16).toString(16)}`;
    this.#tryWrite(INCARNATION_KEY, text);
    this.#tryWrite(SEQ_KEY, '0');
    return text;
  }

  #loadConfig(): LoadedConfig {
    const text = readChunked(this.#ports.storage, CONFIG_PREFIX);
    if (text === undefined) {
      // No piece count: nothing was ever stored. A count with pieces missing, or no count readable: damaged.
      const count = this.#ports.storage.read(`${CONFIG_PREFIX}#`);
      if (count === undefined) return { config: this.#defaults, overrides: {}, problem: undefined };
      return this.#configFallback(`stored configuration is incomplete (${CONFIG_PREFIX}# ${JSON.stringify(count.slice(0, 20))}, a piece missing or the count unreadable)`);
    }
    let overrides: unknown;
    try {
      overrides = JSON.parse(text);
    } catch (error) {
      return this.#configFallback(`stored configuration is not JSON (${errorText(error)})`);
    }
    if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
      return this.#configFallback('stored configuration is not an object');
    }
    const result = effectiveConfig(overrides as JsonObject, this.#context);
    if (!result.ok) return this.#configFallback(`stored configuration is invalid: ${result.errors.join('; ')}`);
    return { config: result.config, overrides: overrides as JsonObject, problem: undefined };
  }

  #configFallback(problem: string): LoadedConfig {
    this.#ports.log.log('error', `${problem}; running with the defaults`);
    return { config: this.#defaults, overrides: {}, problem: `${problem}; running with the defaults` };
  }

  #buildPipelines(config: NodeConfig): PipelineSet {
    const set = this.#options.createPipelines(config, this.#onFlex);
    for (const kind of ['acoustic', 'vibration', 'tilt'] as const) {
      const pipeline = set[kind];
      if (pipeline !== undefined && pipeline.kind !== kind) {
        throw new Error(`createPipelines returned a ${pipeline.kind} pipeline as ${kind}`);
      }
    }
    return set;
  }

  #tryWrite(key: string, value: string): void {
    try {
      this.#ports.storage.write(key, value);
    } catch (error) {
      this.#ports.log.log('error', `cannot persist ${key}: ${errorText(error)}`);
    }
  }

  // ---- the block path: no allocation ----

  #onMicBlock(block: SampleBlock): void {
    const run = this.#run;
    if (run === undefined) return;
    run.micHealth?.noteBlock(block, this.#ports.clock.uptimeMs());
    const acoustic = run.pipelines.acoustic;
    if (acoustic !== undefined) this.#push(run, acoustic, block);
  }

  #onAccelBlock(block: SampleBlock): void {
    const run = this.#run;
    if (run === undefined) return;
    run.accelHealth?.noteBlock(block, this.#ports.clock.uptimeMs());
    const { vibration, tilt } = run.pipelines;
    if (vibration !== undefined) this.#push(run, vibration, block);
    if (tilt !== undefined) this.#push(run, tilt, block);
  }

  #push(run: Running, pipeline: Pipeline, block: SampleBlock): void {
    let detections: readonly Detection[];
    try {
      detections = pipeline.push(block);
    } catch (error) {
      this.#pipelineFailed(run, pipeline.kind, error);
      return;
    }
    if (detections.length > 0) run.alerts.onDetections(detections);
  }

  #flex(atMs: number, peakG: number): void {
    const run = this.#run;
    if (run === undefined) return;
    run.pipelines.acoustic?.noteFlex?.(atMs, peakG);
    run.alerts.noteFlex(atMs, peakG);
  }

  #pipelineFailed(run: Running, kind: PipelineKind, error: unknown): void {
    const failures = ++run.pipelineFailures;
    // A broken pipeline fails on every block: log the first few, then every hundredth, and raise one node_fault.
    if (failures <= 3 || failures % 100 === 0) {
      this.#ports.log.log('error', `${kind} pipeline failed on a block (${failures} failures this boot): ${errorText(error)}`);
    }
    if (failures === 1) run.alerts.nodeFault(['pipeline_error'], `${kind} pipeline: ${errorText(error)}`, 'warning', {});
  }

  #onSourceFault(sensor: 'microphone' | 'accelerometer', fault: SensorSourceFault): void {
    const run = this.#run;
    if (run === undefined) return;
    this.#ports.log.log('warn', `${sensor}: ${fault.code}: ${fault.message}`);
    (sensor === 'microphone' ? run.micHealth : run.accelHealth)?.noteSourceFault(fault);
  }

  // ---- periodic work ----

  #tick(): void {
    const run = this.#run;
    if (run === undefined) return;
    const now = this.#ports.clock.uptimeMs();
    if (run.micHealth !== undefined) this.#evaluateHealth(run, run.micHealth, now);
    if (run.accelHealth !== undefined) this.#evaluateHealth(run, run.accelHealth, now);
    if (run.accelHealth !== undefined && !run.accelHealth.faulted) {
      const change = run.orientation.evaluate(run.accelHealth.meanG, now - TICK_MS, now);
      if (change === 'raised') run.alerts.raiseTamper(run.orientation.awaySinceMs, { angleDeg: run.orientation.angleDeg });
      else if (change === 'cleared') run.alerts.tamperCleared();
    }
    run.alerts.tick(now);
  }

  #evaluateHealth(run: Running, health: SensorHealth, now: number): void {
    const change = health.evaluate(now);
    if (change === 'none') return;
    const raised = change === 'raised';
    const flexLost = raised && health.kind === 'accelerometer' && this.#glassNeedsFlex(run);
    run.alerts.sensorFault(health.kind, health.faultCodes, raised, raised ? health.faultOnsetMs : now, health.features(now),
      flexLost ? FLEX_LOST_CONSEQUENCE : undefined);
    this.#tryWrite(SENSOR_FAULTS_KEY, `${run.micHealth?.faultMask ?? 0},${run.accelHealth?.faultMask ?? 0}`);
    if (health.kind !== 'accelerometer') return;
    this.#applyFlexAvailability(run);
    if (raised) this.#judgeWithoutFlex(run, health.suspectSinceMs, now);
  }

  /**
   * A break in the seconds before the fault was raised was judged against a flex that could not come: the
   * candidates since the accelerometer's data became suspect are judged again by the sound alone, late
   * rather than never.
   */
  #judgeWithoutFlex(run: Running, sinceMs: number, nowMs: number): void {
    const acoustic = run.pipelines.acoustic;
    if (acoustic?.judgeWithoutFlexSince === undefined) return;
    let detections: readonly Detection[];
    try {
      detections = acoustic.judgeWithoutFlexSince(sinceMs, nowMs);
    } catch (error) {
      this.#pipelineFailed(run, acoustic.kind, error);
      return;
    }
    if (detections.length > 0) run.alerts.onDetections(detections);
  }

  /**
   * Faults raised before a reboot and not cleared stay raised: their recovery is still reported (the pair
   * a receiver waits for), and a sensor still faulty raises nothing twice.
   */
  #resumeSensorFaults(run: Running, nowMs: number): void {
    const text = this.#ports.storage.read(SENSOR_FAULTS_KEY);
    if (text === undefined || !/^\d+,\d+$/.test(text)) return;
    const [mic, accel] = text.split(',').map(Number);
    for (const [health, mask] of [[run.micHealth, mic], [run.accelHealth, accel]] as const) {
      if (health === undefined || mask === 0) continue;
      health.resumeFault(mask, nowMs);
      run.alerts.resumeSensorFault(health.kind);
    }
  }

  /** Whether glass break runs and the pane's flex decides more than a bonus (a window or a display case on its glass). */
  #glassNeedsFlex(run: Running): boolean {
    const glass = run.config.detectors.glassBreak;
    return run.pipelines.acoustic !== undefined && glass.enabled && glassFlexDecides(glass);
  }

  /**
   * Tells the acoustic pipeline whether the pane's flex can be reported. A faulted or missing accelerometer
   * must not silence glass break where the flex is required: the sound alone decides until it is back.
   */
  #applyFlexAvailability(run: Running): void {
    const available = run.accelHealth !== undefined && !run.accelHealth.faulted;
    const acoustic = run.pipelines.acoustic;
    if (acoustic?.setFlexAvailable === undefined) return;
    acoustic.setFlexAvailable(available);
    if (!available && this.#glassNeedsFlex(run)) {
      this.#ports.log.log('warn', 'glass break: no accelerometer to report the pane\'s flex; the sound alone decides (minScore) until it is back');
    }
  }

  #heartbeat(): void {
    const run = this.#run;
    if (run === undefined || !this.#ports.transport.isConnected()) return;
    const { clock, system } = this.#ports;
    const now = clock.uptimeMs();
    const stats = run.outbox.stats;
    const hb: HeartbeatMessage = {
      v: PROTOCOL_VERSION,
      seq: ++run.heartbeatSeq,
      boot: run.boot,
      uptimeMs: now,
      ts: clock.epochMs() ?? null,
      intervalMs: run.config.health.heartbeatMs,
      heapFreeBytes: system.freeHeapBytes() ?? null,
      fw: system.firmwareVersion(),
      link: { connects: run.connects, disconnects: run.disconnects, lastDisconnect: run.lastDisconnect },
      outbox: { depth: stats.depth, alerts: stats.alerts, dropped: stats.dropped, evicted: stats.evicted, storageErrors: stats.storageErrors },
      sensors: {
        microphone: run.micHealth?.report(now) ?? absentSensorReport(),
        accelerometer: run.accelHealth?.report(now) ?? absentSensorReport(),
      },
      walkTest: run.alerts.walkTestUntilMs !== undefined,
      telemetry: run.telemetry.active,
    };
    this.#publish(this.#topics.hb, JSON.stringify(hb), 0, false);
  }

  #snapshots(): PipelineSnapshot[] {
    const run = this.#run;
    if (run === undefined) return [];
    const snapshots: PipelineSnapshot[] = [];
    for (const pipeline of [run.pipelines.acoustic, run.pipelines.vibration, run.pipelines.tilt]) {
      if (pipeline !== undefined) snapshots.push(pipeline.snapshot());
    }
    return snapshots;
  }

  // ---- the MQTT session ----

  #publish(topic: string, payload: string, qos: 0 | 1, retain: boolean): void {
    if (this.#ports.transport.isConnected()) this.#ports.transport.publish(topic, payload, { qos, retain });
  }

  #enqueue(message: OutboxMessage): void {
    this.#run?.outbox.add(message);
  }

  #publishState(type: AlertType, on: boolean): void {
    this.#publish(this.#topics.state[type], on ? STATE_ON : STATE_OFF, 1, true);
  }

  /** Retained config, every state flag and the discovery entities (after a connect or HA's restart). */
  #publishRetained(run: Running): void {
    this.#publish(this.#topics.config, JSON.stringify(run.config), 1, true);
    for (const type of ALERT_TYPES) this.#publishState(type, run.alerts.isOn(type));
    this.#publishDiscovery(run);
  }

  #publishDiscovery(run: Running): void {
    const messages = discoveryMessages({
      config: run.config, topics: this.#topics, firmwareVersion: this.#ports.system.firmwareVersion(),
      hasAccelerometer: this.#ports.accelerometer !== undefined,
    });
    for (const { topic, payload } of messages) this.#publish(topic, payload, 1, true);
  }

  #connected(): void {
    const run = this.#run;
    if (run === undefined) return;
    run.connects++;
    const { transport } = this.#ports;
    this.#publish(this.#topics.status, STATUS_ONLINE, 1, true);
    transport.subscribe(this.#topics.cmdFilter);
    transport.subscribe(HA_STATUS_TOPIC);
    this.#publishRetained(run);
    run.outbox.connected();
  }

  #disconnected(reason: string): void {
    const run = this.#run;
    if (run === undefined) return;
    run.disconnects++;
    run.lastDisconnect = reason.slice(0, 120);
    this.#ports.log.log('warn', `MQTT session down: ${reason}`);
    run.outbox.disconnected();
  }

  #message(topic: string, payload: string): void {
    const run = this.#run;
    if (run === undefined) return;
    if (topic === HA_STATUS_TOPIC) {
      if (payload === STATUS_ONLINE) this.#publishRetained(run);
      return;
    }
    if (topic === this.#topics.cmdResult) return; // our own answers, seen through cmd/+
    try {
      this.#command(run, topic, payload);
    } catch (error) {
      // A defect, not bad input: say so and keep running.
      this.#ports.log.log('error', `command on ${topic} failed: ${errorText(error)}`);
      this.#answer(run, null, topic.slice(this.#topics.cmdPrefix.length), { ok: false, error: `internal error: ${errorText(error)}` });
    }
  }

  // ---- commands ----

  #command(run: Running, topic: string, payload: string): void {
    if (!topic.startsWith(this.#topics.cmdPrefix)) {
      this.#answer(run, null, '', { ok: false, error: `topic: '${topic.slice(0, 120)}' is not a command topic of this node` });
      return;
    }
    const name = topic.slice(this.#topics.cmdPrefix.length);
    const shownName = name.slice(0, 32);
    const parsed = parseCommandPayload(payload);
    if (!parsed.ok) {
      this.#answer(run, parsed.id, shownName, { ok: false, error: parsed.error });
      return;
    }
    const id = requestId(parsed.value);
    if (!isCommandName(name)) {
      this.#answer(run, id, shownName, { ok: false, error: `topic: unknown command '${shownName}' (known: ${COMMAND_NAMES.join(', ')})` });
      return;
    }
    const refusal = this.#verifier.verify({ name, topic, payload, body: parsed.value });
    if (refusal !== undefined) {
      this.#answer(run, id, name, { ok: false, error: `auth: ${refusal}` });
      return;
    }
    const limits = {
      telemetryMaxDurationS: run.config.telemetry.maxDurationS,
      telemetryMaxRateHz: run.config.telemetry.maxRateHz,
      walkTestMaxS: run.config.alerts.walkTestMaxS,
    };
    const command = parseCommand(name, parsed.value, limits);
    if (!command.ok) {
      this.#answer(run, id, name, { ok: false, error: command.error });
      return;
    }
    const resultId = this.#answer(run, command.value.id, name, this.#execute(run, command.value));
    if (command.value.name === 'reboot') {
      // Restart once the answer is delivered (or after a grace period if it cannot be).
      const reason = command.value.reason;
      run.reboot = { resultId, reason };
      this.#ports.clock.setTimer(() => this.#reboot(run, reason), REBOOT_GRACE_MS);
    }
  }

  #execute(run: Running, command: Command): Partial<CommandResultMessage> & { ok: boolean } {
    const now = this.#ports.clock.uptimeMs();
    switch (command.name) {
      case 'config':
        return this.#applyConfig(run, command.config, command.mode);
      case 'telemetry': {
        if (!command.enable) {
          run.telemetry.stop();
          return { ok: true };
        }
        if (this.#snapshots().length === 0) return { ok: false, error: 'telemetry: no pipeline is running on this node' };
        const rateHz = command.rateHz ?? Math.min(run.config.telemetry.defaultRateHz, run.config.telemetry.maxRateHz);
        const untilUptimeMs = run.telemetry.start(command.durationS ?? run.config.telemetry.defaultDurationS, rateHz);
        return { ok: true, untilUptimeMs, rateHz };
      }
      case 'walktest': {
        if (!command.enable) {
          run.alerts.setWalkTest(undefined);
          return { ok: true };
        }
        const untilUptimeMs = now + (command.durationS ?? run.config.alerts.walkTestDefaultS) * 1000;
        run.alerts.setWalkTest(untilUptimeMs);
        return { ok: true, untilUptimeMs };
      }
      case 'relearn': {
        const tilt = run.pipelines.tilt;
        if (tilt === undefined && run.accelHealth === undefined) {
          return { ok: false, error: 'relearn: this node has neither a tilt detector nor an accelerometer' };
        }
        tilt?.relearn?.();
        run.orientation.relearn();
        run.alerts.tamperCleared();
        return { ok: true };
      }
      case 'reboot':
        return { ok: true };
    }
  }

  #applyConfig(run: Running, patch: unknown, mode: 'merge' | 'replace'): Partial<CommandResultMessage> & { ok: boolean } {
    const change = applyConfigChange(run, patch, mode, this.#context);
    if (!change.ok) {
      return {
        ok: false,
        error: `${change.errors.length} problem(s) in the configuration; nothing was changed (first: ${change.errors[0]})`,
        errors: change.errors,
      };
    }
    let pipelines: PipelineSet;
    try {
      pipelines = this.#buildPipelines(change.config);
    } catch (error) {
      return { ok: false, error: `config: the pipelines refused it (${errorText(error)}); nothing was changed` };
    }
    try {
      writeChunked(this.#ports.storage, CONFIG_PREFIX, JSON.stringify(change.overrides));
    } catch (error) {
      return { ok: false, error: `storage: cannot persist the configuration (${errorText(error)}); nothing was changed` };
    }
    const previous = run.config;
    run.config = change.config;
    run.overrides = change.overrides;
    run.pipelines = pipelines;
    this.#applyFlexAvailability(run);
    run.alerts.configure(change.config);
    run.micHealth?.configure(change.config.health);
    run.accelHealth?.configure(change.config.health);
    run.orientation.configure(change.config.health);
    if (change.config.health.heartbeatMs !== previous.health.heartbeatMs) {
      this.#ports.clock.clearTimer(run.heartbeatTimer);
      run.heartbeatTimer = this.#ports.clock.setTimer(() => this.#heartbeat(), change.config.health.heartbeatMs,
        change.config.health.heartbeatMs);
    }
    this.#publishRetained(run);
    return { ok: true, changed: change.changed };
  }

  /** Queues the answer on cmd/result; returns its outbox id. */
  #answer(run: Running, id: string | null, command: string, result: Partial<CommandResultMessage> & { ok: boolean }): string {
    const { clock } = this.#ports;
    const message: CommandResultMessage = {
      v: PROTOCOL_VERSION,
      id,
      command,
      ...result,
      uptimeMs: clock.uptimeMs(),
      ts: clock.epochMs() ?? null,
    };
    const resultId = `result-${run.boot}-${++run.resultSeq}`;
    run.outbox.add({ cls: 'result', id: resultId, topic: this.#topics.cmdResult, payload: JSON.stringify(message), qos: 1, retain: false });
    return resultId;
  }

  #delivered(message: OutboxMessage): void {
    const run = this.#run;
    if (run?.reboot !== undefined && message.id === run.reboot.resultId) this.#reboot(run, run.reboot.reason);
  }

  #reboot(run: Running, reason: string): void {
    if (this.#run !== run) return; // already stopped
    this.#ports.log.log('info', `rebooting: ${reason}`);
    this.stop();
    this.#ports.system.restart(reason);
  }
}
