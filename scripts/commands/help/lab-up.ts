/** `streamlab lab up --help`, apart from the command so printing it loads nothing else. */
/** The most hosts `lab up --students N` boots on one machine. */
export const MAX_OFFLINE_STUDENTS = 60;

export const usage = `Usage: streamlab lab up [--students N] [--config FILE] [--json]

Brings the lab's host side up on this machine, no AWS account needed: one local
Debian 12 test host per student (systemd-nspawn in its own network namespace, reached
over OpenSSH), a local Kinesis (kinesalite, on this machine's loopback) with a stream
per student (<lab>-<student>, as on AWS), which each host reaches only through its own
port on the Kinesis gate and only for its own stream, and the same producer-host playbook as on AWS: apt packages, the venv, the
producer as a systemd service (source: synthetic, since test hosts have no Internet).
Ends when the first records have arrived in every student's stream. Running it again converges:
changed students are added or removed, a running lab is left running.

Needs root on Linux. The first run builds the rootfs cache (a few minutes) and fills the
apt cache; later runs take seconds. Debian packages it needs and lacks (\`streamlab lab
packages\` lists them) are installed with --install-packages (what \`npm start\` runs),
after a question on a terminal, and otherwise named with the apt-get line (exit 2).
Each host takes 8 of root's inotify instances (fs.inotify.max_user_instances, 128 by
default: about 12 hosts); when they do not fit, --raise-limits (\`npm start\` passes it)
or a yes on a terminal raises the limit, recording the old value, which \`lab down\` puts
back; otherwise it refuses before starting anything, with the numbers and the sysctl
command (exit 1).

Options:
  --students N   N hosts named student01..studentNN (1..${MAX_OFFLINE_STUDENTS}) instead of the
                 config's students
  --config FILE  default: streamlab.yaml, or streamlab.example.yaml when there is none
  --install-packages
                 install the Debian packages it lacks with apt-get, no question asked
  --raise-limits raise fs.inotify.max_user_instances when the hosts need more, no
                 question asked (lab down puts the old value back)
  --json         print one JSON object at the end (progress goes to stderr):
                 {"name","endpoint","hosts":[{"name","address","stream","producerEndpoint"}],
                 "records","inventory"} (endpoint: the emulator on loopback; producerEndpoint:
                 the host's own gate port)

Afterwards:
  streamlab tail --offline [--host NAME]
                               a student's records as they arrive (Ctrl-C to stop)
  streamlab lab status         hosts, producer, records so far
  streamlab check --offline    each student's milestones, pass or fail with the reason
  streamlab lab down           stop everything, remove every trace

Exit status: 0 up and records flowing, 1 a step failed (the message says which; running
it again resumes), 2 bad config or usage, 130 interrupted.`;
