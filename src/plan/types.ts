// The vocabulary of plans: what a strategy compiles to and what the rollout machine executes.

/** A share of traffic for the candidate, 0–100 inclusive (fractions allowed, e.g. 0.5). */
export type Percent = number;
/** A length of time in milliseconds, parsed once at the edge from strings like `90s`, `1h30m`. */
export type DurationMs = number;

export type Step =
  | { kind: 'setWeight'; percent: Percent }
  | { kind: 'bake'; durationMs: DurationMs }
  /** Holds like a bake while the judge compares the variants; ends early once every metric passes. */
  | { kind: 'analysis'; durationMs: DurationMs }
  | { kind: 'pause' };

export interface Plan {
  /** The strategy as the user wrote it (preset name, parametric form or step list). */
  strategy: string;
  /** Ordered steps; always ends with setWeight(100) followed by the final bake. */
  steps: Step[];
}
