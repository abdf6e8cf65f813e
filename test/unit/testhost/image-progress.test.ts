/** The image build shows progress: debootstrap's own lines, read as they arrive. */
import { debootstrapProgress } from '../../../testhost/rootfs';
import { run } from '../../../process/run';

describe('run(…, { onLine })', () => {
  it("hands over each line of a real program's stdout and stderr as it arrives", async () => {
    const lines: string[] = [];
    await run(['sh', '-c', 'printf "one\\ntwo\\n"; printf "three\\n" >&2; printf "last"'], {
      onLine: (l) => lines.push(l),
    });
    expect(lines.sort()).toEqual(['last', 'one', 'three', 'two']);
  });
});

describe('debootstrapProgress', () => {
  /** What the reader says for `input`, one line every `stepMs` on a fake clock (5 s interval). */
  function progressOf(input: readonly string[], stepMs: number): string[] {
    let t = 0;
    const said: string[] = [];
    const onLine = debootstrapProgress(
      (m) => said.push(m),
      5000,
      () => t,
    );
    for (const l of input) {
      onLine(l);
      t += stepMs;
    }
    return said;
  }

  // Lines as debootstrap's `info` function prints them (functions, "I: %s").
  const lines = [
    'I: Retrieving InRelease ',
    'I: Checking Release signature',
    'I: Retrieving Packages ',
    'I: Retrieving adduser 3.134',
    'I: Retrieving apt 2.6.1',
    'I: Retrieving base-files 12.4+deb12u5',
    'I: Validating adduser 3.134',
    'I: Validating apt 2.6.1',
    'W: something debootstrap warns about',
    'I: Extracting adduser...',
  ];

  it('says each new phase at once and, within one, at most once per interval with a count', () => {
    const said = progressOf(lines, 2000);
    expect(said).toEqual([
      'debootstrap: Retrieving InRelease (1 so far)',
      'debootstrap: Checking Release (1 so far)',
      'debootstrap: Retrieving Packages (1 so far)',
      'debootstrap: Retrieving base-files (4 so far)',
      // Validating is part of the download phase (see the next test), never a phase of its own.
      'debootstrap: Extracting adduser... (1 so far)',
    ]);
  });

  it('reads the download phase as debootstrap prints it: each Retrieving followed by its Validating', () => {
    // The order a real `debootstrap bookworm` printed (159 packages): the first version of
    // this reader took every Validating for a new phase and said all 317 lines.
    const packages = Array.from({ length: 159 }, (_, i) => `pkg${i} 1.0`);
    const real = [
      'I: Checking component main on http://deb.debian.org/debian...',
      ...packages.flatMap((p) => [`I: Retrieving ${p}`, `I: Validating ${p}`]),
      'I: Chosen extractor for .deb packages: dpkg-deb',
      ...packages.map((p) => `I: Extracting ${p.split(' ')[0]}...`),
    ];
    const said = progressOf(real, 100); // ~10 lines a second, as on a fast mirror
    expect(said.filter((m) => m.includes('Validating'))).toEqual([]);
    expect(said.filter((m) => m.includes('Retrieving'))).toEqual([
      'debootstrap: Retrieving pkg0 (1 so far)',
      'debootstrap: Retrieving pkg25 (26 so far)',
      'debootstrap: Retrieving pkg50 (51 so far)',
      'debootstrap: Retrieving pkg75 (76 so far)',
      'debootstrap: Retrieving pkg100 (101 so far)',
      'debootstrap: Retrieving pkg125 (126 so far)',
      'debootstrap: Retrieving pkg150 (151 so far)',
    ]);
    expect(said.length).toBeLessThan(20);
  });
});
