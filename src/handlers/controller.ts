// The controller Lambda: every EventBridge event the controller is wired to arrives here, and the
// batches of its wake-up queue (SQS event source mapping). It parses the event, hands it to the
// controller, logs the outcome and flushes metrics — nothing else. Malformed events are logged and
// dropped (a retry would not fix them); unexpected errors are thrown so Lambda retries and, in the
// end, the dead-letter queue keeps the event. A wake-up that fails is named in the partial batch
// response (`batchItemFailures`, ReportBatchItemFailures), so only it returns to the queue.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { isSmRolloutError } from '../errors';
// The engine's modules, not its barrel: the barrel also exports the rollout engine, which this function
// loads only when a rollout is advanced (RolloutController imports it with import()).
import {
  type ControllerDeps,
  type Outcome,
  RolloutController,
  type ScheduleReport,
} from '../engine/controller';
import { parseControllerEvent } from '../engine/intake';
import { controllerDepsFromEnvironment } from './environment';

/** Lambda's partial batch response for SQS: the messages to return to the queue. */
export interface BatchItemFailure {
  itemIdentifier: string;
}

export type HandlerResult =
  | {
      ok: true;
      kind: string;
      outcomes: Outcome[];
      schedule?: Omit<ScheduleReport, 'outcomes'>;
      /** For a wake-up batch (always present then, empty when every record was handled). */
      batchItemFailures?: BatchItemFailure[];
    }
  | { ok: false; error: string };

export interface HandlerTools {
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics?: Pick<Metrics, 'addMetric' | 'publishStoredMetrics'>;
}

/** The controller with the handler's logger and metrics, as every host builds it. */
export function createController(
  deps: Omit<ControllerDeps, 'log' | 'count'>,
  tools: HandlerTools,
): RolloutController {
  const { logger, metrics } = tools;
  return new RolloutController({
    ...deps,
    log: {
      info: (message, fields) => logger.info(message, { ...fields }),
      warn: (message, fields) => logger.warn(message, { ...fields }),
      error: (message, fields) => logger.error(message, { ...fields }),
    },
    count: (metric) => metrics?.addMetric(metric, MetricUnit.Count, 1),
  });
}

/** Builds the handler around a controller; tests call this with simulated AWS. */
export function createControllerHandler(
  deps: Omit<ControllerDeps, 'log' | 'count'>,
  tools: HandlerTools,
): (event: unknown) => Promise<HandlerResult> {
  return controllerHandler(createController(deps, tools), tools);
}

/** The handler: parse the event, hand it to `controller`, log the outcome, flush metrics. */
export function controllerHandler(
  controller: RolloutController,
  tools: HandlerTools,
): (event: unknown) => Promise<HandlerResult> {
  const { logger, metrics } = tools;
  return async (raw) => {
    let input;
    try {
      input = parseControllerEvent(raw);
    } catch (error) {
      const message = (error as Error).message;
      logger.error(message, { eventId: (raw as { id?: unknown })?.id });
      return { ok: false, error: message };
    }
    try {
      switch (input.kind) {
        case 'wakeUps': {
          const outcomes: Outcome[] = [];
          const batchItemFailures: BatchItemFailure[] = [];
          for (const record of input.records) {
            if ('malformed' in record) {
              logger.error(record.malformed, { messageId: record.messageId });
              continue;
            }
            try {
              outcomes.push(await controller.wake(record.rolloutId, record.at));
            } catch (error) {
              // Only this message returns to the queue (after its visibility timeout); the schedule
              // wakes the rollout meanwhile if it is due.
              logger.error(`wake-up failed: ${(error as Error).message}`, {
                messageId: record.messageId,
                rolloutId: record.rolloutId,
                code: isSmRolloutError(error) ? error.code : undefined,
              });
              batchItemFailures.push({ itemIdentifier: record.messageId });
            }
          }
          return { ok: true, kind: input.kind, outcomes, batchItemFailures };
        }
        case 'approval':
          return { ok: true, kind: input.kind, outcomes: [await controller.approval(input.event)] };
        case 'alarm':
          return { ok: true, kind: input.kind, outcomes: await controller.alarm(input.event) };
        case 'endpoint':
          return {
            ok: true,
            kind: input.kind,
            outcomes: [await controller.endpointChanged(input.endpointName, input.status)],
          };
        case 'command':
          return { ok: true, kind: input.kind, outcomes: [await controller.command(input.event)] };
        case 'schedule': {
          const { outcomes, ...schedule } = await controller.schedule();
          logger.info('schedule tick', { ...schedule });
          return { ok: true, kind: input.kind, outcomes, schedule };
        }
      }
    } catch (error) {
      logger.error(`controller error: ${(error as Error).message}`, {
        code: isSmRolloutError(error) ? error.code : undefined,
        error: error as Error,
      });
      throw error;
    } finally {
      metrics?.publishStoredMetrics();
    }
  };
}

let cached: ((event: unknown) => Promise<HandlerResult>) | undefined;

/** The Lambda entry point: configuration comes from the environment, built once per container. */
export const handler = async (event: unknown): Promise<HandlerResult> => {
  if (!cached) {
    const logger = new Logger({ serviceName: 'sm-rollout' });
    const metrics = new Metrics({ namespace: 'sm-rollout', serviceName: 'sm-rollout' });
    cached = createControllerHandler(
      await controllerDepsFromEnvironment(process.env, {
        warn: (message, fields) => logger.warn(message, { ...fields }),
      }),
      {
        logger,
        metrics,
      },
    );
  }
  return cached(event);
};
