// Runs every benchmark, prints the figures and writes docs/BENCHMARKS.md. Each benchmark runs in its
// own try/catch, so one failure is reported without hiding the others. `npm run bench`.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alarmReaction } from './alarm-reaction';
import { apiEconomy } from './api-economy';
import { coldStart } from './cold-start';
import { detection } from './detection';
import { planOverhead } from './plan-overhead';
import { tickScale } from './tick-scale';
import { markdownTable, type BenchResult } from './lib';

const BENCHMARKS: { name: string; run: () => Promise<BenchResult> }[] = [
  { name: 'Alarm → rollback reaction', run: alarmReaction },
  { name: 'Cold start proxy', run: coldStart },
  { name: 'Tick at scale', run: tickScale },
  { name: 'API economy', run: apiEconomy },
  { name: 'Plan overhead', run: planOverhead },
  { name: 'Catching a bad candidate', run: detection },
];

async function main(): Promise<void> {
  const started = performance.now();
  const sections: string[] = [];
  let failures = 0;
  for (const [i, bench] of BENCHMARKS.entries()) {
    const t0 = performance.now();
    console.log(`\n== ${i + 1}. ${bench.name}`);
    try {
      const result = await bench.run();
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      for (const figure of result.figures) console.log(`  ${figure}`);
      console.log(`  (${seconds} s)`);
      sections.push(
        [
          `## ${i + 1}. ${result.name}`,
          result.figures.map((f) => `- ${f}`).join('\n'),
          ...result.tables.map((t) => `${t.title ? `**${t.title}**\n\n` : ''}${markdownTable(t)}`),
          result.notes.map((n) => `- ${n}`).join('\n'),
          `_Ran in ${seconds} s._`,
        ].join('\n\n'),
      );
    } catch (error) {
      failures++;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`  FAILED: ${message}`);
      sections.push(`## ${i + 1}. ${bench.name}\n\n**Failed:**\n\n\`\`\`\n${message}\n\`\`\``);
    }
  }
  const cpus = os.cpus();
  const header = [
    '# Benchmarks',
    '',
    `Produced by \`npm run bench\` (\`tsx bench/run.ts\`; one file per benchmark in \`bench/\`) on ` +
      `${new Date().toISOString().slice(0, 10)}. Do not edit by hand: run it again.`,
    '',
    `Machine: Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPU cores ` +
      `(${cpus[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory. ` +
      `Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    '',
    'Every figure is a ratio against a floor measured in the same run (or a count against a design minimum), so it ' +
      'holds on a noisy machine; the absolute times are this machine\u2019s and only for context. Simulated times come ' +
      'from the simulated cloud\u2019s clock and are deterministic for its seed.',
  ].join('\n');
  const doc = `${header}\n\n${sections.join('\n\n')}\n`;
  const out = path.resolve(__dirname, '..', 'docs', 'BENCHMARKS.md');
  writeFileSync(out, doc);
  console.log(
    `\nwrote ${path.relative(process.cwd(), out)}${failures ? ` (${failures} benchmark(s) failed)` : ''}`,
  );
  if (failures) process.exitCode = 1;
}

void main();
