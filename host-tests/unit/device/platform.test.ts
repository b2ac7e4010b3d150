import assert from 'node:assert/strict';
import type { Log, LogLevel, SystemInfo } from '../../../firmware/ports';
import { DeviceClock, PLAUSIBLE_EPOCH_MS, type TimerIo } from '../../../firmware/moddable/device-clock';
import { SntpSync, type SntpIoConstructor } from '../../../firmware/moddable/sntp-sync';
import { WifiLink, type WifiIoConstructor } from '../../../firmware/moddable/wifi-link';
import { DeviceSystemInfo } from '../../../firmware/moddable/system-info';
import { Watchdog } from '../../../firmware/moddable/watchdog';
import { TraceLog } from '../../../firmware/moddable/trace-log';
import { ManualClock } from '../../helpers/device/manual-clock';

class Lines implements Log {
  readonly lines: string[] = [];
  log(level: LogLevel, message: string): void {
    this.lines.push(`${level}: ${message}`);
  }
}

/** Moddable's Timer and Time, faked: timers fire when the test advances `ticks`. */
function fakeTimer(): { timer: TimerIo; time: { ticks: number }; advance(ms: number): void; live(): number } {
  const time = { ticks: 0 };
  let timers: Array<{ object: object; callback: () => void; due: number; repeat: number | undefined }> = [];
  return {
    time,
    timer: {
      set(callback, interval = 0, repeat) {
        const object = {};
        timers.push({ object, callback, due: time.ticks + interval, repeat });
        return object;
      },
      clear(object) {
        timers = timers.filter((t) => t.object !== object);
      },
    },
    advance(ms) {
      const end = time.ticks + ms;
      for (;;) {
        const next = timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
        if (next === undefined) break;
        time.ticks = next.due;
        if (next.repeat === undefined) timers = timers.filter((t) => t !== next);
        else next.due += next.repeat;
        next.callback();
      }
      time.ticks = end;
    },
    live: () => timers.length,
  };
}

describe('device: clock over timer and time', function () {
  it('counts uptime across the 32-bit tick counter wrapping, signed or unsigned', function () {
    for (const [start, wrapped] of [[2147483000, -2147483000], [4294967000, 500]] as const) {
      const time: { ticks: number } = { ticks: start };
      const clock = new DeviceClock({ timer: fakeTimer().timer, time });
      time.ticks = start + 100;
      assert.equal(clock.uptimeMs(), 100);
      time.ticks = wrapped;
      const expected = 100 + (wrapped - (start + 100) + 4294967296);
      assert.equal(clock.uptimeMs(), expected, 'keeps growing through the wrap');
      assert.ok(clock.uptimeMs() >= expected, 'never goes backwards');
    }
  });

  it('epochMs is undefined until SNTP sets it or the system time is plausible', function () {
    const fake = fakeTimer();
    let wall = 5000;
    const clock = new DeviceClock({ timer: fake.timer, time: fake.time, wallClockMs: () => wall });
    assert.equal(clock.epochMs(), undefined, '1970 + 5 s: never set');
    wall = PLAUSIBLE_EPOCH_MS + 1;
    assert.equal(clock.epochMs(), PLAUSIBLE_EPOCH_MS + 1, 'set by the platform network setup');
    const synced = new DeviceClock({ timer: fake.timer, time: fake.time });
    assert.equal(synced.epochMs(), undefined);
    synced.markSynced(1_760_000_000_000);
    fake.advance(1500);
    assert.equal(synced.epochMs(), 1_760_000_001_500, 'follows uptime after the sync');
  });

  it('one-shot and repeating timers, clearTimer before and after firing', function () {
    const fake = fakeTimer();
    const clock = new DeviceClock({ timer: fake.timer, time: fake.time });
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`once@${fake.time.ticks}`), 100);
    const repeating = clock.setTimer(() => fired.push(`rep@${fake.time.ticks}`), 50, 200);
    const cancelled = clock.setTimer(() => fired.push('never'), 10);
    clock.clearTimer(cancelled);
    fake.advance(500);
    clock.clearTimer(repeating);
    fake.advance(500);
    assert.deepEqual(fired, ['rep@50', 'once@100', 'rep@250', 'rep@450']);
    assert.equal(fake.live(), 0, 'nothing left scheduled');
  });
});

describe('device: SNTP sync', function () {
  function sntpFake(answers: Array<Array<[number, number?]>>): { io: SntpIoConstructor; hostsAsked: string[][] } {
    const hostsAsked: string[][] = [];
    let round = 0;
    const io = class {
      constructor(options: { host: string }, callback: (message: number, value?: number) => string | void) {
        const asked = [options.host];
        hostsAsked.push(asked);
        for (const [message, value] of answers[round++] ?? []) {
          const next = callback(message, value);
          if (typeof next === 'string') asked.push(next);
        }
      }
    } as unknown as SntpIoConstructor;
    return { io, hostsAsked };
  }

  it('tries each host, sets the clock on an answer, resyncs later and retries a failed round', function () {
    const clock = Object.assign(new ManualClock(), { synced: [] as number[], markSynced(ms: number) { this.synced.push(ms); } });
    const set: number[] = [];
    const log = new Lines();
    const fake = sntpFake([[[-1], [-1]], [[2], [1, 1_760_000_000]], [[1, 1_760_021_600]]]);
    const sync = new SntpSync({ sntp: fake.io, hosts: ['pool.ntp.org', 'time.cloudflare.com'], clock,
      setSystemTime: (s) => set.push(s), log, retryMs: 60_000, resyncMs: 21_600_000 });
    sync.start();
    assert.deepEqual(fake.hostsAsked[0], ['pool.ntp.org', 'time.cloudflare.com'], 'the second host after the first failed');
    assert.equal(sync.synced, false);
    assert.ok(log.lines.includes('warn: SNTP failed with pool.ntp.org, time.cloudflare.com'));
    clock.advanceBy(60_000);
    assert.equal(sync.synced, true);
    assert.deepEqual(clock.synced, [1_760_000_000_000]);
    assert.deepEqual(set, [1_760_000_000]);
    clock.advanceBy(21_600_000);
    assert.deepEqual(set, [1_760_000_000, 1_760_021_600]);
    sync.stop();
    clock.advanceBy(100_000_000);
    assert.equal(fake.hostsAsked.length, 3, 'nothing after stop');
    assert.throws(() => new SntpSync({ sntp: fake.io, hosts: [], clock }), /at least one host/);
  });
});

