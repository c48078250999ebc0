// "Did you mean": the closest known key for a misspelt or over-qualified one in a policy file
// (`endpointName` → `endpoint`, `strategey` → `strategy`, `roleArn` → `executionRoleArn`).

/** Names people reach for that no edit distance finds. */
const ALIASES: Readonly<Record<string, string>> = {
  group: 'modelPackageGroup',
  modelgroup: 'modelPackageGroup',
  role: 'executionRoleArn',
  rolearn: 'executionRoleArn',
  variant: 'candidate',
  timeout: 'maxDuration',
  onnewerversion: 'onNewerApproval',
  policy: 'policies',
};

/** The known key the unknown one most likely meant, or undefined when none is close. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  const alias = ALIASES[lower.replace(/[-_]/g, '')];
  if (alias && known.includes(alias)) return alias;
  // `endpointName`, `modelPackageGroupName`, `executionRole`: one name inside the other.
  const nested = known
    .filter((k) => k.length >= 4 && (lower.includes(k.toLowerCase()) || k.toLowerCase().includes(lower)))
    .sort((a, b) => Math.abs(a.length - unknown.length) - Math.abs(b.length - unknown.length))[0];
  if (nested && lower.length >= 4) return nested;
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(lower, key.toLowerCase());
    if (!best || distance < best.distance) best = { key, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(unknown.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
