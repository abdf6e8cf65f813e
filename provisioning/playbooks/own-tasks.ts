/**
 * The operator's own tasks (the config's `hosts` section) as a role: each declared
 * operation becomes the engine's task of that kind, with its name, `when`, tags and
 * notifications. Template variables are layered per host: streamlab's built-ins, then
 * hosts.vars.all, then hosts.vars.students (a student's host), then hosts.vars.hosts.<name>.
 * Values reach the host as file data: only the template task renders them, once.
 */
import { readFileSync } from 'node:fs';
import type { LabConfig } from '../../config';
import { InputError } from '../../config/errors';
import { hostNames } from '../../config/hosts';
import type { HostHandler, HostTask, HostVars } from '../../config/host-tasks';
import { sh } from '../engine/quote';
import type { Task } from '../engine/task';
import type { InventoryHost } from '../inventory';
import * as apt from '../tasks/apt';
import { command } from '../tasks/command';
import * as files from '../tasks/files';
import { line } from '../tasks/line';
import * as pip from '../tasks/pip';
import * as systemd from '../tasks/systemd';
import * as users from '../tasks/users';
import { onlyWhen } from '../tasks/when';
import type { Role } from './roles';

export type TemplateVars = Readonly<Record<string, string | number | boolean>>;

/** The variables a host's templates see, later layers winning. */
export function templateVars(
  config: LabConfig,
  host: Pick<InventoryHost, 'name' | 'region' | 'stream'>,
): TemplateVars {
  const { all, students, hosts } = config.hosts.vars;
  const builtIn: Record<string, string> = {
    host: host.name,
    lab: config.name,
    region: host.region ?? config.region,
    ...(host.stream ? { stream: host.stream } : {}),
  };
  const layers: HostVars[] = [
    all,
    hostNames(config).includes(host.name) ? students : {},
    hosts[host.name] ?? {},
  ];
  return Object.assign({}, ...layers, builtIn) as TemplateVars;
}

/** What reading a file on the operator's machine threw, as an input error naming the task field. */
function unreadable(e: unknown, src: string, where: string): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  return code ? new InputError(`${where}: cannot read ${src} (${code})`) : e;
}

/** The engine task a declared operation stands for; `where` names it in errors. */
function operationTask(
  t: HostTask | HostHandler,
  host: string,
  vars: TemplateVars,
  where: string,
): Task {
  if (t.apt) {
    const { packages: names, state, update } = t.apt;
    if (!names) return apt.update({});
    return state === 'absent' ? apt.absent({ names }) : apt.packages({ names, update });
  }
  if (t.aptRepository) return apt.repository(t.aptRepository);
  if (t.pip) return pip.packages(t.pip);
  if (t.file) {
    const { state, content, ...rest } = t.file;
    return state === 'absent' ? files.absent(rest) : files.file({ ...rest, content: content! });
  }
  if (t.template) {
    const { template: text, src, ...rest } = t.template;
    let source = text;
    try {
      source ??= readFileSync(src!, 'utf8');
    } catch (e) {
      throw unreadable(e, src!, `${where}.template.src`);
    }
    try {
      return files.template({ ...rest, template: source, vars });
    } catch (e) {
      throw new InputError(
        `${where}.template: ${(e as Error).message} for host ${JSON.stringify(host)}`,
      );
    }
  }
  if (t.copy) {
    try {
      return files.copy(t.copy);
    } catch (e) {
      throw unreadable(e, t.copy.src, `${where}.copy.src`);
    }
  }
  if (t.directory) {
    const { state, ...rest } = t.directory;
    return state === 'absent' ? files.absent(rest) : files.directory(rest);
  }
  if (t.line) return line(t.line);
  if (t.user) return users.user(t.user);
  if (t.group) return users.group(t.group);
  if (t.unit) return systemd.unit(t.unit);
  if (t.service) return systemd.service(t.service);
  if (t.command) {
    const { argv, shell, ...guards } = t.command;
    const run = argv ? sh`${argv}` : shell!;
    return command({
      name: `command ${argv ? argv.join(' ') : shell!}`.slice(0, 120),
      run,
      ...guards,
    });
  }
  throw new Error(`${where}: no operation (the schema lets none through)`);
}

function declaredTask(
  t: HostTask | HostHandler,
  host: string,
  vars: TemplateVars,
  where: string,
): Task {
  const task = operationTask(t, host, vars, where);
  const notify = 'notify' in t ? t.notify : undefined;
  return onlyWhen(
    { ...task, ...(t.name ? { name: t.name } : {}), ...(notify ? { notify } : {}) },
    t.when,
  );
}

/** The config's own tasks and handlers for one host, as the role "tasks". */
export function ownTasksRole(
  config: LabConfig,
  host: Pick<InventoryHost, 'name' | 'region' | 'stream'>,
): Role {
  const vars = templateVars(config, host);
  return {
    name: 'tasks',
    tasks: config.hosts.tasks.map((t, i) => ({
      task: declaredTask(t, host.name, vars, `hosts.tasks[${i}]`),
      tags: [...t.tags, 'tasks'],
    })),
    handlers: config.hosts.handlers.map((h, i) => ({
      name: h.name,
      task: declaredTask(h, host.name, vars, `hosts.handlers[${i}]`),
    })),
  };
}
