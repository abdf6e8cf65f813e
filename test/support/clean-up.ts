/**
 * A suite's clean-up as named steps, every one run even when an earlier one throws (a
 * failed step must not leave the moto, gate or hosts of the steps after it running on the
 * machine); the failures are thrown together afterwards, each under its step's name.
 */
export async function cleanUpEach(
  steps: ReadonlyArray<readonly [name: string, step: () => unknown]>,
): Promise<void> {
  const failures: string[] = [];
  for (const [name, step] of steps)
    try {
      await step();
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  if (failures.length > 0) throw new Error(`clean-up failed:\n  ${failures.join('\n  ')}`);
}
