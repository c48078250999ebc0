// Seeded randomness for the simulated cloud: a small PRNG (mulberry32) and the draws the sim needs.
// Every random choice in src/sim comes from here so that a seed fully determines a run.

/** Mixes a stream name into the seed, so independent concerns draw from independent streams. */
export function deriveSeed(seed: number, stream: string): number {
  // FNV-1a over the stream name, started from the seed: adding a describe call in a test must not
  // shift the traffic draws, so traffic, timing jitter and ids each get their own stream.
  let hash = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < stream.length; i++) {
    hash ^= stream.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A generator's whole state, as saved with the simulated cloud: restoring it continues the same draws. */
export interface RandomState {
  state: number;
  spareNormal?: number;
}

export class SeededRandom {
  private state: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static fromState(saved: RandomState): SeededRandom {
    const random = new SeededRandom(saved.state);
    random.spareNormal = saved.spareNormal;
    return random;
  }

  snapshot(): RandomState {
    return {
      state: this.state,
      ...(this.spareNormal === undefined ? {} : { spareNormal: this.spareNormal }),
    };
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const u = 1 - this.next(); // (0, 1]: log(0) must never happen
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** A UUID-shaped id (8-4-4-4-12 hex), like the ids EventBridge puts on events. */
  uuid(): string {
    let hex = '';
    for (let i = 0; i < 4; i++) {
      hex += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    }
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  }
}
