/**
 * Terminal-safe output (issue 16): what a host prints or a stream carries is shown, never
 * executed. One helper; here its contract and the printers of the recap and progress lines.
 */
import { Writable } from 'node:stream';
import {
  controlCharacterIn,
  terminalSafe,
  terminalSafeDecoder,
  terminalSafeJson,
} from '../../../../provisioning/engine/untrusted-text';
import { lineReporter } from '../../../../labs/progress';
import { taskPrinter } from '../../../../scripts/cli/task-printer';

// Every character class the helper must neutralise, one of each.
const HOSTILE = 'a\x1b]52;c;eA==\x07b\x1b[2Jc\x00d\x7fe\u0085f\u009bg\u202eh\u2066i\rj';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('writes out every control character but newline and tab', () => {
    expect(terminalSafe(`${HOSTILE}\n\tk`)).toBe(
      'a\\x1b]52;c;eA==\\x07b\\x1b[2Jc\\x00d\\x7fe\\x85f\\x9bg\\u202eh\\u2066i\\x0dj\n\tk',
    );
    expect(terminalSafe('plain — ünïcode ✓')).toBe('plain — ünïcode ✓');
  });

  it('controlCharacterIn names the first control, newline and tab included', () => {
    expect(controlCharacterIn('a\nb')).toBe('\\x0a');
    expect(controlCharacterIn('a\tb')).toBe('\\x09');
    expect(controlCharacterIn('x\u202ey')).toBe('\\u202e');
    expect(controlCharacterIn('/home/ana/.ssh/id ed25519')).toBeUndefined();
  });

  it('terminalSafeJson parses back to the same value and holds no raw control', () => {
    const value = { text: HOSTILE, nested: [HOSTILE] };
    const json = terminalSafeJson(value);
    expect(json).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json)).toEqual(value);
    expect(JSON.parse(terminalSafeJson(value, 2))).toEqual(value);
  });

  it('the stream decoder escapes a sequence split across chunks, and a split UTF-8 character whole', () => {
    const bytes = Buffer.from(`x\x1b[2J ü \u009b y\n`, 'utf8');
    const d = terminalSafeDecoder();
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += d.write(bytes.subarray(i, i + 1));
    out += d.end();
    expect(out).toBe('x\\x1b[2J ü \\x9b y\n');
  });
});

describe('printers of host output', () => {
  it('the provisioning recap line shows a failed command’s hostile stderr inert', () => {
    const lines: string[] = [];
    const both = new Writable({
      write(c, _e, cb) {
        lines.push(String(c));
        cb();
      },
    });
    const printEvent = taskPrinter(lineReporter({ out: both, err: both }));
    printEvent({ host: 'lab', task: 'apt', status: 'failed', reason: `E: ${HOSTILE}`, ms: 3 });
    printEvent({
      host: 'lab',
      task: 'file',
      status: 'changed',
      reason: 'written',
      ms: 1,
      diff: [{ path: '/etc/x', before: `old${HOSTILE}\n`, after: 'new\n' }],
    });
    expect(lines.join('\n')).not.toMatch(RAW_CONTROL);
    expect(lines.join('\n')).toContain('E: a\\x1b]52;c;eA==\\x07b');
  });

  it('progress detail lines (EC2 console, terraform) are shown inert', () => {
    const chunks: string[] = [];
    const err = new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    });
    const r = lineReporter({ out: err, err });
    r.line('ec2', HOSTILE);
    r.result(HOSTILE);
    expect(chunks.join('')).not.toMatch(RAW_CONTROL);
    expect(chunks.join('')).toContain('\\x1b[2J');
  });
});