describe('device: Wi-Fi link', function () {
  function wifiFake(): { io: WifiIoConstructor; emit(message: string): void; connects: Array<{ ssid: string; password?: string }> } {
    let callback: ((message: string) => void) | undefined;
    const connects: Array<{ ssid: string; password?: string }> = [];
    const io = class {
      static connect(options: { ssid: string; password?: string }): void {
        connects.push(options);
      }
      constructor(options: undefined, cb: (message: string) => void) {
        assert.equal(options, undefined, 'monitors without starting its own connection');
        callback = cb;
      }
      close(): void {
        callback = undefined;
      }
    } as unknown as WifiIoConstructor;
    return { io, connects, emit: (message) => callback?.(message) };
  }

  it('watches a link the platform connected, reconnects with backoff after a loss, reports changes', function () {
    const clock = new ManualClock();
    const fake = wifiFake();
    const changes: boolean[] = [];
    const log = new Lines();
    const link = new WifiLink({ wifi: fake.io, ssid: 'musee', password: 'pw', clock, log, initiallyConnected: true,
      retryMs: 1000, maxRetryMs: 4000, onChange: (c) => changes.push(c) });
    link.start();
    assert.equal(link.connected, true);
    assert.equal(fake.connects.length, 0);
    fake.emit('disconnect');
    assert.equal(link.connected, false);
    clock.advanceBy(1000);
    assert.deepEqual(fake.connects, [{ ssid: 'musee', password: 'pw' }]);
    clock.advanceBy(2000);
    clock.advanceBy(4000);
    clock.advanceBy(4000);
    assert.equal(fake.connects.length, 4, 'retries at 1, 2, 4, 4 s (capped)');
    fake.emit('connect');
    fake.emit('gotIP');
    assert.equal(link.connected, true);
    clock.advanceBy(60_000);
    assert.equal(fake.connects.length, 4, 'no retries once connected');
    assert.deepEqual(changes, [false, true]);
    assert.deepEqual(log.lines, ['warn: Wi-Fi lost musee', 'info: Wi-Fi connected to musee']);
    link.stop();
    fake.emit('disconnect');
    assert.deepEqual(changes, [false, true], 'stopped: no more reports');
    assert.throws(() => new WifiLink({ wifi: fake.io, ssid: '', clock, initiallyConnected: false }), /ssid=NAME/);
  });

  it('connects at start when the link is down', function () {
    const clock = new ManualClock();
    const fake = wifiFake();
    new WifiLink({ wifi: fake.io, ssid: 'musee', clock, initiallyConnected: false }).start();
    assert.deepEqual(fake.connects, [{ ssid: 'musee' }]);
  });
});

describe('device: system info, watchdog, trace log', function () {
  it('reads free heap through the instrumentation index found by name', function () {
    const restarts: number[] = [];
    const log = new Lines();
    const values = new Map([[7, 81234]]);
    const info = new DeviceSystemInfo({
      instrumentation: { map: (name) => (name === 'System Free Memory' ? 7 : undefined), get: (i) => values.get(i) },
      version: '0.1.0+abc', restart: () => restarts.push(1), log,
    });
    assert.equal(info.freeHeapBytes(), 81234);
    assert.equal(info.firmwareVersion(), '0.1.0+abc');
    info.restart('configuration asked for it');
    assert.deepEqual(restarts, [1]);
    assert.deepEqual(log.lines, ['warn: restarting: configuration asked for it']);
    const unknown = new DeviceSystemInfo({ instrumentation: { map: () => undefined, get: () => 1 }, version: 'x', restart: () => {} });
    assert.equal(unknown.freeHeapBytes(), undefined);
  });

  it('the watchdog restarts only when not kicked for its timeout', function () {
    const clock = new ManualClock();
    const reasons: string[] = [];
    const system: SystemInfo = { freeHeapBytes: () => 0, firmwareVersion: () => '', restart: (r) => reasons.push(r) };
    const watchdog = new Watchdog({ clock, system, timeoutMs: 10_000 });
    watchdog.start();
    for (let i = 0; i < 10; i++) {
      clock.advanceBy(5000);
      watchdog.kick();
    }
    assert.deepEqual(reasons, []);
    clock.advanceBy(12_500);
    assert.deepEqual(reasons, ['watchdog: main loop silent for 10000 ms (limit 10000 ms)']);
    clock.advanceBy(60_000);
    assert.equal(reasons.length, 1, 'restarts once');
    assert.throws(() => new Watchdog({ clock, system, timeoutMs: 0 }), /positive/);
  });

  it('trace log writes uptime, level and message, skipping lower levels', function () {
    const clock = new ManualClock(12_345);
    const out: string[] = [];
    const log = new TraceLog({ trace: (t) => out.push(t), clock, level: 'info' });
    log.log('debug', 'hidden');
    log.log('info', 'online');
    log.log('error', 'bad');
    assert.deepEqual(out, ['12.345 INFO online\n', '12.345 ERROR bad\n']);
  });
});
