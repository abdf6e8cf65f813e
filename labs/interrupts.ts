/**
 * Ctrl-C during a long command (`up`, `down`, terraform runs): one listener on SIGINT for the
 * whole process, and a stack of handlers, the innermost of which answers. The first press
 * starts an orderly stop and says at once what happens next; every further press forces,
 * and says what may be left. Without a handler, Node's default applies (the process ends).
 *
 * One hub per process (`processInterrupts`) because SIGINT is one per process; tests make
 * their own around an EventEmitter they emit 'SIGINT' on.
 */
import { EventEmitter } from 'node:events';
import { EXIT, OperationalError } from '../config/errors';

export interface InterruptHandler {
  /** The first Ctrl-C: start stopping. Returns the line that says what happens next. */
  first(): string;
  /**
   * A further Ctrl-C: force. Returns what may be left behind. Without it the process
   * exits at once (130) after saying `left()`.
   */
  again?(): string;
  /** Without `again`: what exiting at once leaves behind, said before the exit. */
  left?(): string;
}

export class Interrupts {
  private readonly handlers: InterruptHandler[] = [];
  private presses = 0;
  private readonly listener = () => this.press();

  constructor(
    private readonly source: EventEmitter = process,
    private readonly say: (text: string) => void = (t) =>
      void process.stderr.write(`interrupt: ${t}\n`),
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  /** Makes `handler` the one that answers Ctrl-C until the returned function is called. */
  push(handler: InterruptHandler): () => void {
    if (this.handlers.length === 0) this.source.on('SIGINT', this.listener);
    this.handlers.push(handler);
    return () => {
      const i = this.handlers.lastIndexOf(handler);
      if (i >= 0) this.handlers.splice(i, 1);
      if (this.handlers.length === 0) this.source.off('SIGINT', this.listener);
    };
  }

  /** Runs `work` with `handler` answering Ctrl-C. */
  async with<T>(handler: InterruptHandler, work: () => Promise<T>): Promise<T> {
    const pop = this.push(handler);
    try {
      return await work();
    } finally {
      pop();
    }
  }

  /** Whether Ctrl-C was pressed during this process (a command's later steps stop short). */
  get pressed(): boolean {
    return this.presses > 0;
  }

  private press(): void {
    this.presses++;
    const handler = this.handlers[this.handlers.length - 1];
    if (!handler) return;
    if (this.presses === 1) return this.say(handler.first());
    if (handler.again) return this.say(handler.again());
    this.say(`second Ctrl-C: exiting now${handler.left ? `: ${handler.left()}` : ''}`);
    this.exit(EXIT.interrupted);
  }
}

export const processInterrupts = new Interrupts();

/** The error a step stopped by Ctrl-C ends with: exit 130, and what to do next. */
export function interruptedError(what: string, hint: string): OperationalError {
  return new OperationalError(`interrupted: ${what}`, { exitCode: EXIT.interrupted, hint });
}

/**
 * Settles with `work`, or rejects with `onAbort()` as soon as `signal` aborts (the work may
 * go on in the background until it notices the signal itself).
 */
export function unlessAborted<T>(
  signal: AbortSignal,
  work: Promise<T>,
  onAbort: () => Error,
): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e as Error);
      },
    );
  });
}

/** What Ctrl-C in one phase of a command does next, what a forced stop leaves, what to do after. */
export interface PhaseInterrupt {
  readonly next: string;
  readonly left: string;
  readonly hint: string;
}

/** What a command's steps hold while it runs in phases (see runInPhases). */
export interface PhaseControl<P extends string> {
  /** Aborts at the first Ctrl-C: steps that can stop early watch it. */
  readonly signal: AbortSignal;
  enter(phase: P): void;
  /** `work`, or the phase's interruption error as soon as Ctrl-C is pressed. */
  guard<T>(work: Promise<T>): Promise<T>;
}

/**
 * Runs `work` with Ctrl-C answered per phase (`up`, `reset`): the first press aborts the
 * signal and says the phase's `next`, a second one exits saying its `left`; a step that
 * does not watch the signal is left behind at once by `guard`. terraform's runner pushes a
 * handler of its own while it runs, so its phases need no entry here.
 */
export function runInPhases<P extends string, T>(
  command: string,
  phases: Record<P, PhaseInterrupt>,
  initial: P,
  interrupts: Interrupts,
  work: (ctl: PhaseControl<P>) => Promise<T>,
): Promise<T> {
  let phase = initial;
  const stop = new AbortController();
  return interrupts.with(
    {
      first: () => {
        stop.abort();
        return phases[phase].next;
      },
      left: () => phases[phase].left,
    },
    () =>
      work({
        signal: stop.signal,
        enter: (p) => (phase = p),
        guard: (w) =>
          unlessAborted(stop.signal, w, () =>
            interruptedError(`${command} stopped during ${phase}`, phases[phase].hint),
          ),
      }),
  );
}
