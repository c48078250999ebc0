// The report page from fabricated data: what a person reading it (on screen or printed in black and
// white) finds, and that it needs nothing from a network.
import { buildReportPage, rolloutStory } from '../../../src/cli/report';
import { periodFor } from '../../../src/cli/report/variant-metrics';
import type { MetricReader } from '../../../src/engine/ports';
import { T0, fabricatedMetrics, fabricatedRecord, fabricatedTimeline } from './fabricated-rollout';

const NOW = T0 + 20 * 60_000;

async function page(
  options: {
    metrics?: MetricReader;
    timeline?: ReturnType<typeof fabricatedTimeline>;
    record?: ReturnType<typeof fabricatedRecord>;
  } = {},
) {
  const { html } = await buildReportPage({
    record: options.record ?? fabricatedRecord(),
    timeline: options.timeline ?? fabricatedTimeline(),
    metrics: 'metrics' in options ? options.metrics : fabricatedMetrics(),
    now: NOW,
    generatedAt: NOW,
  });
  return html;
}

/** The page's visible text, roughly as a reader sees it (tags dropped, entities decoded). */
function textOf(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<title>[\s\S]*?<\/title>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('report page', () => {
  it('needs no network: no scripts, stylesheets, fonts or images from elsewhere', async () => {
    const html = await page();
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    // The only URL is the SVG namespace, which browsers never fetch.
    expect(html.match(/https?:\/\/[^"'\s<]+/g)!.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('heads the page with the rollout, endpoint, model package, strategy, outcome and reason', async () => {
    const text = textOf(await page());
    expect(text).toContain('Rollout r-sim70001 ROLLED BACK');
    expect(text).toContain('Endpoint churn-prod');
    expect(text).toContain(
      'Model package churn-model/2 (arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/2)',
    );
    expect(text).toContain('Strategy Canary10Percent5Minutes');
    expect(text).toContain('Outcome rolled back');
    expect(text).toContain('Reason the judge found the candidate worse on errors');
  });

  it('draws the candidate share as steps: 0%, 10% at the shift, back to 0% when traffic is restored', () => {
    const story = rolloutStory(fabricatedRecord(), fabricatedTimeline(), NOW);
    expect(story.traffic.map((s) => [new Date(s.at).toISOString().slice(11, 19), s.candidate])).toEqual([
      ['09:00:00', 0],
      ['09:06:52', 10],
      ['09:08:25', 0],
    ]);
    expect(story.rollback).toEqual({
      from: T0 + 8 * 60_000,
      to: T0 + 13 * 60_000,
      reason: 'judge: errors fail',
    });
  });

  it('labels every marker in words: the shift, the failed verdict, the rollback and the restore', async () => {
    const html = await page();
    const labels = [...html.matchAll(/class="marker-label[^"]*">([^<]+)</g)].map((m) => m[1]);
    expect(labels).toEqual([
      '10%',
      'judge fail (errors)',
      'ROLLBACK (judge: errors fail)',
      'traffic restored',
    ]);
    // The "hold" look is in the verdict table, not a marker: it changed nothing.
    expect(html).not.toContain('judge hold');
  });

  it('marks the alarm that fired when an alarm started the rollback', async () => {
    const html = await page({ timeline: fabricatedTimeline('alarm') });
    expect(textOf(html)).toContain('ALARM smr-churn-prod-sim70001-5xx-rate');
    expect(textOf(html)).toContain('ROLLBACK (alarm smr-churn-prod-sim70001-5xx-rate)');
  });

  it('marks a failed pre-traffic check and the rollback it started, before any shift', () => {
    const [started, baseline, created, live] = fabricatedTimeline();
    const at = live!.at + 5_000;
    const result = { sent: 3, failures: [{ index: 1, reason: 'HTTP 500' }], maxLatencyMs: 120 };
    const timeline = [
      started!,
      baseline!,
      created!,
      live!,
      {
        rolloutId: 'r-sim70001',
        seq: 4,
        at,
        kind: 'preTrafficChecked',
        message: 'Pre-traffic check failed',
        detail: { fact: { kind: 'preTrafficChecked', result, passed: false } },
      },
      {
        rolloutId: 'r-sim70001',
        seq: 5,
        at,
        kind: 'rollbackStarted',
        message: 'Rolling back',
        detail: {
          fact: {
            kind: 'rollbackStarted',
            reason: { kind: 'preTrafficCheck', failures: result.failures, sent: 3 },
          },
        },
      },
    ];
    const story = rolloutStory(fabricatedRecord(), timeline, NOW);
    expect(story.markers.map((m) => [m.label, m.bad])).toEqual([
      ['pre-traffic check failed', true],
      ['ROLLBACK (pre-traffic check failed)', true],
    ]);
    expect(story.traffic.map((s) => s.candidate)).toEqual([0]);
  });

  it("prints the judge's numbers: ratio, interval and counts of every look", async () => {
    const html = await page();
    const table = textOf(/<table id="verdicts">[\s\S]*?<\/table>/.exec(html)![0]);
    expect(table).toContain(
      '09:08:00 2/4 errors (critical) fail 95.45× [12.30, ∞] 23 / 120 2 / 1090 rollback',
    );
    expect(table).toContain(
      '09:07:30 2/4 errors (critical) inconclusive 40.00× [0.80, ∞] 4 / 35 1 / 320 hold',
    );
    expect(textOf(html)).toContain('errors: last verdict FAIL, ratio 95.45× in [12.30, ∞]');
    // On the chart: an interval bar per look, and the tolerance the verdict is judged by.
    expect(html.match(/class="verdict" data-verdict="/g)).toHaveLength(2);
    expect(textOf(html)).toContain('tolerance 1.5×');
  });

  it('reads both variants per EndpointName + VariantName over whole minutes around the rollout', async () => {
    const metrics = fabricatedMetrics();
    await page({ metrics });
    expect(
      metrics.queries.map((q) => `${q.metric.metricName}/${q.statistic}/${q.metric.dimensions[1]!.value}`),
    ).toEqual([
      'Invocations/Sum/candidate-sim70001',
      'Invocation5XXErrors/Sum/candidate-sim70001',
      'ModelLatency/p99/candidate-sim70001',
      'Invocations/Sum/AllTraffic',
      'Invocation5XXErrors/Sum/AllTraffic',
      'ModelLatency/p99/AllTraffic',
    ]);
    expect(
      metrics.queries.every((q) => q.periodSeconds === 60 && q.metric.dimensions[0]!.value === 'churn-prod'),
    ).toBe(true);
  });

  it('asks for 10 s periods when the transition config published enhanced metrics (within 3 hours)', async () => {
    const metrics = fabricatedMetrics();
    const record = fabricatedRecord();
    record.input = { ...record.input, enhancedMetrics: true };
    await page({ metrics, record });
    expect(new Set(metrics.queries.map((q) => q.periodSeconds))).toEqual(new Set([10]));
  });

  it('draws candidate vs baseline error rate and latency, labelled at the lines’ ends', async () => {
    const text = textOf(await page());
    // 12 of 60 candidate requests failed in its last minute; 1 of 540 for the baseline.
    expect(text).toMatch(/candidate 20%.*baseline 0\.19%/);
    expect(text).toMatch(/candidate 182 ms.*baseline 61\.0 ms/);
  });

  it('still renders from the timeline, and says what is missing, when metrics cannot be read', async () => {
    const denied: MetricReader = {
      getMetricData: () =>
        Promise.reject(new Error('AccessDenied: not authorized to perform: cloudwatch:GetMetricData')),
    };
    const html = await page({ metrics: denied });
    const text = textOf(html);
    expect(text).toContain(
      'Missing: The error-rate and latency charts are not drawn: CloudWatch GetMetricData failed (AccessDenied',
    );
    expect(text).toContain('allow cloudwatch:GetMetricData');
    expect(html).toContain('id="traffic-chart"');
    expect(html).not.toContain('id="error-rate-chart"');
    expect(text).toContain('95.45×');
  });

  it('says so when the rollout has no judge verdicts', async () => {
    const timeline = fabricatedTimeline('alarm').filter((e) => e.kind !== 'judged');
    const text = textOf(await page({ timeline }));
    expect(text).toContain('Missing: no judge verdicts in this rollout');
  });

  it('marks a success and draws the new model at 100% once the final config is live', async () => {
    const record = fabricatedRecord({ status: 'succeeded' });
    delete record.reason;
    const timeline = fabricatedTimeline().slice(0, 6);
    const last = timeline.at(-1)!.at;
    timeline.push(
      {
        rolloutId: record.id,
        seq: 6,
        at: last + 300_000,
        kind: 'finalLive',
        message: 'Endpoint churn-prod is InService on final config',
      },
      { rolloutId: record.id, seq: 7, at: last + 900_000, kind: 'succeeded', message: 'Rollout succeeded' },
    );
    const story = rolloutStory(record, timeline, NOW);
    expect(story.traffic.at(-1)!.candidate).toBe(100);
    expect(story.rollback).toBeUndefined();
    const text = textOf(await page({ record, timeline }));
    expect(text).toContain('SUCCEEDED');
    expect(text).not.toContain('Reason');
  });

  it('escapes what the rollout recorded, so a message cannot become markup', async () => {
    const timeline = fabricatedTimeline();
    timeline[0] = { ...timeline[0]!, message: 'started by <script>alert(1)</script> & co' };
    const html = await page({ timeline });
    expect(html).not.toContain('<script>');
    expect(textOf(html)).toContain('started by <script>alert(1)</script> & co');
  });

  it('says so when CloudWatch has no datapoints for a candidate that took traffic', async () => {
    const empty: MetricReader = {
      getMetricData: async (queries) => queries.map((q) => ({ id: q.id, points: [] })),
    };
    const built = await buildReportPage({
      record: fabricatedRecord(),
      timeline: fabricatedTimeline(),
      metrics: empty,
      now: NOW,
      generatedAt: NOW,
    });
    expect(textOf(built.html)).toContain(
      'Missing: CloudWatch returned no datapoints for the candidate variant although it took traffic',
    );
    expect(built.missing).toEqual([
      "the candidate's metrics: CloudWatch returned no datapoints for the candidate variant although it " +
        'took traffic (older than CloudWatch keeps them at this period, or not yet published)',
    ]);
  });
});

describe('the period a report asks GetMetricData for', () => {
  const hour = 3_600_000;
  it("keeps the judge's 10 s for a rollout of the last 3 hours, then the coarser periods CloudWatch answers", () => {
    expect(periodFor(10, T0, T0 + 2 * hour)).toBe(10);
    expect(periodFor(10, T0, T0 + 4 * hour)).toBe(60);
    expect(periodFor(60, T0, T0 + 20 * 24 * hour)).toBe(300);
    expect(periodFor(60, T0, T0 + 70 * 24 * hour)).toBe(3600);
  });
});
