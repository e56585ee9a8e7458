import { describe, expect, it } from 'vitest';
import { deadlineEnd } from '#domain/deadlines.ts';

describe('deadlineEnd', () => {
  it('a deadline day lasts until its last millisecond, UTC, and the next day is past it', () => {
    const end = deadlineEnd('2026-03-10');
    expect(end).toBe('2026-03-10T23:59:59.999Z');
    // ISO instants compare as text: the rule's callers rely on it.
    expect('2026-03-10T23:59:59.998Z' < end).toBe(true);
    expect('2026-03-11T00:00:00.000Z' > end).toBe(true);
    expect(new Date(end).getTime() + 1).toBe(Date.parse('2026-03-11T00:00:00.000Z'));
  });
});
