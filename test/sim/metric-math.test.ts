// The arithmetic of metric-math alarms the simulated CloudWatch evaluates, and what it refuses.
import { evaluateMath, mathIds, parseMathExpression } from '../../src/sim/metric-math';

const values: Record<string, number | undefined> = { errors: 3, invocations: 60, zero: 0, gone: undefined };
const at = (expression: string) => evaluateMath(parseMathExpression(expression), (id) => values[id]);

describe('metric math in alarms', () => {
  it.each([
    ['100*errors/invocations', 5],
    ['errors/invocations*100', 5],
    ['(errors+invocations)/2', 31.5],
    ['errors - -invocations', 63],
    ['1e2*errors/invocations', 5],
  ])('%s = %d (left to right, * and / before + and -)', (expression, expected) => {
    expect(at(expression)).toBeCloseTo(expected);
  });

  it('has no value where an input has no datapoint, or the result is not finite (0/0, x/0)', () => {
    expect(at('errors/gone')).toBeUndefined();
    expect(at('errors/zero')).toBeUndefined();
    expect(at('zero/zero')).toBeUndefined();
  });

  it('lists the ids an expression reads', () => {
    expect(mathIds(parseMathExpression('100*(errors+errors)/invocations'))).toEqual([
      'errors',
      'invocations',
    ]);
  });

  it.each([
    ['SUM(METRICS())', /SUM is a metric math function/],
    ['IF(errors > 1, 1, 0)', /IF is a metric math function/],
    ['errors /', /expected a number, an id or "\("/],
    ['(errors', /expected "\)"/],
    ['errors invocations', /unexpected "invocations"/],
  ])('refuses %s, saying what it evaluates', (expression, message) => {
    expect(() => parseMathExpression(expression)).toThrow(message);
  });
});
