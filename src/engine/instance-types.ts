// What an ML instance type's name tells about its hardware: whether it has local (instance store)
// NVMe storage and which accelerator it carries. Rollouts use it to decide which settings of a
// variant survive a change of instance type; the simulated cloud uses it to reject what SageMaker
// rejects.

/**
 * The family part of `ml.<family>.<size>` (`ml.g4dn.xlarge` → `g4dn`); undefined for a name of
 * another shape.
 */
function familyOf(instanceType: string): string | undefined {
  const match = /^ml\.([a-z0-9-]+)\.[a-z0-9-]+$/.exec(instanceType);
  return match?.[1];
}

/**
 * Families with instance store volumes whose names do not carry the `d` attribute ("Amazon EC2
 * instance type specifications", Instance store column: DL1, G5, G6, G6e, G7e, Gr6, P5, P5e, P5en,
 * P6-B200, P6-B300, P6e-GB200, Trn1, Trn1n, Trn2 all come with local NVMe SSDs).
 */
const LOCAL_STORAGE_FAMILIES = new Set([
  'dl1',
  'g5',
  'g6',
  'g6e',
  'g7e',
  'gr6',
  'p5',
  'p5e',
  'p5en',
  'p6-b200',
  'p6-b300',
  'p6e-gb200',
  'trn1',
  'trn1n',
  'trn2',
]);

/**
 * True when the instance type has local NVMe instance storage. CreateEndpointConfig API reference,
 * KmsKeyId: "You can't request a KmsKeyId when using an instance type with local storage ... the
 * call to CreateEndpointConfig fails" (the list it points to: "Instance store volumes", Amazon EC2
 * User Guide). EC2's naming conventions ("Amazon EC2 instance type naming conventions") mark
 * instance store volumes with the `d` attribute after the generation (c5d, m5d, r5d, m6gd, c6id,
 * g4dn, p3dn, p4d, p4de); the families in LOCAL_STORAGE_FAMILIES have them without the letter.
 */
export function hasLocalInstanceStorage(instanceType: string): boolean {
  const family = familyOf(instanceType);
  if (family === undefined) return false;
  if (LOCAL_STORAGE_FAMILIES.has(family)) return true;
  const attributes = /^[a-z]+\d+([a-z]*)/.exec(family)?.[1] ?? '';
  return attributes.includes('d');
}

export type Accelerator = 'nvidia-gpu' | 'neuron' | 'none';

/**
 * The accelerator an instance family carries: the ProductionVariant InferenceAmiVersion options are
 * made per accelerator ("Accelerator: GPU" with an NVIDIA driver, or "Inferentia2 and Trainium"
 * with a Neuron driver), so an AMI version chosen for one kind means nothing on another.
 */
export function acceleratorOf(instanceType: string): Accelerator {
  const family = familyOf(instanceType) ?? '';
  if (/^(inf|trn)\d/.test(family)) return 'neuron';
  if (/^(g|gr|p)\d/.test(family)) return 'nvidia-gpu';
  return 'none';
}
