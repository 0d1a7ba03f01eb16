// RFC 2782 target selection: lowest priority first; inside one priority, a weighted random order.

export interface SrvRecordLike {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/**
 * Orders SRV records the way RFC 2782 ("Usage rules") says a client must try them. Within a priority: put the
 * weight-0 records first, compute running sums of the weights, pick a uniform random number in [0, total] and take
 * the first record whose running sum is >= it; remove it and repeat. `random` returns [0, 1) and is injectable.
 */
export function orderSrv<T extends SrvRecordLike>(records: readonly T[], random: () => number = Math.random): T[] {
  const byPriority = new Map<number, T[]>();
  for (const r of records) {
    const group = byPriority.get(r.priority);
    if (group) group.push(r);
    else byPriority.set(r.priority, [r]);
  }
  const out: T[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    // Any order is allowed as long as weight-0 records come first; ascending weight (then name, port) does that
    // and makes the draw independent of the order the DNS server happened to return.
    const left = [...byPriority.get(priority)!].sort((a, b) => a.weight - b.weight || a.name.localeCompare(b.name) || a.port - b.port);
    while (left.length > 0) {
      const total = left.reduce((sum, r) => sum + r.weight, 0);
      // RFC 2782 draws from [0, total] inclusive; with integer weights, floor(random * (total + 1)) does that.
      const pick = Math.floor(random() * (total + 1));
      let running = 0;
      let index = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i]!.weight;
        if (running >= pick) {
          index = i;
          break;
        }
      }
      out.push(left.splice(index, 1)[0]!);
    }
  }
  return out;
}
