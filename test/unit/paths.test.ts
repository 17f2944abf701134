import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';

test('packageRoot finds the directory holding schemas/ and runbooks/', () => {
  const root = packageRoot();
  assert.ok(existsSync(join(root, 'package.json')));
  assert.ok(existsSync(join(root, 'runbooks')));
});

test.run();
