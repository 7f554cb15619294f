import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInput, ValidationError } from '../platform/validation.ts';
import { hashPasswords, verifyPassword } from './password.ts';
import { ROLES, type Role } from '../domain/vocabulary.ts';
import {
  accountLinksInput, accountStatus, checkAccountLinks, checkDisable, checkRoleChange, checkRoleSet, deputyUsername, normalizeUsername,
  staffAccountInput, USERNAME_PATTERN,
} from './rules.ts';

const links = (roles: Role[], extra: { departmentId?: number | null; deputyCode?: string } = {}) =>
  ({ roles, departmentId: extra.departmentId ?? null, deputyCode: extra.deputyCode ?? '' });

describe('usernames', () => {
  it('are trimmed and lower-cased as typed', () => {
    expect(normalizeUsername('  Wang.Li ')).toBe('wang.li');
  });

  it.each(['ab', 'wang.li', 'd001', 'd001-14', 'a_b', '9x'])('accepts %s', (u) => {
    expect(USERNAME_PATTERN.test(u)).toBe(true);
  });

  it.each(['a', '-ab', '.ab', 'Wang', 'wang li', '王丽', 'a'.repeat(65), 'a@b'])('refuses %s', (u) => {
    expect(USERNAME_PATTERN.test(u)).toBe(false);
  });

  it('names a deputy after the code, in lower case', () => {
    expect(deputyUsername('D001', 14, new Set())).toBe('d001');
  });

  it('appends the term ordinal when the code is taken, then a counter', () => {
    const taken = new Set(['d001']);
    expect(deputyUsername('D001', 14, taken)).toBe('d001-14');
    expect(deputyUsername('d001', 14, taken)).toBe('d001-14-2');
    expect(deputyUsername('D001', 14, taken)).toBe('d001-14-3');
    expect(taken).toEqual(new Set(['d001', 'd001-14', 'd001-14-2', 'd001-14-3']));
  });

  it('never uses a one-character code on its own (usernames have two characters at least)', () => {
    expect(deputyUsername('A', 15, new Set())).toBe('a-15');
  });

  it('drops what a username cannot start with', () => {
    expect(deputyUsername('_07', 14, new Set())).toBe('07');
    expect(deputyUsername('--', 14, new Set())).toBe('deputy');
  });

  it('always hands out a valid name that was not taken before', () => {
    fc.assert(fc.property(
      fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/), { maxLength: 40 }),
      fc.integer({ min: 1, max: 99 }),
      (codes, ordinal) => {
        const taken = new Set<string>(['admin']);
        const before = new Set(taken);
        const names = codes.map((c) => deputyUsername(c, ordinal, taken));
        expect(new Set(names).size).toBe(names.length);
        for (const n of names) {
          expect(before.has(n)).toBe(false);
          expect(n).toMatch(USERNAME_PATTERN);
        }
      },
    ));
  });
});

describe('the account form', () => {
  it('reads roles as a set in the order of ROLES', () => {
    expect(parseInput(accountLinksInput, links(['deputy', 'scrutineer', 'deputy'])).roles).toEqual(['scrutineer', 'deputy']);
  });

  it('refuses an unknown role', () => {
    expect(() => parseInput(accountLinksInput, { ...links([]), roles: ['admin'] })).toThrow(ValidationError);
  });

  it('normalises the username before checking it', () => {
    const input = parseInput(staffAccountInput, { ...links(['secretariat']), username: ' LiMing ', displayName: ' 李明 ' });
    expect(input).toMatchObject({ username: 'liming', displayName: '李明' });
    expect(checkAccountLinks(input)).toEqual([]);
  });

  it('names the username when it has the wrong shape', () => {
    expect(checkAccountLinks({ ...links(['secretariat']), username: 'li ming' })).toEqual([{ field: 'username', key: 'users.usernameFormat' }]);
  });

  it('needs at least one role', () => {
    expect(checkAccountLinks(links([]))).toEqual([{ field: 'roles', key: 'users.rolesRequired' }]);
  });

  it('ties the department role and a department together, both ways', () => {
    expect(checkAccountLinks(links(['department']))).toEqual([{ field: 'departmentId', key: 'users.departmentRequired' }]);
    expect(checkAccountLinks(links(['department'], { departmentId: 3 }))).toEqual([]);
    expect(checkAccountLinks(links(['secretariat'], { departmentId: 3 }))).toEqual([{ field: 'departmentId', key: 'users.departmentWithoutRole' }]);
  });

  it('needs a deputy code for the deputy role, and the deputy role and code for scrutineers, refuses it for others', () => {
    expect(checkAccountLinks(links(['deputy']))).toEqual([{ field: 'deputyCode', key: 'users.deputyRequired' }]);
    expect(checkAccountLinks(links(['deputy'], { deputyCode: 'D001' }))).toEqual([]);
    expect(checkAccountLinks(links(['scrutineer']))).toEqual([{ field: 'roles', key: 'users.scrutineerIsDeputy' }]);
    expect(checkAccountLinks(links(['scrutineer'], { deputyCode: 'D011' }))).toEqual([{ field: 'roles', key: 'users.scrutineerIsDeputy' }]);
    expect(checkAccountLinks(links(['scrutineer', 'deputy'], { deputyCode: 'D011' }))).toEqual([]);
    expect(checkAccountLinks(links(['secretariat', 'scrutineer', 'deputy'], { deputyCode: 'D011' }))).toEqual([{ field: 'roles', key: 'users.scrutineerNotSecretariat' }]);
    expect(checkAccountLinks(links(['secretariat'], { deputyCode: 'D011' }))).toEqual([{ field: 'deputyCode', key: 'users.deputyWithoutRole' }]);
  });
});

