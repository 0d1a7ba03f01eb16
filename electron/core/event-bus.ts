// Main → renderer events. Services emit typed payloads; each carrier subscribes once and forwards.
import type { EventName, EventPayload } from '../../shared/ipc/contract';
import { checkEvent } from '../../shared/ipc/validate';

export type EventSink = (name: EventName, payload: unknown) => void;

export class EventBus {
  readonly #sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    // Events are checked too, so a service can never push something the contract does not describe.
    const checked = checkEvent(name, payload);
    if (!checked.ok) throw new Error(`event ${name} breaks the contract: ${checked.reason}`);
    for (const sink of this.#sinks) sink(name, checked.value);
  }
}
