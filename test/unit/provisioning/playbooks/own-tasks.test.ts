/**
 * The config's own tasks as a role: the operation each declaration stands for, variables
 * layered per host, the roles in the config's order, and --tags / --skip-tags.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../../config/load';
import { localPathsFrom } from '../../../../config/host-tasks';
import { InputError } from '../../../../config/errors';
import { ownTasksRole, templateVars } from '../../../../provisioning/playbooks/own-tasks';
import { playOf, roleOf } from '../../../../provisioning/playbooks/roles';
import * as systemd from '../../../../provisioning/tasks/systemd';

const configWith = (hosts: object) =>
  parseConfig({
    name: 'course',
    region: 'eu-west-1',
    operatorCidr: '203.0.113.7/32',
    students: ['ana', 'ben'],
    hosts,
  });

const ana = { name: 'ana', stream: 'course-ana' };

describe('template variables', () => {
  it('layer all < students < the host by name, with the built-ins on top', () => {
    const config = configWith({
      vars: {
        all: { motd: 'all', level: 1 },
        students: { level: 2, course: 'bd' },
        hosts: { ana: { level: 3 } },
      },
    });
    expect(templateVars(config, ana)).toEqual({
      motd: 'all',
      level: 3,
      course: 'bd',
      host: 'ana',
      lab: 'course',
      region: 'eu-west-1',
      stream: 'course-ana',
    });
    // A host of a hand-written inventory that is no student gets "all" only.
    expect(templateVars(config, { name: 'gateway' })).toMatchObject({ level: 1, host: 'gateway' });
    expect(templateVars(config, { name: 'gateway' })).not.toHaveProperty('course');
  });
});

describe('ownTasksRole', () => {
  it('turns each declaration into its operation, with name, tags, notify and when', () => {
    const config = configWith({
      tasks: [
        { apt: { packages: ['htop'] }, tags: ['tools'] },
        {
          name: 'motd',
          template: { path: '/etc/motd', template: 'hello {{ host }} of {{ lab }}' },
          notify: 'reload',
        },
        {
          command: { argv: ['/usr/bin/touch', '--', '-x $(y)'], creates: '/x' },
          when: { os: 'ubuntu' },
        },
      ],
      handlers: [{ name: 'reload', service: { name: 'cron.service', restarted: true } }],
    });
    const role = ownTasksRole(config, ana);
    expect(role.tasks.map((t) => [t.task.name, t.tags])).toEqual([
      ['apt packages htop', ['tools', 'tasks']],
      ['motd', ['tasks']],
      ['command /usr/bin/touch -- -x $(y)', ['tasks']],
    ]);
    expect(role.tasks[1]!.task.notify).toEqual(['reload']);
    expect(role.tasks[2]!.task.facts.map((f) => f.key)[0]).toBe('platform');
    expect(role.handlers.map((h) => h.name)).toEqual(['reload']);
  });

  it('names the task, the variable and the host when a template variable is missing', () => {
    const config = configWith({
      tasks: [{ template: { path: '/etc/x', template: '{{ nope }}' } }],
    });
    expect(() => ownTasksRole(config, ana)).toThrow(InputError);
    expect(() => ownTasksRole(config, ana)).toThrow(
      'hosts.tasks[0].template: template variable "nope" is not defined for host "ana"',
    );
  });

  it('reads copy and template sources relative to the config file, naming a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamlab-own-tasks-'));
    writeFileSync(join(dir, 'banner.txt'), 'welcome\n');
    const config = configWith({
      tasks: [
        { copy: { src: 'banner.txt', path: '/etc/banner' } },
        { copy: { src: 'missing.txt', path: '/etc/missing' } },
      ],
    });
    const located = { ...config, hosts: localPathsFrom(config.hosts, dir).hosts };
    expect(() => ownTasksRole(located, ana)).toThrow(
      `hosts.tasks[1].copy.src: cannot read ${join(dir, 'missing.txt')} (ENOENT)`,
    );
  });
});

describe('roles and tags', () => {
  const lab = roleOf('lab', {
    name: 'lab',
    tasks: [systemd.service({ name: 'a.service', running: true })],
    handlers: [{ name: 'restart a', task: systemd.restart('a.service') }],
  });
  const config = configWith({
    tasks: [{ directory: { path: '/srv/data' }, tags: ['data'] }, { apt: { packages: ['htop'] } }],
  });
  const own = ownTasksRole(config, ana);
  const names = (sel = {}, roles = [lab, own]) => playOf(roles, sel).tasks.map((t) => t.name);

  it('runs the roles in the order given', () => {
    expect(names()).toEqual([
      'systemd service a.service',
      'directory /srv/data',
      'apt packages htop',
    ]);
    expect(names({}, [own, lab])[0]).toBe('directory /srv/data');
  });

  it('selects by --tags and --skip-tags, the role names being tags too', () => {
    expect(names({ tags: ['data'] })).toEqual(['directory /srv/data']);
    expect(names({ tags: ['tasks'] })).toEqual(['directory /srv/data', 'apt packages htop']);
    expect(names({ skipTags: ['lab', 'data'] })).toEqual(['apt packages htop']);
    // Handlers stay: they run only when notified.
    expect(playOf([lab, own], { tags: ['data'] }).handlers).toHaveLength(1);
  });

  it('refuses a handler name two roles define', () => {
    const clash = ownTasksRole(
      configWith({
        handlers: [{ name: 'restart a', service: { name: 'a.service', restarted: true } }],
      }),
      ana,
    );
    expect(() => playOf([lab, clash])).toThrow(
      'handler "restart a" is defined by the lab role and the tasks role',
    );
  });
});