describe('keeping the secretariat able to administer', () => {
  const secretary = (id: number, disabled = false) => ({ id, roles: ['secretariat'] as Role[], disabled });

  it('lets a secretariat member take the role from another while one remains', () => {
    expect(checkRoleChange(1, secretary(2), ['deputy'], [1, 2])).toBeUndefined();
  });

  it('refuses to remove one\'s own secretariat role, even with others left', () => {
    expect(checkRoleChange(1, secretary(1), ['deputy'], [1, 2, 3])).toBe('users.ownSecretariat');
  });

  it('lets one keep one\'s own role while changing the others', () => {
    expect(checkRoleChange(1, secretary(1), ['secretariat', 'deputy'], [1])).toBeUndefined();
  });

  it('refuses to take the role from the last active secretariat account', () => {
    // Account 2 is the only active holder; the actor (1) is acting through some other means (the CLI).
    expect(checkRoleChange(1, secretary(2), [], [2])).toBe('users.lastSecretariat');
  });

  it('lets the role go from a disabled account: it is not among the active holders', () => {
    expect(checkRoleChange(1, secretary(2, true), [], [1])).toBeUndefined();
  });

  it('changes nothing for accounts that do not hold the role', () => {
    expect(checkRoleChange(1, { id: 3, roles: ['deputy'], disabled: false }, [], [1])).toBeUndefined();
  });

  it('refuses disabling oneself and the last active secretariat account', () => {
    expect(checkDisable(1, secretary(1), [1, 2])).toBe('users.disableSelf');
    expect(checkDisable(1, secretary(2), [2])).toBe('users.lastSecretariat');
    expect(checkDisable(1, secretary(2), [1, 2])).toBeUndefined();
    expect(checkDisable(1, { id: 3, roles: ['deputy'], disabled: false }, [1])).toBeUndefined();
  });

  it('never leaves zero active secretariat accounts, whatever the sequence of allowed changes', () => {
    type Account = { id: number; roles: Role[]; disabled: boolean };
    const op = fc.oneof(
      fc.record({ kind: fc.constant('roles' as const), actor: fc.nat(4), target: fc.nat(4), roles: fc.subarray([...ROLES]) }),
      fc.record({ kind: fc.constant('disable' as const), actor: fc.nat(4), target: fc.nat(4) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      const accounts: Account[] = Array.from({ length: 5 }, (_, id) => ({ id, roles: id < 2 ? ['secretariat'] : ['deputy'], disabled: false }));
      const active = () => accounts.filter((a) => !a.disabled && a.roles.includes('secretariat')).map((a) => a.id);
      for (const o of ops) {
        const actor = accounts[o.actor]!;
        // Only an active secretariat member can act in the app.
        if (actor.disabled || !actor.roles.includes('secretariat')) continue;
        const target = accounts[o.target]!;
        if (o.kind === 'roles') {
          if (!checkRoleChange(actor.id, target, o.roles, active())) target.roles = o.roles;
        } else if (!checkDisable(actor.id, target, active())) {
          target.disabled = true;
        }
        expect(active().length).toBeGreaterThan(0);
      }
    }));
  });
});

describe('account status', () => {
  it('shows disabled before must-change, and active otherwise', () => {
    expect(accountStatus({ disabledAt: new Date(), mustChangePassword: true })).toBe('disabled');
    expect(accountStatus({ disabledAt: null, mustChangePassword: true })).toBe('must-change');
    expect(accountStatus({ disabledAt: null, mustChangePassword: false })).toBe('active');
  });
});

describe('hashing many passwords', () => {
  it('keeps the order and hashes each with argon2id', async () => {
    const passwords = Array.from({ length: 9 }, (_, i) => `password-${i}`);
    const hashes = await hashPasswords(passwords, 3);
    expect(hashes).toHaveLength(9);
    for (const [i, h] of hashes.entries()) {
      expect(h).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(h, passwords[i]!)).toBe(true);
    }
  });

  it('runs no more than the given number at once', async () => {
    let inFlight = 0;
    let most = 0;
    const slowHash = async (p: string) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return `h:${p}`;
    };
    const out = await hashPasswords(Array.from({ length: 20 }, (_, i) => String(i)), 4, slowHash);
    expect(most).toBe(4);
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => `h:${i}`));
    expect(await hashPasswords([], 4, slowHash)).toEqual([]);
  });
});

describe('the clerk role (计票人)', () => {
  it('is never held with the secretariat or scrutineer role', () => {
    expect(checkRoleSet(['clerk'])).toEqual([]);
    expect(checkRoleSet(['clerk', 'secretariat'])).toEqual(['users.clerkNotSecretariat']);
    expect(checkRoleSet(['clerk', 'scrutineer', 'deputy'])).toEqual(['users.clerkNotScrutineer']);
    expect(checkRoleSet(['clerk', 'deputy'])).toEqual([]);
    expect(checkAccountLinks(links(['clerk', 'secretariat']))).toEqual([{ field: 'roles', key: 'users.clerkNotSecretariat' }]);
  });
});
