/**
 * The `hosts` section of streamlab.yaml: the operator's own host tasks, declared like an
 * Ansible play (one operation per task, `name`, `when`, `tags`, `notify`, handlers and
 * variables per group), beside the lab's own role. In the config itself rather than in a
 * separate playbook file: one file, one schema, one loader and one set of error messages
 * naming the path (`hosts.tasks[3].apt.packages[0]`), and editors get it from
 * `streamlab schema` with the rest. Every value here is data: paths, names and modes are
 * checked here; contents and variables reach the host as file data only.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { z } from 'zod';
import { controlCharacterIn } from '../provisioning/engine/untrusted-text';

const string = (what = 'a string') => z.string({ error: `must be ${what}` });

/** One line of printable text: shown in recaps, passed as one shell word. */
const oneLine = (what: string, max: number) =>
  string(what)
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `is longer than ${max} characters` })
    .superRefine((v, ctx) => {
      const c = controlCharacterIn(v);
      if (c)
        ctx.addIssue({ code: 'custom', input: v, message: `holds the control character ${c}` });
    });

/** An absolute path on the host: no "..", no control characters (NUL, newline). */
const hostPath = oneLine('an absolute path such as "/etc/motd"', 4096).refine(
  (p) => p.startsWith('/') && !/(^|\/)\.\.(\/|$)/.test(p),
  { error: (i) => `${JSON.stringify(i.input)} is not an absolute path without ".."` },
);

/**
 * A file on the operator's machine inside the config file's folder: a config someone shares
 * must not be able to send this machine's other files (keys, credentials) to a host.
 */
const localPath = oneLine('a path relative to the config file', 4096).refine(
  (p) => !isAbsolute(p) && !/(^|[\\/])\.\.([\\/]|$)/.test(p),
  {
    error: (i) =>
      `${JSON.stringify(i.input)} is not inside the config file's folder (a relative path without ".."): only files beside the config go to hosts`,
  },
);

/** A quoted octal string: YAML reads an unquoted 0644 as the number 644. */
const mode = z
  .string({
    error: 'must be a quoted octal string such as "0644" (YAML reads 0644 unquoted as 644)',
  })
  .regex(/^0?[0-7]{3,4}$/, {
    error: (i) => `${JSON.stringify(i.input)} is not an octal mode such as "0644"`,
  });

/** POSIX/Debian user and group names: never a leading "-", at most 32 characters. */
export const ACCOUNT_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const accountName = string().regex(ACCOUNT_NAME, {
  error: (i) =>
    `${JSON.stringify(i.input)} is not a user or group name (a-z, 0-9, "_", "-"; starts with a letter or "_"; ≤ 32 characters)`,
});

export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+(:[a-z0-9]+)?$/;
export const UNIT_NAME = /^[A-Za-z0-9:_.@-]+\.(service|timer|socket|target|path|mount)$/;

const state = z.enum(['present', 'absent'], {
  error: (i) => `${JSON.stringify(i.input)} is not "present" or "absent"`,
});

const ownership = {
  mode: mode.optional().describe('Octal permission bits, quoted: "0644".'),
  owner: accountName.optional().describe('@default "root"'),
  group: accountName.optional().describe('@default "root"'),
};

const oneOrMore = <T extends z.ZodType>(item: T, what: string) =>
  z
    .union([item, z.array(item).min(1, { error: 'must list at least one' })], {
      error: `must be ${what} or a list of them`,
    })
    .transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

/** Text for a command line: anything but NUL, which no argv or shell text can carry. */
const commandText = (max: number) =>
  string()
    .max(max, { error: `is longer than ${max} characters` })
    .refine((v) => !v.includes('\0'), { error: 'holds a NUL byte, which a command cannot carry' });

