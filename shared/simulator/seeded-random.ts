/**
 * Small deterministic PRNG (sfc32, seeded through splitmix32) so that every run with the same seed
 * draws the same numbers. Never use Math.random in the simulator.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [minInclusive, maxExclusive). */
  nextInt(minInclusive: number, maxExclusive: number): number {
    return minInclusive + Math.floor(this.nextFloat() * (maxExclusive - minInclusive));
  }

  /** Uniform real in [min, max]. */
  uniform(min: number, max: number): number {
    return min + this.nextFloat() * (max - min);
  }

  /** An independent stream derived from this one and a label, so adding draws elsewhere does not shift it. */
  fork(label: string): SeededRandom {
    let hash = 2166136261;
    for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 16777619) >>> 0;
    return new SeededRandom((hash ^ this.nextUint32()) >>> 0);
  }

  /** A hex string of `length` characters (identifiers). */
  hex(length: number): string {
    let text = '';
    while (text.length < length) text += this.nextUint32().toString(16).padStart(8, '0');
    return text.slice(0, length);
  }
}

/**
 * One stream per label, each derived from the seed alone: what one instance or consumer draws (its boot time, its
 * ENIs' readiness, its gaps) does not depend on what else happened first, so runs of one scenario and seed under
 * different guards, or none, see the same instances boot and attach at the same pace (common random numbers).
 */
export class RandomStreams {
  private readonly streams = new Map<string, SeededRandom>();

  constructor(private readonly seed: number) {}

  /** The stream of `label` (created on first use). */
  of(label: string): SeededRandom {
    let stream = this.streams.get(label);
    if (!stream) {
      stream = new SeededRandom(this.seed).fork(label);
      this.streams.set(label, stream);
    }
    return stream;
  }
}
