// `sm-rollout report`: one rollout drawn as one self-contained HTML page (traffic split, candidate vs
// baseline error rate and latency, the judge's intervals, every event marked, the timeline).
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../engine';
import type { RolloutBackend } from '../backend';
import { EXIT, UsageError, type CliIo } from '../io';
import { parseFlags } from '../flags';
import { BACKEND_HELP, BACKEND_OPTIONS, wantsJson } from '../mode';
import { buildReportPage } from '../report';
import { statusWords } from '../render';
import { findRollout, withBackend } from './shared';

export const REPORT_USAGE = `Usage: sm-rollout report <rollout-id> | --endpoint <name> --out <file.html> [--output json]

Writes one rollout as one HTML page that opens anywhere, without a network (inline CSS and SVG):
the candidate's share of traffic over time, candidate vs baseline error rate and p99 latency
(per-variant CloudWatch metrics, read with GetMetricData over the rollout's span), the judge's
ratio and interval at every look, markers for shifts, verdicts, alarms, the pre-traffic check,
rollback and success, and the whole timeline. Labels and line styles, not colour alone, tell the
lines apart, so it reads printed in black and white too. When the metrics cannot be read (no
cloudwatch:GetMetricData permission, or older than CloudWatch keeps them) the page is still
written from the rollout's own record, and says what is missing.

Options:
  --out <file.html>   where to write the page (its folder must exist)
  --endpoint <name>   the endpoint's active (else most recent) rollout
${BACKEND_HELP}

Examples:
  sm-rollout report r-0t8wec0kqi7 --out rollout.html --simulate
  sm-rollout report --endpoint churn-prod --out churn-prod.html --stack SmRolloutStack
  SM_ROLLOUT_SIM_DIR=.sm-rollout/demo sm-rollout report --endpoint churn-prod --simulate --out demo.html
                      # the last \`sm-rollout demo\`'s rollout
`;

/** Refuses an --out the page cannot be written to, before anything is read. */
async function writablePath(out: string | undefined): Promise<string> {
  if (out === undefined || out === '') {
    throw new UsageError('report: --out <file.html> is required: the file to write the page to', {
      field: '--out',
      hint: 'e.g. `sm-rollout report --endpoint churn-prod --out report.html`',
    });
  }
  const file = path.resolve(out);
  const folder = path.dirname(file);
  const cannot = (why: string) =>
    new UsageError(`--out: cannot write ${out}: ${why}; choose a file in a folder you can write to`, {
      field: '--out',
    });
  const folderStat = await fs.stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory()) throw cannot(`the folder ${folder} does not exist`);
  if ((await fs.stat(file).catch(() => undefined))?.isDirectory()) throw cannot(`${file} is a folder`);
  await fs.access(folder, fsConstants.W_OK).catch(() => {
    throw cannot(`the folder ${folder} is not writable`);
  });
  return file;
}

/** The page's time "now": simulated time stands still between commands, at the rollout's last save. */
function nowFor(backend: RolloutBackend, updatedAt: number): number {
  return backend.mode === 'simulate' ? updatedAt : systemClock.now();
}

/** Writes the report of `rolloutId` to `file`; returns what the page could not draw. */
export async function writeReport(
  backend: RolloutBackend,
  rolloutId: string,
  file: string,
): Promise<{ missing: string[]; status: string }> {
  const { record, timeline } = await backend.get(rolloutId);
  const { html, missing } = await buildReportPage({
    record,
    timeline,
    metrics: backend.metrics,
    now: nowFor(backend, record.updatedAt),
    generatedAt: systemClock.now(),
  });
  try {
    await fs.writeFile(file, html);
  } catch (error) {
    throw new UsageError(`--out: cannot write ${file}: ${(error as Error).message}`, { field: '--out' });
  }
  return { missing, status: record.status };
}

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...BACKEND_OPTIONS,
    endpoint: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) {
    io.out(REPORT_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length > 1) throw new UsageError('report takes one rollout id');
  if (positionals[0] && values.endpoint) {
    throw new UsageError('report: give a rollout id or --endpoint, not both');
  }
  const json = wantsJson(values);
  const file = await writablePath(values.out);
  return withBackend(values, async (backend) => {
    const record = await findRollout(backend, positionals[0], values.endpoint, 'report');
    const { missing, status } = await writeReport(backend, record.id, file);
    if (json) {
      io.out(JSON.stringify({ id: record.id, status, out: file, missing }, null, 2));
      return EXIT.succeeded;
    }
    io.out(
      `Wrote ${file}: rollout ${record.id} on ${record.endpointName} (${statusWords(status)}); open it in a browser`,
    );
    for (const what of missing) io.err(`note: not drawn: ${what}`);
    return EXIT.succeeded;
  });
}
