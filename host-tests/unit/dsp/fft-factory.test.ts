import assert from 'node:assert/strict';
import { RealFft } from '../../../firmware/dsp/fft';
import type { Fft } from '../../../firmware/dsp/fft';
import { createFft, useFftFactory } from '../../../firmware/dsp/fft-factory';

describe('dsp/fft-factory', function () {
  afterEach(() => useFftFactory());

  it('makes RealFft by default, an installed implementation after useFftFactory, RealFft again after a reset', function () {
    assert.ok(createFft(256) instanceof RealFft);
    const made: number[] = [];
    class Recording extends RealFft {}
    useFftFactory((size): Fft => {
      made.push(size);
      return new Recording(size);
    });
    const fft = createFft(512);
    assert.ok(fft instanceof Recording);
    assert.equal(fft.bins, 257);
    assert.deepEqual(made, [512]);
    useFftFactory();
    assert.ok(!(createFft(64) instanceof Recording));
  });
});
