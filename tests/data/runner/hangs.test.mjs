// tests/data/runner/hangs.test.mjs — a fixture for tests/integration/runner.test.mjs,
// not a test of km0: a test that never ends, holding a child process it started the
// way the harness starts km0 servers (written to KM0_RUNNER_PIDFILE), as a test does
// when a server stops answering.
import { it } from 'node:test';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { track } from '../../lib/harness.mjs';

it('waits for an answer that never comes', async () => {
  const child = track(spawn('sleep', ['600'], { stdio: 'ignore' }));
  writeFileSync(process.env.KM0_RUNNER_PIDFILE, String(child.pid));
  await new Promise(() => setInterval(() => {}, 1000));
});
