// A rollout's report from what the CLI can read: its record and timeline from the store, its
// variants' metrics through the MetricReader port (when this mode has one), over the rollout's span.
import type { MetricReader } from '../../engine/ports';
import type { RolloutRecord, TimelineEntry } from '../../store';
import { renderReportPage } from './page';
import { rolloutStory } from './rollout-story';
import { CANDIDATE_UNSEEN, candidateUnseen, periodFor, readReportMetrics } from './variant-metrics';

/** GetMetricData's period without a judge: 10 s when the transition config published enhanced metrics. */
function ownPeriodSeconds(record: RolloutRecord): number {
  return record.input.judge?.periodSeconds ?? (record.input.enhancedMetrics ? 10 : 60);
}

export async function buildReportPage(options: {
  record: RolloutRecord;
  timeline: readonly TimelineEntry[];
  metrics: MetricReader | undefined;
  /** Now, in the time the rollout runs on (simulated time in --simulate). */
  now: number;
  generatedAt: number;
}): Promise<{ html: string; missing: string[] }> {
  const { record, timeline } = options;
  const story = rolloutStory(record, timeline, options.now);
  const metrics = await readReportMetrics(options.metrics, {
    endpointName: record.endpointName,
    candidateVariant: story.candidateVariant,
    ...(story.baselineVariant ? { baselineVariant: story.baselineVariant } : {}),
    from: story.from,
    to: story.to,
    periodSeconds: periodFor(ownPeriodSeconds(record), story.from, options.now),
  });
  const html = renderReportPage({ record, timeline, story, metrics, generatedAt: options.generatedAt });
  // What the page says it could not draw, for the verb to repeat at the terminal.
  const missing = [
    ...(metrics.available ? [] : [`error rate and latency: ${metrics.missing}`]),
    ...(metrics.available && candidateUnseen(story, metrics.candidate)
      ? [`the candidate's metrics: ${CANDIDATE_UNSEEN}`]
      : []),
    ...(story.baselineVariant ? [] : ['the baseline variant: the rollout never resolved it']),
    ...(story.judged.length ? [] : ['judge verdicts: the timeline has none']),
  ];
  return { html, missing };
}
