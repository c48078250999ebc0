// Local and simulate modes: this process runs the engine itself — against real AWS (`--local`,
// credentials from the usual SDK chain) or against the simulated cloud (`--simulate`) — keeping
// rollouts in a file store (or a DynamoDB table) so another `sm-rollout` process can steer them.
import { isTerminal } from '../../statemachines/describe';
import { systemClock } from '../engine/clock';
import type { CommandRequest, RolloutEngine } from '../engine/engine';
import { runRollout, type RunnerTime } from '../engine/local-runner';
import type { AlarmControl, AlarmState, EndpointControl, ModelState } from '../engine/ports';
import type { AwsEvent } from '../engine/routing';
import { validateStartRequest, type StartRolloutRequest } from '../engine/start-request';
import type { ListFilter, RolloutRecord, RolloutStore, TimelineEntry } from '../store';
import type { FollowOptions, FollowResult, RolloutBackend, StartRequest } from './backend';

export interface LocalBackendOptions {
  mode: 'local' | 'simulate';
  engine: RolloutEngine;
  store: RolloutStore;
  alarms: AlarmControl;
  endpoints: EndpointControl;
  time: RunnerTime;
  drainEvents?: () => AwsEvent[];
  /** Real time, for --timeout (virtual time may run far ahead of it). */
  realNow?: () => number;
  onClose?: () => Promise<void>;
}

const NEEDS_A_PERSON = new Set(['awaitingPromotion', 'paused']);

export class LocalBackend implements RolloutBackend {
  readonly mode: 'local' | 'simulate';

  constructor(private readonly options: LocalBackendOptions) {
    this.mode = options.mode;
  }

  async start(request: StartRequest): Promise<RolloutRecord> {
    // The engine validates the whole request; a missing field is named there.
    return (await this.options.engine.start(validateStartRequest(request as StartRolloutRequest))).record;
  }

  async command(rolloutId: string, command: CommandRequest): Promise<RolloutRecord> {
    return (await this.options.engine.command(rolloutId, command)).record;
  }

  get(rolloutId: string): Promise<{ record: RolloutRecord; timeline: TimelineEntry[] }> {
    return this.options.engine.get(rolloutId);
  }

  list(filter?: ListFilter): Promise<RolloutRecord[]> {
    return this.options.store.list(filter);
  }

  activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined> {
    return this.options.store.activeForEndpoint(endpointName);
  }

  async follow(rolloutId: string, options: FollowOptions): Promise<FollowResult> {
    const realNow = this.options.realNow ?? systemClock.now;
    const deadline = options.timeoutMs === undefined ? Infinity : realNow() + options.timeoutMs;
    let { record } = await this.options.engine.get(rolloutId);
    let seen = record.timelineLength;
    // Entries another process added (a promote from a second terminal) are reported too.
    const report = async (latest: RolloutRecord) => {
      record = latest;
      if (latest.timelineLength <= seen) return;
      const added = (await this.options.store.timeline(rolloutId)).filter((e) => e.seq >= seen);
      seen = latest.timelineLength;
      await options.onUpdate?.(latest, added);
    };
    if (isTerminal(record.status)) return { record, stoppedBecause: 'ended' };
    let stoppedBecause: FollowResult['stoppedBecause'] | undefined;
    const result = await runRollout(this.options.engine, rolloutId, {
      time: this.options.time,
      drainEvents: this.options.drainEvents,
      onStep: (step) => report(step.record),
      shouldDetach: (step) => {
        if (options.signal?.aborted) stoppedBecause = 'detached';
        else if (realNow() >= deadline) stoppedBecause = 'timeout';
        else if (options.until === 'attention' && NEEDS_A_PERSON.has(step.record.status))
          stoppedBecause = 'attention';
        return stoppedBecause !== undefined;
      },
    });
    await report(result.record);
    return { record, stoppedBecause: stoppedBecause ?? 'ended' };
  }

  describeModel(modelName: string): Promise<ModelState | undefined> {
    return this.options.endpoints.describeModel(modelName);
  }

  async alarmStates(alarmNames: string[]): Promise<AlarmState[]> {
    if (alarmNames.length === 0) return [];
    try {
      return await this.options.alarms.describeAlarms(alarmNames);
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    await this.options.onClose?.();
  }
}
