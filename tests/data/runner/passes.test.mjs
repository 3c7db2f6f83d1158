// tests/data/runner/passes.test.mjs — a fixture for tests/integration/runner.test.mjs,
// not a test of km0: two tests that pass and none that skips.
import { it } from 'node:test';

it('passes once', () => {});
it('passes twice', () => {});
