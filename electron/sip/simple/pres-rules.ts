// Presence authorization rules (RFC 5025 `application/auth-policy+xml`, on the common-policy framework of RFC 4745),
// as Parley writes them to the `pres-rules` XCAP application usage (RFC 5025 §9):
//   1. a polite-block rule for the watchers the user blocked (§3.2.1: the watcher is told nothing — it sees a
//      neutral "offline" state, never a refusal);
//   2. an allow rule, with every transformation granted, for the watchers the user allowed;
//   3. a catch-all for everybody else: `confirm` ("ask me": the subscription waits, watcher information tells the
//      user), or `allow` / `polite-block`.
// Servers differ in how they combine rules: RFC 4745 §10 takes the most permissive matching rule, Kamailio's
// presence_xml the first one in document order. Parley writes the rules in the order above *and* excludes the
// explicitly listed identities from the catch-all with <except>, so both readings give the same answer.
import { PresenceDocumentError } from './errors';
import { escapeAttr } from './xml/escape';
import { parseXml } from './xml/tree';
import type { XmlElement } from './xml/tree';

export const NS_COMMON_POLICY = 'urn:ietf:params:xml:ns:common-policy';
export const NS_PRES_RULES = 'urn:ietf:params:xml:ns:pres-rules';
export const PRES_RULES_TYPE = 'application/auth-policy+xml';
export const PRES_RULES_AUID = 'pres-rules';

/** RFC 5025 §3.2.1 values. */
export type SubHandling = 'block' | 'confirm' | 'polite-block' | 'allow';

export interface PresenceRules {
  /** Watchers (SIP URIs) that see our presence. */
  readonly allow: readonly string[];
  /** Watchers that are politely blocked. */
  readonly block: readonly string[];
  /** What happens to anybody else; 'confirm' = ask me. */
  readonly others: SubHandling;
}

const HANDLINGS: ReadonlySet<string> = new Set(['block', 'confirm', 'polite-block', 'allow']);

/** Everything a watcher may see (RFC 5025 §3.3): services, persons, devices and all attributes. */
const ALL_TRANSFORMATIONS =
  '<cp:transformations><pr:provide-services><pr:all-services/></pr:provide-services><pr:provide-persons><pr:all-persons/></pr:provide-persons>' +
  '<pr:provide-devices><pr:all-devices/></pr:provide-devices><pr:provide-all-attributes/></cp:transformations>';

function identity(ids: readonly string[]): string {
  return `<cp:identity>${ids.map((id) => `<cp:one id="${escapeAttr(id)}"/>`).join('')}</cp:identity>`;
}

function rule(id: string, conditions: string, handling: SubHandling): string {
  const transformations = handling === 'allow' ? ALL_TRANSFORMATIONS : '<cp:transformations/>';
  return `<cp:rule id="${id}"><cp:conditions>${conditions}</cp:conditions><cp:actions><pr:sub-handling>${handling}</pr:sub-handling></cp:actions>${transformations}</cp:rule>`;
}

export function buildPresRules(rules: PresenceRules): string {
  const allow = [...new Set(rules.allow)].filter((u) => !rules.block.includes(u));
  const block = [...new Set(rules.block)];
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>', `<cp:ruleset xmlns:cp="${NS_COMMON_POLICY}" xmlns:pr="${NS_PRES_RULES}">`];
  // RFC 4745 §7.1: a rule with an empty <identity> matches nobody, so empty lists are left out entirely.
  if (block.length) parts.push(rule('parley-block', identity(block), 'polite-block'));
  if (allow.length) parts.push(rule('parley-allow', identity(allow), 'allow'));
  const except = [...block, ...allow].map((id) => `<cp:except id="${escapeAttr(id)}"/>`).join('');
  parts.push(rule('parley-others', `<cp:identity><cp:many>${except}</cp:many></cp:identity>`, rules.others));
  parts.push('</cp:ruleset>');
  return parts.join('\n');
}

function handlingOf(r: XmlElement): SubHandling | undefined {
  const v = r.child(NS_COMMON_POLICY, 'actions')?.child(NS_PRES_RULES, 'sub-handling')?.value;
  return v && HANDLINGS.has(v) ? (v as SubHandling) : undefined;
}

/**
 * Reads a pres-rules document back into allow / block lists and the default for others (any author's, as long as
 * it uses identity <one>/<many>; rules with other conditions — sphere, validity — are kept out of the lists).
 */
export function parsePresRules(body: string): PresenceRules {
  const root = parseXml(body, { maxLength: 1024 * 1024, maxElements: 40_000 });
  if (root.ns !== NS_COMMON_POLICY || root.local !== 'ruleset') throw new PresenceDocumentError('pres-rules', `root element is ${root.local}`);
  const allow: string[] = [];
  const block: string[] = [];
  let others: SubHandling | undefined;
  for (const r of root.children) {
    if (r.ns !== NS_COMMON_POLICY || r.local !== 'rule') continue;
    const handling = handlingOf(r);
    const cond = r.child(NS_COMMON_POLICY, 'conditions');
    const id = cond?.child(NS_COMMON_POLICY, 'identity');
    if (!handling || !cond || !id || cond.children.length !== 1) continue;
    for (const c of id.children) {
      if (c.ns !== NS_COMMON_POLICY) continue;
      const one = c.local === 'one' ? c.attr('id') : undefined;
      if (one) (handling === 'allow' ? allow : handling === 'confirm' ? [] : block).push(one);
      // A domain-less <many> is "everybody else"; the first one found wins (document order, as Kamailio reads).
      if (c.local === 'many' && c.attr('domain') === undefined && others === undefined) others = handling;
    }
  }
  return { allow, block, others: others ?? 'confirm' };
}