const OPERATIONS = {
  apt: z
    .strictObject({
      packages: z
        .array(
          string().regex(PACKAGE_NAME, {
            error: (i) => `${JSON.stringify(i.input)} is not a Debian package name`,
          }),
          { error: 'must be a list of package names' },
        )
        .min(1, { error: 'must list at least one package' })
        .optional(),
      state: state.default('present'),
      /** Refresh the package lists when they are older than a day. */
      update: z.boolean({ error: 'must be true or false' }).default(false),
    })
    .refine((a) => a.packages !== undefined || a.update, {
      error: 'give packages, update: true, or both',
    })
    .describe('Debian packages (ansible.builtin.apt): packages, state present|absent, update.'),
  aptRepository: z
    .strictObject({
      component: string().regex(/^[a-z][a-z0-9-]{0,31}$/, {
        error: (i) => `${JSON.stringify(i.input)} is not an archive component such as "universe"`,
      }),
    })
    .describe('An Ubuntu archive component (universe, multiverse); skipped on Debian.'),
  pip: z
    .strictObject({
      venv: hostPath,
      requirements: z
        .array(
          oneLine('a requirement such as "pandas==2.2.2"', 500).refine((r) => !r.startsWith('-'), {
            error: (i) =>
              `${JSON.stringify(i.input)} starts with "-": options are not requirements (use index for another index)`,
          }),
          { error: 'must be a list of requirements' },
        )
        .min(1, { error: 'must list at least one requirement' }),
      /** @default true: the apt Python packages stay visible in the venv */
      systemSitePackages: z.boolean({ error: 'must be true or false' }).default(true),
      index: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL of a package index' })
        .optional(),
    })
    .describe('Python requirements installed into a venv (ansible.builtin.pip with virtualenv).'),
  file: z
    .strictObject({
      path: hostPath,
      content: string().optional(),
      state: state.default('present'),
      ...ownership,
    })
    .superRefine((f, ctx) => {
      if (f.state === 'present' && f.content === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['content'],
          message: 'is required with state "present"',
        });
      if (f.state === 'absent' && f.content !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['content'],
          message: 'cannot be given with state "absent"',
        });
    })
    .describe(
      'A file with exactly this content, or absent (ansible.builtin.copy content / file state).',
    ),
  template: z
    .strictObject({
      path: hostPath,
      /** The template text: {{ name }} takes a variable of hosts.vars or a built-in one. */
      template: string().optional(),
      /** Or a template file on this machine (relative to the config file). */
      src: localPath.optional(),
      ...ownership,
    })
    .refine((t) => (t.template === undefined) !== (t.src === undefined), {
      error: 'give the template text (template) or a template file (src), one of them',
    })
    .describe('A file rendered from {{ variable }} placeholders (ansible.builtin.template).'),
  copy: z
    .strictObject({ src: localPath, path: hostPath, ...ownership })
    .describe("A file copied from the operator's machine (ansible.builtin.copy src)."),
  directory: z
    .strictObject({ path: hostPath, state: state.default('present'), ...ownership })
    .describe('A directory, or absent with what it holds (ansible.builtin.file state directory).'),
  line: z
    .strictObject({
      path: hostPath,
      line: string()
        .max(4096, { error: 'is longer than 4096 characters' })
        .refine((l) => !/[\r\n\0]/.test(l), { error: 'must be one line (no newline or NUL)' }),
      /** Lines matching this (JavaScript) regular expression are replaced or removed. */
      regexp: string()
        .refine(
          (r) => {
            try {
              new RegExp(r);
              return true;
            } catch {
              return false;
            }
          },
          { error: (i) => `${JSON.stringify(i.input)} is not a regular expression` },
        )
        .optional(),
      state: state.default('present'),
      ...ownership,
    })
    .describe('One line in a text file (ansible.builtin.lineinfile).'),
  user: z
    .strictObject({
      name: accountName,
      state: state.default('present'),
      /** A system account (no aging, uid below 1000). @default false */
      system: z.boolean({ error: 'must be true or false' }).default(false),
      shell: hostPath.optional(),
      home: hostPath.optional(),
      /** Supplementary groups (each must exist). */
      groups: z.array(accountName, { error: 'must be a list of group names' }).optional(),
      comment: oneLine('a string', 200)
        .refine((c) => !c.includes(':'), { error: 'must not contain ":"' })
        .optional(),
    })
    .describe('A user account (ansible.builtin.user).'),
  group: z
    .strictObject({
      name: accountName,
      state: state.default('present'),
      system: z.boolean({ error: 'must be true or false' }).default(false),
    })
    .describe('A group (ansible.builtin.group).'),
  unit: z
    .strictObject({
      name: string().regex(UNIT_NAME, {
        error: (i) => `${JSON.stringify(i.input)} is not a unit name such as "app.service"`,
      }),
      content: string(),
    })
    .describe('A systemd unit file in /etc/systemd/system, daemon-reload after a change.'),
  service: z
    .strictObject({
      name: string().regex(UNIT_NAME, {
        error: (i) => `${JSON.stringify(i.input)} is not a unit name such as "app.service"`,
      }),
      enabled: z.boolean({ error: 'must be true or false' }).optional(),
      running: z.boolean({ error: 'must be true or false' }).optional(),
      /** Restart every time this task runs: meant for handlers. */
      restarted: z.boolean({ error: 'must be true or false' }).optional(),
    })
    .refine((s) => s.enabled !== undefined || s.running !== undefined || s.restarted, {
      error: 'give enabled, running or restarted',
    })
    .describe('A systemd service enabled/running/restarted (ansible.builtin.systemd_service).'),
  command: z
    .strictObject({
      /** A program and its arguments, each passed as one word: nothing in them is shell. */
      argv: z
        .array(commandText(65536), { error: 'must be a list of words' })
        .min(1, { error: 'must name the program' })
        .optional(),
      /** Shell text run by /bin/sh as root: the operator's own code. */
      shell: commandText(65536).optional(),
      /** Skip when this path exists. */
      creates: hostPath.optional(),
      /** Skip when this shell check exits 0 (it runs while facts are gathered: read only). */
      unless: commandText(65536).optional(),
      /** Run only when this shell check exits 0 (read only, like unless). */
      onlyIf: commandText(65536).optional(),
    })
    .refine((c) => (c.argv === undefined) !== (c.shell === undefined), {
      error: 'give argv (a program and its arguments) or shell (shell text), one of them',
    })
    .describe(
      'A command made idempotent by creates/unless/onlyIf (ansible.builtin.command/shell).',
    ),
};

