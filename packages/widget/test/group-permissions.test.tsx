import { describe, expect, it } from 'vitest';
import type { GroupMember, GroupRole, JoinMode } from '@quickchat/sdk/groups';
import { may, memberControls } from '../src/features/groups/permissions.js';
import { GROUP_STRINGS } from '../src/features/groups/strings.js';
import { SEARCH_STRINGS } from '../src/features/search/strings.js';
import { LOCALES } from '../src/i18n/index.js';
import { user } from './support/fake-client.js';

const ROLES: GroupRole[] = ['member', 'admin', 'owner'];
const someone = (role: GroupRole): GroupMember => ({ user: user(`u_${role}`, role), role, joinedAt: 1 });

describe('group controls by role (the policy docs/groups.md states)', () => {
  it('follows the roles table for group-wide actions', () => {
    const table = (joinMode: JoinMode) =>
      Object.fromEntries(ROLES.map((role) => [role, (['add', 'edit', 'moderate', 'transfer', 'dissolve', 'leave'] as const).filter((op) => may({ myRole: role, joinMode }, op))]));
    expect(table('invite')).toEqual({
      member: ['add', 'leave'],
      admin: ['add', 'edit', 'moderate', 'leave'],
      owner: ['add', 'edit', 'moderate', 'transfer', 'dissolve'],
    });
    expect(table('request').member).toEqual(['leave']);
    expect(table('closed').member).toEqual(['leave']);
    expect(table('closed').admin).toContain('add');
  });

  it('gives an invitee or requester (no role) nothing', () => {
    for (const op of ['participate', 'add', 'leave', 'dissolve'] as const) expect(may({ myRole: null, joinMode: 'invite' }, op)).toBe(false);
  });

  it('lets a role act on members only below it, and never on yourself', () => {
    const controls = (mine: GroupRole) => Object.fromEntries(ROLES.map((theirs) => [theirs, memberControls({ myRole: mine, joinMode: 'invite' }, someone(theirs), 'u_me')]));
    expect(controls('owner')).toEqual({
      member: { setRole: true, transfer: true, remove: true },
      admin: { setRole: true, transfer: true, remove: true },
      owner: { setRole: false, transfer: true, remove: false },
    });
    expect(controls('admin')).toEqual({
      member: { setRole: false, transfer: false, remove: true },
      admin: { setRole: false, transfer: false, remove: false },
      owner: { setRole: false, transfer: false, remove: false },
    });
    for (const c of Object.values(controls('member'))) expect(c).toEqual({ setRole: false, transfer: false, remove: false });
    expect(memberControls({ myRole: 'owner', joinMode: 'invite' }, { ...someone('owner'), user: user('u_me', 'Me') }, 'u_me')).toEqual({ setRole: false, transfer: false, remove: false });
  });
});

describe('the group and search screens’ words', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  it('exist in every locale of the widget, with the same keys and placeholders, none empty', () => {
    for (const strings of [GROUP_STRINGS, SEARCH_STRINGS] as Record<string, Record<string, string>>[]) {
      expect(Object.keys(strings).sort()).toEqual(Object.keys(LOCALES).sort());
      const reference = strings['en']!;
      for (const [locale, words] of Object.entries(strings)) {
        expect(Object.keys(words).sort(), locale).toEqual(Object.keys(reference).sort());
        for (const key of Object.keys(reference)) {
          expect(placeholders(words[key]!), `${locale} ${key}`).toEqual(placeholders(reference[key]!));
          expect(words[key]!.trim(), `${locale} ${key}`).not.toBe('');
        }
      }
    }
  });
});
