/**
 * Turns detections and faults into alerts: cooldown and de-duplication per detector, corroboration
 * across the node's detectors, walk-test mode, ids and the persisted sequence number, and the retained
 * `state/<type>` flags. The block path calls `onDetections` with the pipelines' (usually empty) results;
 * that path allocates nothing until an alert is actually raised.
 */
import type { Clock, Log, Storage, TimerHandle } from '../ports';
import type { Detection, ThreatType } from '../detect/types';
import type { DetectorKey, NodeConfig } from './config';
import { DETECTOR_KEYS } from './config';
import type { OutboxMessage, OverflowSummary } from './outbox';
import type { AlertFault, AlertMessage, AlertType, NodeTopics, SensorName, Severity } from './protocol';
import { ALERT_TYPES, PROTOCOL_VERSION } from './protocol';

/** Index of each threat in the per-detector arrays (the order of DETECTOR_KEYS). */
function threatIndex(type: ThreatType): number {
  switch (type) {
    case 'glass_break': return 0;
    case 'grinder': return 1;
    case 'impact': return 2;
    case 'tilt': return 3;
    default: return -1;
  }
}
const THREATS: readonly ThreatType[] = ['glass_break', 'grinder', 'impact', 'tilt'];
const GLASS_BREAK = 0;
const IMPACT = 2;
const THREAT_COUNT = 4;

export const MAX_ALERT_FEATURES = 16;
const MAX_FEATURE_NAME = 40;
export const SEQ_KEY = 'seq';

export interface AlertIdentity {
  site: string;
  node: string;
  /** Random per installation (kept in storage): ids stay unique even if storage is erased and seq restarts. */
  incarnation: string;
  boot: number;
}

export interface AlertManagerOptions {
  clock: Clock;
  storage: Storage;
  log: Log;
  identity: AlertIdentity;
  topics: NodeTopics;
  /** Hands a built alert to the outbox. */
  emit(message: OutboxMessage): void;
  /** A retained state/<type> flag changed. */
  onState(type: AlertType, on: boolean): void;
}

interface Held {
  detection: Detection;
  timer: TimerHandle;
}

/** Finite features only, at most MAX_ALERT_FEATURES, rounded to 6 significant digits. */
function cleanFeatures(features: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  let count = 0;
  for (const [name, value] of Object.entries(features)) {
    if (count >= MAX_ALERT_FEATURES) break;
    if (typeof value !== 'number' || !Number.isFinite(value) || name.length > MAX_FEATURE_NAME || name === '__proto__') continue;
    out[name] = Number(value.toPrecision(6));
    count++;
  }
  return out;
}

export class AlertManager {
  readonly #o: AlertManagerOptions;
  #config: NodeConfig | undefined;
  #seq: number;
  readonly #enabled = new Uint8Array(THREAT_COUNT);
  readonly #cooldownMs = new Float64Array(THREAT_COUNT);
  readonly #requireCorroboration = new Uint8Array(THREAT_COUNT);
  readonly #lastAlertMs = new Float64Array(THREAT_COUNT).fill(-Infinity);
  readonly #lastOnsetMs = new Float64Array(THREAT_COUNT).fill(-Infinity);
  readonly #lastSeenMs = new Float64Array(THREAT_COUNT).fill(-Infinity);
  readonly #merged = new Int32Array(THREAT_COUNT);
  readonly #held: (Held | undefined)[] = [undefined, undefined, undefined, undefined];
  #lastFlexMs = -Infinity;
  #windowMs = 1500;
  #stateHoldMs = 30000;
  #walkTestUntilMs: number | undefined;
  /** Per alert type (ALERT_TYPES order; threats first): uptime the state flag was last refreshed, NaN while OFF. */
  readonly #stateSinceMs = new Float64Array(ALERT_TYPES.length).fill(Number.NaN);
  readonly #sensorFaults = new Set<SensorName>();

  constructor(options: AlertManagerOptions) {
    this.#o = options;
    const stored = Number(options.storage.read(SEQ_KEY) ?? '0');
    this.#seq = Number.isInteger(stored) && stored >= 0 ? stored : 0;
  }

  get seq(): number {
    return this.#seq;
  }

