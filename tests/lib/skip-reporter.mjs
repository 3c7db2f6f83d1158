// tests/lib/skip-reporter.mjs — a node:test reporter that writes what scripts/test.sh
// needs to make skips visible: one line per test that did not run or proved nothing
// (skipped, or marked todo), and one closing line with the counts.
//
// node's spec reporter marks a skip with a "#" in a long listing and its summary
// counts it apart from failures, so a run whose validators, nginx or ../shared were
// missing still ended "all tests passed". scripts/test.sh reads this file, lists every
// skip with its reason and, when CI=true, fails the run on any.
//
// Output lines (tab-separated):
//   skip  FILE  SUITE › TEST  REASON
//   todo  FILE  SUITE › TEST  REASON
//   time  FILE  MS                       (top-level tests and suites, summed per file)
//   count PASSED FAILED SKIPPED          (leaf tests; suites are not counted)
import path from 'node:path';

const ROOT = process.env.KM0_HOME || process.cwd();
const oneLine = (s) => String(s).replace(/[\t\r\n]+/g, ' ').trim();

export default async function* skipReporter(source) {
  const names = new Map(); // file → names of the tests being run, by nesting level
  let passed = 0, failed = 0, skipped = 0;
  const ms = new Map(); // file → time of its top-level tests, to set --test-timeout by
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:start') {
      const stack = names.get(data.file) || [];
      stack.length = data.nesting;
      stack.push(data.name);
      names.set(data.file, stack);
      continue;
    }
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    const suite = data.details?.type === 'suite';
    const file = data.file ? path.relative(ROOT, data.file) : '(unknown file)';
    const parents = (names.get(data.file) || []).slice(0, data.nesting);
    const title = [...parents, data.name].map(oneLine).join(' › ');
    if (data.nesting === 0) ms.set(file, (ms.get(file) || 0) + (data.details?.duration_ms || 0));
    if (data.skip !== undefined && data.skip !== false) {
      skipped++;
      yield `skip\t${file}\t${title}\t${data.skip === true ? 'no reason given' : oneLine(data.skip)}\n`;
    } else if (data.todo !== undefined && data.todo !== false) {
      skipped++;
      yield `todo\t${file}\t${title}\t${data.todo === true ? 'marked todo' : oneLine(data.todo)}\n`;
    } else if (type === 'test:fail') {
      // a file that fails to load or times out is a failure of its own, reported at nesting 0
      if (!suite) failed++;
    } else if (!suite) {
      passed++;
    }
  }
  for (const [file, t] of ms) yield `time\t${file}\t${Math.round(t)}\n`;
  yield `count\t${passed}\t${failed}\t${skipped}\n`;
}
