// The SIP log, polled from main every second while the diagnostics view is open (credentials are redacted in
// main at capture time), and the federation test.
import { create } from 'zustand';
import type { FederationTestResult } from '../../../shared/ipc/contract';
import { bridge } from '../bridge/bridge';
import type { SipLogEntry } from '../lib/sip-ladder';
import { outcome } from './result';

const KEEP = 3000;
let polling = false;

interface DiagnosticsState {
  entries: SipLogEntry[];
  lastSeq: number;
  error?: string;
  federation?: FederationTestResult;
  federationBusy: boolean;
  federationError?: string;
  poll(): Promise<void>;
  clearView(): void;
  testFederation(domain: string, accountId?: string): Promise<void>;
}

export const useDiagnosticsStore = create<DiagnosticsState>((set, get) => ({
  entries: [],
  lastSeq: 0,
  federationBusy: false,
  async poll() {
    // One request at a time: two overlapping polls would append the same entries twice.
    if (polling) return;
    polling = true;
    const r = outcome(await bridge.invoke('diagnostics.sipLog', { afterSeq: get().lastSeq }));
    polling = false;
    if (!r.ok) return set({ error: r.message });
    const fresh = r.value.filter((e) => e.seq > get().lastSeq);
    if (fresh.length === 0) return set({ error: undefined });
    const entries = [...get().entries, ...fresh].slice(-KEEP);
    set({ entries, lastSeq: fresh[fresh.length - 1]!.seq, error: undefined });
  },
  clearView() {
    set({ entries: [] });
  },
  async testFederation(domain, accountId) {
    set({ federationBusy: true, federationError: undefined, federation: undefined });
    const r = outcome(await bridge.invoke('diagnostics.testFederation', { domain, ...(accountId ? { accountId } : {}) }));
    if (r.ok) set({ federation: r.value, federationBusy: false });
    else set({ federationError: r.message, federationBusy: false });
  },
}));
