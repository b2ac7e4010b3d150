/**
 * Safe mode: the node cannot run (its build configuration is invalid, the build lacks a module it
 * needs, its only sensor does not answer, or starting the node threw) but stays reachable over MQTT.
 * It connects with the usual will, publishes `status` online, a retained `safemode` message naming
 * every problem and `state/node_fault` ON, and answers commands: `cmd/reboot` restarts, `cmd/config`
 * is checked and stored for the next start when the installer's provisioning is valid, anything else is
 * refused with the reason. Without a broker it can only trace the problems (every minute, for a serial
 * console). docs/flashing.md ("Safe mode") and docs/protocol.md describe what an operator sees.
 */
import type { Clock, Log, Storage, SystemInfo, TimerHandle, Transport } from '../ports';
import type { CommandResultMessage, NodeTopics } from '../node/protocol';
import { PROTOCOL_VERSION, STATE_ON, STATUS_OFFLINE, STATUS_ONLINE, nodeTopics } from '../node/protocol';
import type { CommandVerifier } from '../node/commands';
import { ACCEPT_ALL_UNSIGNED, isCommandName, parseCommand, parseCommandPayload, requestId } from '../node/commands';
import type { ConfigContext, JsonObject, NodeConfig, NodeProvisioning } from '../node/config';
import { TELEMETRY_SPECS, ALERT_TIMING_SPECS, applyConfigChange, clientIdFor, defaultConfig, effectiveConfig } from '../node/config';
import { CONFIG_PREFIX } from '../node/sensor-node';
import { readChunked, writeChunked } from '../node/stored-text';

/** The retained message on `vitrine/<site>/<node>/safemode` (docs/schemas/safemode.schema.json). */
export interface SafeModeMessage {
  v: number;
  safeMode: true;
  site: string;
  node: string;
  fw: string;
  problems: string[];
  /** Commands safe mode carries out; every other one is refused. */
  commands: string[];
  uptimeMs: number;
  ts: number | null;
}

export interface SafeModePorts {
  clock: Clock;
  log: Log;
  system: SystemInfo;
  /** undefined when no broker is configured (safe mode then only traces). */
  transport: Transport | undefined;
  /** undefined when storage itself is what failed. */
  storage: Storage | undefined;
}

export interface SafeModeOptions {
  site: string;
  node: string;
  problems: string[];
  keepaliveMs: number;
  mqtt?: { username?: string; password?: string };
  /** The installer's provisioning and the detector registry, when valid: cmd/config is then accepted. */
  context?: ConfigContext;
  verifier?: CommandVerifier;
  /** Re-trace the problems this often (default 60 s). */
  retraceMs?: number;
  /** A problem that may go away by itself (a sensor plugged back in): checked every `everyMs`; restart once `ready()`. */
  recheck?: { everyMs: number; what: string; ready(): boolean };
}

/** Suffix of the retained safe-mode topic under `vitrine/<site>/<node>/`. */
export const SAFE_MODE_TOPIC = 'safemode';
const REBOOT_GRACE_MS = 3000;
/** cmd/telemetry and cmd/walktest limits for parsing only: their arguments are checked before the refusal. */
const PARSE_LIMITS = {
  telemetryMaxDurationS: TELEMETRY_SPECS.maxDurationS.default as number,
  telemetryMaxRateHz: TELEMETRY_SPECS.maxRateHz.default as number,
  walkTestMaxS: ALERT_TIMING_SPECS.walkTestMaxS.default as number,
};

