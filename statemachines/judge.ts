// The canary-vs-baseline judge's statistics, pure: per metric, is the candidate's rate of bad events
// per request worse than the baseline's by more than the tolerance? An anytime-valid sequential test
// (a mixture likelihood-ratio martingale and its confidence sequence), so the judge may look every
// period without inflating its false-rollback rate. Imports nothing but the contract.
//
// Method: Lindon, Ham, Tingley, Bojinov, "Rapid Regression Detection in Software Deployments through
// Sequential Testing", KDD 2022 (arXiv:2205.14762), for counts of events per variant. Kayenta's
// Mann–Whitney test is fixed-horizon: it is valid only when run once, at a sample size chosen in
// advance. Looking every 10 s and stopping at the first "significant" result inflates its false
// positives far above its nominal level (every look is another chance to cross). A nonnegative
// martingale under the null does not have that problem: by Ville's inequality,
// P(sup_t M_t ≥ 1/α) ≤ α, however many looks and whenever the rollout stops.
//
// Model. In period k the candidate served n_ck requests and saw x_k bad events, the baseline n_bk and
// y_k. With Poisson counts of rates λ_c = θ·λ_b, given the period's total m_k = x_k + y_k the
// candidate's share is x_k ~ Binomial(m_k, ρ_k(θ)), ρ_k(θ) = θ·n_ck / (θ·n_ck + n_bk): the baseline's
// rate cancels (a nuisance parameter we never estimate), and exposures that change with every shift
// or every burst of load enter through ρ_k. (Per-request Bernoulli errors are hypergeometric given
// the total, less spread than this binomial, so the test is conservative for them.)
// With L(θ) = Σ_k x_k·log ρ_k(θ) + y_k·log(1 − ρ_k(θ)) and a discrete prior w_j over a log-spaced
// grid of θ_j, M_t(θ0) = Σ_j w_j·exp(L(θ_j) − L(θ0)) is a nonnegative martingale with mean 1 when
// θ = θ0, and the confidence sequence CS_t = {θ0 : M_t(θ0) < 1/α} covers the true θ at every t
// simultaneously with probability ≥ 1 − α. L is concave in log θ (a binomial log-likelihood in its
// logit), so CS_t is one interval, found by bisection.
import type { JudgeMetricSpec, MetricVerdict } from './contract';

/** One period's counts for both variants (requests are the exposures). */
export interface PeriodCounts {
  /** The period's start, epoch ms. */
  timestamp: number;
  candidate: { events: number; requests: number };
  baseline: { events: number; requests: number };
}

/** The prior's support: θ from 1/1000 to 1000, log-spaced (a 20% vs 0.2% error rate is θ = 100). */
const LOG_THETA_MIN = Math.log(1e-3);
const LOG_THETA_MAX = Math.log(1e3);
const PRIOR_POINTS = 61;
const PRIOR_LOG_THETAS = Array.from(
  { length: PRIOR_POINTS },
  (_, j) => LOG_THETA_MIN + ((LOG_THETA_MAX - LOG_THETA_MIN) * j) / (PRIOR_POINTS - 1),
);
/** Equal weights in log θ: no preference for improvement or regression, nor for small or large effects. */
const LOG_PRIOR_WEIGHT = -Math.log(PRIOR_POINTS);
const BISECTION_STEPS = 24;

/** A period that carries information, reduced to what the likelihood needs. */
interface Informative {
  x: number;
  y: number;
  /** log(n_c / n_b). */
  offset: number;
}

