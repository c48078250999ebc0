// `sm-rollout report`'s page: a rollout's record, timeline and per-variant metrics in, one
// self-contained HTML page out. The verb (commands/report.ts) reads; everything here is pure but
// the metric read through the MetricReader port.
export { rolloutStory, type RolloutStory, type Marker, type TrafficStep } from './rollout-story';
export { readReportMetrics, type ReportMetrics, type VariantSeries } from './variant-metrics';
export { renderReportPage, type ReportPageInput } from './page';
export { buildReportPage } from './build';
