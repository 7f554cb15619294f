import {
  CATEGORY_LABEL, type Category, type ElectionState, letterLabel as letterKey, type Marking, type Role, ROLE_LABEL, STATE_LABEL,
} from '../../src/domain/vocabulary.ts';
import type { ViewContext } from '../context.ts';

/** An election's state in the reader's language. */
export function stateLabel(v: ViewContext, state: ElectionState): string {
  return v.t(STATE_LABEL[state]);
}

/** The label of a mark letter in a marking: 赞成 / 反对 / 弃权, 满意 / …, or a tick; an unknown letter as it is. */
export function letterLabel(v: ViewContext, marking: Marking, letter: string): string {
  const key = letterKey(marking, letter);
  return key ? v.t(key) : letter;
}

/** A project category in the reader's language. */
export function categoryLabel(v: ViewContext, category: Category): string {
  return v.t(CATEGORY_LABEL[category]);
}

/** A role in the reader's language. */
export function roleLabel(v: ViewContext, role: Role): string {
  return v.t(ROLE_LABEL[role]);
}
