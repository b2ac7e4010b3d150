/**
 * Detector options are plain objects of numbers and booleans. Each detector publishes a spec of its
 * options: default, unit, range and meaning. The spec is the single source for defaults, for the
 * node's configuration validation and for the documentation.
 */

export interface NumberOptionSpec {
  kind: 'number';
  default: number;
  /** Unit of the value, e.g. 'dB', 'Hz', 'ms', 'g', 'deg', 'count'. */
  unit: string;
  min: number;
  max: number;
  integer?: boolean;
  doc: string;
}

export interface BooleanOptionSpec {
  kind: 'boolean';
  default: boolean;
  doc: string;
}

export type OptionSpec = NumberOptionSpec | BooleanOptionSpec;

/** A spec for every key of an options type, with the matching value kind. */
export type OptionSpecs<O> = {
  readonly [K in keyof O]: O[K] extends boolean ? BooleanOptionSpec : NumberOptionSpec;
};

export function defaultsOf<O>(specs: OptionSpecs<O>): O {
  const out: Record<string, number | boolean> = {};
  for (const key of Object.keys(specs)) out[key] = (specs as Record<string, OptionSpec>)[key].default;
  return out as O;
}

/**
 * Problems with a partial options object against its spec, each naming the path
 * (e.g. `detectors.grinder.minFundamentalHz`). An empty list means it is valid.
 */
export function checkOptions<O>(specs: OptionSpecs<O>, partial: unknown, path: string): string[] {
  const problems: string[] = [];
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    return [`${path}: must be an object`];
  }
  const table = specs as Record<string, OptionSpec>;
  for (const [key, value] of Object.entries(partial as Record<string, unknown>)) {
    const spec = table[key];
    const where = `${path}.${key}`;
    if (spec === undefined) {
      problems.push(`${where}: unknown option`);
    } else if (spec.kind === 'boolean') {
      if (typeof value !== 'boolean') problems.push(`${where}: must be true or false`);
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${where}: must be a finite number (${spec.unit})`);
    } else if (spec.integer === true && !Number.isInteger(value)) {
      problems.push(`${where}: must be a whole number (${spec.unit})`);
    } else if (value < spec.min || value > spec.max) {
      problems.push(`${where}: ${value} ${spec.unit} is outside ${spec.min}..${spec.max} ${spec.unit}`);
    }
  }
  return problems;
}

/** Defaults overlaid with a partial options object (which must already have passed checkOptions). */
export function resolveOptions<O>(specs: OptionSpecs<O>, partial: Partial<O> | undefined): O {
  return { ...defaultsOf(specs), ...(partial ?? {}) };
}