export type OperationName = keyof typeof OPERATIONS;
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

const FACT_NAME = /^[a-z0-9][a-z0-9._+-]{0,63}$/;
const factValues = (example: string) =>
  oneOrMore(
    z.string({ error: `must be a quoted string such as "${example}"` }).regex(FACT_NAME, {
      error: (i) => `${JSON.stringify(i.input)} is not a value such as "${example}"`,
    }),
    `a quoted string such as "${example}"`,
  );

/** Runs the task only on hosts whose facts match every key given (any of the values listed). */
const whenSchema = z
  .strictObject({
    /** /etc/os-release ID: "ubuntu", "debian". */
    os: factValues('ubuntu').optional(),
    /** /etc/os-release VERSION_ID, quoted: "24.04", "12". */
    release: factValues('24.04').optional(),
    /** VERSION_CODENAME: "noble", "bookworm". */
    codename: factValues('noble').optional(),
    /** `uname -m`: "x86_64", "aarch64". */
    architecture: factValues('x86_64').optional(),
  })
  .describe('Facts the host must match: os, release, codename, architecture.');

export type When = z.output<typeof whenSchema>;

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
export const tagName = string().regex(TAG, {
  error: (i) => `${JSON.stringify(i.input)} is not a tag (letters, digits, "_", ".", "-")`,
});

const handlerName = oneLine('a handler name', 200);

const taskFields = {
  /** Shown in the run's lines and the recap. @default the operation and its target */
  name: oneLine('a string', 200).optional(),
  when: whenSchema.optional(),
  ...Object.fromEntries(Object.entries(OPERATIONS).map(([k, v]) => [k, v.optional()])),
} as { name: z.ZodOptional<z.ZodString>; when: z.ZodOptional<typeof whenSchema> } & {
  [K in OperationName]: z.ZodOptional<(typeof OPERATIONS)[K]>;
};

/** Exactly one operation key per task, as in an Ansible task. */
function oneOperation(t: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const given = OPERATION_NAMES.filter((k) => t[k] !== undefined);
  if (given.length === 1) return;
  ctx.addIssue({
    code: 'custom',
    input: t,
    message:
      given.length === 0
        ? `names no operation; give one of ${OPERATION_NAMES.join(', ')}`
        : `names ${given.length} operations (${given.join(', ')}); give one per task`,
  });
}

const taskSchema = z
  .strictObject({
    ...taskFields,
    /** Selected by --tags, left out by --skip-tags. */
    tags: z.array(tagName, { error: 'must be a list of tags' }).default([]),
    /** Handlers to run once after the tasks when this task changed something. */
    notify: oneOrMore(handlerName, 'a handler name').optional(),
  })
  .superRefine(oneOperation);

const handlerSchema = z
  .strictObject({ ...taskFields, name: handlerName.describe('What tasks notify.') })
  .superRefine(oneOperation);

