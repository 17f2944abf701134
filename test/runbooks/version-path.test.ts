// The upgrade path planner: one minor per hop, free patch jumps, refused downgrades, EOL warnings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planHops, supportStatus, parseVersion } from '../../engine/plan/version-path.js';
import { RELEASES } from '../../engine/data/releases.js';

const TODAY = '2026-11-25';
const codes = (p: { problems: Array<{ code: string }> }): string[] => p.problems.map((x) => x.code);

test('1.28 to 1.32.4 is four hops through the latest patch of each minor', () => {
  const p = planHops('1.28.15', '1.32.4', { today: TODAY });
  assert.equal(p.hops, ['1.29.14', '1.30.14', '1.31.14', '1.32.4']);
  assert.not.ok(p.problems.some((x) => x.level === 'error'));
});

test('a leading v and a package revision are accepted on either side', () => {
  assert.equal(planHops('v1.30.4', 'v1.31.2', { today: TODAY }).hops, ['1.31.2']);
  assert.equal(planHops('1.30.4-1.1', '1.31.2', { today: TODAY }).hops, ['1.31.2']);
});

test('a patch jump inside one minor is one hop', () => {
  assert.equal(planHops('1.31.2', '1.31.14', { today: TODAY }).hops, ['1.31.14']);
});

test('one minor ahead is one hop to the exact target', () => {
  assert.equal(planHops('1.30.4', '1.31.4', { today: TODAY }).hops, ['1.31.4']);
});

test('a bare minor as target means its latest recorded patch', () => {
  assert.equal(planHops('1.29.3', '1.31', { today: TODAY }).hops, ['1.30.14', '1.31.14']);
});

test('a downgrade is refused with no hops and says how to go back', () => {
  const p = planHops('1.31.4', '1.30.14', { today: TODAY });
  assert.equal(p.hops, []);
  assert.equal(codes(p), ['downgrade']);
  assert.match(p.problems[0]!.message, /rollback\.yaml/);
  assert.equal(codes(planHops('1.31.4', '1.31.2', { today: TODAY })), ['downgrade']);
});

test('already at the target plans nothing, as a warning', () => {
  const p = planHops('1.31.4', '1.31.4', { today: TODAY });
  assert.equal(p.hops, []);
  assert.equal(codes(p), ['already-there']);
  assert.is(p.problems[0]!.level, 'warning');
});

test('garbage and major changes are errors', () => {
  assert.equal(codes(planHops('latest', '1.31.4')), ['invalid-version']);
  assert.equal(codes(planHops('1.31.4', '2.0.0')), ['major-change']);
});

test('minors past end of support are warned about, the current and the target', () => {
  const p = planHops('1.28.15', '1.29.14', { today: TODAY });
  assert.equal(p.hops, ['1.29.14']);
  const eol = p.problems.filter((x) => x.code === 'past-end-of-support');
  assert.is(eol.length, 2);
  assert.match(eol[0]!.message, /current minor 1\.28 left community support on 2024-10-28/);
  assert.match(eol[1]!.message, /target minor 1\.29 left community support on 2025-02-28/);
});

test('no end-of-support warning while both minors are supported', () => {
  const p = planHops('1.30.4', '1.31.4', { today: '2025-01-15' });
  assert.equal(codes(p), []);
});

test('an intermediate minor without a recorded patch hops to .0 and says so', () => {
  const p = planHops('1.32.13', '1.34.2', { today: TODAY });
  assert.equal(p.hops, ['1.33.0', '1.34.2']);
  assert.ok(codes(p).includes('unknown-patch'));
});

test('a minor missing from the release data still plans, with a warning', () => {
  const p = planHops('1.37.1', '1.38.0', { today: TODAY });
  assert.equal(p.hops, ['1.38.0']);
  assert.ok(codes(p).includes('unknown-minor'));
});

test('a target patch beyond the recorded latest is warned about', () => {
  assert.ok(codes(planHops('1.30.4', '1.31.99', { today: TODAY })).includes('patch-beyond-known'));
});

test('supportStatus answers for a minor and for a full version', () => {
  assert.is(supportStatus('1.31', '2025-01-01').status, 'supported');
  assert.is(supportStatus('1.31.4', '2026-01-01').status, 'end-of-support');
  assert.is(supportStatus('1.37', '2026-01-01').status, 'unreleased');
  assert.is(supportStatus('1.99', TODAY).status, 'unknown');
  const s = supportStatus('1.35', TODAY);
  assert.is(s.status, 'supported');
  if (s.status === 'supported') assert.is(s.endOfSupport, '2027-02-28');
});

test('the release data covers 1.27 to 1.37 in order with end of support after release', () => {
  assert.equal(RELEASES.map((r) => r.minor), ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36', '1.37']);
  for (const r of RELEASES) assert.ok(Date.parse(r.endOfSupport) > Date.parse(r.released), r.minor);
});

test('parseVersion reads the forms clusters and packages print', () => {
  assert.equal(parseVersion('v1.30.4'), { major: 1, minor: 30, patch: 4 });
  assert.equal(parseVersion('1.28.14-2.1'), { major: 1, minor: 28, patch: 14 });
  assert.is(parseVersion('one.two'), undefined);
});

test.run();
