// The test runner itself: scripts/test.sh must never call a run that skipped tests a
// plain pass. It is run here on the fixture files of tests/data/runner (one of them
// skips, as a test does when a validator, nginx or ../shared is missing), each run
// with a throwaway cluster of its own so that this run's cluster is left alone:
// with CI=true a skip fails the run and is named; without CI the run passes and
// still lists the skip with its reason; with CI=true and no skip the run passes. And
// a test that hangs fails its file at the timeout, its child process killed, instead
// of hanging the run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, track } from '../lib/harness.mjs';

const FIXTURES = 'tests/data/runner';

/** scripts/test.sh on the given fixture files; resolves to {status, out}. */
function runTests(files, { ci, tag, timeout = 60000, extraEnv = {} }) {
  const env = { ...process.env, KM0_TESTS: files.map((f) => `${FIXTURES}/${f}`).join(' '),
    KM0_UNIT: '0', KM0_FUZZ_SECONDS: '0', KM0_TEST_PG_DIR: `var/test-pg-runner-${tag}-${process.pid}`,
    KM0_TEST_TIMEOUT: String(timeout), ...extraEnv };
  // the outer node --test marks its children through NODE_TEST_CONTEXT: the inner
  // runner must not believe it is one of them
  delete env.NODE_TEST_CONTEXT;
  delete env.KM0_SOAK;
  if (ci) env.CI = 'true'; else delete env.CI;
  const started = Date.now();
  return new Promise((resolve) => {
    const p = track(spawn(path.join(ROOT, 'scripts/test.sh'), [], { cwd: ROOT, env, timeout: 240000, killSignal: 'SIGTERM' }), 'SIGTERM');
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('close', (status) => {
      rmSync(path.join(ROOT, env.KM0_TEST_PG_DIR), { recursive: true, force: true });
      resolve({ status, out, seconds: (Date.now() - started) / 1000 });
    });
  });
}

describe('scripts/test.sh and skipped tests', () => {
  // the three runs at once: each sets up a cluster, which is most of the time
  const runs = {};
  const pidFile = path.join(ROOT, `var/test-logs/runner-hang-${process.pid}.pid`);
  const ready = Promise.all([
    runTests(['hangs.test.mjs'], { ci: true, tag: 'hang', timeout: 5000, extraEnv: { KM0_RUNNER_PIDFILE: pidFile } })
      .then((r) => { runs.hang = r; }),
    runTests(['skips.test.mjs', 'passes.test.mjs'], { ci: true, tag: 'ci' }).then((r) => { runs.ci = r; }),
    runTests(['skips.test.mjs', 'passes.test.mjs'], { ci: false, tag: 'laptop' }).then((r) => { runs.laptop = r; }),
    runTests(['passes.test.mjs'], { ci: true, tag: 'clean' }).then((r) => { runs.clean = r; }),
  ]);

  it('fails a run with a skipped test when CI=true, naming the test and its reason', async () => {
    await ready;
    const { status, out } = runs.ci;
    assert.notEqual(status, 0, out);
    assert.match(out, /== skipped: 1 test\(s\) ran nothing/, out);
    assert.match(out, /SKIP: needs a validator that is not installed \(tests\/data\/runner\/skips\.test\.mjs\): fixture-validator is not installed/);
    assert.match(out, /CI=true: a skipped test proves nothing/);
    assert.match(out, /^FAILED: skips$/m, 'the skip is the only failure');
    assert.match(out, /^tests: 3 passed, 0 failed, 1 skipped$/m);
  });

  it('lets the same run pass without CI, the skip still listed with its reason', async () => {
    await ready;
    const { status, out } = runs.laptop;
    assert.equal(status, 0, out);
    assert.match(out, /SKIP: needs a validator that is not installed \(tests\/data\/runner\/skips\.test\.mjs\): fixture-validator is not installed/);
    assert.match(out, /allowed outside CI; with CI=true these fail the run/);
    assert.match(out, /^all tests passed$/m);
    assert.match(out, /^tests: 3 passed, 0 failed, 1 skipped$/m);
  });

  it('fails a file whose test hangs at --test-timeout, and kills what it started', async () => {
    await ready;
    const { status, out, seconds } = runs.hang;
    assert.notEqual(status, 0, out);
    assert.match(out, /timed out after 5000ms/, out);
    assert.match(out, /^FAILED: integration$/m);
    // the whole run, cluster set-up included, and far from the 600 s the child sleeps
    assert.ok(seconds < 180, `the run took ${seconds} s`);
    assert.ok(existsSync(pidFile), 'the hanging test started its child');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    rmSync(pidFile);
    // gone, or a zombie waiting for whoever inherited it to reap it
    const running = () => {
      try { return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
    };
    let alive = running();
    for (let i = 0; i < 50 && alive; i++) {
      await new Promise((r) => setTimeout(r, 100));
      alive = running();
    }
    assert.equal(alive, false, `the child ${pid} outlived its test file`);
  });

  it('passes a run without skips when CI=true, and says none was skipped', async () => {
    await ready;
    const { status, out } = runs.clean;
    assert.equal(status, 0, out);
    assert.doesNotMatch(out, /== skipped/);
    assert.match(out, /^tests: 2 passed, 0 failed, 0 skipped$/m);
  });
});
