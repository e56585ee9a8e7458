import { describe, expect, it } from 'vitest';
import { Conflict } from '#domain/errors.ts';
import {
  CONTACT_VISIBLE_STATUSES,
  DELIVERY_STATUSES,
  EXCLUDING_STATUSES,
  LIVE_MATCH_STATUSES,
  OPEN_MATCH_STATUSES,
  RELEASING_STATUSES,
  applyMatchCommand,
  nextNeedStatus,
  type MatchCommand,
  type MatchState,
  type NeedTransition,
} from '#domain/lifecycle.ts';
import { MATCH_STATUSES, NEED_STATUSES, type Actor, type HistoryEntry, type MatchStatus, type NeedStatus } from '#domain/model.ts';

/** Catches the error so a test can check both its class and its message. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

// ---------------------------------------------------------------- needs
const NEED_TRANSITIONS: NeedTransition[] = ['propose', 'reopen', 'confirm', 'fulfil', 'withdraw', 'expire'];

/** The legal moves, written out from design.md; every other pair must be refused. */
const LEGAL_NEED: [NeedStatus, NeedTransition, NeedStatus][] = [
  ['WAITING', 'propose', 'PROPOSED'],
  ['PROPOSED', 'reopen', 'WAITING'],
  ['MATCHED', 'reopen', 'WAITING'],
  ['PROPOSED', 'confirm', 'MATCHED'],
  ['MATCHED', 'fulfil', 'FULFILLED'],
  ['WAITING', 'withdraw', 'WITHDRAWN'],
  ['PROPOSED', 'withdraw', 'WITHDRAWN'],
  ['WAITING', 'expire', 'EXPIRED'],
  ['PROPOSED', 'expire', 'EXPIRED'],
];
const legalNeed = new Map(LEGAL_NEED.map(([from, t, to]) => [`${from}/${t}`, to]));
const ILLEGAL_NEED = NEED_STATUSES.flatMap((from) =>
  NEED_TRANSITIONS.filter((t) => !legalNeed.has(`${from}/${t}`)).map((t) => [from, t] as const),
);

describe('need lifecycle', () => {
  it.each(LEGAL_NEED)('moves %s by %s to %s', (from, t, to) => {
    expect(nextNeedStatus(from, t)).toBe(to);
  });

  it.each(ILLEGAL_NEED)('refuses from %s the transition %s with a Conflict naming both', (from, t) => {
    const e = thrown(() => nextNeedStatus(from, t));
    expect(e).toBeInstanceOf(Conflict);
    expect((e as Conflict).statusCode).toBe(409);
    expect((e as Conflict).message).toContain(from);
    expect((e as Conflict).message).toContain(t);
  });

  it('covers every status and transition pair between the two tables', () => {
    expect(LEGAL_NEED.length + ILLEGAL_NEED.length).toBe(NEED_STATUSES.length * NEED_TRANSITIONS.length);
  });

  it('leaves no way out of the final statuses', () => {
    for (const from of ['FULFILLED', 'WITHDRAWN', 'EXPIRED'] as const) {
      for (const t of NEED_TRANSITIONS) expect(() => nextNeedStatus(from, t)).toThrow(Conflict);
    }
  });
});

// ---------------------------------------------------------------- matches
const MATCH_COMMANDS: MatchCommand[] = [
  'approve',
  'reject',
  'accept',
  'decline',
  'deliver',
  'confirm',
  'dispute',
  'resolveCompleted',
  'resolveCancelled',
  'expire',
  'cancel',
];
const ACTORS: Actor[] = ['operator', 'sme', 'provider', 'system'];
/** [smeAccepted, providerAccepted] */
const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

interface LegalMove {
  from: MatchStatus;
  cmd: MatchCommand;
  by: Actor;
  /** The flags this move requires; absent: any flags, carried through unchanged. */
  flags?: [boolean, boolean];
  to: MatchStatus;
  /** The flags after the move; absent: unchanged. */
  flagsAfter?: [boolean, boolean];
  entry: HistoryEntry['status'];
}

