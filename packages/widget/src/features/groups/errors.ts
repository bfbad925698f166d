import { QuickchatError } from '@quickchat/sdk';
import { useEnv } from '../../state/context.js';
import { errorKey } from '../../util/errors.js';
import { useGroupText, type GroupText } from './strings.js';

/**
 * How the group screens word the server's refusals: a role that falls short, a limit reached, a
 * group gone (or one you are no longer in: the server says `not_found` to both), invalid fields.
 */
const REFUSALS: Partial<Record<string, GroupText>> = { forbidden: 'forbidden', conflict: 'limit', not_found: 'gone', validation: 'invalid' };

/** Explains a failed group action in words: the refusals above, else as everywhere (`errorKey`: the network, rate limits…). */
export function useGroupError(): (err: unknown) => string {
  const { t } = useEnv();
  const g = useGroupText();
  return (err) => {
    const refusal = err instanceof QuickchatError ? REFUSALS[err.code] : undefined;
    return refusal ? g(refusal) : t(errorKey(err));
  };
}
