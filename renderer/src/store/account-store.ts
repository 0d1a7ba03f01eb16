// The signed-in account as the UI sees it: the last account.state from main, and the sign-in call.
import { create } from 'zustand';
import type { AccountState, SignInRequest } from '../../../shared/ipc/contract';
import { bridge } from '../bridge/bridge';

interface AccountStore {
  /** The account we are signed in to (or trying to). */
  accountId?: string;
  state?: AccountState;
  busy: boolean;
  /** The last sign-in request, kept (without asking again) for "trust once / always" and retry. */
  lastRequest?: SignInRequest;
  /** A command error (not a sign-in failure, which is in `state`). */
  error?: string;
  signIn(request: SignInRequest): Promise<AccountState | undefined>;
  signOut(): Promise<void>;
  trustAndRetry(mode: 'once' | 'always'): Promise<void>;
  dismissFailure(): void;
  onState(state: AccountState): void;
}

export const useAccountStore = create<AccountStore>((set, get) => ({
  busy: false,
  async signIn(request) {
    set({ busy: true, error: undefined, lastRequest: request });
    const result = await bridge.invoke('account.signIn', request);
    if (!result.ok) {
      set({ busy: false, error: result.error.message });
      return undefined;
    }
    // Once signed in, the password is not kept in the page any longer than needed.
    const keep = result.value.state === 'failed' ? request : undefined;
    set({ busy: false, accountId: result.value.accountId, state: result.value, lastRequest: keep });
    return result.value;
  },
  async signOut() {
    const { accountId } = get();
    if (!accountId) return;
    const result = await bridge.invoke('account.signOut', { accountId });
    set({ state: result.ok ? result.value : undefined, accountId: undefined, lastRequest: undefined });
  },
  async trustAndRetry(mode) {
    const { state, lastRequest } = get();
    const leaf = state?.failure?.certificateChain?.[0];
    if (!lastRequest || !leaf || !state?.failure?.domain) return;
    if (mode === 'always') {
      const pinned = await bridge.invoke('certificate.trust', { domain: state.failure.domain, fingerprint256: leaf.fingerprint256 });
      if (!pinned.ok) {
        set({ error: pinned.error.message });
        return;
      }
      await get().signIn({ ...lastRequest, trustOnceFingerprint256: undefined });
    } else {
      await get().signIn({ ...lastRequest, trustOnceFingerprint256: leaf.fingerprint256 });
    }
  },
  dismissFailure() {
    set({ state: undefined, error: undefined });
  },
  onState(state) {
    // Progress of our own sign-in, and later changes (reconnecting, failed) while signed in.
    const { accountId, busy } = get();
    if (state.accountId === accountId || busy) set({ state, accountId: state.accountId });
  },
}));

bridge.on('account.state', (state) => useAccountStore.getState().onState(state));