/** The legal moves, written out from design.md; every other combination must be refused. */
const LEGAL_MATCH: LegalMove[] = [
  { from: 'PROPOSED', cmd: 'approve', by: 'operator', to: 'APPROVED', entry: 'APPROVED' },
  { from: 'PROPOSED', cmd: 'reject', by: 'operator', to: 'REJECTED', entry: 'REJECTED' },
  { from: 'APPROVED', cmd: 'accept', by: 'sme', flags: [false, false], to: 'APPROVED', flagsAfter: [true, false], entry: 'SME_ACCEPTED' },
  { from: 'APPROVED', cmd: 'accept', by: 'sme', flags: [false, true], to: 'CONFIRMED', flagsAfter: [true, true], entry: 'CONFIRMED' },
  { from: 'APPROVED', cmd: 'accept', by: 'provider', flags: [false, false], to: 'APPROVED', flagsAfter: [false, true], entry: 'PROVIDER_ACCEPTED' },
  { from: 'APPROVED', cmd: 'accept', by: 'provider', flags: [true, false], to: 'CONFIRMED', flagsAfter: [true, true], entry: 'CONFIRMED' },
  { from: 'APPROVED', cmd: 'decline', by: 'sme', to: 'DECLINED', entry: 'DECLINED' },
  { from: 'APPROVED', cmd: 'decline', by: 'provider', to: 'DECLINED', entry: 'DECLINED' },
  { from: 'CONFIRMED', cmd: 'deliver', by: 'provider', to: 'DELIVERED', entry: 'DELIVERED' },
  { from: 'DELIVERED', cmd: 'confirm', by: 'sme', to: 'COMPLETED', entry: 'COMPLETED' },
  { from: 'DELIVERED', cmd: 'confirm', by: 'system', to: 'COMPLETED', entry: 'COMPLETED' },
  { from: 'DELIVERED', cmd: 'dispute', by: 'sme', to: 'DISPUTED', entry: 'DISPUTED' },
  { from: 'DISPUTED', cmd: 'resolveCompleted', by: 'operator', to: 'COMPLETED', entry: 'COMPLETED' },
  { from: 'DISPUTED', cmd: 'resolveCancelled', by: 'operator', to: 'CANCELLED', entry: 'CANCELLED' },
  { from: 'PROPOSED', cmd: 'expire', by: 'system', to: 'EXPIRED', entry: 'EXPIRED' },
  { from: 'APPROVED', cmd: 'expire', by: 'system', to: 'EXPIRED', entry: 'EXPIRED' },
  { from: 'PROPOSED', cmd: 'cancel', by: 'system', to: 'CANCELLED', entry: 'CANCELLED' },
  { from: 'APPROVED', cmd: 'cancel', by: 'system', to: 'CANCELLED', entry: 'CANCELLED' },
];

function legalMove(s: MatchState, cmd: MatchCommand, by: Actor): LegalMove | undefined {
  return LEGAL_MATCH.find(
    (m) =>
      m.from === s.status &&
      m.cmd === cmd &&
      m.by === by &&
      (m.flags === undefined || (m.flags[0] === s.smeAccepted && m.flags[1] === s.providerAccepted)),
  );
}

/** Which actors may issue a command at all, derived from the legal table. */
const allowedActors = (cmd: MatchCommand) => new Set(LEGAL_MATCH.filter((m) => m.cmd === cmd).map((m) => m.by));

const ALL_MATCH_CASES = MATCH_STATUSES.flatMap((status) =>
  MATCH_COMMANDS.flatMap((cmd) =>
    ACTORS.flatMap((by) =>
      FLAGS.map(([smeAccepted, providerAccepted]) => ({ s: { status, smeAccepted, providerAccepted }, cmd, by })),
    ),
  ),
);
const label = (c: { s: MatchState; cmd: MatchCommand; by: Actor }) =>
  `${c.s.status} (sme ${c.s.smeAccepted ? 'accepted' : 'not accepted'}, provider ${c.s.providerAccepted ? 'accepted' : 'not accepted'}) ${c.cmd} by ${c.by}`;
const LEGAL_CASES = ALL_MATCH_CASES.filter((c) => legalMove(c.s, c.cmd, c.by)).map((c) => [label(c), c] as const);
const ILLEGAL_CASES = ALL_MATCH_CASES.filter((c) => !legalMove(c.s, c.cmd, c.by)).map((c) => [label(c), c] as const);

