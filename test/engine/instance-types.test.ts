// Which instance types have local NVMe instance storage (SageMaker rejects KmsKeyId on those), checked
// family by family against every instance type SageMaker hosting accepts. The expected lists are
// written out here, from the EC2 instance type specifications, not derived from the code under test.
import { acceleratorOf, hasLocalInstanceStorage } from '../../src/engine/instance-types';

/** The families of botocore's ProductionVariantInstanceType enum (SageMaker service model, 2026). */
const WITH_LOCAL_STORAGE = [
  'c5d',
  'c6gd',
  'dl1',
  'g4dn',
  'g5',
  'g6',
  'g6e',
  'g7e',
  'm5d',
  'm6gd',
  'p4d',
  'p4de',
  'p5',
  'p5e',
  'p5en',
  'p6-b200',
  'p6-b300',
  'p6e-gb200',
  'r5d',
  'r6gd',
  'r7gd',
  'trn1',
  'trn1n',
  'trn2',
];
const EBS_ONLY = [
  'c4',
  'c5',
  'c6g',
  'c6gn',
  'c6i',
  'c6in',
  'c7g',
  'c7i',
  'c8g',
  'inf1',
  'inf2',
  'm4',
  'm5',
  'm6g',
  'm6i',
  'm7i',
  'm8g',
  'p2',
  'p3',
  'r5',
  'r6g',
  'r6i',
  'r7i',
  'r8g',
  't2',
];

describe('local NVMe instance storage', () => {
  it.each(WITH_LOCAL_STORAGE)('ml.%s.* has it', (family) => {
    expect(hasLocalInstanceStorage(`ml.${family}.2xlarge`)).toBe(true);
  });

  it.each(EBS_ONLY)('ml.%s.* has none', (family) => {
    expect(hasLocalInstanceStorage(`ml.${family}.2xlarge`)).toBe(false);
  });

  it('a name of another shape has none', () => {
    expect(hasLocalInstanceStorage('m5.large')).toBe(false);
  });
});

describe('accelerators', () => {
  it.each([
    ['ml.g5.xlarge', 'nvidia-gpu'],
    ['ml.p6-b200.48xlarge', 'nvidia-gpu'],
    ['ml.inf2.xlarge', 'neuron'],
    ['ml.trn1.2xlarge', 'neuron'],
    ['ml.m5.large', 'none'],
  ])('%s carries %s', (type, accelerator) => {
    expect(acceleratorOf(type)).toBe(accelerator);
  });
});
