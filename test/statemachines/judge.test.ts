// The judge's statistics: the sequential test's guarantees (false fails ≤ α however often it looks,
// with steady, shifting and bursty traffic), its power on a severe regression, and the edge cases a
// live endpoint produces (quiet periods, a baseline without errors, a variant without traffic).
import {
  alphaPerMetric,
  judgeMetric,
  nullRatio,
  sequentialTest,
  slowRequests,
  type PeriodCounts,
} from '../../statemachines/judge';

/** mulberry32: a small seeded PRNG, so every run sees the same rollouts. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(random: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function binomial(random: () => number, n: number, p: number): number {
  if (n > 50) {
    const mean = n * p;
    return Math.min(n, Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * normal(random))));
  }
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

interface Traffic {
  requestsPerMinute: number;
  /** Candidate's share of requests in period k (0–1). */
  share: (k: number) => number;
  /** Load multiplier in period k (bursts). */
  load: (k: number, random: () => number) => number;
  candidateErrorRate: number;
  baselineErrorRate: number;
  periodSeconds: number;
}

function simulatePeriod(traffic: Traffic, k: number, random: () => number): PeriodCounts {
  const total = poisson(
    random,
    (traffic.requestsPerMinute * traffic.periodSeconds * traffic.load(k, random)) / 60,
  );
  const candidateRequests = binomial(random, total, traffic.share(k));
  const baselineRequests = total - candidateRequests;
  // Each request fails independently (binomial); a Poisson draw of the same mean is as good here and fast.
  return {
    timestamp: k * traffic.periodSeconds * 1000,
    candidate: {
      requests: candidateRequests,
      events: Math.min(candidateRequests, poisson(random, candidateRequests * traffic.candidateErrorRate)),
    },
    baseline: {
      requests: baselineRequests,
      events: Math.min(baselineRequests, poisson(random, baselineRequests * traffic.baselineErrorRate)),
    },
  };
}

const spec = { name: 'errors', direction: 'increase' as const, tolerance: 0.5, critical: true };

/** Runs one rollout, judging after every period; the first period that fails, or undefined. */
function firstFail(traffic: Traffic, periods: number, alpha: number, seed: number): number | undefined {
  const random = prng(seed);
  const seen: PeriodCounts[] = [];
  for (let k = 0; k < periods; k++) {
    seen.push(simulatePeriod(traffic, k, random));
    if (judgeMetric(spec, seen, alpha).verdict === 'fail') return k;
  }
  return undefined;
}

function falseFailRate(traffic: Traffic, rollouts: number, periods: number, alpha: number): number {
  let fails = 0;
  for (let seed = 1; seed <= rollouts; seed++)
    if (firstFail(traffic, periods, alpha, seed) !== undefined) fails++;
  return fails / rollouts;
}

const steadyCanary: Traffic = {
  requestsPerMinute: 6000,
  share: () => 0.1,
  load: () => 1,
  candidateErrorRate: 0.02,
  baselineErrorRate: 0.02,
  periodSeconds: 10,
};

describe('the judge is wrong about a healthy candidate at most α of the time, however often it looks', () => {
  // α = 0.05 so 100 rollouts can show it (the configured rollout default is 0.01); each rollout is a
  // 5-minute hold judged every 10-second period (30 looks), with ~120 errors per minute to judge on.
  const alpha = 0.05;

  it('with the same error rate on a steady 10% canary', () => {
    expect(falseFailRate(steadyCanary, 100, 30, alpha)).toBeLessThanOrEqual(alpha);
  });

  it('with the weights shifting from 10% to 50% during the hold', () => {
    const shifting = { ...steadyCanary, share: (k: number) => (k < 10 ? 0.1 : k < 20 ? 0.3 : 0.5) };
    expect(falseFailRate(shifting, 100, 30, alpha)).toBeLessThanOrEqual(alpha);
  });

  it('with bursty load (each period between 0.1× and 5× the average) and error bursts shared by both variants', () => {
    const bursty = { ...steadyCanary, load: (_k: number, random: () => number) => 0.1 + 4.9 * random() ** 3 };
    expect(falseFailRate(bursty, 100, 30, alpha)).toBeLessThanOrEqual(alpha);
  });

  it('even with the candidate exactly at the tolerance (1.5× the baseline: the hardest healthy case)', () => {
    const atTolerance = { ...steadyCanary, candidateErrorRate: 0.03 };
    expect(falseFailRate(atTolerance, 100, 30, alpha)).toBeLessThanOrEqual(alpha);
  });

  it('where a fixed-horizon test peeked at every period is wrong far more often than its level says', () => {
    // The reason for a sequential test: a one-sided z-test at 5%, looked at every 10 s, stops the
    // first time it crosses, so every look is another chance of a false rollback.
    const random = prng(7);
    let falseAlarms = 0;
    for (let r = 0; r < 100; r++) {
      const seen: PeriodCounts[] = [];
      for (let k = 0; k < 30; k++) {
        seen.push(simulatePeriod({ ...steadyCanary, candidateErrorRate: 0.03 }, k, random));
        const x = seen.reduce((s, p) => s + p.candidate.events, 0);
        const y = seen.reduce((s, p) => s + p.baseline.events, 0);
        const share = 0.1 * 1.5;
        const rho0 = share / (share + 0.9);
        const z = (x - (x + y) * rho0) / Math.sqrt((x + y) * rho0 * (1 - rho0));
        if (z > 1.645) {
          falseAlarms++;
          break;
        }
      }
    }
    expect(falseAlarms / 100).toBeGreaterThan(0.1);
  });
});