describe('match lifecycle', () => {
  it.each(LEGAL_CASES)('allows %s', (_l, { s, cmd, by }) => {
    const m = legalMove(s, cmd, by)!;
    const [smeAccepted, providerAccepted] = m.flagsAfter ?? [s.smeAccepted, s.providerAccepted];
    expect(applyMatchCommand(s, cmd, by)).toEqual({ status: m.to, smeAccepted, providerAccepted, entry: m.entry });
  });

  it.each(ILLEGAL_CASES)('refuses %s with a Conflict', (_l, { s, cmd, by }) => {
    const e = thrown(() => applyMatchCommand(s, cmd, by));
    expect(e).toBeInstanceOf(Conflict);
    // A wrong actor is named; otherwise the message says which status refused the command.
    const message = (e as Conflict).message;
    if (!allowedActors(cmd).has(by)) expect(message).toContain(by);
    else expect(message).toMatch(new RegExp(`${s.status}|already accepted`));
  });

  it('covers every status, command, actor and flag combination between the two tables', () => {
    expect(LEGAL_CASES.length + ILLEGAL_CASES.length).toBe(MATCH_STATUSES.length * MATCH_COMMANDS.length * ACTORS.length * FLAGS.length);
    // Every row of the legal table is reached by some case (no dead rows).
    for (const m of LEGAL_MATCH) expect(LEGAL_CASES.some(([, c]) => legalMove(c.s, c.cmd, c.by) === m), `${m.from} ${m.cmd} ${m.by}`).toBe(true);
  });

  it('refuses the same party accepting twice, saying so', () => {
    const once = applyMatchCommand({ status: 'APPROVED', smeAccepted: false, providerAccepted: false }, 'accept', 'sme');
    expect(() => applyMatchCommand(once, 'accept', 'sme')).toThrow(/sme has already accepted/);
  });

  it('confirms after both parties accept, in either order', () => {
    const start: MatchState = { status: 'APPROVED', smeAccepted: false, providerAccepted: false };
    const a = applyMatchCommand(applyMatchCommand(start, 'accept', 'sme'), 'accept', 'provider');
    const b = applyMatchCommand(applyMatchCommand(start, 'accept', 'provider'), 'accept', 'sme');
    for (const r of [a, b]) expect(r).toEqual({ status: 'CONFIRMED', smeAccepted: true, providerAccepted: true, entry: 'CONFIRMED' });
  });

  it('does not mutate the state it is given', () => {
    const s: MatchState = { status: 'APPROVED', smeAccepted: false, providerAccepted: false };
    applyMatchCommand(s, 'accept', 'sme');
    expect(s).toEqual({ status: 'APPROVED', smeAccepted: false, providerAccepted: false });
  });
});

describe('match status groups', () => {
  it('releases capacity exactly when a match ends without being confirmed', () => {
    expect([...RELEASING_STATUSES].sort()).toEqual(['CANCELLED', 'DECLINED', 'EXPIRED', 'REJECTED']);
  });
  it('excludes the offering for the need exactly when an operator or a party refused it', () => {
    expect([...EXCLUDING_STATUSES].sort()).toEqual(['DECLINED', 'REJECTED']);
    for (const s of EXCLUDING_STATUSES) expect(RELEASING_STATUSES).toContain(s);
  });
  it('treats exactly the statuses from which expire is legal as open', () => {
    const expirable = MATCH_STATUSES.filter((status) =>
      LEGAL_MATCH.some((m) => m.from === status && m.cmd === 'expire'),
    );
    expect([...OPEN_MATCH_STATUSES].sort()).toEqual([...expirable].sort());
    expect([...OPEN_MATCH_STATUSES].sort()).toEqual(['APPROVED', 'PROPOSED']);
  });
  it('runs delivery timers exactly in the statuses from which deliver or the automatic confirm is legal', () => {
    const timed = MATCH_STATUSES.filter((status) =>
      LEGAL_MATCH.some((m) => m.from === status && (m.cmd === 'deliver' || (m.cmd === 'confirm' && m.by === 'system'))),
    );
    expect([...DELIVERY_STATUSES].sort()).toEqual([...timed].sort());
  });
  it('shows contacts from CONFIRMED on and never before both parties committed', () => {
    expect([...CONTACT_VISIBLE_STATUSES].sort()).toEqual(['COMPLETED', 'CONFIRMED', 'DELIVERED', 'DISPUTED']);
    for (const s of OPEN_MATCH_STATUSES) expect(CONTACT_VISIBLE_STATUSES).not.toContain(s);
  });
  it('counts as live every status from which some command still moves the match', () => {
    const movable = MATCH_STATUSES.filter((status) => LEGAL_MATCH.some((m) => m.from === status));
    expect([...LIVE_MATCH_STATUSES].sort()).toEqual([...movable].sort());
  });
});
