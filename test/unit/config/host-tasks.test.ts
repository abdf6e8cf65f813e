/** The hosts section of the config: every problem names its path; defaults keep today's play. */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../../config/load';
import { problemsOf } from '../../support/config-problems';

const base = { name: 'lab1', region: 'us-east-1', operatorCidr: '203.0.113.7/32' };
const problems = (hosts: unknown): string[] => problemsOf({ ...base, hosts });

it('defaults to the lab role alone and no tasks', () => {
  expect(parseConfig(base).hosts).toEqual({
    roles: ['lab', 'tasks'],
    vars: { all: {}, students: {}, hosts: {} },
    tasks: [],
    handlers: [],
  });
});

it.each([
  [
    { tasks: [{ name: 'x' }] },
    'hosts.tasks[0]: names no operation; give one of apt, aptRepository, pip, file, template, copy, directory, line, user, group, unit, service, command',
  ],
  [
    { tasks: [{ apt: { update: true }, file: { path: '/a', content: '' } }] },
    'hosts.tasks[0]: names 2 operations (apt, file); give one per task',
  ],
  [
    { tasks: [{ apt: { packages: ['-o APT::x'] } }] },
    'hosts.tasks[0].apt.packages[0]: "-o APT::x" is not a Debian package name',
  ],
  [
    { tasks: [{ file: { path: 'etc/x', content: '' } }] },
    'hosts.tasks[0].file.path: "etc/x" is not an absolute path without ".."',
  ],
  [
    { tasks: [{ file: { path: '/etc/x\n', content: '' } }] },
    'hosts.tasks[0].file.path: holds the control character \\x0a',
  ],
  [
    { tasks: [{ file: { path: '/etc/x', content: '', mode: 644 } }] },
    'hosts.tasks[0].file.mode: must be a quoted octal string such as "0644" (YAML reads 0644 unquoted as 644)',
  ],
  [
    { tasks: [{ file: { path: '/etc/x' } }] },
    'hosts.tasks[0].file.content: is required with state "present"',
  ],
  [
    { tasks: [{ apt: { packges: ['x'], update: true } }] },
    'hosts.tasks[0].apt.packges: unknown key (did you mean "packages"?); allowed here: packages, state, update',
  ],
  [
    { tasks: [{ user: { name: '-oroot' } }] },
    'hosts.tasks[0].user.name: "-oroot" is not a user or group name (a-z, 0-9, "_", "-"; starts with a letter or "_"; ≤ 32 characters)',
  ],
  [
    { tasks: [{ line: { path: '/etc/e', line: 'a\nb' } }] },
    'hosts.tasks[0].line.line: must be one line (no newline or NUL)',
  ],
  [
    { tasks: [{ line: { path: '/etc/e', line: 'a', regexp: '(' } }] },
    'hosts.tasks[0].line.regexp: "(" is not a regular expression',
  ],
  [
    { tasks: [{ command: { argv: ['x'], shell: 'x' } }] },
    'hosts.tasks[0].command: give argv (a program and its arguments) or shell (shell text), one of them',
  ],
  [
    { tasks: [{ service: { name: 'cron', running: true } }] },
    'hosts.tasks[0].service.name: "cron" is not a unit name such as "app.service"',
  ],
  [
    { tasks: [{ pip: { venv: '/v', requirements: ['--index-url=http://evil'] } }] },
    'hosts.tasks[0].pip.requirements[0]: "--index-url=http://evil" starts with "-": options are not requirements (use index for another index)',
  ],
  [
    { tasks: [{ apt: { update: true }, when: { release: 12 } }] },
    'hosts.tasks[0].when.release: must be a quoted string such as "24.04" or a list of them',
  ],
  [
    { tasks: [{ apt: { update: true }, notify: 'nope' }] },
    'hosts.tasks[0].notify[0]: "nope" is not a handler in hosts.handlers',
  ],
  [
    { tasks: [{ apt: { update: true }, tags: ['a b'] }] },
    'hosts.tasks[0].tags[0]: "a b" is not a tag (letters, digits, "_", ".", "-")',
  ],
  [
    {
      handlers: [
        { name: 'h', apt: { update: true } },
        { name: 'h', apt: { update: true } },
      ],
    },
    'hosts.handlers[1].name: "h" is defined twice',
  ],
  [
    { vars: { all: { host: 'x' } } },
    'hosts.vars.all.host: is set by streamlab for every host (host, lab, region, stream)',
  ],
  [
    { vars: { students: { x: { y: 1 } } } },
    'hosts.vars.students.x: must be a string, a number or true/false',
  ],
  [{ roles: ['lab', 'lab'] }, 'hosts.roles: lists a role twice'],
  [{ roles: ['producer'] }, 'hosts.roles[0]: "producer" is not a role ("lab" or "tasks")'],
])('%j is refused: %s', (hosts, problem) => {
  expect(problems(hosts)).toContain(problem);
});

describe('files from this machine', () => {
  it.each([
    [
      '/home/op/.aws/credentials',
      'hosts.tasks[0].copy.src: "/home/op/.aws/credentials" is not inside the config file\'s folder (a relative path without ".."): only files beside the config go to hosts',
    ],
    [
      'files/../../.ssh/id_ed25519',
      'hosts.tasks[0].copy.src: "files/../../.ssh/id_ed25519" is not inside the config file\'s folder (a relative path without ".."): only files beside the config go to hosts',
    ],
  ])('a copy from %s is refused', (src, problem) => {
    expect(problems({ tasks: [{ copy: { src, path: '/tmp/x' } }] })).toEqual([problem]);
  });

  it('a symbolic link out of the config folder is refused when the config is loaded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-local-paths-'));
    symlinkSync('/etc/hostname', join(dir, 'innocent.txt'));
    writeFileSync(
      join(dir, 'streamlab.yaml'),
      `${Object.entries(base)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\nhosts:\n  tasks:\n    - template: { src: innocent.txt, path: /etc/x }\n`,
    );
    expect(() => loadConfig(join(dir, 'streamlab.yaml'))).toThrow(
      'hosts.tasks[0].template.src: "innocent.txt" leads out of the config file\'s folder (a symbolic link): only files beside the config go to hosts',
    );
  });
});