export type HostTask = z.output<typeof taskSchema>;
export type HostHandler = z.output<typeof handlerSchema>;

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Variables every template gets from streamlab; the config cannot redefine them. */
export const BUILT_IN_VARS = ['host', 'lab', 'region', 'stream'] as const;

const varsSchema = z
  .record(
    z.string(),
    z.union(
      [
        z.string().max(65536, { error: 'is longer than 65536 characters' }),
        z.number(),
        z.boolean(),
      ],
      { error: 'must be a string, a number or true/false' },
    ),
  )
  .superRefine((vars, ctx) => {
    for (const key of Object.keys(vars)) {
      if (!VAR_NAME.test(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          input: key,
          message: 'is not a variable name (letters, digits, "_")',
        });
      else if ((BUILT_IN_VARS as readonly string[]).includes(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          input: key,
          message: `is set by streamlab for every host (${BUILT_IN_VARS.join(', ')})`,
        });
    }
  });

export type HostVars = z.output<typeof varsSchema>;

/** The two roles a host play can hold: the lab's producer host and the tasks below. */
export const ROLES = ['lab', 'tasks'] as const;
export type Role = (typeof ROLES)[number];

export const hostsSchema = z
  .strictObject({
    /**
     * Which roles run and in what order: "lab" (the producer host) and "tasks" (the tasks
     * below). ["tasks"] bootstraps hosts without the producer. @default ["lab", "tasks"]
     */
    roles: z
      .array(
        z.enum(ROLES, {
          error: (i) => `${JSON.stringify(i.input)} is not a role ("lab" or "tasks")`,
        }),
        { error: 'must be a list of roles' },
      )
      .min(1, { error: 'must list at least one role' })
      .refine((r) => new Set(r).size === r.length, { error: 'lists a role twice' })
      .default(['lab', 'tasks']),
    /** Template variables by group: every host, the students' hosts, one host by name. */
    vars: z
      .strictObject({
        all: varsSchema.default({}),
        students: varsSchema.default({}),
        hosts: z.record(z.string(), varsSchema).default({}),
      })
      .prefault({}),
    tasks: z.array(taskSchema, { error: 'must be a list of tasks' }).default([]),
    handlers: z.array(handlerSchema, { error: 'must be a list of handlers' }).default([]),
  })
  .superRefine((h, ctx) => {
    const names = new Set<string>();
    h.handlers.forEach((handler, i) => {
      if (names.has(handler.name))
        ctx.addIssue({
          code: 'custom',
          path: ['handlers', i, 'name'],
          input: handler.name,
          message: `${JSON.stringify(handler.name)} is defined twice`,
        });
      names.add(handler.name);
    });
    h.tasks.forEach((t, i) =>
      (t.notify ?? []).forEach((n, j) => {
        if (!names.has(n))
          ctx.addIssue({
            code: 'custom',
            path: ['tasks', i, 'notify', j],
            input: n,
            message: `${JSON.stringify(n)} is not a handler in hosts.handlers${names.size ? ` (${[...names].map((x) => JSON.stringify(x)).join(', ')})` : ''}`,
          });
      }),
    );
  });

export type HostsConfig = z.output<typeof hostsSchema>;

/**
 * `src` paths of copy and template tasks made absolute against the config file's folder;
 * one that a symbolic link leads out of that folder is a problem naming its path.
 */
export function localPathsFrom(
  hosts: HostsConfig,
  baseDir: string,
): { hosts: HostsConfig; problems: string[] } {
  const problems: string[] = [];
  const base = realpathSync(baseDir);
  const inside = (src: string, where: string): string => {
    const abs = resolve(baseDir, src);
    if (existsSync(abs) && !realpathSync(abs).startsWith(base + sep))
      problems.push(
        `${where}: ${JSON.stringify(src)} leads out of the config file's folder (a symbolic link): only files beside the config go to hosts`,
      );
    return abs;
  };
  const fix = <T extends HostTask | HostHandler>(t: T, where: string): T => ({
    ...t,
    ...(t.copy ? { copy: { ...t.copy, src: inside(t.copy.src, `${where}.copy.src`) } } : {}),
    ...(t.template?.src
      ? { template: { ...t.template, src: inside(t.template.src, `${where}.template.src`) } }
      : {}),
  });
  return {
    hosts: {
      ...hosts,
      tasks: hosts.tasks.map((t, i) => fix(t, `hosts.tasks[${i}]`)),
      handlers: hosts.handlers.map((h, i) => fix(h, `hosts.handlers[${i}]`)),
    },
    problems,
  };
}