  /** Continues numbering after `seq` at least (an alert restored from the outbox already had it). */
  continueAfter(seq: number): void {
    if (seq <= this.#seq) return;
    this.#seq = seq - 1;
    this.#nextSeq();
  }

  get walkTestUntilMs(): number | undefined {
    return this.#walkTestUntilMs;
  }

  configure(config: NodeConfig): void {
    this.#config = config;
    DETECTOR_KEYS.forEach((key: DetectorKey, i) => {
      this.#enabled[i] = config.detectors[key].enabled ? 1 : 0;
      this.#cooldownMs[i] = config.alerts.cooldownMs[key];
      this.#requireCorroboration[i] = config.alerts.requireCorroboration[key] ? 1 : 0;
    });
    this.#windowMs = config.alerts.corroborationWindowMs;
    this.#stateHoldMs = config.alerts.stateHoldMs;
  }

  /** Walk-test mode until the given uptime (undefined ends it). Alerts raised meanwhile carry test: true. */
  setWalkTest(untilMs: number | undefined): void {
    this.#walkTestUntilMs = untilMs;
  }

  /** The block path: usually an empty list, which costs nothing. */
  onDetections(detections: readonly Detection[]): void {
    for (let i = 0; i < detections.length; i++) this.#onDetection(detections[i]);
  }

  /** A flex or shock of the pane seen by the accelerometer: corroborates a glass break. */
  noteFlex(atMs: number, _peakG: number): void {
    this.#lastFlexMs = atMs;
    const held = this.#held[GLASS_BREAK];
    if (held !== undefined && Math.abs(atMs - held.detection.onsetMs) <= this.#windowMs) this.#release(GLASS_BREAK);
  }

  #onDetection(detection: Detection): void {
    const index = threatIndex(detection.type);
    if (index < 0 || this.#enabled[index] === 0) return;
    this.#lastSeenMs[index] = detection.decidedMs;
    this.#lastOnsetMs[index] = detection.onsetMs;
    for (let other = 0; other < THREAT_COUNT; other++) {
      const held = this.#held[other];
      if (other !== index && held !== undefined && Math.abs(detection.onsetMs - held.detection.onsetMs) <= this.#windowMs) {
        this.#release(other);
      }
    }
    if (this.#held[index] !== undefined || detection.decidedMs - this.#lastAlertMs[index] < this.#cooldownMs[index]) {
      this.#merged[index]++;
      if (!Number.isNaN(this.#stateSinceMs[index])) this.#stateSinceMs[index] = detection.decidedMs;
      return;
    }
    this.#lastAlertMs[index] = detection.decidedMs;
    if (this.#requireCorroboration[index] === 1 && this.#walkTestUntilMs === undefined && this.#corroborators(index, detection.onsetMs) === 0) {
      this.#hold(index, detection);
      return;
    }
    this.#raiseThreat(index, detection);
  }

  /**
   * Holds a detection for the corroboration window: an agreeing detector releases it at once as
   * corroborated. (Its own method: the timer's closure would otherwise make every call of
   * #onDetection allocate a scope in XS.)
   */
  #hold(index: number, detection: Detection): void {
    const copy: Detection = { ...detection, features: { ...detection.features } };
    const delayMs = Math.max(0, detection.decidedMs + this.#windowMs - this.#o.clock.uptimeMs());
    this.#held[index] = { detection: copy, timer: this.#o.clock.setTimer(() => this.#release(index), delayMs) };
  }

  /** Bit i set: threat i had an onset within the corroboration window of `onsetMs` (flex counts as impact for glass break). */
  #corroborators(index: number, onsetMs: number): number {
    let mask = 0;
    for (let other = 0; other < THREAT_COUNT; other++) {
      if (other !== index && Math.abs(this.#lastOnsetMs[other] - onsetMs) <= this.#windowMs) mask |= 1 << other;
    }
    if (index === GLASS_BREAK && Math.abs(this.#lastFlexMs - onsetMs) <= this.#windowMs) mask |= 1 << IMPACT;
    return mask;
  }

  #release(index: number): void {
    const held = this.#held[index];
    if (held === undefined) return;
    this.#o.clock.clearTimer(held.timer);
    this.#held[index] = undefined;
    this.#raiseThreat(index, held.detection);
  }

  #raiseThreat(index: number, detection: Detection): void {
    const type = THREATS[index];
    const mask = this.#corroborators(index, detection.onsetMs);
    const corroborated: string[] = [];
    for (let other = 0; other < THREAT_COUNT; other++) if ((mask & (1 << other)) !== 0) corroborated.push(THREATS[other]);
    const test = this.#walkTestUntilMs !== undefined;
    let severity: Severity = 'alarm';
    if (test) severity = 'info';
    else if (mask !== 0) severity = 'critical';
    else if (this.#requireCorroboration[index] === 1) severity = 'warning';
    const merged = this.#merged[index];
    this.#merged[index] = 0;
    this.#emit(type, severity, detection.score, test, corroborated, detection.onsetMs, detection.decidedMs, merged,
      cleanFeatures(detection.features), undefined);
    if (severity === 'alarm' || severity === 'critical') this.#setState(type, detection.decidedMs);
  }

  /** The node turned away from its learned orientation (someone is removing it). */
  raiseTamper(onsetMs: number, features: Record<string, number>): void {
    const test = this.#walkTestUntilMs !== undefined;
    const now = this.#o.clock.uptimeMs();
    this.#emit('tamper', test ? 'info' : 'alarm', 1, test, [], onsetMs, now, 0, cleanFeatures(features), undefined);
    if (!test) this.#setState('tamper', Infinity); // ON until the node is back in place or re-learned
  }

  /** The node is back in its orientation (or it was re-learned): state/tamper goes OFF. */
  tamperCleared(): void {
    this.#setStateOff('tamper');
  }

  /**
   * A sensor fault raised (active) or cleared. Faults are real even in walk-test mode. `consequence`: what the
   * fault changes in how the node detects, for the operator (appended to the detail of a raised fault).
   */
  sensorFault(sensor: SensorName, codes: string[], active: boolean, onsetMs: number, features: Record<string, number>, consequence?: string): void {
    const now = this.#o.clock.uptimeMs();
    const detail = active ? `${sensor}: ${codes.join(', ')}${consequence !== undefined ? `; ${consequence}` : ''}` : `${sensor}: recovered`;
    this.#emit('sensor_fault', active ? 'warning' : 'info', active ? 1 : 0, false, [], onsetMs, now, 0, cleanFeatures(features),
      { source: sensor, codes, active, detail });
    const wasOn = this.#sensorFaults.size > 0;
    if (active) this.#sensorFaults.add(sensor);
    else this.#sensorFaults.delete(sensor);
    const isOn = this.#sensorFaults.size > 0;
    if (isOn !== wasOn) {
      if (isOn) this.#setState('sensor_fault', Infinity); // held until every sensor recovers
      else this.#setStateOff('sensor_fault');
    }
  }

  /** A sensor fault raised before a reboot and not cleared: its state flag stays ON until it clears. */
  resumeSensorFault(sensor: SensorName): void {
    if (this.#sensorFaults.size === 0) this.#setState('sensor_fault', Infinity);
    this.#sensorFaults.add(sensor);
  }

  /** A problem with the node itself (configuration lost, storage failing). */
  nodeFault(codes: string[], detail: string, severity: Severity, features: Record<string, number>): void {
    const now = this.#o.clock.uptimeMs();
    this.#emit('node_fault', severity, 1, false, [], now, now, 0, cleanFeatures(features), { source: 'node', codes, active: true, detail });
    this.#setState('node_fault', now);
  }

  /** The outbox's overflow report (see outbox.ts); `reuse` keeps the id and seq of one not sent yet. */
  overflowAlert(summary: OverflowSummary, reuse: { id: string; seq: number } | undefined): OutboxMessage {
    const features: Record<string, number> = { droppedAlerts: summary.dropped, corruptRecords: summary.corrupt };
    if (summary.firstSeq !== null) features.firstDroppedSeq = summary.firstSeq;
    if (summary.lastSeq !== null) features.lastDroppedSeq = summary.lastSeq;
    for (const [type, count] of Object.entries(summary.byType)) features[`dropped_${type}`] = count;
    const parts: string[] = [];
    if (summary.dropped > 0) {
      parts.push(`outbox full of undelivered alerts: ${summary.dropped} alert(s) lost` +
        (summary.firstSeq !== null ? ` (seq ${summary.firstSeq}..${summary.lastSeq})` : ''));
    }
    if (summary.corrupt > 0) {
      parts.push(`${parts.length === 0 ? 'outbox: ' : ''}${summary.corrupt} record(s) unreadable in storage at start, their alert(s) lost`);
    }
    const detail = parts.join('; ');
    const now = this.#o.clock.uptimeMs();
    if (reuse === undefined) this.#setState('node_fault', now);
    return this.#build('node_fault', 'critical', 1, false, [], now, now, 0, cleanFeatures(features),
      { source: 'node', codes: ['outbox_overflow'], active: true, detail }, reuse);
  }

  /** Ends walk-test mode and releases state flags whose hold time has passed. */
  tick(nowMs: number): void {
    if (this.#walkTestUntilMs !== undefined && nowMs >= this.#walkTestUntilMs) {
      this.#walkTestUntilMs = undefined;
      this.#o.log.log('info', 'walk-test mode ended');
    }
    for (let i = 0; i < ALERT_TYPES.length; i++) {
      if (nowMs - this.#stateSinceMs[i] >= this.#stateHoldMs) this.#setStateOff(ALERT_TYPES[i]); // false for NaN (OFF)
    }
  }

  /** Whether the retained state flag of `type` is ON (for republishing after a reconnect). */
  isOn(type: AlertType): boolean {
    return !Number.isNaN(this.#stateSinceMs[ALERT_TYPES.indexOf(type)]);
  }

  #setState(type: AlertType, atMs: number): void {
    const index = ALERT_TYPES.indexOf(type);
    const wasOn = !Number.isNaN(this.#stateSinceMs[index]);
    this.#stateSinceMs[index] = atMs;
    if (!wasOn) this.#o.onState(type, true);
  }

  #setStateOff(type: AlertType): void {
    const index = ALERT_TYPES.indexOf(type);
    if (Number.isNaN(this.#stateSinceMs[index])) return;
    this.#stateSinceMs[index] = Number.NaN;
    this.#o.onState(type, false);
  }

  #emit(type: AlertType, severity: Severity, score: number, test: boolean, corroborated: string[], onsetMs: number,
    decidedMs: number, merged: number, features: Record<string, number>, fault: AlertFault | undefined): void {
    this.#o.emit(this.#build(type, severity, score, test, corroborated, onsetMs, decidedMs, merged, features, fault, undefined));
  }

  #build(type: AlertType, severity: Severity, score: number, test: boolean, corroborated: string[], onsetMs: number,
    decidedMs: number, merged: number, features: Record<string, number>, fault: AlertFault | undefined,
    reuse: { id: string; seq: number } | undefined): OutboxMessage {
    const config = this.#config;
    if (config === undefined) throw new Error('AlertManager: configure() must be called before alerts are raised');
    const { identity, clock } = this.#o;
    let seq: number;
    let id: string;
    if (reuse === undefined) {
      seq = this.#nextSeq();
      id = `${identity.node}-${identity.incarnation}-${seq}`;
    } else {
      ({ seq, id } = reuse);
    }
    const alert: AlertMessage = {
      v: PROTOCOL_VERSION,
      id,
      seq,
      ts: clock.epochMs() ?? null,
      uptimeMs: clock.uptimeMs(),
      boot: identity.boot,
      site: identity.site,
      node: identity.node,
      role: config.role,
      zone: config.zone,
      location: config.location,
      type,
      severity,
      score: Math.round(Math.min(1, Math.max(0, score)) * 1000) / 1000,
      test,
      corroborated,
      onsetUptimeMs: onsetMs,
      decidedUptimeMs: decidedMs,
      merged,
      features,
    };
    if (fault !== undefined) alert.fault = fault;
    return { cls: 'alert', id, seq, type, topic: this.#o.topics.alert, payload: JSON.stringify(alert), qos: 1, retain: false };
  }

  #nextSeq(): number {
    this.#seq++;
    try {
      this.#o.storage.write(SEQ_KEY, String(this.#seq));
    } catch (error) {
      this.#o.log.log('error', `alerts: cannot persist seq ${this.#seq}: ${(error as Error).message}`);
    }
    return this.#seq;
  }

  /** Raises held detections now (uncorroborated) so that stopping the node loses none of them. */
  stop(): void {
    for (let i = 0; i < THREAT_COUNT; i++) this.#release(i);
  }
}
