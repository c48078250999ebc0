// Benchmark 3 — one schedule tick at scale: 100, 1,000 and 5,000 active rollouts baking, stored by
// DynamoRolloutStore on dynalite, AWS answered with a fixed per-call latency.
//
// Seeding: ONE rollout is run through the handler on the simulated cloud until it bakes at 10%; its
// stored record is cloned N times (JSON text with the rollout id and endpoint name replaced — names
// of configs, variants and candidate alarms follow from them), endpoints bench-0001…, all due at
// the same instant. AWS is a fake behind the ports: DescribeEndpoint answers for any endpoint with
// the original endpoint's description (InService on the transition config at 90/10, renamed),
// DescribeAlarms answers OK for every name, in chunks of 100 as the AWS adapter sends them; every
// call waits BENCH_AWS_LATENCY_MS (default 5 ms) first.
import os from 'node:os';
import { type AlarmControl, type AlarmState, type EndpointControl, RolloutController } from '../src/engine';
import { policyLookup } from '../src/handlers/environment';
import { parsePolicies } from '../src/policy';
import { DynamoRolloutStore, type RolloutRecord, type RolloutStore } from '../src/store';
import { MemoryLifecyclePublisher } from '../src/cli/simulated-environment';
import {
  ENDPOINT,
  SimController,
  delay,
  policyYaml,
  startDynalite,
  type BenchResult,
  type Dynalite,
} from './lib';

const LATENCY_MS = Number(process.env.BENCH_AWS_LATENCY_MS ?? 5);
const SIZES = (process.env.BENCH_TICK_SIZES ?? '100,1000,5000').split(',').map(Number);
/** Skip a size whose seeding + tick is projected to take longer than this (real seconds). */
const BUDGET_S = Number(process.env.BENCH_TICK_BUDGET_S ?? 150);

interface Measured {
  n: number;
  seedS: number;
  tickMs: number;
  storeCalls: Map<string, number>;
  dynamoRequests: Map<string, number>;
  awsCalls: Map<string, number>;
  distinctAlarms: number;
  report: { due: number; advanced: number; failed: number; describeAlarmsCalls: number };
  stillBaking: number;
}

function fakeAws(describeTemplate: string) {
  const calls = new Map<string, number>();
  const call = async <T>(op: string, run: () => T): Promise<T> => {
    calls.set(op, (calls.get(op) ?? 0) + 1);
    await delay(LATENCY_MS);
    return run();
  };
  const refuse = (op: string) => (): Promise<never> =>
    call(op, () => {
      throw new Error(`${op}: not expected in a bake tick`);
    });
  const endpoints: EndpointControl = {
    describeEndpoint: (name) =>
      call('DescribeEndpoint', () => JSON.parse(describeTemplate.split(ENDPOINT).join(name))),
    describeEndpointConfig: refuse('DescribeEndpointConfig'),
    describeModelPackage: refuse('DescribeModelPackage'),
    describeModel: refuse('DescribeModel'),
    listTags: refuse('ListTags'),
    createModel: refuse('CreateModel'),
    createEndpointConfig: refuse('CreateEndpointConfig'),
    updateEndpoint: refuse('UpdateEndpoint'),
    updateWeights: (() =>
      call('UpdateEndpointWeightsAndCapacities', () => undefined)) as EndpointControl['updateWeights'],
    deleteEndpointConfig: refuse('DeleteEndpointConfig'),
    deleteModel: refuse('DeleteModel'),
  };
  const alarms: AlarmControl = {
    // One port call; the AWS adapter sends it as DescribeAlarms calls of at most 100 names.
    async describeAlarms(names) {
      const out: AlarmState[] = [];
      for (let i = 0; i < names.length; i += 100) {
        const chunk = names.slice(i, i + 100);
        out.push(
          ...(await call('DescribeAlarms', () =>
            chunk.map((alarmName): AlarmState => ({ alarmName, state: 'OK', reason: 'benchmark: OK' })),
          )),
        );
      }
      return out;
    },
    putCandidateAlarm: () => call('PutMetricAlarm', () => undefined),
    deleteAlarms: () => call('DeleteAlarms', () => undefined),
    putAbortAlarm: refuse('PutMetricAlarm'),
    setAlarmState: refuse('SetAlarmState'),
  };
  return { calls, endpoints, alarms };
}