describe('the judge catches a severe regression quickly', () => {
  it('20% errors against the baseline 0.2%, 60 candidate requests a minute: failed within 60 s in most rollouts', () => {
    const severe: Traffic = {
      requestsPerMinute: 600,
      share: () => 0.1,
      load: () => 1,
      candidateErrorRate: 0.2,
      baselineErrorRate: 0.002,
      periodSeconds: 10,
    };
    // The default policy: α 0.01 over two metrics.
    const alpha = alphaPerMetric(0.01, 2);
    const detectedAt = Array.from({ length: 200 }, (_, i) => firstFail(severe, 30, alpha, 1000 + i));
    const seconds = detectedAt.map((k) => (k === undefined ? Infinity : (k + 1) * 10)).sort((a, b) => a - b);
    expect(seconds[Math.floor(seconds.length / 2)]).toBeLessThanOrEqual(60);
    expect(seconds[Math.floor(seconds.length * 0.95)]).toBeLessThanOrEqual(120);
  });

  it('says pass for a healthy candidate once there is enough evidence that it is no worse', () => {
    const random = prng(3);
    const seen: PeriodCounts[] = [];
    for (let k = 0; k < 90; k++) seen.push(simulatePeriod(steadyCanary, k, random));
    const verdict = judgeMetric(spec, seen, 0.005);
    expect(verdict.verdict).toBe('pass');
    expect(verdict.interval[1]).toBeLessThan(1.5);
    expect(verdict.interval[0]).toBeLessThan(1);
    expect(verdict.ratio).toBeGreaterThan(verdict.interval[0]);
    expect(verdict.ratio).toBeLessThan(verdict.interval[1]!);
  });
});

describe('what a live endpoint gives the judge', () => {
  const period = (c: [number, number], b: [number, number], timestamp = 0): PeriodCounts => ({
    timestamp,
    candidate: { events: c[0], requests: c[1] },
    baseline: { events: b[0], requests: b[1] },
  });

  it('no errors at all: inconclusive, the interval unbounded both ways, no ratio', () => {
    const v = judgeMetric(spec, [period([0, 100], [0, 900]), period([0, 100], [0, 900])], 0.005);
    expect(v).toMatchObject({ verdict: 'inconclusive', ratio: null, interval: [0, null] });
    expect(v.candidate).toEqual({ events: 0, requests: 200 });
    expect(v.baseline).toEqual({ events: 0, requests: 1800 });
  });

  it('quiet periods add requests to the counts but change nothing in the test', () => {
    const noisy = [period([5, 100], [10, 900]), period([7, 100], [9, 900])];
    const withQuiet = [...noisy, period([0, 100], [0, 900])];
    expect(sequentialTest(withQuiet, 0.005).interval).toEqual(sequentialTest(noisy, 0.005).interval);
  });

  it('a baseline with no errors: no ratio and no upper bound, but a candidate failing often still fails', () => {
    const periods = Array.from({ length: 6 }, (_, k) => period([20, 100], [0, 900], k));
    const v = judgeMetric(spec, periods, 0.005);
    expect(v.ratio).toBeNull();
    expect(v.interval[1]).toBeNull();
    expect(v.interval[0]).toBeGreaterThan(1.5);
    expect(v.verdict).toBe('fail');
  });

  it('a period in which one variant served nothing carries no evidence (its errors cannot be compared)', () => {
    const base = [period([5, 100], [10, 900])];
    const withGap = [...base, period([0, 0], [30, 1000])];
    expect(sequentialTest(withGap, 0.005).interval).toEqual(sequentialTest(base, 0.005).interval);
    expect(judgeMetric(spec, [period([0, 0], [0, 0])], 0.005).verdict).toBe('inconclusive');
  });

  it('direction decrease: worse means the candidate rate fell below 1 − tolerance', () => {
    const decrease = { ...spec, direction: 'decrease' as const, tolerance: 0.2 };
    expect(nullRatio(decrease)).toBeCloseTo(0.8);
    const fewer = Array.from({ length: 10 }, (_, k) => period([10, 100], [500, 900], k));
    expect(judgeMetric(decrease, fewer, 0.005).verdict).toBe('fail');
    const same = Array.from({ length: 10 }, (_, k) => period([55, 100], [500, 900], k));
    expect(judgeMetric(decrease, same, 0.005).verdict).toBe('pass');
  });

  it('reports the point ratio over the whole window', () => {
    const v = judgeMetric(spec, [period([10, 100], [9, 900]), period([10, 100], [9, 900])], 0.005);
    expect(v.ratio).toBeCloseTo(10);
  });

  it('splits the rollout-wide α evenly across metrics (Bonferroni)', () => {
    expect(alphaPerMetric(0.01, 2)).toBeCloseTo(0.005);
    expect(alphaPerMetric(0.01, 0)).toBeCloseTo(0.01);
  });

  it('counts the slow requests of a tail metric from its sample count and percentile rank', () => {
    expect(slowRequests(1000, 99)).toBe(10);
    expect(slowRequests(7, 100)).toBe(0);
    expect(slowRequests(60, 80)).toBe(12);
  });
});
