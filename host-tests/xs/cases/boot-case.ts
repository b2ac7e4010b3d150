/**
 * Shared by the Node and XS sides of the boot test: the device's start-up on the fake board in the
 * situations that decide its mode, returning everything it published and logged as plain JSON; and a
 * watched sensor source whose block path the XS side measures for allocation.
 */
import type { SampleBlock, SensorSource, SensorSourceEvents } from '../../../firmware/ports';
import { bootDevice, SENSOR_RECHECK_MS } from '../../../firmware/moddable/boot';
import { WatchdogFeed } from '../../../firmware/moddable/watchdog-feed';
import { FakeDevice } from '../../helpers/device/fake-device';
import { ManualClock } from '../../helpers/device/manual-clock';

export type BootCaseName = 'display-case' | 'safe-mode' | 'balcony-silent';

export interface BootCaseArg {
  name: BootCaseName;
  /** mc/config for the case (built on the Node side from the manifests). */
  config: Record<string, unknown>;
}

export interface BootTranscript {
  mode: string;
  problems: string[];
  messages: Array<{ topic: string; qos: number; retain: boolean; payload: unknown }>;
  subscriptions: string[];
  log: string[];
  restarts: number;
}

function transcript(device: FakeDevice, mode: string, problems: string[]): BootTranscript {
  const packets = device.network.clients.flatMap((c) => c.packets);
  return {
    mode,
    problems,
    messages: packets.filter((p) => p.operation === 3).map((p) => ({
      topic: p.topic ?? '', qos: p.QoS ?? 0, retain: p.retain === true,
      payload: p.payload?.startsWith('{') === true ? JSON.parse(p.payload) as unknown : p.payload,
    })),
    subscriptions: packets.filter((p) => p.operation === 8).flatMap((p) => (p.items ?? []).map((i) => i.topic)),
    // Uptimes at the start of each line are part of what must match.
    log: device.traces.map((line) => line.trimEnd()),
    restarts: device.restarts.length,
  };
}

function command(device: FakeDevice, base: string, name: string, body: unknown): void {
  device.client.deliver(`${base}cmd/${name}`, new TextEncoder().encode(JSON.stringify(body)));
}

export function runBootCase(arg: BootCaseArg): BootTranscript {
  const device = new FakeDevice({ platform: 'esp32', config: arg.config });
  if (arg.name === 'balcony-silent' && device.chip !== undefined && 'whoAmI' in device.chip) device.chip.whoAmI = 0;
  const outcome = bootDevice(device.io);
  const problems = outcome.mode === 'safe' ? outcome.problems : [];
  device.client.accept();
  if (arg.name === 'display-case') {
    device.runOnline(5500);
  } else if (arg.name === 'safe-mode') {
    device.runOnline(100);
    const base = outcome.mode === 'safe' ? outcome.safe.topics.base : '';
    command(device, base, 'walktest', { id: 'w-1', enable: true });
    command(device, base, 'config', { id: 'c-1', config: { zone: 'vault' } });
    command(device, base, 'reboot', { id: 'r-1' });
    device.runOnline(100);
  } else {
    device.runOnline(SENSOR_RECHECK_MS + 100);
    if (device.chip !== undefined && 'whoAmI' in device.chip) device.chip.whoAmI = 0x33;
    device.runOnline(SENSOR_RECHECK_MS);
  }
  return transcript(device, outcome.mode, problems);
}

/** A source that hands out one prepared block per call, as a driver's callback does. */
class PushSource implements SensorSource {
  readonly kind = 'accelerometer' as const;
  readonly rateHz = 1600;
  readonly channels = 3;
  events: SensorSourceEvents | undefined;
  readonly block: SampleBlock = { t0Ms: 0, rateHz: 1600, channels: 3, frames: 32, samples: new Int16Array(96), unitsPerCount: 1, sequence: 0 };

  start(events: SensorSourceEvents): void {
    this.events = events;
  }

  stop(): void {
    this.events = undefined;
  }
}

/** A watched source feeding a counting sink; `deliver(n)` pushes n blocks through the watchdog feed's wrapper. */
export function watchedBlockPath(): { deliver(blocks: number): number } {
  const clock = new ManualClock(0);
  let kicks = 0;
  const feed = new WatchdogFeed({ watchdog: { kick: () => { kicks++; } }, clock, checkMs: 1000 });
  const inner = new PushSource();
  const watched = feed.watch(inner);
  let received = 0;
  watched.start({ onBlock: () => { received++; }, onFault: () => {} });
  return {
    deliver(blocks: number): number {
      const events = inner.events;
      if (events === undefined) throw new Error('not started');
      for (let i = 0; i < blocks; i++) {
        inner.block.sequence++;
        events.onBlock(inner.block);
      }
      return received + kicks;
    },
  };
}