function countingStore(inner: RolloutStore, counts: Map<string, number>): RolloutStore {
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counts.set(String(key), (counts.get(String(key)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function seedOne(db: Dynalite) {
  const table = await db.createTable();
  const c = new SimController({ store: new DynamoRolloutStore(db.client(), table), idPrefix: 'r-orig' });
  const arn = c.approveNewVersion();
  await c.runUntil(async () => /^baking .* at 10%/.test((await c.rolloutFor(arn))?.phase ?? ''), 30);
  const record = (await c.rolloutFor(arn))!;
  const described = await c.sim.sagemaker.describeEndpoint(ENDPOINT);
  return { record, describeTemplate: JSON.stringify(described) };
}

async function measure(
  db: Dynalite,
  n: number,
  original: RolloutRecord,
  describeTemplate: string,
): Promise<Measured> {
  const table = await db.createTable();
  const dynamo = new DynamoRolloutStore(db.client(), table, { delay: async () => undefined });
  const text = JSON.stringify(original);
  const now = original.nextWakeAt!;
  const s0 = performance.now();
  let next = 0;
  const seedWorker = async () => {
    for (let i = next++; i < n; i = next++) {
      const endpoint = `bench-${String(i + 1).padStart(4, '0')}`;
      const id = `r-bench${String(i + 1).padStart(5, '0')}`;
      const clone = JSON.parse(
        text.split(original.id).join(id).split(ENDPOINT).join(endpoint),
      ) as RolloutRecord;
      clone.nextWakeAt = now;
      await dynamo.create(clone, []);
    }
  };
  await Promise.all(Array.from({ length: 16 }, seedWorker));
  const seedS = (performance.now() - s0) / 1000;

  const storeCalls = new Map<string, number>();
  const aws = fakeAws(describeTemplate);
  const controller = new RolloutController({
    store: countingStore(dynamo, storeCalls),
    endpoints: aws.endpoints,
    alarms: aws.alarms,
    events: new MemoryLifecyclePublisher(),
    clock: { now: () => now },
    policies: policyLookup(parsePolicies(policyYaml('Canary10Percent5Minutes'), 'bench-policies.yaml')),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  db.resetRequests();
  const t0 = performance.now();
  const report = await controller.schedule();
  const tickMs = performance.now() - t0;
  const dynamoRequests = new Map(db.requests);
  const distinctAlarms = new Set(
    [original].flatMap((r) => [...r.input.alarms, ...r.input.candidateAlarms.map((a) => a.alarmName)]),
  ).size;
  const after = await dynamo.listDue(now + 10 * 60_000);
  return {
    n,
    seedS,
    tickMs,
    storeCalls,
    dynamoRequests,
    awsCalls: aws.calls,
    distinctAlarms: distinctAlarms * n,
    report,
    stillBaking: after.filter((r) => r.phase.startsWith('baking')).length,
  };
}

const fmt = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';
const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

export async function tickScale(): Promise<BenchResult> {
  const db = await startDynalite();
  const results: Measured[] = [];
  const skipped: string[] = [];
  try {
    const { record, describeTemplate } = await seedOne(db);
    for (const n of SIZES) {
      const last = results[results.length - 1];
      if (last) {
        const projected = ((last.seedS + last.tickMs / 1000) * n) / last.n;
        if (projected > BUDGET_S) {
          skipped.push(
            `${n}: skipped — projected ${projected.toFixed(0)} s of seeding + tick from the ${last.n} run (budget ${BUDGET_S} s); ` +
              `linear extrapolation of the tick: ${((last.tickMs * n) / last.n / 1000).toFixed(1)} s, ` +
              `${Math.round((sum(last.dynamoRequests) * n) / last.n)} DynamoDB requests, ` +
              `${Math.ceil(n / 100)} DescribeAlarms calls`,
          );
          continue;
        }
      }
      results.push(await measure(db, n, record, describeTemplate));
    }
  } finally {
    await db.close();
  }
  const base = results[0];
  const rows = results.map((r) => {
    const perRollout = r.tickMs / r.n;
    const describeAlarms = r.awsCalls.get('DescribeAlarms') ?? 0;
    const limit = Math.ceil(r.distinctAlarms / 100);
    return [
      r.n,
      `${(r.tickMs / 1000).toFixed(2)} s`,
      `${perRollout.toFixed(2)} ms`,
      base ? `${(r.tickMs / base.tickMs).toFixed(1)}× for ${(r.n / base.n).toFixed(0)}× rollouts` : '',
      `${r.report.advanced}/${r.report.due} (failed ${r.report.failed})`,
      `${sum(r.dynamoRequests)} (${(sum(r.dynamoRequests) / r.n).toFixed(2)}/rollout)`,
      `${describeAlarms} (limit ${limit}: ${describeAlarms <= limit ? 'ok' : 'OVER'})`,
      r.tickMs <= 60_000 ? 'yes' : 'NO',
    ];
  });
  const thousand = results.find((r) => r.n === 1000);
  return {
    name: 'Tick at scale',
    figures: results.map(
      (r) =>
        `${r.n} rollouts: schedule() ${(r.tickMs / 1000).toFixed(2)} s, ${sum(r.dynamoRequests)} DynamoDB requests, ` +
        `AWS ${fmt(r.awsCalls)}`,
    ),
    tables: [
      {
        title: `One controller.schedule() with every rollout due (AWS latency ${LATENCY_MS} ms per call, tickConcurrency 10 — the default)`,
        headers: [
          'rollouts',
          'wall time',
          'per rollout',
          'growth vs smallest',
          'advanced',
          'DynamoDB requests',
          'DescribeAlarms calls',
          'within 1 min',
        ],
        rows,
      },
      {
        title: 'Operations by kind',
        headers: [
          'rollouts',
          'store methods called',
          'DynamoDB requests (dynalite)',
          'AWS calls',
          'seeding time',
        ],
        rows: results.map((r) => [
          r.n,
          fmt(r.storeCalls),
          fmt(r.dynamoRequests),
          fmt(r.awsCalls),
          `${r.seedS.toFixed(1)} s`,
        ]),
      },
    ],
    notes: [
      'Method: one rollout is run through the handler on the simulated cloud (DynamoRolloutStore on dynalite) until it ' +
        'bakes at 10%; its stored record is cloned N times by replacing its id and endpoint name in the record JSON ' +
        '(so candidate variant, config and alarm names follow), endpoints bench-0001…, each stored with store.create ' +
        '(endpoint lock + record) into a fresh table, all due at the same instant, which is inside the 5-minute bake. ' +
        `AWS is a fake behind the ports with a ${LATENCY_MS} ms delay per call: DescribeEndpoint answers for any endpoint ` +
        "with the original endpoint's description renamed (InService on the transition config at 90/10), DescribeAlarms " +
        'answers OK for every name in chunks of 100 (as src/aws/cloudwatch.ts sends them); anything else a bake tick ' +
        'should not call fails loudly.',
      'Each baking rollout costs, per tick: UpdateItem (take the save lease, conditional on the version), BatchWriteItem ' +
        '(its timeline entries), PutItem (the record, conditional on the version and the lease) — the snapshot changes ' +
        'because the next wake-up moves — and no GetItem (listDue returns the records whole) and no AWS call of its own: ' +
        'its alarms come from the batched DescribeAlarms made once for the tick. The remaining requests are the listDue ' +
        'Query on the `active` index (paged at 1 MB, so it grows with the number and size of records) and the ' +
        'listPendingApprovals Query of the PENDING partition.',
      `The tick's time is dominated by the store: dynalite runs in this same process on this ${os.cpus().length}-core ` +
        'machine, so every DynamoDB request also costs CPU here (request signing, JSON marshalling of ~10 KB records, ' +
        'dynalite\u2019s LevelDB work); rollouts are advanced 10 at a time (tickConcurrency).',
      thousand
        ? `Target — 1,000 rollouts per tick within the one-minute schedule: ${thousand.tickMs <= 60_000 ? 'met' : 'NOT met'} ` +
          `(${(thousand.tickMs / 1000).toFixed(1)} s).`
        : 'Target — 1,000 rollouts per tick: not measured.',
      `Target — DescribeAlarms calls ≤ ceil(distinct alarms / 100): ${results.every((r) => (r.awsCalls.get('DescribeAlarms') ?? 0) <= Math.ceil(r.distinctAlarms / 100)) ? 'met at every size' : 'NOT met'} ` +
        '(one candidate alarm per rollout, so N distinct alarms).',
      `After the tick, rollouts still baking: ${results.map((r) => `${r.stillBaking}/${r.n}`).join(', ')}.`,
      ...skipped,
    ],
  };
}
