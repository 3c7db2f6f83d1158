// tests/data/runner/skips.test.mjs — a fixture for tests/integration/runner.test.mjs,
// not a test of km0: one test that passes and one that skips with a reason, as a
// test does when what it needs (a validator, nginx, ../shared) is missing.
import { it } from 'node:test';

it('passes', () => {});
it('needs a validator that is not installed', (t) => t.skip('fixture-validator is not installed'));
