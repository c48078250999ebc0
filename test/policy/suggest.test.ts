// "Did you mean": near misses find their key; unrelated words find none.
import { suggestKey } from '../../src/policy/suggest';

const KEYS = [
  'modelPackageGroup',
  'endpoint',
  'strategy',
  'finalBake',
  'alarms',
  'executionRoleArn',
  'maxDuration',
];

describe('suggestKey', () => {
  it.each([
    ['endpointName', 'endpoint'],
    ['EndPoint', 'endpoint'],
    ['stratgy', 'strategy'],
    ['alarm', 'alarms'],
    ['final_bake', 'finalBake'],
    ['role', 'executionRoleArn'],
    ['group', 'modelPackageGroup'],
    ['executionRole', 'executionRoleArn'],
  ])('%s → %s', (written, meant) => {
    expect(suggestKey(written, KEYS)).toBe(meant);
  });

  it.each(['colour', 'x', 'notifications'])('%s → nothing', (written) => {
    expect(suggestKey(written, KEYS)).toBeUndefined();
  });
});
