// "X wants to see your presence": the user's answer becomes a presence rule on the home server (XCAP
// pres-rules, RFC 5025): allow, or polite block so the watcher sees offline and never a refusal.
import { normalizeAddress } from '../../account/account-service';
import type { PresenceRulesService } from '../../xcap/presence-rules-service';
import { CommandError } from '../dispatcher';
import type { CommandHandlers } from '../dispatcher';

export interface WatcherAnswerDeps {
  readonly rules: Pick<PresenceRulesService, 'allowWatcher' | 'blockWatcher'>;
  /** The signed-in account, if any. */
  readonly accountId: () => string | undefined;
  /** Whether that account's server keeps presence rules (XCAP found at sign-in). */
  readonly hasPresenceRules: (accountId: string) => boolean;
}

export function watcherHandlers(deps: WatcherAnswerDeps): Pick<CommandHandlers, 'presence.answerWatcher'> {
  return {
    'presence.answerWatcher': async ({ watcher, allow }) => {
      const accountId = deps.accountId();
      if (!accountId) throw new CommandError('unavailable', 'Sign in to answer presence requests.');
      if (!deps.hasPresenceRules(accountId)) {
        throw new CommandError('unavailable', 'Your server keeps no presence rules, so Parley cannot decide who sees your presence; blocking stops instant messages only.');
      }
      const uri = normalizeAddress(watcher);
      if (allow) await deps.rules.allowWatcher(accountId, uri);
      else await deps.rules.blockWatcher(accountId, uri);
      return {};
    },
  };
}
