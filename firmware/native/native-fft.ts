/**
 * RealFft's interface on the C kernel of vitrine_dsp.c (bound in vitrine_dsp_xs.c). Single precision
 * inside: results agree with RealFft to about 1e-6 of the spectrum's largest bin. Only exists where
 * the manifest firmware/native/manifest.json is included: load it through `Modules` (docs/native.md),
 * never import it statically from code that also runs in Node or the XS test harness.
 */
import type { Fft, RealSamples } from '../dsp/fft';

export class NativeRealFft extends Native('xs_vitrine_rfft_destructor') implements Fft {
  readonly size: number;
  readonly bins: number;

  /** Throws a RangeError naming the size unless it is a power of two from 64 to 2048. */
  constructor(size: number) {
    super();
    native('xs_vitrine_rfft_constructor').call(this, size);
    this.size = size;
    this.bins = size / 2 + 1;
  }

  forward(input: RealSamples, re: Float64Array, im: Float64Array): void {
    return native('xs_vitrine_rfft_forward').call(this, input, re, im);
  }

  power(input: RealSamples, out: Float64Array, scratchRe: Float64Array, scratchIm: Float64Array): void {
    return native('xs_vitrine_rfft_power').call(this, input, out, scratchRe, scratchIm);
  }
}
