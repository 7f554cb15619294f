import { describe, expect, it } from 'vitest';
import { STEPS, TRANSITIONS } from '../domain/lifecycle.ts';
import { POLICY } from './policy.ts';

describe('the access policy and the lifecycle', () => {
  it('lets exactly the roles the lifecycle names reach each step\'s route', () => {
    for (const step of STEPS) {
      const roles = [...new Set(TRANSITIONS.filter((t) => t.step === step).flatMap((t) => t.by))].filter((r) => r !== 'system').sort();
      expect([step, [...POLICY[`POST /admin/elections/:id/${step}`] as string[]].sort()]).toEqual([step, roles]);
    }
  });
});
