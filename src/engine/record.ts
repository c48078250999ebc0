// A stored rollout record read back: the one validated restore every persistent store runs on what it reads
// (a JSON file, a DynamoDB item; the memory store keeps the objects it was given), so a damaged or foreign record fails as STORE_CORRUPT naming where it lives and
// what is wrong, instead of as a half-typed object deep inside the engine. `input` is checked as far as the
// engine and the machine read it (unknown keys pass through: the machine's contract may grow); `snapshot`
// stays opaque, its compatibility is `machineVersion`'s job (the engine checks that).
// A namespace import (not `{ z }`) lets the bundler drop the parts of zod we never use (all its locales).
import * as z from 'zod';
import { SmRolloutError } from '../errors';
import type { RolloutInput } from '../../statemachines/contract';
import { COMMAND_NAMES, ROLLOUT_STATUSES, TERMINAL_STATUSES } from '../../statemachines/describe';
import type { RolloutRecord, TimelineEntry } from './ports';

const text = z.string().min(1);
const epochMs = z.number().finite();
const count = z.number().int().min(0);
const amount = z.number().finite().min(0);

const candidateAlarmTemplateSchema = z.looseObject({
  suffix: text,
  metricName: text,
  statistic: text,
  threshold: z.number().finite(),
  comparison: text,
  periodSeconds: amount,
  evaluationPeriods: amount,
  datapointsToAlarm: amount,
  treatMissingData: text,
});

const rolloutInputSchema = z.looseObject({
  rolloutId: text,
  endpointName: text,
  modelPackageArn: text,
  plan: z.looseObject({
    strategy: z.string(),
    steps: z.array(z.looseObject({ kind: text })).min(1),
  }),
  alarms: z.array(text),
  candidateAlarms: z.array(z.looseObject({ alarmName: text, template: candidateAlarmTemplateSchema })),
  executionRoleArn: text,
  candidate: z.looseObject({ instanceType: text.optional(), instanceCount: count.optional() }),
  names: z.looseObject({
    candidateModel: text,
    candidateVariant: text,
    transitionConfig: text,
    finalConfig: text,
  }),
  requestedBy: z.string(),
  startedAt: epochMs,
  maxDurationMs: amount,
  pollIntervalMs: amount,
  maxPollIntervalMs: amount.optional(),
  alarmPollIntervalMs: amount,
  baseline: z
    .looseObject({
      endpointConfigName: text,
      variantName: text,
      modelName: text,
      instanceType: text.optional(),
      instanceCount: count,
    })
    .optional(),
  /** Absent in records stored before the pre-traffic check, and when the rollout has none. */
  preTrafficCheck: z
    .looseObject({
      requests: z.union([
        z.looseObject({ inline: z.array(z.string()).min(1) }),
        z.looseObject({ s3Uri: text }),
      ]),
      contentType: text,
      accept: text.optional(),
      maxLatencyMs: amount,
    })
    .optional(),
});

const timelineEntrySchema = z.object({
  rolloutId: text,
  seq: count,
  at: epochMs,
  kind: text,
  message: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

const rolloutRecordSchema = z.object({
  id: text,
  endpointName: text,
  modelPackageArn: text,
  status: z.enum(ROLLOUT_STATUSES),
  /** Absent in records stored before the engine wrote it: derived from the status. */
  active: z.boolean().optional(),
  phase: z.string(),
  reason: z.string().optional(),
  strategy: z.string(),
  requestedBy: z.string(),
  input: rolloutInputSchema,
  machineVersion: text,
  snapshot: z.unknown().refine((value) => value !== undefined, 'is missing (null before the first save)'),
  version: count,
  timelineLength: count,
  nextWakeAt: epochMs.optional(),
  progress: z
    .object({
      step: z.object({ index: count, total: count }),
      weights: z.object({ baseline: z.number(), candidate: z.number() }),
      bakeUntil: epochMs.optional(),
      accepts: z.array(z.enum(COMMAND_NAMES)),
      watching: z.boolean().optional(),
      judging: z.boolean().optional(),
      judge: z
        .array(
          z.object({
            metric: z.string(),
            verdict: z.enum(['pass', 'fail', 'inconclusive']),
            ratio: z.number().nullable(),
            interval: z.tuple([z.number(), z.number().nullable()]),
            dryRun: z.boolean().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  createdAt: epochMs,
  updatedAt: epochMs,
});

// The schema and the port's type must describe the same record: this fails to compile when they drift.
type SchemaRecord = Omit<z.infer<typeof rolloutRecordSchema>, 'input' | 'active' | 'snapshot'>;
type PortRecord = Omit<RolloutRecord, 'input' | 'active' | 'snapshot'>;
const schemaMatchesPort: [SchemaRecord, PortRecord] extends [PortRecord, SchemaRecord] ? true : false = true;
void schemaMatchesPort;

const WHAT_TO_DO =
  'it was changed outside sm-rollout or written by an incompatible version; restore it from a backup or ' +
  'fix the named fields, and if it cannot be repaired, remove it and check the endpoint by hand ' +
  '(sm-rollout will not guess how to continue a damaged rollout)';

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const field = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    return `${field || 'the record'}: ${issue.message}`;
  });
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

function idOf(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id ? id : undefined;
}

/** The STORE_CORRUPT error for something a store read back: `where` names the file or item. */
function storeCorruptError(what: string, where: string, problem: string, cause?: unknown): SmRolloutError {
  return new SmRolloutError('STORE_CORRUPT', `${what} in ${where} is damaged: ${problem}; ${WHAT_TO_DO}`, {
    cause,
  });
}

/** JSON a store wrote, parsed; text that is not JSON (a torn or hand-edited file) is STORE_CORRUPT. */
export function parseStoredJson(json: string, what: string, where: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw storeCorruptError(what, where, `not valid JSON (${(error as Error).message})`, error);
  }
}

/**
 * A rollout record as a store read it, checked and typed; STORE_CORRUPT naming the rollout, `where` (the
 * file or item) and what is wrong otherwise. A record stored before `active` existed gets it from its status.
 */
export function restoreRolloutRecord(raw: unknown, where: string): RolloutRecord {
  const id = idOf(raw);
  const parsed = rolloutRecordSchema.safeParse(raw);
  if (!parsed.success) {
    throw storeCorruptError(id ? `rollout ${id}` : 'a rollout record', where, describeIssues(parsed.error));
  }
  const { active, input, ...rest } = parsed.data;
  const record: RolloutRecord = {
    ...rest,
    active: active ?? !TERMINAL_STATUSES.includes(rest.status),
    input: input as unknown as RolloutInput,
  };
  // Optional fields stay absent rather than present-and-undefined (records compare equal after a round trip).
  if (record.reason === undefined) delete record.reason;
  if (record.nextWakeAt === undefined) delete record.nextWakeAt;
  if (record.progress === undefined) delete record.progress;
  else if (record.progress.bakeUntil === undefined) delete record.progress.bakeUntil;
  return record;
}

/** A timeline entry as a store read it, checked and typed; STORE_CORRUPT otherwise. */
export function restoreTimelineEntry(raw: unknown, where: string): TimelineEntry {
  const parsed = timelineEntrySchema.safeParse(raw);
  if (!parsed.success) throw storeCorruptError('a timeline entry', where, describeIssues(parsed.error));
  const entry: TimelineEntry = parsed.data;
  if (entry.detail === undefined) delete entry.detail;
  return entry;
}