/** Periods that carry information: some bad event, and both variants served requests. */
function informative(periods: readonly PeriodCounts[]): Informative[] {
  return periods
    .filter(
      (p) =>
        p.candidate.requests > 0 && p.baseline.requests > 0 && p.candidate.events + p.baseline.events > 0,
    )
    .map((p) => ({
      x: p.candidate.events,
      y: p.baseline.events,
      offset: Math.log(p.candidate.requests / p.baseline.requests),
    }));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** L(θ) at log θ = t: log ρ = −softplus(−z), log(1−ρ) = −softplus(z), z = t + log(n_c/n_b). */
function logLikelihood(periods: readonly Informative[], logTheta: number): number {
  let sum = 0;
  for (const p of periods) {
    const z = logTheta + p.offset;
    if (p.x > 0) sum -= p.x * softplus(-z);
    if (p.y > 0) sum -= p.y * softplus(z);
  }
  return sum;
}

/** dL/d(log θ): positive when the data favour a larger θ than this one. */
function slope(periods: readonly Informative[], logTheta: number): number {
  let sum = 0;
  for (const p of periods) {
    const rho = 1 / (1 + Math.exp(-(logTheta + p.offset)));
    sum += p.x * (1 - rho) - p.y * rho;
  }
  return sum;
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  if (max === -Infinity) return -Infinity;
  return max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
}

/** The sequential test on one metric's periods, at level α. */
export interface SequentialTest {
  /** log M_t(θ) for any θ: the evidence against "the ratio is θ". */
  logEvidenceAgainst(theta: number): number;
  /** The confidence sequence's interval for θ: lower 0 / upper null when unbounded within the prior's range. */
  interval: [number, number | null];
  /** Whether the data favour a ratio above θ (the likelihood rises there). */
  favoursAbove(theta: number): boolean;
}

export function sequentialTest(periods: readonly PeriodCounts[], alpha: number): SequentialTest {
  const data = informative(periods);
  const onGrid = PRIOR_LOG_THETAS.map((t) => logLikelihood(data, t));
  const logMixture = logSumExp(onGrid.map((l) => LOG_PRIOR_WEIGHT + l));
  // θ0 is in the CS while L(θ0) > log mixture − log(1/α).
  const cut = logMixture - Math.log(1 / alpha);
  const inside = (t: number) => logLikelihood(data, t) > cut;
  // The likelihood's peak on the prior grid is inside: M_t there is Σ_j w_j·e^(L_j − L_peak) ≤ 1 < 1/α.
  const peak = PRIOR_LOG_THETAS[onGrid.indexOf(Math.max(...onGrid))] ?? 0;
  const edge = (outside: number): number => {
    let inner = peak;
    let outer = outside;
    for (let i = 0; i < BISECTION_STEPS; i++) {
      const mid = (inner + outer) / 2;
      if (inside(mid)) inner = mid;
      else outer = mid;
    }
    // Report the outer end: the interval never claims more than the data show.
    return Math.exp(outer);
  };
  const lower = inside(LOG_THETA_MIN) ? 0 : edge(LOG_THETA_MIN);
  const upper = inside(LOG_THETA_MAX) ? null : edge(LOG_THETA_MAX);
  return {
    logEvidenceAgainst: (theta) => logMixture - logLikelihood(data, Math.log(theta)),
    interval: [lower, upper],
    favoursAbove: (theta) => slope(data, Math.log(theta)) > 0,
  };
}

/** Bonferroni: the rollout-wide α split evenly, so P(any metric falsely fails) ≤ α. */
export function alphaPerMetric(alpha: number, metricCount: number): number {
  return alpha / Math.max(1, metricCount);
}

/** The θ0 the judge tests against: 1 + tolerance when an increase is worse, 1 − tolerance when a decrease is. */
export function nullRatio(spec: Pick<JudgeMetricSpec, 'direction' | 'tolerance'>): number {
  return spec.direction === 'increase' ? 1 + spec.tolerance : 1 - spec.tolerance;
}

function totals(periods: readonly PeriodCounts[]) {
  const sum = (pick: (p: PeriodCounts) => number) => periods.reduce((s, p) => s + pick(p), 0);
  return {
    candidate: { events: sum((p) => p.candidate.events), requests: sum((p) => p.candidate.requests) },
    baseline: { events: sum((p) => p.baseline.events), requests: sum((p) => p.baseline.requests) },
  };
}

/**
 * One metric's verdict at level α (already the metric's share of the rollout's α).
 * `fail`: the whole confidence sequence is worse than θ0 (M_t(θ0) ≥ 1/α, the data on the worse side);
 * `pass`: wholly better; otherwise `inconclusive`. Each is wrong with probability ≤ α at any look.
 */
export function judgeMetric(
  spec: Pick<JudgeMetricSpec, 'name' | 'direction' | 'tolerance' | 'critical'>,
  periods: readonly PeriodCounts[],
  alpha: number,
  threshold?: number,
): MetricVerdict {
  const test = sequentialTest(periods, alpha);
  const theta0 = nullRatio(spec);
  const rejected = test.logEvidenceAgainst(theta0) >= Math.log(1 / alpha);
  const above = test.favoursAbove(theta0);
  const worse = spec.direction === 'increase' ? above : !above;
  const verdict: MetricVerdict['verdict'] = !rejected ? 'inconclusive' : worse ? 'fail' : 'pass';
  const counts = totals(periods);
  const ratio =
    counts.baseline.events === 0 || counts.candidate.requests === 0 || counts.baseline.requests === 0
      ? null
      : counts.candidate.events /
        counts.candidate.requests /
        (counts.baseline.events / counts.baseline.requests);
  return {
    metric: spec.name,
    verdict,
    critical: spec.critical,
    direction: spec.direction,
    tolerance: spec.tolerance,
    ratio,
    interval: test.interval,
    candidate: counts.candidate,
    baseline: counts.baseline,
    ...(threshold !== undefined ? { threshold } : {}),
  };
}

/**
 * A tail metric's bad events in one period: the requests slower than the threshold, from the
 * percentile-rank statistic (PR(:t) = the percentage of samples ≤ t) and the sample count, rounded
 * to whole requests.
 */
export function slowRequests(sampleCount: number, percentRankAtThreshold: number): number {
  return Math.max(0, Math.round((sampleCount * (100 - percentRankAtThreshold)) / 100));
}
