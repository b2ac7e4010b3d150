import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Storage } from '../../../firmware/ports';
import { STORAGE_MAX_VALUE_BYTES } from '../../../firmware/ports';
import { FileStorage } from '../../../simulator/storage/file-storage';
import { MemoryStorage } from '../../../simulator/storage/memory-storage';
import { KEYS, VALUE_BYTES, valueFor } from '../../helpers/storage-values';

const writerScript = fileURLToPath(new URL('../../helpers/storage-writer.ts', import.meta.url));

describe('storage', function () {
  let directory: string;
  beforeEach(function () {
    directory = mkdtempSync(path.join(tmpdir(), 'vitrine-storage-'));
  });
  afterEach(function () {
    rmSync(directory, { recursive: true, force: true });
  });

  const kinds: Array<[string, () => Storage]> = [
    ['MemoryStorage', () => new MemoryStorage()],
    ['FileStorage', () => new FileStorage({ directory, nodeId: 'case-1' })],
  ];
  for (const [name, make] of kinds) {
    describe(name, function () {
      it('reads back what it wrote, lists and removes keys', function () {
        const storage = make();
        assert.equal(storage.read('outbox'), undefined);
        storage.write('outbox', '[1,2]');
        storage.write('config', 'é✓');
        storage.write('outbox', '[3]');
        assert.equal(storage.read('outbox'), '[3]');
        assert.equal(storage.read('config'), 'é✓');
        assert.deepEqual(storage.keys().sort(), ['config', 'outbox']);
        storage.remove('outbox');
        storage.remove('never-written');
        assert.deepEqual(storage.keys(), ['config']);
      });

      it('enforces the NVS limits with an error naming the key, and keeps the old value', function () {
        const storage = make();
        storage.write('fifteen_chars__', 'ok');
        assert.throws(() => storage.write('sixteen_chars___', 'v'), /key "sixteen_chars___" is 16 bytes long; NVS keys are at most 15/);
        assert.throws(() => storage.read('sixteen_chars___'), /key "sixteen_chars___"/);
        assert.throws(() => storage.write('', 'v'), /key "" is empty/);
        assert.throws(() => storage.write('ééééééé€', 'v'), /is 17 bytes long/);
        storage.write('big', 'a'.repeat(STORAGE_MAX_VALUE_BYTES));
        assert.throws(() => storage.write('big', 'a'.repeat(STORAGE_MAX_VALUE_BYTES - 1) + 'é'), /value for key "big" is 4001 bytes; NVS values are at most 4000/);
        assert.equal(storage.read('big')?.length, STORAGE_MAX_VALUE_BYTES);
        assert.deepEqual(storage.keys().sort(), ['big', 'fifteen_chars__']);
      });
    });
  }

  describe('FileStorage on disk', function () {
    it('keeps one JSON file per node that a new instance (the next boot) reads back', function () {
      const a = new FileStorage({ directory, nodeId: 'case-1' });
      const b = new FileStorage({ directory, nodeId: 'window-1' });
      a.write('seq', '41');
      b.write('seq', '7');
      assert.deepEqual(JSON.parse(readFileSync(path.join(directory, 'case-1.json'), 'utf8')), { seq: '41' });
      const rebooted = new FileStorage({ directory, nodeId: 'case-1' });
      assert.equal(rebooted.read('seq'), '41');
      assert.throws(() => new FileStorage({ directory, nodeId: '../escape' }), /node id "..\/escape" must be 1–64 letters/);
    });

    it('refuses a damaged file instead of overwriting it, naming the file', function () {
      const file = path.join(directory, 'case-1.json');
      writeFileSync(file, '{"seq": "4');
      assert.throws(() => new FileStorage({ directory, nodeId: 'case-1' }), /case-1\.json is not valid JSON/);
      writeFileSync(file, '{"seq": 4}');
      assert.throws(() => new FileStorage({ directory, nodeId: 'case-1' }), /case-1\.json: key "seq" holds a number/);
      writeFileSync(file, JSON.stringify({ much_too_long_key: 'x' }));
      assert.throws(() => new FileStorage({ directory, nodeId: 'case-1' }), /case-1\.json: Storage: key "much_too_long_key"/);
      assert.equal(readFileSync(file, 'utf8'), JSON.stringify({ much_too_long_key: 'x' }));
    });

    it('changes nothing, in memory or on disk, when a write fails', function () {
      const storage = new FileStorage({ directory, nodeId: 'case-1' });
      storage.write('seq', '1');
      const before = readFileSync(storage.file, 'utf8');
      mkdirSync(`${storage.file}.tmp`); // the temporary file cannot be created
      assert.throws(() => storage.write('seq', '2'), /writing key "seq" to .*case-1\.json failed/);
      assert.throws(() => storage.remove('seq'), /writing key "seq"/);
      assert.equal(storage.read('seq'), '1');
      assert.equal(readFileSync(storage.file, 'utf8'), before);
    });

    it('never leaves a torn file when the process is killed in the middle of writing', async function () {
      this.timeout(30_000);
      for (let kill = 0; kill < 6; kill++) {
        const child = spawn(process.execPath, ['--import', 'tsx', writerScript, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise<void>((resolve, reject) => {
          child.once('error', reject);
          child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
          child.stdout.once('data', () => resolve());
        });
        await new Promise((resolve) => setTimeout(resolve, 15 + 29 * kill));
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
        const storage = new FileStorage({ directory, nodeId: 'victim' });
        assert.equal(storage.keys().length, KEYS);
        for (const key of storage.keys()) {
          const value = storage.read(key) ?? '';
          assert.equal(value.length, VALUE_BYTES, `kill ${kill}: ${key} is whole`);
          assert.equal(value, valueFor(Number(value.split(':')[0])), `kill ${kill}: ${key} is well-formed`);
        }
      }
    });
  });
});
