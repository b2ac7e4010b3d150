import assert from 'node:assert/strict';
import { INDEX_KEY, PreferenceStorage } from '../../../firmware/moddable/preference-storage';
import { FakePreference } from '../../helpers/device/fake-preference';

describe('device: Storage over Preference (fake NVS)', function () {
  it('writes, reads, lists and removes string values under its domain', function () {
    const preference = new FakePreference();
    const storage = new PreferenceStorage({ preference, domain: 'vitrine' });
    storage.write('cfg', '{"role":"window"}');
    storage.write('ob.0001', 'a');
    storage.write('seq', '42');
    storage.write('seq', '43');
    assert.equal(storage.read('cfg'), '{"role":"window"}');
    assert.equal(storage.read('seq'), '43');
    assert.equal(storage.read('missing'), undefined);
    assert.deepEqual(storage.keys(), ['cfg', 'ob.0001', 'seq']);
    storage.remove('ob.0001');
    storage.remove('never-written');
    assert.deepEqual(storage.keys(), ['cfg', 'seq']);
    assert.equal(storage.read('ob.0001'), undefined);
    assert.equal(typeof preference.get('vitrine', 'seq'), 'string', 'numbers are stored as strings, never int32');
  });

  it('keys() survives a restart although Preference.keys() is empty on ESP32', function () {
    const preference = new FakePreference();
    const before = new PreferenceStorage({ preference, domain: 'vitrine' });
    before.write('a', '1');
    before.write('b', '2');
    assert.deepEqual(preference.keys('vitrine'), []);
    const after = new PreferenceStorage({ preference, domain: 'vitrine' });
    assert.deepEqual(after.keys(), ['a', 'b']);
    assert.equal(after.read('b'), '2');
  });

  it('drops index entries whose value never got written (power cut between the two writes)', function () {
    const preference = new FakePreference();
    preference.set('vitrine', INDEX_KEY, 'a\nghost\nb');
    preference.set('vitrine', 'a', '1');
    preference.set('vitrine', 'b', '2');
    const storage = new PreferenceStorage({ preference, domain: 'vitrine' });
    assert.deepEqual(storage.keys(), ['a', 'b']);
    assert.equal(preference.get('vitrine', INDEX_KEY), 'a\nb', 'the index is repaired');
  });

  it('refuses keys and values NVS cannot hold, with errors naming the key and the limit', function () {
    const storage = new PreferenceStorage({ preference: new FakePreference(), domain: 'vitrine' });
    assert.throws(() => storage.write('sixteen-chars-xx', 'v'),
      /^Error: storage key 'sixteen-chars-xx' is 16 bytes; NVS keys are 1 to 15 bytes$/);
    assert.throws(() => storage.write('', 'v'), /storage key '' is 0 bytes/);
    assert.throws(() => storage.read('clé-très-longue'), /is 17 bytes/);
    assert.throws(() => storage.write(INDEX_KEY, 'v'), /reserved/);
    storage.write('max', 'x'.repeat(3999));
    assert.equal(storage.read('max')?.length, 3999);
    assert.throws(() => storage.write('big', 'x'.repeat(4000)),
      /^Error: storage value for 'big' is 4000 bytes; NVS stores at most 3999 \(4000 with its terminator\)$/);
    assert.throws(() => storage.write('big', 'é'.repeat(2000)), /is 4000 bytes/);
    assert.deepEqual(storage.keys(), ['max'], 'refused writes leave nothing behind');
    assert.throws(() => new PreferenceStorage({ preference: new FakePreference(), domain: 'a-very-long-domain' }),
      /storage domain 'a-very-long-domain' must be 1 to 15 bytes/);
  });

  it('a failing NVS write names the key, keeps the old value and the index consistent', function () {
    const preference = new FakePreference();
    const storage = new PreferenceStorage({ preference, domain: 'vitrine' });
    storage.write('cfg', 'old');
    preference.failNextSet = true;
    assert.throws(() => storage.write('cfg', 'new'), /^Error: storage write of 'cfg' \(3 bytes\) failed: nvs set fail$/);
    assert.equal(storage.read('cfg'), 'old');
    const full = new FakePreference(2);
    const small = new PreferenceStorage({ preference: full, domain: 'vitrine' });
    small.write('a', '1');
    assert.throws(() => small.write('b', '2'), /storage write of 'b' \(1 bytes\) failed: nvs set fail/);
    assert.deepEqual(small.keys(), ['a']);
    assert.deepEqual(new PreferenceStorage({ preference: full, domain: 'vitrine' }).keys(), ['a']);
  });

  it('reads values other writers stored as numbers, booleans or blobs without losing them', function () {
    const preference = new FakePreference();
    preference.set('vitrine', 'n', 7);
    preference.set('vitrine', 'f', true);
    preference.set('vitrine', 'blob', new TextEncoder().encode('été').buffer as ArrayBuffer);
    const storage = new PreferenceStorage({ preference, domain: 'vitrine' });
    assert.equal(storage.read('n'), '7');
    assert.equal(storage.read('f'), 'true');
    assert.equal(storage.read('blob'), 'été');
  });
});