export function safeModeTopic(site: string, node: string): string {
  return `${nodeTopics(site, node).base}${SAFE_MODE_TOPIC}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SafeModeNode {
  readonly #ports: SafeModePorts;
  readonly #options: SafeModeOptions;
  readonly #topics: NodeTopics;
  readonly #verifier: CommandVerifier;
  readonly #timers: TimerHandle[] = [];
  #rebooting = false;
  #connects = 0;

  constructor(ports: SafeModePorts, options: SafeModeOptions) {
    if (options.problems.length === 0) throw new Error('safe mode needs at least one problem to report');
    this.#ports = ports;
    this.#options = options;
    this.#topics = nodeTopics(options.site, options.node);
    this.#verifier = options.verifier ?? ACCEPT_ALL_UNSIGNED;
  }

  get topics(): NodeTopics {
    return this.#topics;
  }

  get problems(): readonly string[] {
    return this.#options.problems;
  }

  /** The commands safe mode carries out. */
  get commands(): string[] {
    return this.#options.context === undefined || this.#ports.storage === undefined ? ['reboot'] : ['reboot', 'config'];
  }

  start(): void {
    const { clock, transport } = this.#ports;
    this.#trace();
    this.#timers.push(clock.setTimer(() => this.#trace(), this.#options.retraceMs ?? 60_000, this.#options.retraceMs ?? 60_000));
    const recheck = this.#options.recheck;
    if (recheck !== undefined) {
      this.#timers.push(clock.setTimer(() => {
        if (recheck.ready()) this.#restart(`safe mode: ${recheck.what}`);
      }, recheck.everyMs, recheck.everyMs));
    }
    if (transport === undefined) {
      this.#ports.log.log('error', 'safe mode: no broker configured (brokerHost), so the node cannot be reached over MQTT');
      return;
    }
    const { site, node, mqtt } = this.#options;
    transport.start({
      clientId: clientIdFor({ site, node, mqtt } as NodeProvisioning),
      keepaliveMs: this.#options.keepaliveMs,
      will: { topic: this.#topics.status, payload: STATUS_OFFLINE, qos: 1, retain: true },
      username: mqtt?.username,
      password: mqtt?.password,
    }, {
      onConnected: () => this.#connected(),
      onDisconnected: (reason) => this.#ports.log.log('warn', `safe mode: MQTT session down: ${reason}`),
      onMessage: (topic, payload) => this.#message(topic, payload),
    });
  }

  stop(): void {
    for (const timer of this.#timers) this.#ports.clock.clearTimer(timer);
    this.#timers.length = 0;
    const transport = this.#ports.transport;
    if (transport?.isConnected() === true) transport.publish(this.#topics.status, STATUS_OFFLINE, { qos: 1, retain: true });
    transport?.stop(true);
  }

  /** The retained safe-mode message as it is published now. */
  message(): SafeModeMessage {
    const { clock, system } = this.#ports;
    return {
      v: PROTOCOL_VERSION,
      safeMode: true,
      site: this.#options.site,
      node: this.#options.node,
      fw: system.firmwareVersion(),
      problems: this.#options.problems.slice(),
      commands: this.commands,
      uptimeMs: clock.uptimeMs(),
      ts: clock.epochMs() ?? null,
    };
  }

  #trace(): void {
    const { log } = this.#ports;
    const problems = this.#options.problems;
    log.log('error', `SAFE MODE: the node is not running; ${problems.length} problem(s):`);
    for (const problem of problems) log.log('error', `  - ${problem}`);
  }

  #publish(topic: string, payload: string, retain: boolean, done?: (error?: Error) => void): void {
    const transport = this.#ports.transport;
    if (transport?.isConnected() === true) transport.publish(topic, payload, { qos: 1, retain }, done);
    else done?.(new Error('not connected'));
  }

  #connected(): void {
    const transport = this.#ports.transport;
    if (transport === undefined) return;
    this.#connects++;
    this.#publish(this.#topics.status, STATUS_ONLINE, true);
    this.#publish(`${this.#topics.base}${SAFE_MODE_TOPIC}`, JSON.stringify(this.message()), true);
    this.#publish(this.#topics.state.node_fault, STATE_ON, true);
    transport.subscribe(this.#topics.cmdFilter);
    if (this.#connects === 1) this.#ports.log.log('info', `safe mode: reachable on ${this.#topics.base}cmd/ (${this.commands.join(', ')})`);
  }

  #message(topic: string, payload: string): void {
    if (topic === this.#topics.cmdResult || !topic.startsWith(this.#topics.cmdPrefix)) return;
    const name = topic.slice(this.#topics.cmdPrefix.length);
    const shownName = name.slice(0, 32);
    const parsed = parseCommandPayload(payload);
    if (!parsed.ok) {
      this.#answer(parsed.id, shownName, { ok: false, error: parsed.error });
      return;
    }
    const id = requestId(parsed.value);
    if (!isCommandName(name)) {
      this.#answer(id, shownName, { ok: false, error: `topic: unknown command '${shownName}'` });
      return;
    }
    const refusal = this.#verifier.verify({ name, topic, payload, body: parsed.value });
    if (refusal !== undefined) {
      this.#answer(id, name, { ok: false, error: `auth: ${refusal}` });
      return;
    }
    const command = parseCommand(name, parsed.value, PARSE_LIMITS);
    if (!command.ok) {
      this.#answer(id, name, { ok: false, error: command.error });
      return;
    }
    const value = command.value;
    if (value.name === 'reboot') {
      this.#answer(value.id, name, { ok: true }, (error) => {
        if (error === undefined) this.#restart(value.reason);
      });
      this.#ports.clock.setTimer(() => this.#restart(value.reason), REBOOT_GRACE_MS);
    } else if (value.name === 'config') {
      this.#answer(value.id, name, this.#storeConfig(value.config, value.mode));
    } else {
      this.#answer(value.id, name, { ok: false, error: `safe mode: cmd/${name} needs the running node; ` +
        `${this.#options.problems.length} problem(s) keep it from starting (see ${this.#topics.base}${SAFE_MODE_TOPIC})` });
    }
  }

  /** Checks a cmd/config request as the node would and stores it for the next start. */
  #storeConfig(patch: unknown, mode: 'merge' | 'replace'): Partial<CommandResultMessage> & { ok: boolean } {
    const { context } = this.#options;
    const storage = this.#ports.storage;
    if (context === undefined || storage === undefined) {
      return { ok: false, error: `safe mode: cmd/config cannot be checked: ${this.#options.problems[0] ?? ''}`.slice(0, 500) };
    }
    let current: { config: NodeConfig; overrides: JsonObject } = { config: defaultConfig(context), overrides: {} };
    try {
      const text = readChunked(storage, CONFIG_PREFIX);
      const overrides: unknown = text === undefined ? {} : JSON.parse(text);
      if (overrides !== null && typeof overrides === 'object' && !Array.isArray(overrides)) {
        const effective = effectiveConfig(overrides as JsonObject, context);
        if (effective.ok) current = { config: effective.config, overrides: overrides as JsonObject };
      }
    } catch {
      // An unreadable stored configuration is what the node would replace with its defaults too.
    }
    const change = applyConfigChange(current, patch, mode, context);
    if (!change.ok) {
      return { ok: false, error: `${change.errors.length} problem(s) in the configuration; nothing was changed (first: ${change.errors[0]})`,
        errors: change.errors };
    }
    try {
      writeChunked(storage, CONFIG_PREFIX, JSON.stringify(change.overrides));
    } catch (error) {
      return { ok: false, error: `storage: cannot persist the configuration (${errorText(error)}); nothing was changed` };
    }
    this.#ports.log.log('info', 'safe mode: configuration stored; it applies at the next start (cmd/reboot)');
    return change.changed.length > 0 ? { ok: true, changed: change.changed } : { ok: true };
  }

  #answer(id: string | null, command: string, result: Partial<CommandResultMessage> & { ok: boolean },
    done?: (error?: Error) => void): void {
    const { clock } = this.#ports;
    const message: CommandResultMessage = {
      v: PROTOCOL_VERSION, id, command, ...result, uptimeMs: clock.uptimeMs(), ts: clock.epochMs() ?? null,
    };
    this.#publish(this.#topics.cmdResult, JSON.stringify(message), false, done);
  }

  #restart(reason: string): void {
    if (this.#rebooting) return;
    this.#rebooting = true;
    this.#ports.log.log('info', `rebooting: ${reason}`);
    this.stop();
    this.#ports.system.restart(reason);
  }
}

/**
 * The transport as the running node uses it: after each connect (and the node's birth messages), an
 * empty retained message on `topic` removes a safe-mode report an earlier boot left on the broker.
 */
export function clearRetainedOnConnect(transport: Transport, topic: string): Transport {
  return {
    start: (options, events) => transport.start(options, {
      onConnected: () => {
        events.onConnected();
        transport.publish(topic, '', { qos: 1, retain: true });
      },
      onDisconnected: (reason) => events.onDisconnected(reason),
      onMessage: (messageTopic, payload) => events.onMessage(messageTopic, payload),
    }),
    publish: (messageTopic, payload, options, done) => transport.publish(messageTopic, payload, options, done),
    subscribe: (filter) => transport.subscribe(filter),
    isConnected: () => transport.isConnected(),
    stop: (graceful) => transport.stop(graceful),
  };
}
