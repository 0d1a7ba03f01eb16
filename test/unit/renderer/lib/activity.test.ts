import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVITY_REPORT_MS, createActivityReporter, reportActivity } from '../../../../renderer/src/lib/activity';

test('activity is reported at once, then at most once per interval', () => {
  let now = 0;
  let sent = 0;
  const report = createActivityReporter(() => sent++, () => now);
  report();
  report();
  assert.equal(sent, 1);
  now = ACTIVITY_REPORT_MS - 1;
  report();
  assert.equal(sent, 1);
  now = ACTIVITY_REPORT_MS;
  report();
  assert.equal(sent, 2);
});

test('key and pointer input on the window are what counts; stopping removes the listeners', () => {
  const target = new EventTarget();
  let sent = 0;
  const stop = reportActivity(target as unknown as Window, () => sent++);
  target.dispatchEvent(new Event('keydown'));
  assert.equal(sent, 1);
  stop();
  const again = reportActivity(target as unknown as Window, () => sent++);
  target.dispatchEvent(new Event('pointerdown'));
  assert.equal(sent, 2);
  again();
  target.dispatchEvent(new Event('pointerdown'));
  assert.equal(sent, 2);
});
