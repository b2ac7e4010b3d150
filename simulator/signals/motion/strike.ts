/**
 * A struck structure: a short contact pulse followed by the ringing of a few damped modes. Shared by
 * hammer blows, knuckle taps, door slams and footsteps, which differ in contact time, modes, damping
 * and strength.
 */
import type { Rng } from '../rng';

export interface StrikeShape {
  /** Contact time of the striking object (half-sine pulse), ms. */
  contactMs: number;
  /** Range the ringing modes are drawn from, Hz. */
  modeLoHz: number;
  modeHiHz: number;
  modeCount: number;
  /** Damping ratio of the modes (0.01: long ring, 0.2: dead thud). */
  dampingRatio: number;
  /** Weight of the contact pulse itself against the ringing (0..1). */
  pulseWeight: number;
}

/**
 * Adds one strike at `atS` into `wave` (one value per frame) with peak |value| `peak`.
 * Mode frequencies above 45 % of the rate are left out (the sensor's own filter would remove them).
 */
export function addStrike(rng: Rng, wave: Float64Array, rateHz: number, atS: number, peak: number, shape: StrikeShape): void {
  const maxHz = rateHz * 0.45;
  const modes: { hz: number; decay: number; amp: number; phase: number }[] = [];
  for (let m = 0; m < shape.modeCount; m++) {
    const hz = Math.min(maxHz, Math.exp(rng.uniform(Math.log(shape.modeLoHz), Math.log(shape.modeHiHz))));
    const zeta = shape.dampingRatio * rng.uniform(0.7, 1.4);
    modes.push({ hz, decay: 2 * Math.PI * hz * zeta, amp: rng.uniform(0.3, 1), phase: rng.uniform(-0.3, 0.3) });
  }
  const slowest = Math.min(...modes.map((m) => m.decay));
  const lengthS = Math.min(3, 7 / slowest + shape.contactMs / 1000);
  const n = Math.ceil(lengthS * rateHz);
  const pulse = new Float64Array(n);
  const contactS = shape.contactMs / 1000;
  let peakSeen = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    let v = t < contactS ? shape.pulseWeight * Math.sin((Math.PI * t) / contactS) : 0;
    // Ringing starts as the contact ends, with a soft start over the contact time.
    const rise = contactS > 0 ? Math.min(1, t / contactS) : 1;
    for (const m of modes) v += (1 - shape.pulseWeight) * rise * m.amp * Math.exp(-m.decay * t) * Math.sin(2 * Math.PI * m.hz * t + m.phase);
    pulse[i] = v;
    peakSeen = Math.max(peakSeen, Math.abs(v));
  }
  const start = Math.round(atS * rateHz);
  const gain = peakSeen > 0 ? peak / peakSeen : 0;
  for (let i = 0; i < n && start + i < wave.length; i++) {
    if (start + i >= 0) wave[start + i] += gain * pulse[i];
  }
}
