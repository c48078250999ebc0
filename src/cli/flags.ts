// The one way every verb reads its command line: node's parseArgs, plus the rule that a value a
// person typed is never silently replaced by a default. `--strategy ''` (a CI variable that was
// never set) or `--final-bake '  '` is an error naming the flag, not the default strategy. Also the
// flags several verbs share a reading of (`--engine`).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ENGINE_HELP, ROLLOUT_ENGINES } from '../engine/native-start';
import type { RolloutEngineKind } from '../../statemachines/contract';
import { UsageError } from './io';

export function parseFlags<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
) {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    options,
    allowPositionals: true,
    tokens: true,
  });
  let previous: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'option' && typeof token.value === 'string' && !token.value.trim()) {
      const flag = token.rawName.startsWith('--') ? token.rawName : `--${token.name}`;
      throw new UsageError(
        `${flag} is ${token.value ? 'blank' : 'empty'} (an unset variable?); give it a value, or leave ${flag} out`,
        { field: flag },
      );
    }
    if (token.kind === 'positional' && !token.value.trim()) {
      const which = previous === undefined ? 'the first argument' : `the argument after "${previous}"`;
      throw new UsageError(
        `${which} is ${token.value ? 'blank' : 'empty'} (an unset variable?); give a value or leave it out`,
      );
    }
    if (token.kind === 'positional') previous = token.value;
  }
  return { values, positionals };
}

/** `--engine stepwise|native`; absent stays absent (the policy's, or stepwise). */
export function parseEngineFlag(value: string | undefined): RolloutEngineKind | undefined {
  if (value === undefined) return undefined;
  if ((ROLLOUT_ENGINES as readonly string[]).includes(value)) return value as RolloutEngineKind;
  throw new UsageError(`--engine: "${value}" is not an engine; ${ENGINE_HELP}`, { field: '--engine' });
}
