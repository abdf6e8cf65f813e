/**
 * Progress of every long command (up, down, plan, provision, synth, lab up, lab down,
 * lab host up, lab rootfs) as plain lines: `==> step`, prefixed child output, a heartbeat while a step
 * is silent, the time each step took, and plain notes. Plain lines read the same in a
 * terminal, in CI logs (no TTY) and when piped to a file. Progress goes to stderr, so
 * stdout holds only results (and stays one JSON document under --json).
 */
import { terminalSafe } from '../provisioning/engine/untrusted-text';

export type StepOutcome = 'ok' | 'failed' | 'skipped';

export interface StepOptions {
  /**
   * A step of a second or two with no detail lines (synth): shown as one line,
   * `title … done in 0.52 s`, with no heartbeat. @default false
   */
  readonly oneLine?: boolean;
}

export interface Reporter {
  /** Starts a step; the returned function ends it (ok unless `failed` is passed). */
  step(title: string, opts?: StepOptions): (outcome?: StepOutcome) => void;
  /** A line of a step's detail, e.g. terraform output, indented under the step. */
  line(prefix: string, text: string): void;
  /** A plain progress line, as given (e.g. a task that changed something): stderr. */
  note(text: string): void;
  /** A line that is part of the result (summary, final lines): stdout. */
  result(text: string): void;
}

/**
 * The one question a lab asks its operator before it changes anything (`up`, `down`):
 * yes or no. The CLI answers from the terminal or from --yes (scripts/cli/confirm.ts).
 */
export type Confirm = (question: string) => Promise<boolean>;

export interface ReporterOptions {
  readonly out?: NodeJS.WritableStream;
  readonly err?: NodeJS.WritableStream;
  /** Print "still <step> (N s)" after this much silence. @default 30_000 */
  readonly heartbeatMs?: number;
  readonly now?: () => number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const label = (outcome: StepOutcome) => (outcome === 'ok' ? 'done' : outcome);

export function lineReporter(opts: ReporterOptions = {}): Reporter {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const now = opts.now ?? Date.now;
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  let lastOutput = now();
  // Detail lines carry EC2 console and terraform output: shown, never executed.
  const write = (stream: NodeJS.WritableStream, text: string) => {
    lastOutput = now();
    stream.write(`${terminalSafe(text)}\n`);
  };
  return {
    step(title, stepOpts = {}) {
      const started = now();
      if (stepOpts.oneLine) {
        lastOutput = started;
        err.write(`${terminalSafe(title)} … `);
        return (outcome = 'ok') =>
          write(err, `${label(outcome)} in ${((now() - started) / 1000).toFixed(2)} s`);
      }
      write(err, `==> ${title}`);
      // Status checks and cloud-init can be silent for minutes: say we are still waiting.
      const timer = setInterval(
        () => {
          if (now() - lastOutput >= heartbeatMs)
            write(err, `    … still ${title} (${seconds(now() - started)})`);
        },
        Math.min(heartbeatMs, 5_000),
      );
      timer.unref();
      return (outcome = 'ok') => {
        clearInterval(timer);
        write(err, `    ${label(outcome)} in ${seconds(now() - started)}`);
      };
    },
    line(prefix, text) {
      write(err, `    ${prefix} | ${text}`);
    },
    note(text) {
      write(err, text);
    },
    result(text) {
      write(out, text);
    },
  };
}

/** A reporter that keeps everything in memory (tests) or drops it. */
export function memoryReporter(): Reporter & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    step(title) {
      lines.push(`==> ${title}`);
      return (outcome = 'ok') => lines.push(`    ${label(outcome)}`);
    },
    line(prefix, text) {
      lines.push(`    ${prefix} | ${text}`);
    },
    note(text) {
      lines.push(text);
    },
    result(text) {
      lines.push(text);
    },
  };
}

/** Runs `fn` as a step: ended as done, or as failed when it throws. */
export async function asStep<T>(
  r: Reporter,
  title: string,
  fn: () => Promise<T> | T,
  opts?: StepOptions,
): Promise<T> {
  const end = r.step(title, opts);
  try {
    const v = await fn();
    end('ok');
    return v;
  } catch (e) {
    end('failed');
    throw e;
  }
}

/**
 * Consecutive steps of one command (lab up's phases): starting the next ends the current
 * one as done; `end` closes the last, as done or failed.
 */
export function stepSequence(r: Reporter): {
  next(title: string): void;
  end(outcome?: StepOutcome): void;
} {
  let endCurrent: ((outcome?: StepOutcome) => void) | undefined;
  const end = (outcome: StepOutcome = 'ok') => {
    endCurrent?.(outcome);
    endCurrent = undefined;
  };
  return {
    next(title) {
      end();
      endCurrent = r.step(title);
    },
    end,
  };
}
