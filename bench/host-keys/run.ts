/**
 * How the console host-key parser's time grows with the console's size: 1 MB and 8 MB of
 * unterminated BEGIN lines (the input that made the earlier parser quadratic), parsed in
 * turn in one process, fastest of N each. Linear is a ratio near 8; quadratic near 64.
 *
 *   npx tsx bench/host-keys/run.ts [runs]
 */
import { parseConsoleHostKeys } from '../../labs/aws/host-keys';

const runs = Number(process.argv[2] ?? 7);
const begin = '<14>Dec  1 17:59:12 cloud-init: -----BEGIN SSH HOST KEY FINGERPRINTS-----\n';
const flood = (bytes: number): string => begin.repeat(Math.ceil(bytes / begin.length));
const cases = { '1 MB': flood(1e6), '8 MB': flood(8e6) };
const best: Record<string, number> = { '1 MB': Infinity, '8 MB': Infinity };

parseConsoleHostKeys(cases['1 MB']); // warm up the JIT
for (let i = 0; i < runs; i++) {
  for (const [name, text] of Object.entries(cases)) {
    const t0 = process.hrtime.bigint();
    parseConsoleHostKeys(text);
    best[name] = Math.min(best[name]!, Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const ratio = best['8 MB']! / best['1 MB']!;
console.log(
  `1 MB ${best['1 MB']!.toFixed(1)} ms, 8 MB ${best['8 MB']!.toFixed(1)} ms, ratio ${ratio.toFixed(1)} (linear ≈ 8, quadratic ≈ 64)`,
);
