/**
 * The Ctrl-C hub: the innermost handler answers, the first press says what happens next,
 * a further one forces (the handler's own way, or an exit at once saying what is left),
 * and the SIGINT listener exists only while a handler does.
 */
import { EventEmitter } from 'node:events';
import { Interrupts, unlessAborted } from '../../../labs/interrupts';

function hub() {
  const signals = new EventEmitter();
  const said: string[] = [];
  const exits: number[] = [];
  const interrupts = new Interrupts(
    signals,
    (t) => said.push(t),
    (c) => exits.push(c),
  );
  return { signals, said, exits, interrupts };
}

describe('Interrupts', () => {
  it('listens only while a handler is pushed; the innermost answers', () => {
    const { signals, said, interrupts } = hub();
    expect(signals.listenerCount('SIGINT')).toBe(0);
    const popOuter = interrupts.push({ first: () => 'outer' });
    const popInner = interrupts.push({ first: () => 'inner' });
    expect(signals.listenerCount('SIGINT')).toBe(1);
    signals.emit('SIGINT');
    expect(said).toEqual(['inner']);
    popInner();
    popOuter();
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(interrupts.pressed).toBe(true);
  });

  it('a second press forces: the handler says what is left, or the process exits saying it', () => {
    const { signals, said, exits, interrupts } = hub();
    const pop = interrupts.push({ first: () => 'stopping', again: () => 'forced' });
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    expect(said).toEqual(['stopping', 'forced']);
    expect(exits).toEqual([]);
    pop();
    interrupts.push({ first: () => 'unused', left: () => 'the lab stays applied' });
    signals.emit('SIGINT');
    expect(said[2]).toBe('second Ctrl-C: exiting now: the lab stays applied');
    expect(exits).toEqual([130]);
  });

  it('unlessAborted rejects at once when the signal aborts, else settles with the work', async () => {
    const stop = new AbortController();
    const never = new Promise<never>(() => {});
    const pending = unlessAborted(stop.signal, never, () => new Error('stopped'));
    stop.abort();
    await expect(pending).rejects.toThrow('stopped');
    await expect(
      unlessAborted(new AbortController().signal, Promise.resolve(7), () => new Error('x')),
    ).resolves.toBe(7);
  });
});
