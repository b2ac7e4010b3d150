import assert from 'node:assert/strict';
import { durationS } from '../../../simulator/signals/signal';
import { GLASS_TYPES } from '../../../simulator/signals/acoustic/glass-break';
import { AMBIENT_PROFILES } from '../../../simulator/signals/acoustic/ambient';
import { CONFUSER_CLASSES, GLASS_LEVELS_DB, acousticCorpus } from '../../../simulator/signals/corpus-acoustic';
import { sharedCorpus } from '../../helpers/acoustic-cases';

describe('acoustic corpus', function () {
  this.timeout(60_000);

  for (const holdout of [false, true]) {
    describe(holdout ? 'holdout, small' : 'default, small', function () {
      it('has every glass type at +10, +20 and +30 dB, every confuser class at realistic and loud levels, and ambient alone', function () {
        const cases = sharedCorpus({ seed: 1, holdout, size: 'small' });
        for (const glass of GLASS_TYPES) {
          for (const levelDb of GLASS_LEVELS_DB.small) {
            assert.ok(cases.some((c) => c.threat === 'glass_break' && c.params.glass === glass && c.levelDb === levelDb), `${glass} +${levelDb} dB`);
          }
        }
        for (const group of CONFUSER_CLASSES) {
          for (const loudness of ['realistic', 'loud']) {
            assert.ok(cases.some((c) => c.threat === null && c.group === group && c.params.loudness === loudness), `${group} ${loudness}`);
          }
        }
        for (const profile of AMBIENT_PROFILES) assert.ok(cases.some((c) => c.group === 'ambient' && c.params.profile === profile), profile);
        assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, 'unique ids');
      });

      it('labels onsets and ends inside each signal, after the floor has had time to settle', function () {
        for (const c of sharedCorpus({ seed: 1, holdout, size: 'small' })) {
          assert.equal(c.sensor, 'acoustic');
          assert.equal(c.signal.rateHz, 16000);
          assert.equal(c.signal.channels, 1);
          if (c.group === 'ambient') {
            assert.equal(c.onsetS, null);
            continue;
          }
          const onsetS = c.onsetS as number;
          const endS = c.endS as number;
          assert.ok(onsetS >= 1.2 && onsetS < endS && endS <= durationS(c.signal), `${c.id}: ${onsetS}..${endS} of ${durationS(c.signal)} s`);
          assert.ok((c.params.eventDbfs as number) <= -15 + 1e-9, `${c.id}: event at ${c.params.eventDbfs} dBFS`);
        }
      });
    });
  }

  it('is reproducible from its options, and the holdout draws other parameters', function () {
    const a = sharedCorpus({ seed: 1, holdout: false, size: 'small' });
    const again = acousticCorpus({ seed: 1, holdout: false, size: 'small' });
    assert.deepEqual(again.map((c) => c.id), a.map((c) => c.id));
    again.forEach((c, i) => assert.deepEqual(c.signal.data, a[i].signal.data, c.id));
    const holdout = sharedCorpus({ seed: 1, holdout: true, size: 'small' });
    assert.notDeepEqual(holdout[0].params, a[0].params);
  });

  it('builds only the cases asked for by number, each the same as in the whole corpus', function () {
    const whole = sharedCorpus({ seed: 1, holdout: true, size: 'small' });
    // A break, a confuser and the last ambient case.
    const numbers = [whole.findIndex((c) => c.threat !== null), whole.findIndex((c) => c.threat === null), whole.length - 1];
    const some = acousticCorpus({ seed: 1, holdout: true, size: 'small' }, new Set(numbers));
    assert.deepEqual(some.map((c) => c.id), numbers.map((n) => whole[n].id));
    some.forEach((c, i) => {
      assert.ok(c.id.endsWith(`#${numbers[i]}`), c.id);
      assert.deepEqual(c.signal.data, whole[numbers[i]].signal.data, c.id);
      assert.deepEqual(c.params, whole[numbers[i]].params, c.id);
    });
  });
});
