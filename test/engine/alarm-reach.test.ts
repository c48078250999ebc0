// Which alarms can fire on AWS, from their definitions: refusals and warnings name the alarm and the fix.
import { alarmReachProblems, unreadCompositeChildren } from '../../src/engine/alarm-reach';
import { alarmRuleChildren, parseAlarmRule } from '../../src/engine/composite-alarm-rule';
import type { AlarmDefinition, AlarmState } from '../../src/engine/ports';

const ENDPOINT = 'churn-prod';

function metricAlarm(
  alarmName: string,
  metricName: string,
  dimensions: Record<string, string>,
  namespace = 'AWS/SageMaker',
): AlarmState {
  return {
    alarmName,
    state: 'OK',
    reason: '',
    definition: {
      kind: 'metric',
      metric: {
        namespace,
        metricName,
        dimensions: Object.entries(dimensions).map(([name, value]) => ({ name, value })),
      },
      statistic: 'Average',
      periodSeconds: 60,
    },
  };
}

function composite(alarmName: string, alarmRule: string): AlarmState {
  const definition: AlarmDefinition = {
    kind: 'composite',
    alarmRule,
    childAlarmNames: alarmRuleChildren(alarmRule),
  };
  return { alarmName, state: 'OK', reason: '', definition };
}

function problems(alarms: AlarmState[], watched = [alarms[0]!.alarmName]) {
  return alarmReachProblems({ watched, alarms, endpointName: ENDPOINT, variantNames: ['AllTraffic'] }).map(
    (p) => [p.severity, p.message],
  );
}

const SERVING = { EndpointName: ENDPOINT, VariantName: 'AllTraffic' };

describe('alarms that can fire', () => {
  it.each([
    ['the serving variant’s error rate', metricAlarm('churn-prod-5xx', 'Invocation5XXErrors', SERVING)],
    [
      'its CPU in /aws/sagemaker/Endpoints',
      metricAlarm('cpu', 'CPUUtilization', SERVING, '/aws/sagemaker/Endpoints'),
    ],
    [
      'a business metric in the team’s own namespace',
      metricAlarm('orders', 'FailedOrders', { Service: 'checkout' }, 'Checkout'),
    ],
    [
      'a multi-container endpoint’s per-container latency',
      metricAlarm('c', 'ContainerLatency', { ...SERVING, ContainerName: 'c1' }),
    ],
  ])('pass: %s', (_label, alarm) => {
    expect(problems([alarm])).toEqual([]);
  });

  it('refuses an alarm on EndpointName alone: no data on AWS, add VariantName=<serving variant>', () => {
    expect(
      problems([metricAlarm('churn-prod-5xx', 'Invocation5XXErrors', { EndpointName: ENDPOINT })]),
    ).toEqual([
      [
        'refuse',
        'alarm churn-prod-5xx watches AWS/SageMaker Invocation5XXErrors {EndpointName=churn-prod}, which gets no data on AWS: ' +
          'CloudWatch treats each dimension set as its own metric and SageMaker publishes endpoint metrics per ' +
          'EndpointName + VariantName — add VariantName=AllTraffic (the serving variant)',
      ],
    ]);
  });

  it('refuses a SageMaker metric with no dimensions at all, naming both to add', () => {
    expect(problems([metricAlarm('latency', 'ModelLatency', {})])[0]?.[1]).toMatch(
      /with no dimensions, which gets no data on AWS: .* add EndpointName=churn-prod and VariantName=AllTraffic/,
    );
  });

  it('refuses a variant the endpoint does not have, listing the ones it has', () => {
    expect(
      problems([metricAlarm('old', 'Invocation5XXErrors', { ...SERVING, VariantName: 'candidate-r1' })]),
    ).toEqual([
      [
        'refuse',
        expect.stringContaining(
          'but churn-prod has no variant candidate-r1 (its variants: AllTraffic), so the alarm gets no data — set VariantName=AllTraffic',
        ),
      ],
    ]);
  });

  it('refuses a utilization metric in AWS/SageMaker: it lives in /aws/sagemaker/Endpoints', () => {
    expect(problems([metricAlarm('cpu', 'CPUUtilization', SERVING)])).toEqual([
      [
        'refuse',
        expect.stringContaining(
          "utilization metrics like CPUUtilization live in /aws/sagemaker/Endpoints — change the alarm's namespace",
        ),
      ],
    ]);
  });

  it('refuses an invocation metric in /aws/sagemaker/Endpoints', () => {
    expect(problems([metricAlarm('lat', 'ModelLatency', SERVING, '/aws/sagemaker/Endpoints')])[0]).toEqual([
      'refuse',
      expect.stringContaining('invocation metrics like ModelLatency live in AWS/SageMaker'),
    ]);
  });

  it.each([
    ['Invocation5xxErrors', 'Invocation5XXErrors'],
    ['ModelLatancy', 'ModelLatency'],
    ['Invocations5XXErrors', 'Invocation5XXErrors'],
  ])('refuses a misspelt metric %s with a did-you-mean %s', (typo, meant) => {
    expect(problems([metricAlarm('typo', typo, SERVING)])).toEqual([
      [
        'refuse',
        expect.stringContaining(
          `SageMaker publishes no ${typo} — did you mean ${meant}? fix the alarm's metric name`,
        ),
      ],
    ]);
  });

  it('warns (does not refuse) on a SageMaker metric name it does not know with nothing near', () => {
    expect(problems([metricAlarm('new', 'TimeToFirstByte', SERVING)])).toEqual([
      [
        'warn',
        expect.stringContaining(
          'TimeToFirstByte is not a metric SageMaker documents for endpoints in AWS/SageMaker',
        ),
      ],
    ]);
  });

  it('warns on another endpoint’s alarm: it cannot see this rollout, which may be deliberate', () => {
    expect(
      problems([
        metricAlarm('up', 'Invocation5XXErrors', {
          EndpointName: 'features-prod',
          VariantName: 'AllTraffic',
        }),
      ]),
    ).toEqual([
      [
        'warn',
        expect.stringContaining('endpoint features-prod, not churn-prod, so it cannot see this rollout'),
      ],
    ]);
  });

  it('refuses a metric-math alarm whose metric has no VariantName, naming the query', () => {
    const math: AlarmState = {
      alarmName: 'error-rate',
      state: 'OK',
      reason: '',
      definition: {
        kind: 'math',
        metrics: [
          {
            id: 'errors',
            returnData: false,
            metric: {
              namespace: 'AWS/SageMaker',
              metricName: 'Invocation5XXErrors',
              dimensions: [{ name: 'EndpointName', value: ENDPOINT }],
              statistic: 'Sum',
              periodSeconds: 60,
            },
          },
          {
            id: 'invocations',
            returnData: false,
            metric: {
              namespace: 'AWS/SageMaker',
              metricName: 'Invocations',
              dimensions: [
                { name: 'EndpointName', value: ENDPOINT },
                { name: 'VariantName', value: 'AllTraffic' },
              ],
              statistic: 'Sum',
              periodSeconds: 60,
            },
          },
          { id: 'rate', expression: 'errors/invocations', returnData: true },
        ],
      },
    };
    expect(problems([math])).toEqual([
      [
        'refuse',
        expect.stringMatching(
          /^alarm error-rate \(metric math, query errors\) watches .* add VariantName=AllTraffic .*; an expression reading a metric with no data has no data either$/,
        ),
      ],
    ]);
  });

  describe('composite alarms', () => {
    const good = metricAlarm('churn-prod-5xx', 'Invocation5XXErrors', SERVING);
    const wide = metricAlarm('churn-prod-wide', 'Invocation5XXErrors', { EndpointName: ENDPOINT });

    it('refuses a composite whose only child cannot fire', () => {
      const rule = composite('health', 'ALARM(churn-prod-wide)');
      expect(problems([rule, wide])).toEqual([
        [
          'refuse',
          'composite alarm health can never go to ALARM: its rule ALARM(churn-prod-wide) needs churn-prod-wide, which cannot fire — fix that alarm (see the warnings) or its AlarmRule',
        ],
        [
          'warn',
          expect.stringMatching(
            /^composite alarm health: alarm churn-prod-wide watches .* add VariantName=AllTraffic/,
          ),
        ],
      ]);
    });

    it('refuses an AND that needs a child that cannot fire, though the other child can', () => {
      const rule = composite('health', 'ALARM(churn-prod-5xx) AND ALARM("churn-prod-wide")');
      expect(problems([rule, good, wide]).map(([severity]) => severity)).toEqual(['refuse', 'warn']);
    });

    it('only warns for an OR with one child that can fire', () => {
      const rule = composite('health', 'ALARM(churn-prod-5xx) OR ALARM(churn-prod-wide)');
      expect(problems([rule, good, wide]).map(([severity]) => severity)).toEqual(['warn']);
    });

    it('passes NOT OK(...) style rules on children that can fire, and TRUE/FALSE', () => {
      expect(problems([composite('health', 'NOT OK(churn-prod-5xx) AND TRUE OR FALSE'), good])).toEqual([]);
    });

    it('warns about a child that does not exist, refusing when nothing else can fire', () => {
      expect(problems([composite('health', 'ALARM(gone) OR ALARM(churn-prod-5xx)'), good])).toEqual([
        ['warn', expect.stringContaining('references alarm gone, which does not exist')],
      ]);
      expect(problems([composite('health', 'ALARM(gone)')]).map(([s]) => s)).toEqual(['refuse', 'warn']);
    });

    it('names the children still to read for a second DescribeAlarms', () => {
      expect(
        unreadCompositeChildren([
          composite('health', 'ALARM(a) OR ALARM(health2)'),
          metricAlarm('a', 'Invocations', SERVING),
        ]),
      ).toEqual(['health2']);
    });
  });
});

describe('AlarmRule parsing', () => {
  it('reads names, quoted names and ARNs, with AND binding tighter than OR', () => {
    expect(
      parseAlarmRule(
        'ALARM(a) OR ALARM("b c") AND NOT INSUFFICIENT_DATA(arn:aws:cloudwatch:us-east-1:1:alarm:d)',
      ),
    ).toEqual({
      type: 'or',
      operands: [
        { type: 'state', state: 'ALARM', alarmName: 'a' },
        {
          type: 'and',
          operands: [
            { type: 'state', state: 'ALARM', alarmName: 'b c' },
            { type: 'not', operand: { type: 'state', state: 'INSUFFICIENT_DATA', alarmName: 'd' } },
          ],
        },
      ],
    });
  });

  it.each(['ALARM(a) AND', 'ALARM(', 'MAYBE(a)', 'ALARM() OR TRUE', '(ALARM(a)'])(
    'rejects %s, saying where',
    (rule) => {
      expect(() => parseAlarmRule(rule)).toThrow(/^AlarmRule .* at character \d+: /);
    },
  );
});
